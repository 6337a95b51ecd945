"""An ingest's lease on its document: taken before any vector is written, renewed meanwhile.

The holder names the host and process (for people reading the table); whether a lease is
live is decided by its expiry alone, compared by the database, so that several processes
on several hosts can share one database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from types import TracebackType

from service.db import Session, UnitOfWork, sessionmaker
from service.db.documents import renew_lease
from service.db.tables import utcnow
from service.errors import ConflictError

logger = logging.getLogger(__name__)


class BeingIngestedError(ConflictError):
    """Another upload of the same name in the same workspace holds the document (409)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name}: another upload of this file is being ingested; "
                         "try again when it has finished")


def new_holder() -> str:
    """A holder id for one ingest: host, process and a random part."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def lease_until(seconds: float, now: datetime | None = None) -> datetime:
    """When a lease taken (or renewed) now ends."""
    return (now or utcnow()) + timedelta(seconds=seconds)


def own_sessions(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions of their own, even when ``factory`` is a request's shared unit of work."""
    if isinstance(factory, UnitOfWork):
        return sessionmaker(class_=factory.class_, **factory.kw)
    return factory


class LeaseKeeper:
    """Renews a held lease every third of its length on a thread of its own, until closed."""

    def __init__(
        self, sessions: sessionmaker[Session], document_id: str, holder: str, seconds: float
    ) -> None:
        self._sessions = own_sessions(sessions)
        self._document_id = document_id
        self._holder = holder
        self._seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ingest-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._seconds / 3):
            try:
                with self._sessions() as session:
                    held = renew_lease(session, self._document_id, self._holder,
                                       lease_until(self._seconds))
                    session.commit()
            except Exception:  # a database hiccup: try again at the next beat
                logger.warning("renewing the ingest lease of %s failed", self._document_id,
                               exc_info=True)
                continue
            if not held:
                return
