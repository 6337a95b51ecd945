"""The rationale cache: model-written rationales keyed by the hash of findings, model and prompt.

Revision ID: 0009_rationale_cache
Revises: 0004_audit_key_signatures
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_rationale_cache"
down_revision = "0008_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rationale_cache",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("prompt_version", sa.String(50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rationale_cache")
