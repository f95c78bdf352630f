"""Row-level security: the second wall, proved with a role that cannot bypass it.

The test connection is a superuser, for whom PostgreSQL skips every policy. Each test here
switches, inside its own transaction, to a NOLOGIN role without BYPASSRLS, exactly like the
application's role, and looks at the rows through its eyes.
"""

import uuid
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, Membership, TenantModel
from accounts.rls import set_rls_tenant, set_rls_user
from accounts.roles import Role
from accounts.tenancy import tenant_context
from tests.factories.accounts import (
    ApiKeyFactory,
    AuditEventFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

PROBE_ROLE = "prm_rls_probe"


def tenant_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.abstract and not model._meta.proxy
    )


def _scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _column(sql: str, params=None) -> set:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def probe_role(db):
    """A role like the application's (no superuser, no BYPASSRLS), granted in this test only."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PROBE_ROLE}') THEN
                    CREATE ROLE {PROBE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
                END IF;
            END $$"""
        )
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {PROBE_ROLE}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {PROBE_ROLE}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {PROBE_ROLE}")
    return PROBE_ROLE


@contextmanager
def acting_as(role: str):
    """SET LOCAL ROLE for a block; RESET afterwards so the test's own checks run as before."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
    try:
        assert _scalar("SELECT current_user") == role
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        set_rls_tenant(None)
        set_rls_user(None)


@pytest.fixture
def two_tenants_rows(tenant, other_tenant):
    """Rows of every kernel tenant table in both tenants."""
    rows = {}
    for owner in (tenant, other_tenant):
        rows[owner.slug] = {
            "membership": MembershipFactory(tenant=owner, role=Role.VIEWER),
            "invitation": InvitationFactory(tenant=owner),
            "api_key": ApiKeyFactory(tenant=owner),
            "audit": AuditEventFactory(tenant=owner),
        }
    return rows


def test_probe_role_really_cannot_bypass_row_level_security(probe_role):
    assert _scalar(
        "SELECT NOT rolsuper AND NOT rolbypassrls FROM pg_roles WHERE rolname = %s", [probe_role]
    )


@pytest.mark.parametrize(
    "table",
    ["accounts_membership", "accounts_invitation", "accounts_apikey", "accounts_auditevent"],
)
def test_without_a_tenant_setting_no_row_is_visible(probe_role, two_tenants_rows, table):
    visible_to_superuser = _scalar(f"SELECT count(*) FROM {table}")

    with acting_as(probe_role):
        visible_to_app = _scalar(f"SELECT count(*) FROM {table}")

    assert visible_to_superuser >= 2
    assert visible_to_app == 0


@pytest.mark.parametrize(
    "table",
    ["accounts_membership", "accounts_invitation", "accounts_apikey", "accounts_auditevent"],
)
def test_bound_to_tenant_a_only_tenant_a_rows_are_visible(
    probe_role, tenant, other_tenant, two_tenants_rows, table
):
    expected = _scalar(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", [tenant.pk])

    with acting_as(probe_role):
        set_rls_tenant(tenant.pk)
        tenants_seen = _column(f"SELECT tenant_id FROM {table}")
        count_seen = _scalar(f"SELECT count(*) FROM {table}")

    assert tenants_seen == {tenant.pk}
    assert count_seen == expected


def test_inserting_a_row_of_tenant_b_while_bound_to_a_is_refused(probe_role, tenant, other_tenant):
    user = UserFactory()
    insert = (
        "INSERT INTO accounts_membership (tenant_id, user_id, role, is_active, created_at) "
        "VALUES (%s, %s, 'viewer', true, now())"
    )

    with acting_as(probe_role):
        set_rls_tenant(tenant.pk)
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(insert, [other_tenant.pk, user.pk])
        with connection.cursor() as cursor:  # control: the same insert for tenant A is fine
            cursor.execute(insert, [tenant.pk, user.pk])

    assert _scalar("SELECT count(*) FROM accounts_membership WHERE user_id = %s", [user.pk]) == 1
    assert (
        _scalar("SELECT tenant_id FROM accounts_membership WHERE user_id = %s", [user.pk])
        == tenant.pk
    )


def test_moving_a_row_to_tenant_b_while_bound_to_a_is_refused(
    probe_role, tenant, other_tenant, two_tenants_rows
):
    invitation = two_tenants_rows["alpha"]["invitation"]

    with acting_as(probe_role):
        set_rls_tenant(tenant.pk)
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE accounts_invitation SET tenant_id = %s WHERE id = %s",
                    [other_tenant.pk, invitation.pk],
                )

    assert (
        _scalar("SELECT tenant_id FROM accounts_invitation WHERE id = %s", [invitation.pk])
        == tenant.pk
    )


def test_updating_tenant_b_rows_while_bound_to_a_touches_nothing(
    probe_role, tenant, two_tenants_rows
):
    foreign = two_tenants_rows["beta"]["api_key"]

    with acting_as(probe_role):
        set_rls_tenant(tenant.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_apikey SET name = 'hijacked' WHERE id = %s", [foreign.pk]
            )
            updated = cursor.rowcount

    assert updated == 0
    assert _scalar("SELECT name FROM accounts_apikey WHERE id = %s", [foreign.pk]) != "hijacked"


def test_own_memberships_in_other_tenants_are_readable_but_not_other_peoples(
    probe_role, tenant, other_tenant
):
    person = UserFactory()
    mine = {
        MembershipFactory(tenant=tenant, user=person).pk,
        MembershipFactory(tenant=other_tenant, user=person).pk,
    }
    MembershipFactory(tenant=tenant)
    MembershipFactory(tenant=other_tenant)

    with acting_as(probe_role):
        set_rls_user(person.pk)
        seen = _column("SELECT id FROM accounts_membership")
        invitations_seen = _scalar("SELECT count(*) FROM accounts_invitation")

    assert seen == mine
    assert invitations_seen == 0  # the own-rows policy exists on memberships only


def test_own_rows_policy_is_read_only(probe_role, tenant):
    person = UserFactory()

    with acting_as(probe_role):
        set_rls_user(person.pk)
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO accounts_membership "
                    "(tenant_id, user_id, role, is_active, created_at) "
                    "VALUES (%s, %s, 'vendor_admin', true, now())",
                    [tenant.pk, person.pk],
                )

    assert _scalar("SELECT count(*) FROM accounts_membership WHERE user_id = %s", [person.pk]) == 0


def test_a_query_that_forgot_its_scope_still_sees_only_the_bound_tenant(
    probe_role, tenant, other_tenant, two_tenants_rows
):
    with acting_as(probe_role), tenant_context(tenant), scopes_disabled():
        tenants_seen = set(Membership.objects.values_list("tenant_id", flat=True))

    assert tenants_seen == {tenant.pk}


# --- every tenant table has the wall -----------------------------------------------------------


def test_the_kernel_tables_are_among_the_tenant_tables():
    assert {
        "accounts_membership",
        "accounts_invitation",
        "accounts_apikey",
        "accounts_auditevent",
    } <= set(tenant_tables())


@pytest.mark.parametrize("table", tenant_tables())
def test_every_tenant_table_has_row_level_security_enabled_and_forced(db, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = %s AND relnamespace = 'public'::regnamespace",
            [table],
        )
        enabled, forced = cursor.fetchone()

    assert enabled, f"{table}: ENABLE ROW LEVEL SECURITY missing (add tenant_rls to its migration)"
    assert forced, f"{table}: FORCE ROW LEVEL SECURITY missing"


@pytest.mark.parametrize("table", tenant_tables())
def test_every_tenant_table_has_the_tenant_isolation_policy(db, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cmd, qual, with_check FROM pg_policies "
            "WHERE tablename = %s AND policyname = 'tenant_isolation'",
            [table],
        )
        rows = cursor.fetchall()

    assert len(rows) == 1, f"{table}: no tenant_isolation policy"
    cmd, qual, with_check = rows[0]
    assert cmd == "ALL"
    for expression in (qual, with_check):
        assert "tenant_id" in expression
        assert "app.tenant_id" in expression


# --- the application's database role ------------------------------------------------------------


@pytest.fixture
def app_role(db):
    name = f"prm_app_test_{uuid.uuid4().hex[:8]}"
    call_command("db_roles", app_url=f"postgres://{name}:not-a-real-secret@127.0.0.1:5432/prm")
    return name


def test_db_roles_creates_a_login_role_that_cannot_bypass_rls(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcanlogin, rolcreaterole, rolcreatedb "
            "FROM pg_roles WHERE rolname = %s",
            [app_role],
        )
        row = cursor.fetchone()

    assert row == (False, False, True, False, False)


def test_db_roles_is_idempotent(app_role):
    call_command("db_roles", app_url=f"postgres://{app_role}:another-secret@127.0.0.1:5432/prm")

    assert _scalar("SELECT count(*) FROM pg_roles WHERE rolname = %s", [app_role]) == 1


def test_db_roles_refuses_to_run_as_the_application_role(db):
    from django.core.management import CommandError

    current = _scalar("SELECT current_user")

    with pytest.raises(CommandError, match="owner role"):
        call_command("db_roles", app_url=f"postgres://{current}@127.0.0.1/prm")


def test_app_role_may_append_to_the_audit_log_but_never_rewrite_it(app_role, tenant):
    event = AuditEventFactory(tenant=tenant, action="original.action")

    with acting_as(app_role):
        set_rls_tenant(tenant.pk)
        with connection.cursor() as cursor:  # control: appending works
            cursor.execute(
                "INSERT INTO accounts_auditevent (tenant_id, actor_label, action, object_type, "
                "object_id, object_repr, changes, created_at) "
                "VALUES (%s, '', 'appended', 't', '', '', '{}', %s)",
                [tenant.pk, timezone.now()],
            )
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE accounts_auditevent SET action = 'rewritten' WHERE id = %s", [event.pk]
                )
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk])

    with scopes_disabled():
        assert AuditEvent.objects.get(pk=event.pk).action == "original.action"
        assert AuditEvent.objects.filter(tenant=tenant, action="appended").exists()


def test_app_role_sees_no_tenant_rows_without_a_tenant(app_role, two_tenants_rows):
    with acting_as(app_role):
        seen = _scalar("SELECT count(*) FROM accounts_membership")

    assert seen == 0
