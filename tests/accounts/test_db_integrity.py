"""Composite foreign keys (accounts/db_integrity.py): a row cannot point at another tenant's
row, even for a writer bound to its own tenant by row-level security (issue #6 §3)."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from accounts.db_integrity import foreign_key_name, tenant_foreign_keys, unique_key_name
from accounts.rls import set_rls_tenant
from tests.accounts import test_rls
from tests.factories.partners import PartnerFactory, PartnerRepFactory

# The same stand-in for the application role as the row-level security tests.
probe_role = test_rls.probe_role
acting_as = test_rls.acting_as


def _constraints(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [table],
        )
        return dict(cursor.fetchall())


def _tenant_foreign_keys():
    return [
        (model, field)
        for model in apps.get_models()
        if not model._meta.abstract and not model._meta.proxy
        for field in tenant_foreign_keys(model)
    ]


def test_there_are_tenant_foreign_keys_to_check():
    names = {f"{model._meta.label}.{field.name}" for model, field in _tenant_foreign_keys()}
    assert {"partners.PartnerRep.partner", "partners.Partner.owner"} <= names


@pytest.mark.django_db
def test_every_foreign_key_between_tenant_models_has_its_composite_key():
    """The next app's migration must call tenant_composite_keys() for its models."""
    missing = []
    for model, field in _tenant_foreign_keys():
        table, target = model._meta.db_table, field.related_model._meta.db_table
        definition = _constraints(table).get(foreign_key_name(table, field.column), "")
        expected = f"FOREIGN KEY (tenant_id, {field.column}) REFERENCES {target}(tenant_id, id)"
        if not definition.startswith(expected):
            missing.append(f"{model._meta.label}.{field.name}")
        if unique_key_name(target) not in _constraints(target):
            missing.append(f"{target}: UNIQUE (tenant_id, id)")
    assert missing == []


def test_app_role_bound_to_tenant_a_cannot_point_a_row_at_tenant_bs_row(
    tenant, other_tenant, probe_role
):
    rep = PartnerRepFactory(partner=PartnerFactory(tenant=tenant))
    foreign_partner = PartnerFactory(tenant=other_tenant)

    with acting_as(probe_role):
        set_rls_tenant(tenant.pk)
        with connection.cursor() as cursor:
            # Deferred like Django's own keys: check at once, not at the test's end.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with pytest.raises(IntegrityError), transaction.atomic():
                cursor.execute(
                    "UPDATE partners_partnerrep SET partner_id = %s WHERE id = %s",
                    [foreign_partner.pk, rep.pk],
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_app_role_may_still_point_a_row_at_its_own_tenants_row(tenant, probe_role):
    rep = PartnerRepFactory(partner=PartnerFactory(tenant=tenant))
    own_partner = PartnerFactory(tenant=tenant)

    with acting_as(probe_role):
        set_rls_tenant(tenant.pk)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "UPDATE partners_partnerrep SET partner_id = %s WHERE id = %s",
                [own_partner.pk, rep.pk],
            )
            assert cursor.rowcount == 1
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
