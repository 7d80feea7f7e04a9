"""The dyads REST API and dashboard server (``dyads serve``); see docs/api.md."""

from dyads.server.app import create_app, shutdown
from dyads.server.limits import ServerLimits
from dyads.server.outbound import FetchPolicy

__all__ = ["FetchPolicy", "ServerLimits", "create_app", "shutdown"]
