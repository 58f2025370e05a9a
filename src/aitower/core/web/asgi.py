"""ASGI entry point for multi-worker servers: builds the app from the environment."""

from aitower.core.settings import load_settings
from aitower.core.web.app import create_app

app = create_app(load_settings())
