"""The parts of the running service that pages use: the same ``Services`` as the API's."""

from __future__ import annotations

from fastapi import Request

from service.api.services import Services


def services(request: Request) -> Services:
    """The services the application was started with (``app.state.services``)."""
    found: Services = request.app.state.services
    return found
