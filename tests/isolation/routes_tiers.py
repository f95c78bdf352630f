"""Isolation registry entries for tier evaluation and tier proposals (staff pages and API)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {}
