"""Users, tokens, workspaces and roles on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from service.db import Session, sessionmaker
from service.domain.access import Role
from service.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from service.pipeline.audit import list_events, verify
from service.pipeline.members import add_member, memberships, remove_member, visible_workspaces
from service.pipeline.users import (
    authenticate,
    authorize,
    create_token,
    create_user,
    create_workspace,
    get_user,
    has_users,
    revoke_token,
)

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
ADMIN = "cli:test"


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """An admin, three members of 'qa' (one per role), and 'lab' with no members."""
    with sessions() as session:
        create_user(session, "root", is_admin=True, actor=ADMIN)
        for name in ("vera", "rita", "axel", "nina"):
            create_user(session, name, actor=ADMIN)
        create_workspace(session, "qa", actor=ADMIN)
        create_workspace(session, "lab", actor=ADMIN)
        for name, role in (("vera", "viewer"), ("rita", "reviewer"), ("axel", "assessor")):
            add_member(session, "qa", name, role, actor=ADMIN)
    return sessions


def test_has_users(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert not has_users(session)
        create_user(session, "root", is_admin=True, actor="system")
        assert has_users(session)


def test_creating_twice_conflicts_and_bad_names_are_refused(people: sessionmaker[Session]) -> None:
    with people() as session:
        with pytest.raises(ConflictError, match="user 'vera' already exists"):
            create_user(session, "vera", actor=ADMIN)
        with pytest.raises(ConflictError, match="workspace 'qa' already exists"):
            create_workspace(session, "qa", actor=ADMIN)
        with pytest.raises(InvalidInputError, match="invalid workspace name"):
            create_workspace(session, "Bad Name", actor=ADMIN)
        with pytest.raises(InvalidInputError, match="invalid user name"):
            create_user(session, "cli:someone", actor=ADMIN)
        with pytest.raises(InvalidInputError, match="unknown role 'boss'"):
            add_member(session, "qa", "nina", "boss", actor=ADMIN)
        with pytest.raises(NotFoundError, match="no workspace 'nowhere'"):
            add_member(session, "nowhere", "nina", "viewer", actor=ADMIN)
        with pytest.raises(NotFoundError, match="no user 'ghost'"):
            add_member(session, "qa", "ghost", "viewer", actor=ADMIN)


@pytest.mark.parametrize(("user", "allowed"), [
    ("vera", {Role.VIEWER}),
    ("rita", {Role.VIEWER, Role.REVIEWER}),
    ("axel", {Role.VIEWER, Role.ASSESSOR}),
    ("root", {Role.VIEWER, Role.REVIEWER, Role.ASSESSOR}),
])
def test_the_role_matrix(people: sessionmaker[Session], user: str, allowed: set[Role]) -> None:
    with people() as session:
        who = get_user(session, user)
        for needed in Role:
            if needed in allowed:
                authorize(session, who, "qa", needed)
            else:
                with pytest.raises(ForbiddenError, match=f"needs the {needed} role"):
                    authorize(session, who, "qa", needed)


def test_outsiders_are_told_the_workspace_does_not_exist(people: sessionmaker[Session]) -> None:
    with people() as session:
        for user, workspace in (("vera", "lab"), ("nina", "qa"), ("root", "nowhere")):
            with pytest.raises(NotFoundError, match=f"no workspace '{workspace}'"):
                authorize(session, get_user(session, user), workspace, Role.VIEWER)
        authorize(session, get_user(session, "root"), "lab", Role.ASSESSOR)
        assert visible_workspaces(session, get_user(session, "vera")) == ["qa"]
        assert visible_workspaces(session, get_user(session, "root")) == ["lab", "qa"]


def test_roles_change_and_are_removed(people: sessionmaker[Session]) -> None:
    with people() as session:
        add_member(session, "qa", "vera", "reviewer", actor=ADMIN)
        add_member(session, "qa", "vera", "reviewer", actor=ADMIN)
        authorize(session, get_user(session, "vera"), "qa", Role.REVIEWER)
        assert [m.role for m in memberships(session, get_user(session, "vera"))] == ["reviewer"]
        remove_member(session, "qa", "vera", actor=ADMIN)
        with pytest.raises(NotFoundError):
            authorize(session, get_user(session, "vera"), "qa", Role.VIEWER)
        actions = [e.action for e in list_events(session, "qa")]
    assert actions[-2:] == ["member.role_changed", "member.removed"]
    assert actions.count("member.role_changed") == 1


def test_tokens_authenticate_until_revoked(people: sessionmaker[Session]) -> None:
    with people() as session:
        issued = create_token(session, "rita", actor=ADMIN)
        assert issued.token.startswith("assay_") and len(issued.token) > 40
        assert issued.token.startswith(issued.prefix)
        user = authenticate(session, issued.token)
        assert user is not None and user.name == "rita"
        assert authenticate(session, issued.token[:-1] + "x") is None
        assert authenticate(session, "not-a-token") is None
        assert create_token(session, "rita", actor=ADMIN).token != issued.token
        revoke_token(session, "rita", issued.id, actor=ADMIN)
        assert authenticate(session, issued.token) is None
        with pytest.raises(NotFoundError):
            revoke_token(session, "vera", issued.id, actor=ADMIN)


def _everything_stored(session: Session) -> str:
    connection = session.connection()
    dump = []
    for table in inspect(connection).get_table_names():
        dump += [repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(dump)


def test_the_plain_token_is_never_stored(people: sessionmaker[Session], db_url: str) -> None:
    with people() as session:
        issued = create_token(session, "rita", actor=ADMIN)
        stored = _everything_stored(session)
    assert issued.prefix in stored
    assert issued.token not in stored and issued.token[len(issued.prefix):] not in stored
    if db_url.startswith("sqlite"):
        database = Path(db_url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert issued.token[len(issued.prefix):].encode() not in raw


def test_every_change_is_audited_by_its_actor(people: sessionmaker[Session]) -> None:
    with people() as session:
        create_token(session, "axel", actor="root")
        events = list_events(session)
        assert verify(session).ok
    assert [e.action for e in events] == (
        ["user.created"] * 5 + ["workspace.created"] * 2 + ["member.added"] * 3
        + ["token.created"])
    assert events[0].after == {"name": "root", "is_admin": True}
    assert events[-1].actor == "root"
    assert events[-1].target.startswith("user:axel/token:")
    assert {e.actor for e in events[:-1]} == {ADMIN}
