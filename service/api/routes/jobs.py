"""Background jobs: progress, cancellation and an export's file, checked by workspace."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from service.api.deps import ContextDep, CurrentUser, ServicesDep
from service.api.errors import error_responses
from service.api.schemas.jobs import JobPublic
from service.domain.access import Role, User
from service.domain.jobs import JobStatus
from service.errors import NotFoundError
from service.pipeline.context import PipelineContext
from service.pipeline.export_jobs import export_file
from service.pipeline.users import authorize, require_admin

router = APIRouter(prefix="/jobs", tags=["jobs"])


def _visible(
    services: ServicesDep, context: PipelineContext, user: User, job_id: str, needed: Role
) -> JobStatus:
    """The job if the user holds ``needed`` in its workspace; outsiders are told it is unknown."""
    status = services.jobs.status(job_id)
    try:
        if status.scope is None:
            require_admin(user)
        else:
            with context.sessions() as session:
                authorize(session, user, status.scope, needed)
    except NotFoundError:
        raise NotFoundError(f"no job '{job_id}'") from None
    return status


@router.get("/{job_id}", responses=error_responses(401, 404, 422))
def job_status(
    job_id: str, services: ServicesDep, context: ContextDep, user: CurrentUser
) -> JobPublic:
    """A job's state, percent and current requirement; ``result`` once it is done."""
    return JobPublic.of(_visible(services, context, user, job_id, Role.VIEWER))


@router.get("/{job_id}/file", responses=error_responses(401, 404, 422),
            response_class=FileResponse)
def job_file(
    job_id: str, services: ServicesDep, context: ContextDep, user: CurrentUser
) -> FileResponse:
    """The file a finished export job made (404 until it is done, or once it was removed)."""
    made = export_file(context, _visible(services, context, user, job_id, Role.VIEWER))
    return FileResponse(made.path, media_type=made.media_type, filename=made.name)


@router.delete("/{job_id}", responses=error_responses(401, 403, 404, 422))
def cancel_job(
    job_id: str, services: ServicesDep, context: ContextDep, user: CurrentUser
) -> JobPublic:
    """Cancel a job: a queued one at once, a running one after its current step."""
    _visible(services, context, user, job_id, Role.ASSESSOR)
    return JobPublic.of(services.jobs.cancel(job_id))
