import pytest

from accounts.roles import Role


@pytest.fixture
def actor(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER).user


@pytest.fixture(autouse=True)
def _no_tier_figures_providers(monkeypatch):
    """The programs tests see programs alone: the providers higher apps register (deals)
    are set aside, so each test registers exactly the figures it means. The deals provider
    has its own tests (tests/deals/test_tier_figures.py)."""
    from programs.selectors import tier_figures

    monkeypatch.setattr(tier_figures, "_providers", {})
