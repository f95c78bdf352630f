"""Shared fixtures: two tenants, a member in every role, logged-in clients."""

import io
import os

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_started
from django.db import DatabaseError, connection
from django.test import Client, TestCase, override_settings
from django.test.client import ClientHandler
from django.utils import translation
from django_scopes import scope, scopes_disabled

from accounts.roles import Role
from prm.celery import app as celery_app
from tests.factories.accounts import MembershipFactory, TenantFactory, UserFactory

# live_server runs the app in a thread of this process; the sync Playwright API drives it
# from an event loop, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Tasks sent by the code under test run at once in the test (Celery's eager mode: the real
# task class, its signature check and its retries). The real-worker tests switch it off and
# consume this process's own queue, so nothing is ever left on a queue a running `make run`
# worker or another test process reads.
TEST_QUEUE = f"prm-test-{os.getpid()}"
celery_app.conf.task_default_queue = TEST_QUEUE
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True

# The application's database role, as `db_roles` creates it: no superuser, no BYPASSRLS. Test
# requests run as it (AppRoleClient), so a query that forgot its tenant finds nothing instead
# of passing as the superuser the test database is created with.
APP_ROLE = "prm_app_test"


@pytest.fixture(scope="session")
def app_db_role(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # Test processes of every work tree share the server's roles: another may be creating
        # or altering the same role at this moment.
        for attempt in range(5):
            try:
                call_command("db_roles", app_url=f"postgres://{APP_ROLE}@127.0.0.1/unused")
                break
            except DatabaseError:
                if attempt == 4:
                    raise
    return APP_ROLE


class AppRoleClient(Client):
    """A test client whose requests run as the application's database role.

    The test itself (factories, snapshots of every row) stays the superuser; each request
    switches the shared connection to the app role and back.
    """

    def request(self, **request):
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {APP_ROLE}")
        try:
            return super().request(**request)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")


def _live_request_as_app_role(sender, **kwargs):
    # The live server answers each request in a thread of its own, on a connection of its own
    # (closed when the request ends): switch that connection to the app role before any view
    # code runs. The test client's requests (ClientHandler) switch in AppRoleClient instead.
    if issubclass(sender, ClientHandler) or not issubclass(sender, WSGIHandler):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {APP_ROLE}")


@pytest.fixture(autouse=True)
def _live_server_as_app_role(request):
    """Browser tests: every request the live server answers runs as the application role, so
    a query that forgot its tenant fails there as it does under the test client."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app_db_role")
    request_started.connect(_live_request_as_app_role, weak=False)
    try:
        yield
    finally:
        request_started.disconnect(_live_request_as_app_role)


@pytest.fixture
def client(app_db_role):
    return AppRoleClient()


@pytest.fixture
def superuser_client():
    """A client whose requests run as the superuser: only to prove what the app role stops."""
    return Client()


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
def fresh_client_for(with_totp, app_db_role):
    """fresh_client_for(membership) -> a new logged-in test client (several people at once)."""
    from accounts.roles import MFA_REQUIRED_ROLES

    def login(membership, **client_options):
        if membership.role in MFA_REQUIRED_ROLES:
            with_totp(membership.user)
        new_client = AppRoleClient(**client_options)
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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Files the code under test stores (export files) go to a directory of this test, never to
    # the work tree's var/media; the worker and live-server threads read the same setting.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data loaded once for a module's tests (a load takes seconds), inside a
    transaction rolled back after the module: each test runs in a savepoint of it, and the next
    module starts from an empty database. Yields what the command printed."""
    out = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media"))),
    ):
        # The transaction a TestCase class holds around its tests (so the services' durable
        # blocks nest in it as they do in each test's own transaction).
        atomics = TestCase._enter_atomics()
        try:
            call_command("demo_data", stdout=out)
            yield out.getvalue()
        finally:
            TestCase._rollback_atomics(atomics)
