"""Isolation registry entries for the deals app's registrations area (staff pages, portal pages, API)."""

from tests.isolation.registry import Route  # noqa: F401 - entries are added as routes land

ROUTES: dict[str, Route] = {}
