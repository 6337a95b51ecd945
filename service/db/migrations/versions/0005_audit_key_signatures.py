"""The keyed audit chain (a chain rule per event, the key on the head) and signatures.

Existing events keep their unkeyed rule (``chain`` 1): the log is append-only, so they are
never re-keyed; the first keyed append chains to them. The columns are added in place (no
table rebuild), so the append-only triggers stay.

Revision ID: 0004_audit_key_signatures
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_audit_key_signatures"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events",
                  sa.Column("chain", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("audit_head", sa.Column("key_id", sa.String(16), nullable=True))
    op.add_column("audit_head", sa.Column("keyed_from", sa.Integer(), nullable=True))
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.String(36),
                  sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("signer", sa.String(200), nullable=False),
        sa.Column("meaning", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(200), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_signatures_assessment", "signatures", ["assessment_id"])


def downgrade() -> None:
    op.drop_index("ix_signatures_assessment", "signatures")
    op.drop_table("signatures")
    op.drop_column("audit_head", "keyed_from")
    op.drop_column("audit_head", "key_id")
    op.drop_column("audit_events", "chain")
