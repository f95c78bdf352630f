"""Meta-tests over every tenant model of every app: the rules a new model must follow.

A model added to any app that subclasses TenantModel is checked here automatically.
"""

import pytest
from django.apps import apps
from django.db import models
from django_scopes import ScopeError, scope

from accounts.models import Tenant, TenantModel


def tenant_models() -> list[type[models.Model]]:
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, TenantModel) and not model._meta.abstract and not model._meta.proxy
        ),
        key=lambda model: model._meta.label,
    )


TENANT_MODELS = tenant_models()
IDS = [model._meta.label for model in TENANT_MODELS]


def test_the_kernel_models_are_found():
    assert {
        "accounts.Membership",
        "accounts.Invitation",
        "accounts.ApiKey",
        "accounts.AuditEvent",
    } <= set(IDS)


@pytest.mark.parametrize("model", TENANT_MODELS, ids=IDS)
def test_every_manager_is_a_scoped_manager(model):
    for manager in model._meta.managers:
        assert type(manager).__qualname__ == "ScopedManager.<locals>.Manager", (
            f"{model._meta.label}.{manager.name} is not scoped: use ScopedManager(tenant='tenant')"
        )


@pytest.mark.parametrize("model", TENANT_MODELS, ids=IDS)
def test_a_query_outside_a_scope_raises(model):
    with pytest.raises(ScopeError):
        list(model._default_manager.all())
    with pytest.raises(ScopeError):
        model._default_manager.filter(pk=1).exists()


@pytest.mark.parametrize("model", TENANT_MODELS, ids=IDS)
def test_a_query_inside_a_scope_filters_by_that_tenant(model):
    tenant = Tenant(pk=424242, slug="scope-probe")

    with scope(tenant=tenant):
        sql = str(model._default_manager.all().query)

    assert f'"{model._meta.db_table}"."tenant_id" = 424242' in sql


@pytest.mark.parametrize("model", TENANT_MODELS, ids=IDS)
def test_every_unique_constraint_includes_the_tenant(model):
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert "tenant" in constraint.fields, (
                f"{model._meta.label}: {constraint.name} lacks tenant"
            )
            assert not constraint.expressions, (
                f"{model._meta.label}: {constraint.name} uses expressions"
            )
    for fields in model._meta.unique_together:
        assert "tenant" in fields, f"{model._meta.label}: unique_together {fields} lacks tenant"


@pytest.mark.parametrize("model", TENANT_MODELS, ids=IDS)
def test_no_field_is_unique_across_tenants(model):
    unique_fields = [
        field.name
        for field in model._meta.local_concrete_fields
        if field.unique and not field.primary_key
    ]

    assert unique_fields == [], f"{model._meta.label}: make these unique per tenant instead"


@pytest.mark.parametrize("model", TENANT_MODELS, ids=IDS)
def test_every_index_leads_with_the_tenant(model):
    for index in model._meta.indexes:
        assert index.fields and index.fields[0] == "tenant", (
            f"{model._meta.label}: index {index.name} must start with tenant"
        )
    plain_indexed = [
        field.name
        for field in model._meta.local_concrete_fields
        if field.db_index and not field.is_relation and not field.primary_key
    ]
    assert plain_indexed == [], (
        f"{model._meta.label}: replace db_index=True by a (tenant, ...) index"
    )


@pytest.mark.parametrize("model", TENANT_MODELS, ids=IDS)
def test_the_tenant_field_is_protected_and_not_editable(model):
    field = model._meta.get_field("tenant")

    assert field.remote_field.model is Tenant
    assert field.remote_field.on_delete is models.PROTECT
    assert field.editable is False
    assert field.null is False
