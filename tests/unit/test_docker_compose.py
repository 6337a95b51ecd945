"""The Dockerfile and docker-compose.yml are coherent with the code (no Docker engine here)."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from service.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")
REQUIRED = re.compile(r"\$\{(\w+):\?[^}]*\}")
VARIABLE = re.compile(r"\$\{(\w+)")
# the Compose Specification's schema, as check-jsonschema vendors it (with its licence,
# LICENSE.compose-spec, Apache-2.0, beside it in the package)
COMPOSE_SCHEMA = files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json")
PINNED = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    return [line.strip() for line in (REPO / "Dockerfile").read_text().splitlines()]


def environment(compose: dict[str, Any], service: str) -> dict[str, str]:
    """A service's environment: ``${VAR:-default}`` as its default, ``${VAR:?}`` as ``VAR``."""
    raw = compose["services"][service].get("environment", {})
    return {key: REQUIRED.sub(r"\1", DEFAULTED.sub(r"\2", str(value)))
            for key, value in raw.items()}


def test_no_password_has_a_default(compose: dict[str, Any]) -> None:
    text = (REPO / "docker-compose.yml").read_text()
    assert "${POSTGRES_PASSWORD:?" in text
    assert not re.search(r"\$\{\w*PASSWORD\w*:-", text)


def resolves(key: str) -> bool:
    """Whether an ASSAY_* variable names a field of the settings tree."""
    model: type[BaseModel] = Settings
    parts = key.removeprefix("ASSAY_").lower().split("__")
    for depth, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        if depth < len(parts) - 1:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                return False
            model = annotation
    return True


def test_the_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(COMPOSE_SCHEMA.read_text()))
    assert [error.message for error in validator.iter_errors(compose)] == []
    broken = {"services": {"api": {"image": 3, "helthcheck": {}}}}
    assert len(list(validator.iter_errors(broken))) >= 2  # the schema does refuse mistakes


def test_every_image_is_pinned_and_every_variable_documented(compose: dict[str, Any]) -> None:
    images = [s["image"] for s in compose["services"].values() if "image" in s]
    assert {image.split(":")[0] for image in images} >= {
        "postgres", "redis", "chromadb/chroma", "ollama/ollama"}
    assert [image for image in images if not PINNED.match(image)] == []
    example = (REPO / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?(\w+)=", example, re.MULTILINE))
    used = set(VARIABLE.findall((REPO / "docker-compose.yml").read_text()))
    assert used - documented == set()
    assert not re.search(r"PASSWORD=\S", example)  # no password is given


def test_the_services_exist_and_wait_for_each_other(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"api", "worker", "postgres", "redis", "chroma", "ollama"}
    assert services["api"]["build"] == services["worker"]["build"] == "."
    assert services["api"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"},
        "chroma": {"condition": "service_healthy"}}
    assert services["worker"]["depends_on"] == {"api": {"condition": "service_healthy"}}
    assert services["worker"]["command"] == ["assay", "worker"]
    assert "--workers" in services["api"]["command"]
    assert services["ollama"]["profiles"] == ["ollama"]
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] in compose["volumes"], (name, volume)


def test_every_assay_variable_is_a_setting(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = environment(compose, "api")
    assert environment(compose, "worker") == env
    assert {"ASSAY_DB__URL", "ASSAY_VECTORSTORE__MODE", "ASSAY_JOBS__BROKER_URL"} <= set(env)
    unknown = [key for key in env if key.startswith("ASSAY_") and not resolves(key)]
    assert not unknown
    assert not resolves("ASSAY_VECTORSTORE__NOPE") and not resolves("ASSAY_DB__URL__X")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert (settings.vectorstore.mode, settings.vectorstore.host) == ("http", "chroma")
    assert settings.jobs.mode == "celery"
    assert settings.jobs.broker_url == "redis://:REDIS_PASSWORD@redis:6379/0"
    assert settings.database_url.startswith("postgresql+psycopg://assay:")
    assert "@postgres:5432/" in settings.database_url


def test_the_ports_and_credentials_match(
    compose: dict[str, Any], dockerfile: list[str]
) -> None:
    services = compose["services"]
    env = environment(compose, "api")
    postgres = environment(compose, "postgres")
    api_port = env["ASSAY_API__PORT"]
    assert [DEFAULTED.sub(r"\2", port) for port in services["api"]["ports"]] == [
        f"{api_port}:{api_port}"]
    command = services["api"]["command"]
    assert command[command.index("--port") + 1] == api_port
    assert f"EXPOSE {api_port}" in dockerfile
    command = services["chroma"]["command"]
    assert command[0] == "run"
    assert command[command.index("--port") + 1] == env["ASSAY_VECTORSTORE__PORT"]
    assert f"{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@postgres:5432/"\
           f"{postgres['POSTGRES_DB']}" in env["ASSAY_DB__URL"]
    chromadb_pin = re.search(r'"chromadb==([\d.]+)"', (REPO / "pyproject.toml").read_text())
    assert chromadb_pin is not None
    assert services["chroma"]["image"] == f"chromadb/chroma:{chromadb_pin.group(1)}"


def test_the_dockerfile_pins_torch_first_and_serves(dockerfile: list[str]) -> None:
    assert next(line for line in dockerfile if line.startswith("FROM")) == "FROM python:3.11-slim"
    installs = [i for i, line in enumerate(dockerfile) if "pip install" in line]
    torch = [i for i in installs if "torch==2.13.0" in dockerfile[i]]
    project = [i for i in installs if "pip install '.[" in dockerfile[i]]  # a wheel, not -e
    assert torch and project and torch[0] < project[0]
    assert not any(" -e " in dockerfile[i] for i in installs)
    assert any(line.startswith("COPY") and "setup.py" in line for line in dockerfile)
    assert all(extra in dockerfile[project[0]] for extra in ("postgres", "celery", "local"))
    [cmd] = [line for i, line in enumerate(dockerfile)  # not HEALTHCHECK's continued CMD
             if line.startswith("CMD ") and not dockerfile[i - 1].endswith("\\")]
    argv = json.loads(cmd.removeprefix("CMD "))
    assert argv[:2] == ["assay", "serve"]
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
