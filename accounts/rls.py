"""PostgreSQL row-level security: the second wall behind django-scopes.

Every tenant table gets a policy that compares `tenant_id` with the transaction-local setting
`app.tenant_id`; the policy is enabled and forced. The application's database role owns no
table and has no BYPASSRLS, so a query that forgot its tenant sees nothing and writes nothing.
Any app's migration adds `tenant_rls("app_label", "ModelName")` after creating the table.
"""

from django.db import connection, migrations

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


def set_rls_tenant(tenant_id: int | None) -> None:
    """Bind the current transaction to a tenant (SET LOCAL semantics: ends with the transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true)",
            [TENANT_SETTING, "" if tenant_id is None else str(tenant_id)],
        )


def set_rls_user(user_id: int | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true)",
            [USER_SETTING, "" if user_id is None else str(user_id)],
        )
