"""The deals API of the registrations area: list and detail scoping, registration errors,
review actions, extension requests and decisions."""

import datetime

from django_scopes import scopes_disabled

from accounts.urls_helpers import tenant_reverse
from deals.models import Deal, ExtensionStatus, ProtectionExtension, RegistrationStatus
from tests.factories.deals import DealFactory, ProtectionExtensionFactory


def url(tenant, name, **kwargs):
    return tenant_reverse(tenant, f"deals:{name}", **kwargs)


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_partner_users_list_their_own_partners_deals_only(
    tenant, seller, rival, admin_member, client_for
):
    mine = DealFactory(partner=seller.partner)
    theirs = DealFactory(partner=rival.partner)

    rep = client_for(seller.rep_member)
    assert ids(rep.get(url(tenant, "api_deal_list"))) == {mine.pk}
    assert rep.get(url(tenant, "api_deal_detail", deal_id=theirs.pk)).status_code == 404
    assert rep.get(url(tenant, "api_deal_detail", deal_id=mine.pk)).json()["id"] == mine.pk
    staff = client_for(admin_member)
    assert ids(staff.get(url(tenant, "api_deal_list"))) == {mine.pk, theirs.pk}
    filtered = staff.get(url(tenant, "api_deal_list"), {"partner": rival.partner.pk})
    assert ids(filtered) == {theirs.pk}


def test_registration_errors_name_the_field(tenant, seller, rival, client_for):
    client = client_for(seller.rep_member)
    base = {"customer_name": "株式会社エラー", "amount_one_time": "100"}

    no_amount = client.post(
        url(tenant, "api_deal_list"),
        {**base, "program": seller.program.pk, "amount_one_time": "0"},
        content_type="application/json",
    )
    negative = client.post(
        url(tenant, "api_deal_list"),
        {**base, "program": seller.program.pk, "amount_monthly": "-1"},
        content_type="application/json",
    )
    with scopes_disabled():
        from tests.factories.programs import ProgramFactory

        foreign_program = ProgramFactory(tenant=tenant)
    wrong_program = client.post(
        url(tenant, "api_deal_list"),
        {**base, "program": foreign_program.pk},
        content_type="application/json",
    )

    assert no_amount.status_code == 400 and "amount_one_time" in no_amount.json()
    assert negative.status_code == 400 and "amount_monthly" in negative.json()
    assert wrong_program.status_code == 400 and "program" in wrong_program.json()
    with scopes_disabled():
        assert not Deal.objects.filter(partner=seller.partner).exists()


def test_staff_cannot_register_through_the_api(tenant, seller, admin_member, client_for):
    response = client_for(admin_member).post(
        url(tenant, "api_deal_list"),
        {"program": seller.program.pk, "customer_name": "X社", "amount_one_time": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_review_actions(tenant, seller, rival, admin_member, client_for):
    one = DealFactory(partner=seller.partner, program=seller.program)
    two = DealFactory(partner=seller.partner)
    three = DealFactory(partner=rival.partner)
    staff = client_for(admin_member)

    approved = staff.post(
        url(tenant, "api_deal_approve", deal_id=one.pk), {}, content_type="application/json"
    )
    again = staff.post(
        url(tenant, "api_deal_approve", deal_id=one.pk), {}, content_type="application/json"
    )
    rejected = staff.post(
        url(tenant, "api_deal_reject", deal_id=two.pk),
        {"reason": "No"},
        content_type="application/json",
    )
    duplicate = staff.post(
        url(tenant, "api_deal_duplicate", deal_id=three.pk),
        {"duplicate_of": one.pk},
        content_type="application/json",
    )

    assert approved.status_code == 200
    assert approved.json()["registration_status"] == RegistrationStatus.APPROVED
    assert approved.json()["protected_until"] is not None
    assert again.status_code == 400
    assert rejected.json()["registration_status"] == RegistrationStatus.REJECTED
    assert duplicate.json()["duplicate_of"] == one.pk


def test_partner_users_cannot_review(tenant, seller, client_for):
    deal = DealFactory(partner=seller.partner)
    response = client_for(seller.rep_member).post(url(tenant, "api_deal_approve", deal_id=deal.pk))
    assert response.status_code == 403
    with scopes_disabled():
        deal.refresh_from_db()
    assert deal.registration_status == RegistrationStatus.PENDING


def test_extension_request_and_decision(tenant, seller, rival, admin_member, client_for):
    deal = DealFactory(
        partner=seller.partner,
        registration_status=RegistrationStatus.APPROVED,
        protected_until=datetime.date(2030, 1, 31),
    )
    theirs = DealFactory(
        partner=rival.partner,
        registration_status=RegistrationStatus.APPROVED,
        protected_until=datetime.date(2030, 1, 31),
    )
    rep = client_for(seller.rep_member)
    body = {"requested_until": "2030-04-30", "reason": "Budget in April"}

    created = rep.post(
        url(tenant, "api_deal_extensions", deal_id=deal.pk), body, content_type="application/json"
    )
    foreign = rep.post(
        url(tenant, "api_deal_extensions", deal_id=theirs.pk), body, content_type="application/json"
    )
    listed = rep.get(url(tenant, "api_deal_extensions", deal_id=deal.pk))

    assert created.status_code == 201, created.json()
    assert foreign.status_code == 404
    assert [row["id"] for row in listed.json()] == [created.json()["id"]]

    staff = client_for(admin_member)
    decided = staff.post(
        url(tenant, "api_extension_decide", extension_id=created.json()["id"]),
        {"decision": "approve"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == ExtensionStatus.APPROVED
    with scopes_disabled():
        deal.refresh_from_db()
    assert deal.protected_until == datetime.date(2030, 4, 30)


def test_refusing_an_extension_needs_a_note(tenant, seller, admin_member, client_for):
    extension = ProtectionExtensionFactory(deal=DealFactory(partner=seller.partner))
    staff = client_for(admin_member)
    path = url(tenant, "api_extension_decide", extension_id=extension.pk)

    assert (
        staff.post(path, {"decision": "refuse"}, content_type="application/json").status_code == 400
    )
    assert (
        staff.post(
            path, {"decision": "refuse", "note": "No"}, content_type="application/json"
        ).status_code
        == 200
    )
    with scopes_disabled():
        assert ProtectionExtension.objects.get(pk=extension.pk).status == ExtensionStatus.REFUSED
