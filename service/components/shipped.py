"""Data shipped with Assay (``corpora/``, ``prompts/``), found in the package or the checkout.

The repository keeps ``corpora/`` and ``prompts/`` at its top level; the wheel carries them
inside the package (``service/corpora``, ``service/prompts``: see ``setup.py``). An
installed Assay finds them through ``importlib.resources``; a source checkout (and an
editable install) finds them beside ``service/``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def shipped_dir(name: str) -> Path:
    """The shipped data folder ``name``: inside the installed package, else in the checkout."""
    packaged = files("service") / name
    if packaged.is_dir():
        return Path(str(packaged))
    return CHECKOUT / name
