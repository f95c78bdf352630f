"""The target-accounts API: staff read all and filter, create for a partner; partner users
read and write their own partner's accounts only; milestone moves answer 400 when illegal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from deals.models import Milestone, TargetAccount
from tests.factories.deals import TargetAccountFactory
from tests.factories.partners import PartnerFactory, portal_membership_for

pytestmark = pytest.mark.django_db


def url(tenant, name, **kwargs):
    return reverse(f"deals:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.fixture
def staff(client_for, manager_member):
    return client_for(manager_member)


def test_staff_list_filters_by_partner_and_milestone(tenant, staff, partner):
    with scopes_disabled():
        mine = TargetAccountFactory(partner=partner)
        requested = TargetAccountFactory(partner=partner, milestone=Milestone.REQUESTED)
        other = TargetAccountFactory(partner=PartnerFactory(tenant=tenant))

    def ids(**params):
        response = staff.get(url(tenant, "api_target_list"), params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {mine.pk, requested.pk, other.pk}
    assert ids(partner=partner.pk) == {mine.pk, requested.pk}
    assert ids(milestone="requested") == {requested.pk}


def test_staff_create_needs_a_partner_and_refuses_a_duplicate(tenant, staff, partner):
    endpoint = url(tenant, "api_target_list")
    response = staff.post(endpoint, {"company_name": "アクメ"}, content_type="application/json")
    assert response.status_code == 400
    assert "Choose the partner" in str(response.json())
    body = {"partner": partner.pk, "company_name": "株式会社アクメ", "prefecture": "13"}
    response = staff.post(endpoint, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["milestone"] == "listed"
    response = staff.post(
        endpoint, {**body, "company_name": "アクメ"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "company_name" in str(response.json())
    with scopes_disabled():
        assert TargetAccount.objects.count() == 1


def test_move_endpoint_moves_and_refuses_illegal_moves_with_a_message(tenant, staff, partner):
    with scopes_disabled():
        account = TargetAccountFactory(partner=partner, company_name="動く会社")
    move = url(tenant, "api_target_move", target_account_id=account.pk)
    response = staff.post(move, {"to": "requested"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["milestone"] == "requested"
    response = staff.post(move, {"to": "meeting_held"}, content_type="application/json")
    assert response.status_code == 400
    assert "動く会社" in str(response.json()) and "cannot move" in str(response.json())
    response = staff.post(move, {"to": "dropped"}, content_type="application/json")
    assert response.status_code == 400
    assert "drop_reason" in str(response.json())
    response = staff.post(move, {"to": "won"}, content_type="application/json")
    assert response.status_code == 400
    assert "Choose a milestone." in str(response.json())
    with scopes_disabled():
        account.refresh_from_db()
    assert account.milestone == Milestone.REQUESTED


def test_partner_user_sees_and_creates_only_for_own_partner(tenant, client_for, partner):
    with scopes_disabled():
        own = TargetAccountFactory(partner=partner)
        other_partner = PartnerFactory(tenant=tenant)
        foreign = TargetAccountFactory(partner=other_partner)
    membership, rep = portal_membership_for(partner)
    client = client_for(membership)
    response = client.get(url(tenant, "api_target_list"))
    assert {row["id"] for row in response.json()["results"]} == {own.pk}
    assert (
        client.get(url(tenant, "api_target_detail", target_account_id=foreign.pk)).status_code
        == 404
    )
    move = url(tenant, "api_target_move", target_account_id=foreign.pk)
    assert (
        client.post(
            move, {"to": "dropped", "drop_reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    # A partner id in the body is ignored: the account is the login's own company's.
    response = client.post(
        url(tenant, "api_target_list"),
        {"partner": other_partner.pk, "company_name": "自社リスト"},
        content_type="application/json",
    )
    assert response.status_code == 201
    with scopes_disabled():
        created = TargetAccount.objects.get(company_name="自社リスト")
        foreign.refresh_from_db()
    assert (created.partner, created.rep) == (partner, rep)
    assert foreign.milestone == Milestone.LISTED


def test_partner_user_cannot_record_the_vendors_steps(tenant, client_for, partner):
    with scopes_disabled():
        account = TargetAccountFactory(partner=partner)
    membership, _rep = portal_membership_for(partner)
    client = client_for(membership)
    move = url(tenant, "api_target_move", target_account_id=account.pk)
    response = client.post(move, {"to": "requested"}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(
        move, {"to": "dropped", "drop_reason": "見込みなし"}, content_type="application/json"
    )
    assert response.status_code == 200


def test_list_query_count_is_flat(tenant, staff, partner):
    def count(rows):
        with scopes_disabled():
            for _ in range(rows):
                TargetAccountFactory(partner=partner)
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url(tenant, "api_target_list")).status_code == 200
        return len(queries)

    assert count(5) == count(45)


def test_move_endpoint_answers_the_allowed_moves(tenant, staff, client_for, partner):
    with scopes_disabled():
        account = TargetAccountFactory(partner=partner)
    move = url(tenant, "api_target_move", target_account_id=account.pk)
    assert staff.get(move).json() == {
        "milestone": "listed",
        "allowed": ["requested", "converted", "dropped"],
    }
    membership, _rep = portal_membership_for(partner)
    assert client_for(membership).get(move).json()["allowed"] == ["dropped"]


def test_another_tenants_account_answers_404_and_stays_unchanged(
    tenant, other_tenant, staff, unscoped
):
    with unscoped():
        foreign = TargetAccountFactory(partner__tenant=other_tenant)
    move = url(tenant, "api_target_move", target_account_id=foreign.pk)
    response = staff.post(move, {"to": "requested"}, content_type="application/json")
    assert response.status_code == 404
    assert (
        staff.get(url(tenant, "api_target_detail", target_account_id=foreign.pk)).status_code == 404
    )
    with unscoped():
        foreign.refresh_from_db()
    assert foreign.milestone == Milestone.LISTED
