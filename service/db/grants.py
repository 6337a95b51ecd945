"""PostgreSQL grants for a least-privilege service role.

The tables belong to the owner role that runs the migrations (``db.migration_url``). The
service's role may read and write the data, but on the audit log it may only SELECT and
INSERT: no UPDATE, DELETE or TRUNCATE, and, not owning the table, it cannot drop or
disable the append-only triggers either. It may UPDATE the single head row, which every
append advances, and only read the migration version.
"""

from __future__ import annotations

import re

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")
DATA = "SELECT, INSERT, UPDATE, DELETE"


def _quoted(name: str, what: str) -> str:
    if not IDENTIFIER.match(name):
        raise ValueError(f"invalid {what} {name!r}: use lower-case letters, digits and _")
    return f'"{name}"'


def service_role_grants(role: str, schema: str = "public") -> list[str]:
    """The statements the owner runs to give ``role`` least privilege in ``schema``."""
    r, s = _quoted(role, "role name"), _quoted(schema, "schema name")
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT {DATA} ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {DATA} ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {s}.audit_events FROM {r}",
        f"REVOKE INSERT, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {s}.audit_head FROM {r}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {s}.alembic_version FROM {r}",
    ]
