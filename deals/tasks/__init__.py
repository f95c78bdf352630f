"""Celery tasks of the deals app, one module per area (autodiscovery imports this package,
which imports each area so its tasks register)."""

from deals.tasks import deal_imports, registrations, targets  # noqa: F401
