"""Sessions that hold one pooled connection at a time, and the unit of work a request shares.

``with sessions() as session:`` is a block of database work. A session is re-entrant: a
block inside a block (a pipeline function called by a route, say) uses the same session and
the same connection, and only the outermost block closes it, which gives the connection back
to the pool. A ``UnitOfWork`` hands out one such session for a whole request, so no request
ever holds two connections, nor waits for a second one while holding the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from service.errors import ServiceBusyError


@contextmanager
def pool_timeout_as_busy() -> Iterator[None]:
    """Turn the pool's timeout (every connection in use) into ``ServiceBusyError`` (503)."""
    try:
        yield
    except PoolTimeoutError as error:
        raise ServiceBusyError() from error


class BlockSession(Session):
    """A session whose outermost ``with`` block closes it; a pool timeout is a 503 (busy)."""

    _blocks = 0

    def __enter__(self) -> BlockSession:
        self._blocks += 1
        return self

    def __exit__(
        self, type_: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._blocks -= 1
        if self._blocks == 0:
            self.close()  # the connection goes back to the pool; the session stays usable
        if isinstance(value, PoolTimeoutError):
            raise ServiceBusyError() from value


class UnitOfWork(sessionmaker[Session]):
    """A session factory that hands out one shared session: a request's unit of work.

    Every block opened through it uses that session, one after another or nested, so the
    request holds at most one pooled connection, and only while a block (or the route's
    own use of the session) runs. Not for concurrent use from several threads at once.
    """

    def __init__(self, factory: sessionmaker[Session]) -> None:
        super().__init__(class_=factory.class_, **factory.kw)
        self._shared: Session | None = None

    def __call__(self, **local_kw: Any) -> Session:
        """The unit of work's session (created on first use)."""
        if self._shared is None:
            self._shared = super().__call__(**local_kw)
        return self._shared

    def close(self) -> None:
        """Give the connection back to the pool, if the session still holds one."""
        if self._shared is not None:
            self._shared.close()
