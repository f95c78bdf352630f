"""Contract types: six built-ins for every tenant, its own added, renamed, deleted when unused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from programs.models import ContractKind, ContractType
from programs.services import contract_types as services
from tests.factories.accounts import TenantFactory
from tests.factories.programs import ContractTypeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _types(tenant):
    with scopes_disabled():
        return list(
            ContractType.objects.filter(tenant=tenant)
            .order_by("position")
            .values_list("code", "name")
        )


def test_a_new_tenant_starts_with_the_six_built_ins_in_order(tenant):
    assert _types(tenant) == [(kind.value, str(kind.label)) for kind in ContractKind]


def test_a_japanese_tenant_gets_them_in_japanese():
    japanese = TenantFactory(default_language="ja")

    names = [name for _code, name in _types(japanese)]

    assert names[:3] == ["紹介", "取次（初回商談の設定まで）", "販売代理（再販）"]


def test_seeding_again_creates_nothing(tenant, in_tenant):
    with in_tenant(tenant):
        created = services.contract_types_ensure_defaults(tenant=tenant)

    assert created == 0
    assert len(_types(tenant)) == 6


def test_seeding_adds_only_missing_built_ins_after_the_tenants_own(tenant, in_tenant):
    with scopes_disabled():
        ContractType.objects.filter(tenant=tenant, code=ContractKind.OEM).delete()
        ContractType.objects.filter(tenant=tenant, code=ContractKind.BPO).update(
            code="", name="Outsourcing"
        )

    with in_tenant(tenant):
        created = services.contract_types_ensure_defaults(tenant=tenant)

    assert created == 2
    assert _types(tenant)[-2:] == [("oem", "OEM"), ("bpo", "BPO")]


def test_the_data_migration_seeds_a_tenant_created_before_it(tenant):
    from importlib import import_module

    from django.db.migrations.loader import MigrationLoader

    with scopes_disabled():
        ContractType.objects.filter(tenant=tenant).delete()
    migration = import_module("programs.migrations.0003_seed_contract_types")
    # The models as the migration sees them (historical, plain managers), not today's.
    state = MigrationLoader(connection).project_state(("programs", "0003_seed_contract_types"))

    migration.seed(state.apps, None)

    assert [code for code, _name in _types(tenant)] == [kind.value for kind in ContractKind]


def test_add_rename_and_delete_an_unused_type_are_audited(tenant, actor, in_tenant):
    with in_tenant(tenant):
        added = services.contract_type_create(tenant=tenant, actor=actor, name="  Franchise ")
        services.contract_type_rename(
            tenant=tenant, actor=actor, contract_type=added, name="Franchise partner"
        )
        added_id, position, code = added.pk, added.position, added.code
        services.contract_type_delete(tenant=tenant, actor=actor, contract_type=added)
        actions = list(
            AuditEvent.objects.filter(tenant=tenant, object_id=str(added_id))
            .order_by("id")
            .values_list("action", "changes")
        )

    assert (position, code) == (6, "")
    assert actions == [
        ("contract_type.created", {"name": "Franchise"}),
        ("contract_type.renamed", {"name": ["Franchise", "Franchise partner"]}),
        ("contract_type.deleted", {"name": "Franchise partner"}),
    ]


def test_a_taken_name_is_refused_ignoring_case(tenant, actor, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.contract_type_create(tenant=tenant, actor=actor, name="referral")

    assert error.value.message_dict == {"name": ["A contract type with this name already exists."]}


def test_deleting_a_type_in_use_names_its_programs(tenant, actor, in_tenant):
    contract_type = ContractTypeFactory(tenant=tenant, name="Franchise")
    ProgramFactory(tenant=tenant, name="Shops", contract_type=contract_type)
    ProgramFactory(tenant=tenant, name="Cafés", contract_type=contract_type, is_archived=True)

    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.contract_type_delete(tenant=tenant, actor=actor, contract_type=contract_type)

    assert error.value.messages == [
        "“Franchise” is used by the programs Cafés, Shops: give them another contract type first."
    ]
    with scopes_disabled():
        assert ContractType.objects.filter(pk=contract_type.pk).exists()


def test_the_refusal_is_in_japanese_for_a_japanese_reader(tenant, actor, in_tenant):
    contract_type = ContractTypeFactory(tenant=tenant, name="Franchise")
    ProgramFactory(tenant=tenant, name="Shops", contract_type=contract_type)

    with in_tenant(tenant), translation.override("ja"), pytest.raises(ValidationError) as error:
        services.contract_type_delete(tenant=tenant, actor=actor, contract_type=contract_type)

    assert "Shops" in error.value.messages[0]
    assert "プログラム" in error.value.messages[0]


def test_another_tenants_type_cannot_be_deleted(tenant, actor, in_tenant):
    foreign = ContractTypeFactory(tenant=TenantFactory())

    with in_tenant(tenant), pytest.raises(ValidationError):
        services.contract_type_delete(tenant=tenant, actor=actor, contract_type=foreign)

    with scopes_disabled():
        assert ContractType.objects.filter(pk=foreign.pk).exists()
