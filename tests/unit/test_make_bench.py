"""`make bench` runs from a fresh clone: every bench that imports repository packages other
than the installed `service` (tests, evals, bench) is run as a module from the root, where
those packages are importable; a script path would put only bench/ on sys.path."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL_PACKAGES = re.compile(r"^(?:from|import) (?:tests|evals|bench)\b", re.MULTILINE)


def bench_recipe() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in recipe.splitlines()[1:] if line.strip()]


def test_benches_that_import_repository_packages_run_as_modules() -> None:
    commands = [c for c in bench_recipe() if "python" in c]
    assert len(commands) >= 6
    for command in commands:
        script = re.search(r"python (bench/\w+\.py)", command)
        if script:
            source = (ROOT / script.group(1)).read_text(encoding="utf-8")
            assert not LOCAL_PACKAGES.search(source), (
                f"{script.group(1)} imports tests/evals/bench: run it as `python -m`")
        else:
            module = re.search(r"python -m (bench\.\w+)", command)
            assert module, command
            assert (ROOT / (module.group(1).replace(".", "/") + ".py")).is_file()
