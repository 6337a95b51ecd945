"""Shared CLI plumbing: stdout for results, stderr for everything else, exit codes."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from service.datadir import release_writing
from service.errors import AssayError, InvalidInputError

EXIT_FAILED = 1
EXIT_USAGE = 2

P = ParamSpec("P")
R = TypeVar("R")

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True)


def emit_json(payload: dict[str, Any]) -> None:
    """Print exactly one JSON object on stdout."""
    typer.echo(json.dumps(payload, ensure_ascii=False, default=str))


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print an error to stderr and exit with the given code."""
    stderr.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def with_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so that expected failures become a message and an exit code.

    A write command's share of the serve lock is held until the command ends.
    """

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except InvalidInputError as error:
            fail(error.message, EXIT_USAGE)
        except AssayError as error:
            fail(error.message)
        except ValidationError as error:
            fail(f"invalid settings: {error}", EXIT_USAGE)
        finally:
            release_writing()

    return wrapper
