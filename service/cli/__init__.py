"""`assay`: the pipeline from the terminal. The contract is shared/CLI.md."""

from __future__ import annotations

import typer

from service.cli import (
    admin,
    assess,
    audit,
    chat,
    database,
    evals,
    export,
    frameworks,
    ingest,
    project,
    review,
    scope,
    serve,
    signoff,
    worker,
)

app = typer.Typer(
    name="assay",
    help="AI-assisted maturity assessments against compliance frameworks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.registered_commands.extend(ingest.app.registered_commands)
app.registered_groups.extend(ingest.app.registered_groups)
app.registered_commands.extend(assess.app.registered_commands)
app.registered_commands.extend(export.app.registered_commands)
app.add_typer(frameworks.app, name="frameworks")
app.registered_commands.extend(review.app.registered_commands)
app.registered_commands.extend(project.app.registered_commands)
review.assessments.registered_commands.extend(scope.app.registered_commands)
app.add_typer(review.assessments, name="assessments")
app.add_typer(audit.app, name="audit")
app.registered_commands.extend(signoff.app.registered_commands)
app.add_typer(database.app, name="db")
app.add_typer(admin.users, name="users")
app.add_typer(admin.workspaces, name="workspaces")
app.add_typer(admin.members, name="members")
app.add_typer(admin.tokens, name="tokens")
app.registered_commands.extend(chat.app.registered_commands)
app.registered_commands.extend(serve.app.registered_commands)
app.registered_commands.extend(evals.app.registered_commands)
app.registered_commands.extend(worker.app.registered_commands)


def main() -> None:
    """Console script entry point."""
    app()
