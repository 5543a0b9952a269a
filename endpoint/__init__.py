"""endpoint: the small Flask service that answers the generated pages."""

from endpoint.app import create_app
from endpoint.settings import Settings, from_env

__all__ = ["Settings", "create_app", "from_env"]
