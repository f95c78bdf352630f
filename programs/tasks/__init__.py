"""Celery tasks of the programs app, one module per area (autodiscovery imports this package,
which imports each area so its tasks register)."""

from programs.tasks import announcements, contracts, library, notices, tiers, training  # noqa: F401
