"""Users, tokens, workspaces and memberships: who may do what, where."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service.api.deps import AdminUser, ContextDep, CurrentUser, SlugPath
from service.api.errors import error_responses
from service.api.schemas.admin import (
    MembershipCreate,
    MembershipPublic,
    MePublic,
    TokenPublic,
    UserCreate,
    UserPublic,
    WorkspaceCreate,
    WorkspaceList,
    WorkspacePublic,
)
from service.pipeline.members import add_member, memberships, remove_member, visible_workspaces
from service.pipeline.users import (
    create_token,
    create_user,
    create_workspace,
    get_user,
    revoke_token,
)

router = APIRouter(tags=["admin"])
ADMIN_ERRORS = error_responses(401, 403, 404, 409, 422)
UserName = Annotated[str, Path(min_length=1, max_length=100)]
TokenId = Annotated[int, Path(ge=1, le=2**62, description="The token's id.")]


@router.get("/me", responses=error_responses(401))
def me(user: CurrentUser, context: ContextDep) -> MePublic:
    """The current user and their roles."""
    with context.sessions() as session:
        return MePublic(
            user=UserPublic.model_validate(user.model_dump()),
            memberships=[MembershipPublic.model_validate(m.model_dump())
                         for m in memberships(session, user)],
        )


@router.post("/users", status_code=201, responses=ADMIN_ERRORS)
def new_user(body: UserCreate, admin: AdminUser, context: ContextDep) -> UserPublic:
    """Create a user."""
    with context.sessions() as session:
        user = create_user(session, body.name, is_admin=body.is_admin, actor=admin.name)
        return UserPublic.model_validate(user.model_dump())


@router.get("/users/{name}", responses=ADMIN_ERRORS)
def show_user(name: UserName, _admin: AdminUser, context: ContextDep) -> UserPublic:
    """One user."""
    with context.sessions() as session:
        return UserPublic.model_validate(get_user(session, name).model_dump())


@router.post("/users/{name}/tokens", status_code=201, responses=ADMIN_ERRORS)
def new_token(name: UserName, admin: AdminUser, context: ContextDep) -> TokenPublic:
    """Issue an API token: it is in this response only, never stored in plain."""
    with context.sessions() as session:
        token = create_token(session, name, actor=admin.name)
    return TokenPublic.model_validate(token.model_dump())


@router.delete("/users/{name}/tokens/{token_id}", status_code=204, response_class=Response,
               responses=ADMIN_ERRORS)
def revoke(name: UserName, token_id: TokenId, admin: AdminUser, context: ContextDep) -> None:
    """Revoke one of a user's tokens."""
    with context.sessions() as session:
        revoke_token(session, name, token_id, actor=admin.name)


@router.get("/workspaces", responses=error_responses(401))
def list_workspaces(user: CurrentUser, context: ContextDep) -> WorkspaceList:
    """The workspaces the current user may open."""
    with context.sessions() as session:
        return WorkspaceList(workspaces=visible_workspaces(session, user))


@router.post("/workspaces", status_code=201, responses=ADMIN_ERRORS)
def new_workspace(
    body: WorkspaceCreate, admin: AdminUser, context: ContextDep
) -> WorkspacePublic:
    """Create a workspace."""
    with context.sessions() as session:
        created = create_workspace(session, body.slug, actor=admin.name, name=body.name)
        return WorkspacePublic.model_validate(created.model_dump())


@router.put("/workspaces/{slug}/members/{name}", responses=ADMIN_ERRORS)
def grant_role(
    slug: SlugPath, name: UserName, body: MembershipCreate, admin: AdminUser,
    context: ContextDep,
) -> MembershipPublic:
    """Grant a user a role in a workspace, or change it (admin)."""
    with context.sessions() as session:
        granted = add_member(session, slug, name, body.role.value, actor=admin.name)
        return MembershipPublic.model_validate(granted.model_dump())


@router.delete("/workspaces/{slug}/members/{name}", status_code=204, response_class=Response,
               responses=ADMIN_ERRORS)
def revoke_role(slug: SlugPath, name: UserName, admin: AdminUser, context: ContextDep) -> None:
    """Take a user's role in a workspace away (admin)."""
    with context.sessions() as session:
        remove_member(session, slug, name, actor=admin.name)
