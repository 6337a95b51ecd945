"""`assay db migrate|grants`: the schema, migrated by its owner; a least-privilege role."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.options import JsonOpt
from service.cli.output import emit_json, stdout, with_errors
from service.pipeline.storage import migrate_database, service_role_sql
from service.settings import get_settings

app = typer.Typer(help="The relational database.", no_args_is_help=True)


@app.command("migrate")
@with_errors
def migrate_command(json_out: JsonOpt = False) -> None:
    """Apply the migrations with ASSAY_DB__MIGRATION_URL (default: ASSAY_DB__URL)."""
    migrate_database(get_settings())
    if json_out:
        emit_json({"migrated": True})
    else:
        stdout.print("the database schema is up to date")


@app.command("grants")
@with_errors
def grants_command(
    role: Annotated[str, typer.Argument(help="The PostgreSQL role the service connects as.")],
    schema: Annotated[str, typer.Option("--schema", help="The schema of Assay's tables.")] = (
        "public"),
) -> None:
    """Print the SQL that gives the service's role least privilege; run it as the owner."""
    for statement in service_role_sql(role, schema):
        typer.echo(f"{statement};")
