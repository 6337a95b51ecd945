"""Documents get a version number; versions cited by reviewed or signed proposals are kept.

A replaced or deleted document's version that a reviewed proposal (or one of a signed
assessment) cites keeps a row here, with its chunks and original, until nothing cites it.

Revision ID: 0010_document_versions
Revises: 0009_rationale_cache
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_document_versions"
down_revision = "0009_rationale_cache"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(),
                  sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(1000), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(20), nullable=False),
        sa.Column("stored_path", sa.String(1000), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.UniqueConstraint("document_id", "content_hash"),
    )


def downgrade() -> None:
    op.drop_table("document_versions")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("version")
