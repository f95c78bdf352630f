"""Isolation registry entries for partner contracts and program terms (staff pages and API)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {}
