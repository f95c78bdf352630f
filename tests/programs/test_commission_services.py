"""Rule-set services: tenants kept apart, versions validated, used versions never rewritten,
and two identical submits saving one version."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope, scopes_disabled

from accounts.models import AuditEvent
from programs.models import CommissionRuleSet, CommissionRuleSetVersion
from programs.services import commission as services
from tests.factories.accounts import TenantFactory
from tests.factories.programs import (
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
RULES = [{"kind": "percentage", "rate": "10"}]


def create_version(tenant, rule_set, actor=None, **overrides):
    values = {
        "tenant": tenant,
        "actor": actor,
        "rule_set": rule_set,
        "effective_from": datetime.date(2027, 1, 1),
        "rules": RULES,
        "today": TODAY,
    }
    values.update(overrides)
    with scope(tenant=tenant):
        return services.rule_set_version_create(**values)


def test_rule_set_create_names_the_program_and_audits(tenant, admin_member):
    program = ProgramFactory(tenant=tenant, name="Reseller")

    with scope(tenant=tenant):
        rule_set = services.rule_set_create(
            tenant=tenant, actor=admin_member.user, program=program, name="  Standard  "
        )

    assert (rule_set.name, rule_set.currency, rule_set.program_id) == (
        "Standard",
        "JPY",
        program.pk,
    )
    with scopes_disabled():
        event = AuditEvent.objects.get(action="commission_rule_set.created")
    assert event.changes == {"program": "Reseller", "name": "Standard", "currency": "JPY"}


def test_rule_set_create_refuses_another_tenants_program(tenant):
    foreign = ProgramFactory(tenant=TenantFactory())

    with pytest.raises(ValidationError) as error, scope(tenant=tenant):
        services.rule_set_create(tenant=tenant, actor=None, program=foreign, name="Taken over")

    assert list(error.value.message_dict) == ["program"]
    with scopes_disabled():
        assert not CommissionRuleSet.objects.exists()


def test_rule_set_names_are_unique_per_program_and_currencies_real(tenant):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant, name="Standard")

    with scope(tenant=tenant):
        with pytest.raises(ValidationError) as taken:
            services.rule_set_create(
                tenant=tenant, actor=None, program=rule_set.program, name="standard"
            )
        with pytest.raises(ValidationError) as currency:
            services.rule_set_create(
                tenant=tenant, actor=None, program=rule_set.program, name="Other", currency="XXY"
            )

    assert list(taken.value.message_dict) == ["name"]
    assert list(currency.value.message_dict) == ["currency"]


def test_versions_are_numbered_and_store_the_checked_rules(tenant, admin_member):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)

    first = create_version(
        tenant, rule_set, admin_member.user, rules=[{"kind": "percentage", "rate": 10}]
    )
    second = create_version(tenant, rule_set, effective_from=datetime.date(2027, 4, 1))

    assert (first.number, second.number) == (1, 2)
    assert first.rules == [{"kind": "percentage", "rate": "10", "cap": None}]
    assert first.created_by == admin_member.user
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="commission_rule_set_version.created").count() == 2


def test_bad_rules_are_refused_by_field_path_and_nothing_is_saved(tenant):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)
    rules = [
        {"kind": "percentage", "rate": "10"},
        {
            "kind": "split",
            "shares": [{"role": "sets_meeting", "share": "30"}, {"role": "closes", "share": "60"}],
            "remainder_role": "closes",
        },
    ]

    with pytest.raises(ValidationError) as error:
        create_version(tenant, rule_set, rules=rules, holding_days=-1)

    assert set(error.value.message_dict) == {"rules[1].shares", "holding_days"}
    with scopes_disabled():
        assert not CommissionRuleSetVersion.objects.exists()


def test_two_versions_may_not_start_on_the_same_day(tenant):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)
    create_version(tenant, rule_set)

    with pytest.raises(ValidationError) as error:
        create_version(tenant, rule_set, rules=[{"kind": "percentage", "rate": "12"}])

    assert (
        "Version 1 already applies from this date" in error.value.message_dict["effective_from"][0]
    )


def test_the_same_submit_twice_saves_one_version_and_says_so(tenant):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)
    create_version(tenant, rule_set)

    with pytest.raises(ValidationError) as error:
        create_version(tenant, rule_set)

    assert error.value.error_dict["effective_from"][0].code == "duplicate"
    assert "already been saved as version 1" in error.value.message_dict["effective_from"][0]
    with scopes_disabled():
        assert CommissionRuleSetVersion.objects.count() == 1


def test_a_past_date_is_refused_where_it_would_supersede_a_used_version(tenant):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=1,
        effective_from=datetime.date(2026, 4, 1),
        rules=RULES,
        first_used_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
    )

    for day in (TODAY, datetime.date(2026, 6, 1)):
        with pytest.raises(ValidationError) as error:
            create_version(tenant, rule_set, effective_from=day)
        assert "has already produced amounts" in error.value.message_dict["effective_from"][0]

    tomorrow = create_version(tenant, rule_set, effective_from=TODAY + datetime.timedelta(days=1))
    assert tomorrow.number == 2


def test_a_past_date_is_allowed_while_the_superseded_version_is_unused(tenant):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)
    CommissionRuleSetVersionFactory(
        rule_set=rule_set, number=1, effective_from=datetime.date(2026, 4, 1), rules=RULES
    )

    version = create_version(tenant, rule_set, effective_from=datetime.date(2026, 6, 1))

    assert version.number == 2


def test_only_an_unused_future_version_may_be_deleted(tenant, admin_member):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)
    current = CommissionRuleSetVersionFactory(
        rule_set=rule_set, number=1, effective_from=datetime.date(2026, 4, 1), rules=RULES
    )
    future = create_version(tenant, rule_set)

    with scope(tenant=tenant):
        with pytest.raises(ValidationError):
            services.rule_set_version_delete(
                tenant=tenant, actor=admin_member.user, version=current, today=TODAY
            )
        services.rule_set_version_delete(
            tenant=tenant, actor=admin_member.user, version=future, today=TODAY
        )

    with scopes_disabled():
        assert list(CommissionRuleSetVersion.objects.values_list("pk", flat=True)) == [current.pk]
        assert AuditEvent.objects.filter(action="commission_rule_set_version.deleted").exists()


def test_a_version_of_another_tenants_rule_set_is_refused(tenant):
    foreign = CommissionRuleSetFactory(program__tenant=TenantFactory())

    with pytest.raises(ValidationError):
        create_version(tenant, foreign)

    with scopes_disabled():
        assert not CommissionRuleSetVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_submits_create_one_version():
    tenant = TenantFactory()
    rule_set = CommissionRuleSetFactory(program__tenant=tenant)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait(timeout=10)
            create_version(tenant, rule_set)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.error_dict["effective_from"][0].code or "refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["duplicate", "saved"]
    with scopes_disabled():
        assert CommissionRuleSetVersion.objects.filter(rule_set=rule_set).count() == 1
