"""Users, API tokens, memberships, reviews, the audit log and chat conversations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
POSTGRES_GUARD = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]
SQLITE_GUARD = [
    f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]


def _created_at() -> sa.Column[Any]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _foreign(
    name: str, target: str, *, text_key: bool = False, nullable: bool = False,
    ondelete: str = "CASCADE",
) -> sa.Column[Any]:
    kind: sa.types.TypeEngine[Any] = sa.String(36) if text_key else sa.Integer()
    return sa.Column(name, kind, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        _created_at(),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        _foreign("user_id", "users.id"),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(20), nullable=False),
        _created_at(),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), primary_key=True),
        _foreign("workspace_id", "workspaces.id"),
        _foreign("user_id", "users.id"),
        sa.Column("role", sa.String(20), nullable=False),
        _created_at(),
        sa.UniqueConstraint("workspace_id", "user_id"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        _foreign("assessment_id", "assessments.id", text_key=True),
        sa.Column("ref_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("proposed_level", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        _created_at(),
    )
    op.create_index("ix_reviews_assessment_ref", "reviews", ["assessment_id", "ref_id"])
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])
    guard = POSTGRES_GUARD if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARD
    for statement in guard:
        op.execute(statement)
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(36), primary_key=True),
        _foreign("workspace_id", "workspaces.id"),
        _foreign("user_id", "users.id", nullable=True, ondelete="SET NULL"),
        sa.Column("framework_id", sa.String(100), nullable=True),
        _created_at(),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        _foreign("conversation_id", "conversations.id", text_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        _created_at(),
    )


def downgrade() -> None:
    op.drop_table("messages")
    op.drop_table("conversations")
    op.drop_table("audit_head")
    op.drop_table("audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_index("ix_reviews_assessment_ref", "reviews")
    op.drop_table("reviews")
    op.drop_table("memberships")
    op.drop_table("api_tokens")
    op.drop_table("users")
