"""Who is due for contact, computed from fixed dates (today is 2026-11-23, a Monday)."""

from datetime import date, timedelta

import pytest

from accounts.roles import Role
from partners.choices import PartnerStatus, Priority
from partners.models import CadenceRule
from partners.selectors.engagement import (
    DEFAULT_CADENCES,
    cadence_rules,
    digest_recipients,
    due_list_ranked,
    due_rows_for,
    partners_due_for_contact,
)
from tests.factories.partners import ActivityFactory, PartnerFactory

TODAY = date(2026, 11, 23)

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def partner(tenant, priority=Priority.A, status=PartnerStatus.ACTIVE, owner=None, contacts=()):
    made = PartnerFactory(tenant=tenant, priority=priority, status=status, owner=owner)
    for occurred_on in contacts:
        ActivityFactory(partner=made, occurred_on=occurred_on)
    return made


def due(tenant, in_tenant, **kwargs):
    with in_tenant(tenant):
        return partners_due_for_contact(tenant=tenant, today=TODAY, **kwargs)


def test_cadence_defaults_when_the_tenant_stored_none(tenant, in_tenant):
    with in_tenant(tenant):
        rules = cadence_rules(tenant=tenant)

    assert list(rules) == ["A", "B", "C", "D"]
    assert [rules[p].contact_interval_days for p in "ABCD"] == [7, 30, 30, None]
    assert all(rule.is_default for rule in rules.values())


def test_stored_cadence_replaces_the_default_of_its_priority_only(tenant, other_tenant, in_tenant):
    CadenceRule.objects.create(tenant=tenant, priority="B", contact_interval_days=14)
    CadenceRule.objects.create(tenant=other_tenant, priority="A", contact_interval_days=2)

    with in_tenant(tenant):
        rules = cadence_rules(tenant=tenant)

    assert rules["B"].contact_interval_days == 14
    assert not rules["B"].is_default
    assert rules["B"].expectation == DEFAULT_CADENCES["B"].expectation  # empty text: default
    assert rules["A"].contact_interval_days == 7  # the other tenant's rule does not leak


def test_overdue_partner_shows_days_overdue(tenant, in_tenant):
    overdue = partner(tenant, Priority.A, contacts=[days_ago(10), days_ago(30)])

    [row] = due(tenant, in_tenant)

    assert row.pk == overdue.pk
    assert row.last_contact == days_ago(10)
    assert row.due_on == days_ago(3)
    assert row.days_overdue == 3
    assert row.is_overdue


def test_partner_due_within_the_week_is_listed_but_not_overdue(tenant, in_tenant):
    soon = partner(tenant, Priority.A, contacts=[days_ago(1)])  # due in 6 days

    [row] = due(tenant, in_tenant)

    assert row.pk == soon.pk
    assert row.due_on == TODAY + timedelta(days=6)
    assert row.days_until == 6
    assert not row.is_overdue


def test_partner_due_later_than_this_week_is_not_listed(tenant, in_tenant):
    partner(tenant, Priority.A, contacts=[TODAY])  # due in 7 days
    partner(tenant, Priority.C, contacts=[days_ago(20)])  # due in 10 days

    assert due(tenant, in_tenant) == []


def test_never_contacted_partner_is_overdue(tenant, in_tenant):
    never = partner(tenant, Priority.B)

    [row] = due(tenant, in_tenant)

    assert row.pk == never.pk
    assert row.last_contact is None
    assert row.due_on is None
    assert row.is_overdue


def test_priority_d_is_never_due(tenant, in_tenant):
    partner(tenant, Priority.D)
    partner(tenant, Priority.D, contacts=[days_ago(400)])

    assert due(tenant, in_tenant) == []


def test_terminated_and_prospect_partners_are_excluded(tenant, in_tenant):
    partner(tenant, Priority.A, status=PartnerStatus.TERMINATED)
    partner(tenant, Priority.A, status=PartnerStatus.PROSPECT)
    kept = [
        partner(tenant, Priority.A, status=status)
        for status in (PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE, PartnerStatus.DORMANT)
    ]

    assert {row.pk for row in due(tenant, in_tenant)} == {p.pk for p in kept}


def test_sorted_by_priority_then_most_overdue_first(tenant, in_tenant):
    b_never = partner(tenant, Priority.B)
    a_slightly = partner(tenant, Priority.A, contacts=[days_ago(8)])
    a_never = partner(tenant, Priority.A)
    a_very = partner(tenant, Priority.A, contacts=[days_ago(40)])
    c_soon = partner(tenant, Priority.C, contacts=[days_ago(28)])

    rows = due(tenant, in_tenant)

    assert [r.pk for r in rows] == [a_never.pk, a_very.pk, a_slightly.pk, b_never.pk, c_soon.pk]


