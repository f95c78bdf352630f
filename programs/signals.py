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
