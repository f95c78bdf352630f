"""The commission pages: the version editor names the field of every error and saves nothing
then; tenants stay apart on writes; the preview explains; query counts stay flat."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import CommissionRuleSet, CommissionRuleSetVersion
from tests.factories.accounts import TenantFactory
from tests.factories.programs import (
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

PREFIXES = ("percentage", "fixed", "recurring", "brackets", "spiff", "shares")


def editor_data(effective_from, **rows):
    """The POST of the version editor: `rows` maps a section prefix to its rows' values."""
    data = {
        "effective_from": effective_from.isoformat(),
        "holding_days": "30",
        "clawback_days": "90",
        "note": "",
        "split-remainder_role": rows.pop("remainder_role", ""),
    }
    for prefix in PREFIXES:
        section = rows.get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(section))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, values in enumerate(section):
            for key, value in values.items():
                data[f"{prefix}-{index}-{key}"] = value
    return data


def url(tenant, name, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def rule_set(tenant):
    return CommissionRuleSetFactory(program__tenant=tenant, name="Reseller standard")


TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
BRACKETS = [
    {"from_amount": "0", "to_amount": "10000000", "rate": "10"},
    {"from_amount": "10000000", "to_amount": "", "rate": "15"},
]
SHARES = [{"role": "sets_meeting", "share": "30"}, {"role": "closes", "share": "70"}]


def test_the_editor_saves_brackets_and_a_split_as_one_version(
    tenant, admin_member, client_for, rule_set
):
    client = client_for(admin_member)

    response = client.post(
        url(tenant, "version_create", rule_set_id=rule_set.pk),
        editor_data(TOMORROW, brackets=BRACKETS, shares=SHARES, remainder_role="closes"),
    )

    assert response.status_code == 302
    with scopes_disabled():
        version = CommissionRuleSetVersion.objects.get(rule_set=rule_set)
    assert version.rules == [
        {
            "kind": "brackets",
            "brackets": [
                {"from": "0", "to": "10000000", "rate": "10"},
                {"from": "10000000", "to": None, "rate": "15"},
            ],
        },
        {
            "kind": "split",
            "shares": [{"role": "sets_meeting", "share": "30"}, {"role": "closes", "share": "70"}],
            "remainder_role": "closes",
        },
    ]
    assert (version.holding_days, version.clawback_days, version.created_by) == (
        30,
        90,
        admin_member.user,
    )


def test_overlapping_brackets_are_shown_at_the_bracket_and_nothing_is_saved(
    tenant, admin_member, client_for, rule_set
):
    client = client_for(admin_member)
    overlapping = [*BRACKETS[:1], {"from_amount": "5000000", "to_amount": "", "rate": "15"}]

    response = client.post(
        url(tenant, "version_create", rule_set_id=rule_set.pk),
        editor_data(TOMORROW, percentage=[{"rate": "5"}], brackets=overlapping),
    )

    assert response.status_code == 400
    body = response.content.decode()
    # The message sits in the second bracket row, under its "from" field.
    assert 'id="id_brackets-1-from_amount_error"' in body
    assert "Brackets overlap" in body
    with scopes_disabled():
        assert not CommissionRuleSetVersion.objects.exists()


def test_shares_not_adding_up_are_shown_at_the_split(tenant, admin_member, client_for, rule_set):
    client = client_for(admin_member)
    shares = [{"role": "sets_meeting", "share": "30"}, {"role": "closes", "share": "60"}]

    response = client.post(
        url(tenant, "version_create", rule_set_id=rule_set.pk),
        editor_data(TOMORROW, percentage=[{"rate": "5"}], shares=shares, remainder_role="closes"),
    )

    assert response.status_code == 400
    assert 'data-testid="section-error-shares"' in response.content.decode()
    assert "add up to 90 %" in response.content.decode()
    with scopes_disabled():
        assert not CommissionRuleSetVersion.objects.exists()


def test_a_date_that_would_rewrite_a_used_version_is_refused_at_the_date(
    tenant, admin_member, client_for, rule_set
):
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=1,
        effective_from=datetime.date(2020, 1, 1),
        rules=[{"kind": "percentage", "rate": "10", "cap": None}],
        first_used_at=timezone.now(),
    )
    client = client_for(admin_member)

    response = client.post(
        url(tenant, "version_create", rule_set_id=rule_set.pk),
        editor_data(timezone.localdate(), percentage=[{"rate": "12"}]),
    )

    assert response.status_code == 400
    assert 'id="id_effective_from_error"' in response.content.decode()
    with scopes_disabled():
        assert CommissionRuleSetVersion.objects.count() == 1


def test_the_editor_starts_from_the_version_in_force(tenant, admin_member, client_for, rule_set):
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=1,
        effective_from=datetime.date(2020, 1, 1),
        rules=[{"kind": "percentage", "rate": "12.5", "cap": "100000"}],
    )

    response = client_for(admin_member).get(url(tenant, "version_create", rule_set_id=rule_set.pk))

    body = response.content.decode()
    assert 'name="percentage-0-rate" value="12.5"' in body
    assert 'name="percentage-0-cap" value="100000"' in body
    assert "Prefilled from version 1" in body


