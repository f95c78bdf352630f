"""Composite foreign keys: the database refuses a row pointing at another tenant's row.

An ordinary foreign key only says "this id exists". Row-level security hides other tenants'
rows from reads, but a write bound to tenant A could still store tenant B's `partner_id`.
Every foreign key from a tenant table to a tenant table therefore gets a second constraint,
`(tenant_id, <fk>_id) REFERENCES target (tenant_id, id)`, backed by a unique key on
`(tenant_id, id)` of the target. A row's tenant and its target's tenant must then agree.

Each app's migration calls, once per tenant model it creates:

    tenant_composite_keys("partners", "Partner", "PartnerRep", ...)

`tests/accounts/test_db_integrity.py` checks the catalogue: a foreign key between tenant
models without its composite key fails the suite, so the next apps cannot forget it.
"""

import hashlib

from django.core.exceptions import FieldDoesNotExist
from django.db import migrations

TENANT_FIELD = "tenant"


def _is_tenant_model(model) -> bool:
    try:
        field = model._meta.get_field(TENANT_FIELD)
    except FieldDoesNotExist:
        return False
    related = getattr(field, "related_model", None)
    return related is not None and related._meta.label_lower == "accounts.tenant"


def tenant_foreign_keys(model) -> list:
    """The foreign keys of `model` that point at another tenant model (not the tenant)."""
    if not _is_tenant_model(model):
        return []
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one
        and field.name != TENANT_FIELD
        and _is_tenant_model(field.related_model)
    ]


def _name(table: str, suffix: str) -> str:
    """A constraint name within PostgreSQL's 63 bytes, stable for the same table and suffix."""
    name = f"{table}_{suffix}"
    if len(name) <= 63:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]  # noqa: S324 - a name, not security
    return f"{name[: 63 - 9]}_{digest}"


def unique_key_name(table: str) -> str:
    return _name(table, "tenant_id_uniq")


def foreign_key_name(table: str, column: str) -> str:
    return _name(table, f"{column}_tenant_fk")


def _constraint_exists(schema_editor, table: str, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass",
            [name, table],
        )
        return cursor.fetchone() is not None


def _ensure_unique_key(schema_editor, model) -> None:
    table = model._meta.db_table
    name = unique_key_name(table)
    if not _constraint_exists(schema_editor, table, name):
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} UNIQUE (tenant_id, id)"
        )


def _add(apps, schema_editor, app_label: str, model_names: tuple[str, ...]) -> None:
    quote = schema_editor.quote_name
    for model_name in model_names:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        for field in tenant_foreign_keys(model):
            target = field.related_model
            # The target's key first: a foreign key needs a unique key to point at.
            _ensure_unique_key(schema_editor, target)
            name = foreign_key_name(table, field.column)
            if _constraint_exists(schema_editor, table, name):
                continue
            # DEFERRABLE like Django's own keys: SET_NULL and CASCADE run in Python within the
            # transaction, so the check waits for its end.
            schema_editor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} "
                f"FOREIGN KEY (tenant_id, {quote(field.column)}) "
                f"REFERENCES {quote(target._meta.db_table)} (tenant_id, id) "
                "DEFERRABLE INITIALLY DEFERRED"
            )


def _remove(apps, schema_editor, app_label: str, model_names: tuple[str, ...]) -> None:
    quote = schema_editor.quote_name
    for model_name in reversed(model_names):
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        for field in tenant_foreign_keys(model):
            name = quote(foreign_key_name(table, field.column))
            schema_editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {name}")


def _add_unique(apps, schema_editor, app_label: str, model_names: tuple[str, ...]) -> None:
    for model_name in model_names:
        _ensure_unique_key(schema_editor, apps.get_model(app_label, model_name))


def _remove_unique(apps, schema_editor, app_label: str, model_names: tuple[str, ...]) -> None:
    quote = schema_editor.quote_name
    for model_name in model_names:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {quote(unique_key_name(table))}"
        )


def tenant_unique_keys(app_label: str, *model_names: str) -> migrations.RunPython:
    """Migration operation: the unique key (tenant_id, id) that composite foreign keys of
    this and later apps point at (tenant_composite_keys adds a missing one itself)."""
    return migrations.RunPython(
        lambda apps, schema_editor: _add_unique(apps, schema_editor, app_label, model_names),
        lambda apps, schema_editor: _remove_unique(apps, schema_editor, app_label, model_names),
    )


def tenant_composite_keys(app_label: str, *model_names: str) -> migrations.RunPython:
    """Migration operation: a composite foreign key for each foreign key of `model_names` to
    a tenant model, with the unique key (tenant_id, id) of its target when missing."""
    return migrations.RunPython(
        lambda apps, schema_editor: _add(apps, schema_editor, app_label, model_names),
        lambda apps, schema_editor: _remove(apps, schema_editor, app_label, model_names),
    )
