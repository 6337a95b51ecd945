"""`assay serve`: migrate, create the first admin (its token printed once), serve API and UI."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from service.app import create_app
from service.cli.access import open_sessions
from service.cli.output import stderr, with_errors
from service.datadir import serve_lock
from service.errors import InvalidInputError
from service.pipeline.audit import SYSTEM_ACTOR
from service.pipeline.users import create_token, create_user, has_users
from service.settings import Settings, get_settings

app = typer.Typer()
FIRST_ADMIN = "admin"
ASGI_APP = "service.main:app"


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
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64,
        help="Server processes (more than one needs the Chroma server: "
             "ASSAY_VECTORSTORE__MODE=http).")] = 1,
) -> None:
    """Serve the API and the UI; on the first start, print the admin's API token once."""
    settings = get_settings()
    if workers > 1 and settings.vectorstore.mode != "http":
        raise InvalidInputError(
            "--workers above 1 needs the Chroma server (ASSAY_VECTORSTORE__MODE=http): "
            "the embedded Chroma belongs to one process")
    with serve_lock(settings):
        token = first_start(settings)
        if token is not None:
            stderr.print(f"created the admin user '{FIRST_ADMIN}'; its API token follows on "
                         "stdout, shown once: store it now")
            typer.echo(token)
        where = {"host": host or settings.api.host, "port": port or settings.api.port,
                 "proxy_headers": True, "forwarded_allow_ips": settings.api.forwarded_allow_ips}
        if workers > 1:  # each process builds its app from the same settings
            uvicorn.run(ASGI_APP, workers=workers, **where)  # type: ignore[arg-type]
            return
        app = create_app(settings, warm_up=settings.api.warm_up)
        uvicorn.run(app, **where)  # type: ignore[arg-type]
