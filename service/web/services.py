"""The parts of the running service that pages use: the same ``Services`` as the API's."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request

from service.composition import Services


async def services(request: Request) -> AsyncIterator[Services]:
    """The app's services for this request: its database blocks share one unit of work."""
    found: Services = request.app.state.services
    view = found.for_request()
    try:
        yield view
    finally:
        view.context.close_work()