def test_a_version_under_another_tenants_rule_set_answers_404_and_creates_nothing(
    tenant, admin_member, client_for
):
    foreign = CommissionRuleSetFactory(program__tenant=TenantFactory())

    response = client_for(admin_member).post(
        url(tenant, "version_create", rule_set_id=foreign.pk),
        editor_data(TOMORROW, percentage=[{"rate": "50"}]),
    )

    assert response.status_code == 404
    with scopes_disabled():
        assert not CommissionRuleSetVersion.objects.exists()


def test_a_rule_set_for_another_tenants_program_is_refused(tenant, admin_member, client_for):
    foreign = ProgramFactory(tenant=TenantFactory())

    response = client_for(admin_member).post(
        url(tenant, "rule_set_create"),
        {"program": foreign.pk, "name": "Taken over", "currency": "JPY"},
    )

    assert response.status_code == 200
    assert 'id="id_program_error"' in response.content.decode()
    with scopes_disabled():
        assert not CommissionRuleSet.objects.exists()


def test_viewers_read_but_do_not_write(tenant, viewer_member, client_for, rule_set):
    client = client_for(viewer_member)

    detail = client.get(url(tenant, "rule_set_detail", rule_set_id=rule_set.pk))
    editor = client.get(url(tenant, "version_create", rule_set_id=rule_set.pk))

    assert detail.status_code == 200
    assert 'data-testid="new-version"' not in detail.content.decode()
    assert editor.status_code == 403


def test_partner_managers_cannot_create_versions(tenant, manager_member, client_for, rule_set):
    response = client_for(manager_member).post(
        url(tenant, "version_create", rule_set_id=rule_set.pk),
        editor_data(TOMORROW, percentage=[{"rate": "50"}]),
    )

    assert response.status_code == 403
    with scopes_disabled():
        assert not CommissionRuleSetVersion.objects.exists()


def add_versions(rule_set, count, start=1):
    for number in range(start, start + count):
        CommissionRuleSetVersionFactory(
            rule_set=rule_set,
            number=number,
            effective_from=datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * number),
            rules=[
                {"kind": "percentage", "rate": "10", "cap": None},
                {"kind": "fixed", "event": "meeting_held", "amount": "30000"},
                {
                    "kind": "brackets",
                    "brackets": [
                        {"from": "0", "to": "10000000", "rate": "10"},
                        {"from": "10000000", "to": None, "rate": "15"},
                    ],
                },
            ],
        )


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_rule_set_detail_makes_as_many_queries_with_12_versions_as_with_2(
    tenant, admin_member, client_for, rule_set
):
    client = client_for(admin_member)
    path = url(tenant, "rule_set_detail", rule_set_id=rule_set.pk)
    add_versions(rule_set, 2)
    few = count_queries(client, path)

    add_versions(rule_set, 10, start=3)

    assert count_queries(client, path) == few


def test_preview_makes_as_many_queries_with_12_versions_and_rule_sets_as_with_2(
    tenant, admin_member, client_for, rule_set
):
    client = client_for(admin_member)
    path = (
        url(tenant, "commission_preview")
        + f"?rule_set={rule_set.pk}&date=2026-06-01&event_kind=deal_won&amount=5000000"
        "&cumulative_revenue=8000000&partner_role=closes"
    )
    add_versions(rule_set, 2)
    few = count_queries(client, path)

    add_versions(rule_set, 10, start=3)
    for _ in range(10):
        add_versions(CommissionRuleSetFactory(program=rule_set.program), 1)

    assert count_queries(client, path) == few


def test_preview_shows_each_line_and_its_explanation(tenant, admin_member, client_for, rule_set):
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=1,
        effective_from=datetime.date(2026, 4, 1),
        holding_days=30,
        rules=[
            {
                "kind": "brackets",
                "brackets": [
                    {"from": "0", "to": "10000000", "rate": "10"},
                    {"from": "10000000", "to": None, "rate": "15"},
                ],
            },
            {
                "kind": "split",
                "shares": [
                    {"role": "sets_meeting", "share": "30"},
                    {"role": "closes", "share": "70"},
                ],
                "remainder_role": "closes",
            },
        ],
    )
    query = (
        f"?rule_set={rule_set.pk}&date=2026-06-01&event_kind=deal_won&amount=5000000"
        "&cumulative_revenue=8000000&partner_role=closes&second_partner_role=sets_meeting"
    )

    body = client_for(admin_member).get(url(tenant, "commission_preview") + query).content.decode()

    # 650,000 yen in all: 30 % (195,000) to the agency, 70 % (455,000) to the closer.
    assert "¥195,000" in body and "¥455,000" in body and "¥650,000" in body
    assert "¥2,000,000 at 10 % (bracket ¥0 – ¥10,000,000)" in body
    assert "¥3,000,000 at 15 % (bracket above ¥10,000,000)" in body
    assert "Split: 30 % of ¥650,000" in body


def test_preview_in_japanese(tenant, member_factory, client_for, rule_set):
    japanese = member_factory(tenant, Role.FINANCE, language="ja")
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=1,
        effective_from=datetime.date(2026, 4, 1),
        rules=[{"kind": "percentage", "rate": "10", "cap": "100000"}],
    )
    query = (
        f"?rule_set={rule_set.pk}&date=2026-06-01&event_kind=deal_won&amount=5000000"
        "&partner_role=closes"
    )

    body = client_for(japanese).get(url(tenant, "commission_preview") + query).content.decode()

    assert "手数料のプレビュー" in body
    assert "100,000円" in body
    assert "上限" in body
