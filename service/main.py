"""The ASGI app for a server: ``uvicorn service.main:app``."""

from service.app import create_app
from service.settings import get_settings

app = create_app(get_settings())
