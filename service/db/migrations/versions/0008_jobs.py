"""Jobs in the database, so that every API process and worker sees the same job state.

Revision ID: 0008_jobs
Revises: 0004_audit_key_signatures
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_jobs"
down_revision = "0007_ingest_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("scope", sa.String(63), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.Column("current", sa.String(300), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(300), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_holder", sa.String(200), nullable=True),
        sa.Column("lease_expires", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_jobs_state_lease", "jobs", ["state", "lease_expires"])


def downgrade() -> None:
    op.drop_index("ix_jobs_state_lease", "jobs")
    op.drop_table("jobs")
