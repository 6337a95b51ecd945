"""`assay worker`: a Celery worker that runs the server's jobs (``jobs.mode=celery``)."""

from __future__ import annotations

import typer

from service.cli.output import with_errors
from service.composition import Services
from service.errors import InvalidInputError
from service.settings import get_settings

app = typer.Typer()


@app.command()
@with_errors
def worker() -> None:
    """Run queued jobs (ingest, assessments) from Redis until stopped; needs jobs.mode=celery."""
    settings = get_settings()
    if settings.jobs.mode != "celery":
        raise InvalidInputError(
            "assay worker runs Celery jobs: set ASSAY_JOBS__MODE=celery and "
            "ASSAY_JOBS__BROKER_URL (with jobs.mode=threads, `assay serve` runs the jobs)"
        )
    Services(settings).run_worker()
