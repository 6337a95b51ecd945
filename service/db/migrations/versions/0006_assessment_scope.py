"""The optional scope statement of an assessment (what it covers, in the assessor's words).

Revision ID: 0006_assessment_scope
Revises: 0004_audit_key_signatures
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_assessment_scope"
down_revision = "0004_audit_key_signatures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("scope", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("scope")
