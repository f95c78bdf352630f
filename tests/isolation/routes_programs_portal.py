"""Isolation registry entries for the programs portal pages (my programs, contracts, terms,
written-terms notice)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {}
