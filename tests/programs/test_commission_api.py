"""The commission API: rule sets and versions read per tenant, the calculator answers lines
with their explanation, and keys or partner users of the wrong side are refused."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from tests.factories.accounts import ApiKeyFactory
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "alpha0000-commission-api-key-secret"


def url(tenant, name):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug})


@pytest.fixture
def rule_set(tenant):
    rule_set = CommissionRuleSetFactory(program__tenant=tenant, name="Standard")
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=1,
        effective_from=datetime.date(2026, 4, 1),
        rules=[{"kind": "percentage", "rate": "10", "cap": "100000"}],
    )
    return rule_set


@pytest.fixture
def api(tenant):
    ApiKeyFactory(tenant=tenant, secret=SECRET, role=Role.VENDOR_ADMIN)
    return Client(HTTP_AUTHORIZATION=f"Api-Key prm_{SECRET}")


def test_rule_sets_filter_by_program_and_versions_by_rule_set(api, tenant, rule_set):
    # A second program of the same contract type (the factory seeds one type per tenant).
    other = CommissionRuleSetFactory(
        program=ProgramFactory(tenant=tenant, contract_type=rule_set.program.contract_type)
    )

    listed = api.get(url(tenant, "api_rule_set_list"), {"program": rule_set.program_id}).json()
    versions = api.get(url(tenant, "api_rule_set_version_list"), {"rule_set": rule_set.pk}).json()

    assert [row["id"] for row in listed["results"]] == [rule_set.pk]
    assert listed["results"][0]["version_count"] == 1
    assert other.pk not in [row["id"] for row in listed["results"]]
    assert [row["number"] for row in versions["results"]] == [1]


def test_the_calculator_answers_lines_and_explanations(api, tenant, rule_set):
    response = api.post(
        url(tenant, "api_commission_calculate"),
        {"rule_set": rule_set.pk, "date": "2026-06-01", "amount": "1500000"},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "100000"
    (line,) = body["lines"]
    assert line["explanation"]["is_cap_applied"] is True
    assert line["explanation"]["version_number"] == 1


def test_the_calculator_names_the_bad_field(api, tenant, rule_set, other_tenant):
    foreign = CommissionRuleSetFactory(program__tenant=other_tenant)

    response = api.post(
        url(tenant, "api_commission_calculate"),
        {"rule_set": foreign.pk, "date": "2026-06-01", "amount": "-1"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"rule_set", "amount"}


def test_a_key_of_another_tenant_is_refused_by_the_calculator(api, tenant, other_tenant, rule_set):
    response = api.post(
        url(other_tenant, "api_commission_calculate"),
        {"rule_set": rule_set.pk, "date": "2026-06-01"},
        content_type="application/json",
    )

    assert response.status_code == 401


def test_partner_users_cannot_read_rules_or_calculate(tenant, rule_set, fresh_client_for):
    membership, _rep = portal_membership_for(PartnerFactory(tenant=tenant), role=Role.PARTNER_ADMIN)
    client = fresh_client_for(membership)

    listed = client.get(url(tenant, "api_rule_set_list"))
    calculated = client.post(
        url(tenant, "api_commission_calculate"),
        {"rule_set": rule_set.pk, "date": "2026-06-01"},
        content_type="application/json",
    )

    assert listed.status_code == 403
    assert calculated.status_code == 403
