"""What every page needs: the pipeline's parts, the signed-in user, their role, CSRF checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from service.composition import Services
from service.domain.access import Role, User, role_allows
from service.errors import ForbiddenError, NotFoundError
from service.pipeline.context import Session
from service.pipeline.users import authorize, get_user, role_in
from service.web.errors import SignInRequiredError
from service.web.services import services
from service.web.session import SESSION_COOKIE, SessionSigner, same_token

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
ServicesDep = Annotated[Services, Depends(services)]


def session_signer(request: Request) -> SessionSigner:
    """The app's session signer, made at start-up by ``service.web.install``."""
    signer: SessionSigner = request.app.state.session_signer
    return signer


SignerDep = Annotated[SessionSigner, Depends(session_signer)]


def secure_cookies(request: Request) -> bool:
    """Whether cookies get ``Secure``: by setting, or when the request came over HTTPS.

    Behind a TLS proxy the scheme is https only when the proxy's address is trusted
    (``api.forwarded_allow_ips``).
    """
    return bool(request.app.state.secure_cookies) or request.url.scheme == "https"


@dataclass(frozen=True)
class Visitor:
    """The signed-in user and the CSRF token their forms must carry."""

    user: User
    csrf: str


def signed_in(request: Request, svc: ServicesDep, signer: SignerDep) -> Visitor:
    """The user of a valid, current session cookie; SignInRequiredError otherwise.

    A session is current while its generation equals the user's: signing out, a revoked
    token or a changed role ends it.
    """
    web_session = signer.decode(request.cookies.get(SESSION_COOKIE))
    if web_session is None:
        raise SignInRequiredError()
    with svc.context.sessions() as session:
        try:
            user = get_user(session, web_session.user)
        except NotFoundError:
            raise SignInRequiredError() from None
    if user.session_generation != web_session.generation:
        raise SignInRequiredError()
    return Visitor(user=user, csrf=web_session.csrf)


VisitorDep = Annotated[Visitor, Depends(signed_in)]


async def checked_visitor(request: Request, visitor: VisitorDep) -> Visitor:
    """The signed-in user of a state-changing request that carries their CSRF token.

    The token comes in the X-CSRF-Token header, or as a field of a small urlencoded form;
    a multipart body (an upload) is never read for it: it must use the header.
    """
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not same_token(visitor.csrf, given):
        raise ForbiddenError(
            "This form has expired or did not come from this site. Reload the page and try again."
        )
    return visitor


CheckedVisitorDep = Annotated[Visitor, Depends(checked_visitor)]


@dataclass(frozen=True)
class Access:
    """A user inside one workspace: what they may see and do there."""

    visitor: Visitor
    workspace: str
    role: Role | None

    @property
    def user(self) -> User:
        """The signed-in user."""
        return self.visitor.user

    def can(self, needed: Role) -> bool:
        """Whether the user holds ``needed`` here (an admin holds every role)."""
        if self.user.is_admin:
            return True
        return self.role is not None and role_allows(self.role, needed)

    def require(self, needed: Role) -> None:
        """ForbiddenError, in plain words, unless the user holds ``needed`` here."""
        if not self.can(needed):
            held = self.role.value if self.role else "no role"
            raise ForbiddenError(
                f"You are a {held} in workspace '{self.workspace}'; "
                f"this needs the {needed.value} role."
            )


def open_workspace(session: Session, visitor: Visitor, workspace: str) -> Access:
    """The visitor's access to a workspace they may read; NotFoundError otherwise."""
    authorize(session, visitor.user, workspace, Role.VIEWER)
    return Access(
        visitor=visitor,
        workspace=workspace,
        role=role_in(session, visitor.user, workspace),
    )


def workspace_access(workspace: str, visitor: VisitorDep, svc: ServicesDep) -> Access:
    """Dependency: read access to the workspace in the path."""
    with svc.context.sessions() as session:
        return open_workspace(session, visitor, workspace)


def checked_workspace_access(
    workspace: str, visitor: CheckedVisitorDep, svc: ServicesDep
) -> Access:
    """Dependency: access to the workspace in the path, for a CSRF-checked change."""
    with svc.context.sessions() as session:
        return open_workspace(session, visitor, workspace)


AccessDep = Annotated[Access, Depends(workspace_access)]
ChangeDep = Annotated[Access, Depends(checked_workspace_access)]
