"""Celery tasks of the deals app, one module per area (autodiscovery imports this package,
which imports each area so its tasks register)."""

from deals.tasks import registrations, targets  # noqa: F401
