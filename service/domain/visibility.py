"""Which stored chunks may be shown: those of ready documents, in their current version.

A chunk's id is ``<document id>:<first 12 hex of the content hash>:<index>``, so the version
a chunk belongs to is in its id. Chunks of a pending document, of a replacement still being
written, or left behind by a killed ingest are never shown. Nor are those of a version kept
for the proposals that cite it (replaced or deleted): the store holds them under the
version's own owner id (``retained_owner``), which no query asks for.
"""

from __future__ import annotations

from dataclasses import dataclass


def chunk_prefix(document_id: str, sha256: str) -> str:
    """The start of every chunk id of this version of the document."""
    return f"{document_id}:{sha256[:12]}:"


def retained_owner(document_id: str, sha256: str) -> str:
    """The owner id in the store of a kept (superseded or deleted) version's chunks."""
    return f"{document_id}@{sha256[:12]}"


def version_of(chunk_id: str) -> tuple[str, str] | None:
    """The document id and the content hash's first 12 hex digits of a chunk id, if it is one."""
    parts = chunk_id.rsplit(":", 2)
    return (parts[0], parts[1]) if len(parts) == 3 else None


def chunk_id(document_id: str, sha256: str, index: int) -> str:
    """The id of a version's chunk at this index."""
    return f"{chunk_prefix(document_id, sha256)}{index:05d}"


@dataclass(frozen=True)
class Visible:
    """The ready documents of a workspace, each with the chunk-id prefix of its version.

    ``replacing`` says that some of them have a new version being written, whose chunks the
    store holds under the same document id (so queries fetch more and drop them).
    """

    prefixes: dict[str, str]
    replacing: bool = False

    def shows(self, chunk_id: str, document_id: str) -> bool:
        """Whether this chunk belongs to the current version of a ready document."""
        prefix = self.prefixes.get(document_id)
        return prefix is not None and chunk_id.startswith(prefix)

    def shows_id(self, chunk_id: str) -> bool:
        """Whether the chunk of this id belongs to a shown version: the version is in the id.

        The same as ``shows`` with the document the store holds it under: a kept version's
        chunks (held under ``retained_owner``) keep their ids, whose version is not shown.
        """
        version = version_of(chunk_id)
        return version is not None and self.shows(chunk_id, version[0])

    @property
    def documents(self) -> list[str]:
        """The ids of the ready documents."""
        return sorted(self.prefixes)
