"""`assay serve`: migrate, create the first admin (its token printed once), serve API and UI."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from service.app import create_app
from service.cli.access import open_sessions
from service.cli.output import stderr, with_errors
from service.datadir import serve_lock
from service.pipeline.audit import SYSTEM_ACTOR
from service.pipeline.users import create_token, create_user, has_users
from service.settings import Settings, get_settings

app = typer.Typer()
FIRST_ADMIN = "admin"


def first_start(settings: Settings) -> str | None:
    """Migrate the database; with no users yet, create the admin and return its token."""
    with open_sessions(settings)() as session:
        if has_users(session):
            return None
        create_user(session, FIRST_ADMIN, is_admin=True, actor=SYSTEM_ACTOR)
        return create_token(session, FIRST_ADMIN, actor=SYSTEM_ACTOR).token


@app.command()
@with_errors
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Default: 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Default: 8000.")] = None,
) -> None:
    """Serve the API and the UI; on the first start, print the admin's API token once."""
    settings = get_settings()
    with serve_lock(settings):
        token = first_start(settings)
        if token is not None:
            stderr.print(f"created the admin user '{FIRST_ADMIN}'; its API token follows on "
                         "stdout, shown once: store it now")
            typer.echo(token)
        app = create_app(settings, warm_up=settings.api.warm_up)
        uvicorn.run(app, host=host or settings.api.host, port=port or settings.api.port,
                    proxy_headers=True, forwarded_allow_ips=settings.api.forwarded_allow_ips)