def test_ranked_due_list_counts_and_pages_in_the_list_order(tenant, in_tenant):
    a_never = partner(tenant, Priority.A)
    a_very = partner(tenant, Priority.A, contacts=[days_ago(40)])
    c_soon = partner(tenant, Priority.C, contacts=[days_ago(28)])  # due in 2 days
    partner(tenant, Priority.B, contacts=[days_ago(1)])  # not due this week

    with in_tenant(tenant):
        ranked = due_list_ranked(tenant=tenant, today=TODAY)
        second_page = due_rows_for(tenant=tenant, ranked=ranked.ranked[1:], today=TODAY)

    assert [pk for pk, _due in ranked.ranked] == [a_never.pk, a_very.pk, c_soon.pk]
    assert (ranked.total, ranked.overdue) == (3, 2)
    assert [p.pk for p in second_page] == [a_very.pk, c_soon.pk]
    assert second_page[0].days_overdue == 33 and second_page[1].days_until == 2


def test_tenant_cadence_changes_who_is_due(tenant, in_tenant):
    partner(tenant, Priority.C, contacts=[days_ago(5)])
    assert due(tenant, in_tenant) == []

    CadenceRule.objects.create(tenant=tenant, priority="C", contact_interval_days=3)
    CadenceRule.objects.create(tenant=tenant, priority="A", contact_interval_days=None)
    partner(tenant, Priority.A)  # A is no longer pushed

    [row] = due(tenant, in_tenant)
    assert row.priority == "C"
    assert row.days_overdue == 2


def test_owner_filter_keeps_that_managers_partners(tenant, member_factory, in_tenant):
    mine = member_factory(tenant, Role.PARTNER_MANAGER)
    theirs = member_factory(tenant, Role.PARTNER_MANAGER)
    my_partner = partner(tenant, owner=mine)
    partner(tenant, owner=theirs)
    partner(tenant, owner=None)

    assert [r.pk for r in due(tenant, in_tenant, owner=mine)] == [my_partner.pk]
    assert len(due(tenant, in_tenant)) == 3


def test_open_next_actions_are_past_due_ones_only(tenant, in_tenant):
    made = partner(tenant, Priority.A, contacts=[days_ago(20)])
    late = ActivityFactory(
        partner=made, occurred_on=days_ago(20), next_action="Send deck", next_action_due=days_ago(1)
    )
    ActivityFactory(
        partner=made, occurred_on=days_ago(20), next_action="Visit", next_action_due=TODAY
    )
    ActivityFactory(partner=made, occurred_on=days_ago(20), next_action="", next_action_due=None)

    [row] = due(tenant, in_tenant)

    assert [a.pk for a in row.open_actions] == [late.pk]
    assert row.open_action_count == 1


def test_a_page_row_loads_its_first_open_actions_and_counts_them_all(tenant, in_tenant):
    """The due list loads OPEN_ACTIONS_SHOWN actions per partner (oldest first) and counts
    the rest in the database; the digest (partners_due_for_contact) gets all of them."""
    busy = partner(tenant, Priority.A, contacts=[days_ago(30)])
    quiet = partner(tenant, Priority.A, contacts=[days_ago(30)])
    actions = [
        ActivityFactory(
            partner=busy,
            occurred_on=days_ago(30),
            next_action=f"Follow up {n}",
            next_action_due=days_ago(10 - n),
        )
        for n in range(5)
    ]
    only = ActivityFactory(
        partner=quiet, occurred_on=days_ago(30), next_action="Call", next_action_due=days_ago(2)
    )

    with in_tenant(tenant):
        rows = {
            row.pk: row
            for row in due_rows_for(
                tenant=tenant,
                ranked=due_list_ranked(tenant=tenant, today=TODAY).ranked,
                today=TODAY,
            )
        }
    digest = {row.pk: row for row in due(tenant, in_tenant)}

    assert [a.pk for a in rows[busy.pk].open_actions] == [a.pk for a in actions[:3]]
    assert rows[busy.pk].open_action_count == 5
    assert [a.pk for a in rows[quiet.pk].open_actions] == [only.pk]
    assert rows[quiet.pk].open_action_count == 1
    assert len(digest[busy.pk].open_actions) == 5


def test_other_tenants_partners_never_appear(tenant, other_tenant, in_tenant):
    partner(other_tenant, Priority.A)

    assert due(tenant, in_tenant) == []


def test_digest_recipients_are_active_staff_owners_with_due_partners(
    tenant, member_factory, in_tenant
):
    due_owner = member_factory(tenant, Role.PARTNER_MANAGER)
    calm_owner = member_factory(tenant, Role.PARTNER_MANAGER)
    gone_owner = member_factory(tenant, Role.PARTNER_MANAGER)
    gone_owner.is_active = False
    gone_owner.save(update_fields=["is_active"])
    partner(tenant, Priority.A, owner=due_owner)
    partner(tenant, Priority.A, owner=calm_owner, contacts=[TODAY])
    partner(tenant, Priority.A, owner=gone_owner)

    with in_tenant(tenant):
        recipients = digest_recipients(tenant=tenant, today=TODAY)

    assert [m.pk for m in recipients] == [due_owner.pk]
