"""Program and tier services: validation that names the field, audit rows in the same
transaction, ordered tiers whose requirements never decrease, one program per double submit."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import translation
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.tenancy import tenant_context
from programs.models import Program, Tier
from programs.services import programs as services
from tests.factories.accounts import TenantFactory
from tests.factories.programs import (
    CommissionRuleSetFactory,
    ContractTypeFactory,
    ProgramFactory,
    TierFactory,
    built_in_contract_type,
)

pytestmark = pytest.mark.django_db


def _events(tenant, action):
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(tenant=tenant, action=action)
            .order_by("id")
            .values_list("object_repr", "changes")
        )


def _tier_names(program):
    with scopes_disabled():
        return list(
            Tier.objects.filter(program=program)
            .order_by("position")
            .values_list("name", "position")
        )


# --- programs ---------------------------------------------------------------------------------


def test_program_create_writes_the_program_and_its_audit_event(tenant, actor, in_tenant):
    with in_tenant(tenant):
        program = services.program_create(
            tenant=tenant,
            actor=actor,
            name="  Referral   programme ",
            contract_type=built_in_contract_type(tenant),
            is_public=True,
        )

    assert program.name == "Referral programme"
    [(repr_, changes)] = _events(tenant, "program.created")
    assert repr_ == "Referral programme"
    assert changes["is_public"] == "True"
    assert changes["contract_type"] == "Referral"


def test_a_taken_program_name_is_refused_ignoring_case(tenant, actor, in_tenant):
    ProgramFactory(tenant=tenant, name="Referral")

    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.program_create(
            tenant=tenant,
            actor=actor,
            name="REFERRAL",
            contract_type=built_in_contract_type(tenant),
        )

    assert error.value.message_dict == {
        "name": ["A program named “REFERRAL” already exists: choose another name."]
    }


def test_the_same_name_in_another_tenant_is_fine(tenant, actor, in_tenant):
    ProgramFactory(tenant=TenantFactory(), name="Referral")

    with in_tenant(tenant):
        program = services.program_create(
            tenant=tenant,
            actor=actor,
            name="Referral",
            contract_type=built_in_contract_type(tenant),
        )

    assert program.pk


def test_another_tenants_contract_type_is_refused_naming_the_field(tenant, actor, in_tenant):
    foreign = ContractTypeFactory(tenant=TenantFactory())

    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.program_create(tenant=tenant, actor=actor, name="X", contract_type=foreign)

    assert list(error.value.message_dict) == ["contract_type"]


def test_a_term_out_of_range_names_the_field(tenant, actor, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.program_create(
            tenant=tenant,
            actor=actor,
            name="X",
            contract_type=built_in_contract_type(tenant),
            default_term_months=0,
        )

    assert list(error.value.message_dict) == ["default_term_months"]
    with scopes_disabled():
        assert not Program.objects.filter(tenant=tenant).exists()


def test_making_a_program_public_is_its_own_audit_event(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant, name="Agency", is_public=False)

    with in_tenant(tenant):
        services.program_update(
            tenant=tenant,
            actor=actor,
            program=program,
            fields={"is_public": True, "description": "Sets meetings"},
        )

    assert _events(tenant, "program.visibility_changed") == [
        ("Agency", {"is_public": ["False", "True"]})
    ]
    assert _events(tenant, "program.updated") == [
        ("Agency", {"description": ["", "Sets meetings"]})
    ]


def test_an_update_that_changes_nothing_writes_nothing(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant, name="Agency")

    with in_tenant(tenant):
        services.program_update(
            tenant=tenant, actor=actor, program=program, fields={"name": "Agency"}
        )

    assert _events(tenant, "program.updated") == []


def test_archive_is_audited_once_and_freezes_the_program(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant, name="Old")

    with in_tenant(tenant):
        services.program_archive(tenant=tenant, actor=actor, program=program)
        services.program_archive(tenant=tenant, actor=actor, program=program)
        with pytest.raises(ValidationError) as error:
            services.program_update(
                tenant=tenant, actor=actor, program=program, fields={"name": "New"}
            )

    assert error.value.messages == ["“Old” is archived: it cannot be changed."]
    assert len(_events(tenant, "program.archived")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_program_create_it_once(tenant):
    contract_type = built_in_contract_type(tenant)
    start = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            # A new thread reads in the default language: the messages below are English.
            with tenant_context(tenant), translation.override("en"):
                start.wait(10)
                services.program_create(
                    tenant=tenant, actor=None, name="Referral", contract_type=contract_type
                )
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(error.message_dict)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(map(str, outcomes)) == sorted(
        [
            "created",
            str({"name": ["A program named “Referral” already exists: choose another name."]}),
        ]
    )
    with scopes_disabled():
        assert Program.objects.filter(tenant=tenant, name="Referral").count() == 1
        assert AuditEvent.objects.filter(tenant=tenant, action="program.created").count() == 1


# --- tiers ------------------------------------------------------------------------------------


def _tier(tenant, actor, program, name, **fields):
    return services.tier_create(tenant=tenant, actor=actor, program=program, name=name, **fields)


def test_tiers_are_added_above_the_highest_and_audited(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)

    with in_tenant(tenant):
        _tier(tenant, actor, program, "Registered")
        _tier(tenant, actor, program, "Silver", min_meetings_held=5)
        _tier(tenant, actor, program, "Gold", min_meetings_held=10, min_revenue=Decimal("1000000"))

    assert _tier_names(program) == [("Registered", 0), ("Silver", 1), ("Gold", 2)]
    gold = _events(tenant, "tier.created")[-1][1]
    assert gold["min_revenue"] == "1000000" and gold["position"] == "2"


def test_a_higher_tier_asking_for_less_is_refused_naming_the_field(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    with in_tenant(tenant):
        _tier(tenant, actor, program, "Silver", min_meetings_held=5, min_revenue=Decimal(100))

        with pytest.raises(ValidationError) as error:
            _tier(tenant, actor, program, "Gold", min_meetings_held=3, min_revenue=Decimal(50))

    assert set(error.value.message_dict) == {"min_meetings_held", "min_revenue"}
    assert error.value.message_dict["min_meetings_held"] == [
        "At least 5: the lower tier “Silver” requires 5, and a higher tier's requirements "
        "must not decrease."
    ]
    assert "¥100" in error.value.message_dict["min_revenue"][0]
    assert _tier_names(program) == [("Silver", 0)]


def test_editing_a_lower_tier_above_the_next_is_refused(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    with in_tenant(tenant):
        silver = _tier(tenant, actor, program, "Silver", min_won_deals=2)
        _tier(tenant, actor, program, "Gold", min_won_deals=4)

        with pytest.raises(ValidationError) as error:
            services.tier_update(
                tenant=tenant, actor=actor, tier=silver, fields={"min_won_deals": 5}
            )

    assert error.value.message_dict["min_won_deals"][0].startswith("At most 4:")


def test_a_tier_name_is_unique_within_its_program(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    other = ProgramFactory(tenant=tenant)
    with in_tenant(tenant):
        _tier(tenant, actor, program, "Gold")
        _tier(tenant, actor, other, "Gold")

        with pytest.raises(ValidationError) as error:
            _tier(tenant, actor, program, "gold")

    assert error.value.message_dict == {"name": ["This program already has a tier named “gold”."]}


def test_a_rule_set_of_another_program_is_refused(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant, name="Referral")
    elsewhere = CommissionRuleSetFactory(program=ProgramFactory(tenant=tenant))

    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        _tier(tenant, actor, program, "Gold", rule_set=elsewhere)

    assert error.value.message_dict == {
        "rule_set": ["Choose a commission rule set of the program “Referral”."]
    }


def test_a_rule_set_of_the_program_is_accepted(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    own = CommissionRuleSetFactory(program=program)

    with in_tenant(tenant):
        tier = _tier(tenant, actor, program, "Gold", rule_set=own)

    assert tier.rule_set_id == own.pk


def test_moving_a_tier_swaps_it_with_its_neighbour(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    with in_tenant(tenant):
        _tier(tenant, actor, program, "Registered")
        gold = _tier(tenant, actor, program, "Gold", min_meetings_held=5)
        _tier(tenant, actor, program, "Silver", min_meetings_held=5)

        services.tier_move(tenant=tenant, actor=actor, tier=gold, direction="up")

    assert _tier_names(program) == [("Registered", 0), ("Silver", 1), ("Gold", 2)]
    assert _events(tenant, "tier.moved") == [("Gold", {"position": ["1", "2"]})]


def test_moving_the_highest_tier_up_changes_nothing(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    with in_tenant(tenant):
        _tier(tenant, actor, program, "Registered")
        gold = _tier(tenant, actor, program, "Gold")

        services.tier_move(tenant=tenant, actor=actor, tier=gold, direction="up")

    assert _tier_names(program) == [("Registered", 0), ("Gold", 1)]
    assert _events(tenant, "tier.moved") == []


def test_a_move_that_would_decrease_a_requirement_is_refused(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    with in_tenant(tenant):
        registered = _tier(tenant, actor, program, "Registered")
        _tier(tenant, actor, program, "Gold", min_certified_reps=2)

        with pytest.raises(ValidationError) as error:
            services.tier_move(tenant=tenant, actor=actor, tier=registered, direction="up")

    assert "“Registered”" in error.value.messages[0] and "certified reps" in error.value.messages[0]
    assert _tier_names(program) == [("Registered", 0), ("Gold", 1)]


def test_deleting_a_tier_closes_the_gap_and_is_audited(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    with in_tenant(tenant):
        registered = _tier(tenant, actor, program, "Registered")
        _tier(tenant, actor, program, "Silver")
        _tier(tenant, actor, program, "Gold")

        services.tier_delete(tenant=tenant, actor=actor, tier=registered)

    assert _tier_names(program) == [("Silver", 0), ("Gold", 1)]
    assert [repr_ for repr_, _changes in _events(tenant, "tier.deleted")] == ["Registered"]


def test_tiers_of_an_archived_program_cannot_change(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant, is_archived=True)
    tier = TierFactory(program=program)

    with in_tenant(tenant):
        with pytest.raises(ValidationError):
            _tier(tenant, actor, program, "Gold")
        with pytest.raises(ValidationError):
            services.tier_delete(tenant=tenant, actor=actor, tier=tier)

    assert len(_tier_names(program)) == 1


def test_a_tier_change_marks_its_program_updated(tenant, actor, in_tenant):
    program = ProgramFactory(tenant=tenant)
    before = program.updated_at

    with in_tenant(tenant):
        _tier(tenant, actor, program, "Registered")

    program.refresh_from_db()
    assert program.updated_at > before
