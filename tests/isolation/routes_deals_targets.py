"""Isolation registry entries for the deals app's targets area (pages and API)."""

from tests.isolation.registry import Route  # noqa: F401 - entries are added as routes land

ROUTES: dict[str, Route] = {}
