"""Receivers of the programs app."""

from accounts.tenancy import tenant_context


def seed_contract_types_for_new_tenant(sender, instance, created, raw=False, **kwargs) -> None:
    """A new tenant starts with the six built-in contract types, whichever path created it
    (demo data, a benchmark, a sign-up later): inside the same transaction as the tenant, so
    a tenant never exists without them. Fixtures (raw) load their own rows."""
    if not created or raw:
        return
    from programs.services.contract_types import contract_types_seed

    # The new tenant's rows are written under its own scope and row-level-security binding;
    # tenant_context puts the connection's binding back as it was.
    with tenant_context(instance):
        contract_types_seed(tenant=instance)


# --- Signals the programs app sends ------------------------------------------------------------

import django.dispatch  # noqa: E402 - the receivers above need nothing of it

# Sent on commit when a contract becomes active (first activation or a renewal's start):
# `tenant`, `contract`. The written-terms notice for individuals and one-person companies
# (next in programs/) is to listen; the deals and payouts apps may too.
contract_started = django.dispatch.Signal()
