"""Dependencies: the services, the request's unit of work, the current user and roles.

A request gets one unit of work (``ContextDep``, a ``PipelineContext``): every block of
database work in its dependencies, its route and the pipeline functions the route calls
uses one session, which holds a pooled connection only while a block runs, so a request
never waits for a second connection while it holds one. Routes receive this pipeline
object, never a database session of their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.composition import Services
from service.domain.access import Role, User
from service.domain.workspace import SLUG
from service.errors import AuthenticationError
from service.pipeline.context import PipelineContext
from service.pipeline.users import authenticate, authorize, require_admin

bearer = HTTPBearer(auto_error=False, description="An API token: `assay tokens create USER`.")


def get_services(request: Request) -> Services:
    """The app's shared services."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_context(services: ServicesDep) -> AsyncIterator[PipelineContext]:
    """The pipeline's parts with this request's unit of work, ended when the route returns."""
    context = services.context.unit_of_work()
    try:
        yield context
    finally:
        context.close_work()


ContextDep = Annotated[PipelineContext, Depends(get_context, scope="function")]


def get_current_user(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user whose Bearer token came with the request; 401 without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("this endpoint needs an API token: 'Authorization: Bearer ...'")
    with context.sessions() as session:
        user = authenticate(session, credentials.credentials)
    if user is None:
        raise AuthenticationError("the API token is unknown or revoked")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_admin(user: CurrentUser) -> User:
    """The current user, who must be an admin; 403 otherwise."""
    require_admin(user)
    return user


AdminUser = Annotated[User, Depends(get_admin)]
SlugPath = Annotated[str, Path(pattern=SLUG.pattern, max_length=63,
                               description="The workspace's slug.")]


def workspace_role(needed: Role) -> Callable[[str, PipelineContext, User], str]:
    """A dependency that passes the workspace slug once the user holds ``needed`` in it."""

    def check(slug: SlugPath, context: ContextDep, user: CurrentUser) -> str:
        with context.sessions() as session:
            authorize(session, user, slug, needed)
        return slug

    return check


ViewerSlug = Annotated[str, Depends(workspace_role(Role.VIEWER))]
ReviewerSlug = Annotated[str, Depends(workspace_role(Role.REVIEWER))]
AssessorSlug = Annotated[str, Depends(workspace_role(Role.ASSESSOR))]
