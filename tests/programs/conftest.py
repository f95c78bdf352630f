import pytest

from accounts.roles import Role


@pytest.fixture
def actor(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER).user
