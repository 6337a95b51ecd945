"""Guards for zip-based formats (DOCX, XLSX) against zip bombs."""

from __future__ import annotations

import zipfile
from pathlib import Path

from service.errors import FileTooLargeError, RejectedFileError

MIB = 1024 * 1024


def check_zip(path: Path, max_unpacked_bytes: int, max_ratio: int) -> None:
    """Refuse an archive that unpacks to too much or compresses suspiciously well."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise RejectedFileError(f"the file is damaged: {exc}") from exc
    unpacked = sum(info.file_size for info in infos)
    packed = max(path.stat().st_size, 1)
    if unpacked > max_unpacked_bytes:
        raise FileTooLargeError(
            f"it would unpack to {unpacked / MIB:.0f} MiB, over the limit of "
            f"{max_unpacked_bytes / MIB:.0f} MiB (a zip bomb?)"
        )
    if unpacked > MIB and unpacked / packed > max_ratio:
        raise RejectedFileError(
            f"it looks like a zip bomb: {unpacked / MIB:.0f} MiB packed into "
            f"{packed / 1024:.0f} KiB (ratio {unpacked // packed}:1)"
        )
