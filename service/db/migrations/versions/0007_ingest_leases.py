"""Documents get a state (pending until their vectors are stored) and an ingest lease.

A pending row, or a ready one being replaced, carries the holder of the ingest and when its
lease expires; the start-up reconcile clears work whose lease expired.

Revision ID: 0007_ingest_leases
Revises: 0004_audit_key_signatures
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_ingest_leases"
down_revision = "0006_assessment_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("state", sa.String(10), nullable=False,
                                   server_default="ready"))
        batch.add_column(sa.Column("lease_holder", sa.String(200), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_holder")
        batch.drop_column("state")
