"""ASGI entry point for multi-worker servers: builds the app from the environment."""

from aitower.app import create_app
from aitower.core.settings import load_settings

app = create_app(load_settings())
