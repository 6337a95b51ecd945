"""A wheel install (not editable) carries corpora/ and prompts/ and runs Assay.

The wheel is built from a copy of the sources, without build isolation, and installed with
no dependencies into a fresh venv that borrows the test environment's packages through a
``.pth`` file: the installed ``service`` package is then the wheel's, and the only copy of
the catalogs and prompts it can find is the one inside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES

pytestmark = pytest.mark.integration
SOURCES = ("pyproject.toml", "setup.py", "README.md", "service", "corpora", "prompts")


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the wheel installed; returns its bin directory."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation",
        "-q", "-w", root / "dist", cwd=root)
    [wheel] = (root / "dist").glob("assay-*.whl")
    venv = root / "venv"
    base = Path(sys.base_prefix) / "bin" / "python3"
    run(base, "-m", "venv", "--without-pip", venv, cwd=root)
    [site] = (venv / "lib").glob("python*/site-packages")
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
        "--no-deps", "-q", wheel, cwd=root)
    return venv / "bin"


def test_a_wheel_install_lists_frameworks_and_assesses(installed: Path, tmp_path: Path) -> None:
    env = {"PATH": f"{installed}:{os.environ['PATH']}", "HOME": str(tmp_path),
           "HF_HUB_OFFLINE": "1", "ASSAY_DATA_DIR": str(tmp_path / "data"),
           "ASSAY_LLM__MODE": "fake", "ASSAY_EMBEDDING__MODE": "fake"}
    where = run(installed / "python", "-c", "import service; print(service.__file__)",
                cwd=tmp_path, env=env)
    assert where.startswith(str(installed.parent)), where  # the wheel's copy, not the repo's
    listed = json.loads(run(installed / "assay", "frameworks", "list", "--json",
                            cwd=tmp_path, env=env))
    assert "iso27001-2022" in {f["id"] for f in listed["frameworks"]}
    run(installed / "assay", "ingest", SAMPLES / "access_control_policy.docx", "--json",
        cwd=tmp_path, env=env)
    assessed = json.loads(run(installed / "assay", "assess", "-f", "iso27001-2022",
                              "-r", "A.5.15", "--json", cwd=tmp_path, env=env))
    [result] = assessed["results"]
    assert result["ref_id"] == "A.5.15" and result["level"] in range(6)
