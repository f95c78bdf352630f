"""PostgreSQL row-level security: the second wall behind django-scopes.

Every tenant table gets a policy that compares `tenant_id` with the setting `app.tenant_id`;
the policy is enabled and forced. The application's database role owns no
table and has no BYPASSRLS, so a query that forgot its tenant sees nothing and writes nothing.
Any app's migration adds `tenant_rls("app_label", "ModelName")` after creating the table.

The setting is bound for the connection's session (`set_config(..., false)`), not for one
transaction: services own their transactions, so a request or a task runs many of them and
every one must see the tenant. Whoever binds also clears (the request middleware, the tenant
task base, `tenant_context`), and every request binds afresh at its start, so a persistent or
pooled connection can never carry a tenant into the next request.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, migrations
from psycopg.pq import TransactionStatus

logger = logging.getLogger(__name__)

TENANT_SETTING = "app.tenant_id"
USER_SETTING = "app.user_id"
_CURRENT_TENANT = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint"
_CURRENT_USER = f"NULLIF(current_setting('{USER_SETTING}', true), '')::bigint"


def tenant_rls(app_label: str, model_name: str, *, readable_by_own_user: bool = False):
    """Migration operation enabling and forcing the tenant policy on one model's table.

    `readable_by_own_user` adds a read-only policy letting a person see their own rows across
    tenants (memberships: the tenant picker lists every tenant a person belongs to).
    """
    table = f"{app_label}_{model_name.lower()}"
    forwards = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING (tenant_id = {_CURRENT_TENANT}) WITH CHECK (tenant_id = {_CURRENT_TENANT})",
    ]
    backwards = [
        f"DROP POLICY IF EXISTS tenant_isolation ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]
    if readable_by_own_user:
        forwards.append(
            f"CREATE POLICY own_rows_readable ON {table} FOR SELECT "
            f"USING (user_id = {_CURRENT_USER})"
        )
        backwards.insert(0, f"DROP POLICY IF EXISTS own_rows_readable ON {table}")
    return migrations.RunSQL(sql=forwards, reverse_sql=backwards)


KEEP = object()


def rls_bind(*, tenant_id: int | None, user_id: int | None) -> None:
    """Bind this connection's session to a tenant and a person ("" for none), one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
            [TENANT_SETTING, _value(tenant_id), USER_SETTING, _value(user_id)],
        )


def rls_clear() -> None:
    """Forget the tenant and the person on this connection; never raises.

    In a transaction that already failed the statement cannot run, but it need not: the
    binding was made inside that transaction or before it in autocommit, and the caller's
    rollback or our closing the connection ends it. A connection that cannot be cleared is
    closed, so it is never handed on with a tenant bound.
    """
    if connection.connection is None:  # never opened, or closed: nothing is bound
        return
    if connection.connection.info.transaction_status == TransactionStatus.INERROR:
        return
    try:
        rls_bind(tenant_id=None, user_id=None)
    except DatabaseError:
        logger.warning("could not clear the RLS binding; closing the connection", exc_info=True)
        if not connection.in_atomic_block:
            connection.close()


@contextmanager
def rls_bound(*, tenant_id: int | None, user_id: int | None | object = KEEP) -> Iterator[None]:
    """Bind for a block, then put back what was bound before (none, in a worker).

    `user_id=KEEP` leaves the person's binding as it is. A task run eagerly inside a request
    (tests) must not leave the request unbound.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_CURRENT_TENANT}, {_CURRENT_USER}")
        previous_tenant, previous_user = cursor.fetchone()
    rls_bind(tenant_id=tenant_id, user_id=previous_user if user_id is KEEP else user_id)
    try:
        yield
    finally:
        _restore(previous_tenant, previous_user)


def _restore(tenant_id: int | None, user_id: int | None) -> None:
    if connection.connection is None:
        return
    if connection.connection.info.transaction_status == TransactionStatus.INERROR:
        return  # the caller's rollback undoes a binding made inside its transaction
    try:
        rls_bind(tenant_id=tenant_id, user_id=user_id)
    except DatabaseError:
        logger.warning("could not restore the RLS binding; closing the connection", exc_info=True)
        if not connection.in_atomic_block:
            connection.close()


def rls_current_tenant() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_CURRENT_TENANT}")
        return cursor.fetchone()[0]


def set_rls_tenant(tenant_id: int | None) -> None:
    """Bind the connection's session to a tenant only (the person's setting stays)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [TENANT_SETTING, _value(tenant_id)])


def set_rls_user(user_id: int | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [USER_SETTING, _value(user_id)])


def _value(pk: int | None) -> str:
    return "" if pk is None else str(pk)
