"""Shared fixtures: two tenants, a member in every role, logged-in clients."""

import os

import pytest
from django.utils import translation
from django_scopes import scope, scopes_disabled

from accounts.roles import Role
from tests.factories.accounts import MembershipFactory, TenantFactory, UserFactory

# live_server runs the app in a thread of this process; the sync Playwright API drives it
# from an event loop, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Requests activate the reader's language and leave it active on the thread, so without a
    # reset a test's messages would be in whatever language the previous test's request used.
    # Tests read in English; the ones about Japanese say so with translation.override("ja").
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    # Parallel workers, and other test runs on the same machine, share one Redis: each process
    # gets its own key space (rate limits, sessions, import previews).
    prefix = f"prm-test-{os.getpid()}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    from django.core.cache import cache

    # Delete this worker's keys only: cache.clear() would FLUSHDB the shared Redis database,
    # wiping other workers' keys and the Celery broker's queues under a running test worker.
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def tenant(db):
    return TenantFactory(slug="alpha", name="Alpha Software", default_language="en")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(slug="beta", name="Beta Systems", default_language="en")


@pytest.fixture
def member_factory(db):
    """member_factory(tenant, role) -> Membership, with a verified e-mail and TEST_PASSWORD."""

    def make(tenant, role=Role.PARTNER_MANAGER, **user_fields):
        return MembershipFactory(tenant=tenant, role=role, user=UserFactory(**user_fields))

    return make


@pytest.fixture
def admin_member(tenant, member_factory):
    return member_factory(tenant, Role.VENDOR_ADMIN)


@pytest.fixture
def manager_member(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER)


@pytest.fixture
def with_totp():
    """Give a user a TOTP authenticator (MFA is required for vendor admins and finance)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    def add(user):
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    return add


@pytest.fixture
def client_for(client, with_totp):
    """client_for(membership) -> a Django test client logged in as that member.

    force_login skips the second factor; roles that require MFA get an authenticator first,
    so the middleware lets them through as it would after a real MFA login.
    """
    from accounts.roles import MFA_REQUIRED_ROLES

    def login(membership):
        if membership.role in MFA_REQUIRED_ROLES:
            with_totp(membership.user)
        client.force_login(membership.user)
        return client

    return login


@pytest.fixture
def finance_member(tenant, member_factory):
    return member_factory(tenant, Role.FINANCE)


@pytest.fixture
def viewer_member(tenant, member_factory):
    return member_factory(tenant, Role.VIEWER)


@pytest.fixture
def partner_rep_member(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_REP)


@pytest.fixture
def fresh_client_for(with_totp):
    """fresh_client_for(membership) -> a new logged-in test client (several people at once)."""
    from django.test import Client

    from accounts.roles import MFA_REQUIRED_ROLES

    def login(membership, **client_options):
        if membership.role in MFA_REQUIRED_ROLES:
            with_totp(membership.user)
        new_client = Client(**client_options)
        new_client.force_login(membership.user)
        return new_client

    return login


@pytest.fixture
def in_tenant():
    """Context manager: `with in_tenant(tenant): ...` scopes ORM queries in a test."""
    return lambda tenant: scope(tenant=tenant)


@pytest.fixture
def unscoped():
    return scopes_disabled
