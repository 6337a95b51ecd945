"""Dependencies: the services, a database session, the current user and workspace roles."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.services import Services
from service.db import Session
from service.domain.access import Role, User
from service.domain.workspace import SLUG
from service.errors import AuthenticationError
from service.pipeline.users import authenticate, authorize, require_admin

bearer = HTTPBearer(auto_error=False, description="An API token: `assay tokens create USER`.")


def get_services(request: Request) -> Services:
    """The app's shared services."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_db(services: ServicesDep) -> Iterator[Session]:
    """A database session for one request, closed afterwards."""
    with services.context.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def get_current_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user whose Bearer token came with the request; 401 without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("this endpoint needs an API token: 'Authorization: Bearer ...'")
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


def workspace_role(needed: Role) -> Callable[[str, Session, User], str]:
    """A dependency that passes the workspace slug once the user holds ``needed`` in it."""

    def check(slug: SlugPath, session: SessionDep, user: CurrentUser) -> str:
        authorize(session, user, slug, needed)
        return slug

    return check


ViewerSlug = Annotated[str, Depends(workspace_role(Role.VIEWER))]
ReviewerSlug = Annotated[str, Depends(workspace_role(Role.REVIEWER))]
AssessorSlug = Annotated[str, Depends(workspace_role(Role.ASSESSOR))]
