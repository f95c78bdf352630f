"""The partners REST API: CRUD through the services, filters, visibility, partner scoping."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.roles import Role
from partners.models import Partner, Prospect, ProspectStageChange
from tests.factories.accounts import ApiKeyFactory
from tests.factories.partners import (
    ActivityFactory,
    LostReasonFactory,
    PartnerFactory,
    PartnerRepFactory,
    ProspectFactory,
    portal_membership_for,
)


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, account_number="7654321", bank_code="0005", priority="A")


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_list_is_paginated_and_tenant_only(tenant, other_tenant, manager_member, client_for):
    mine = [PartnerFactory(tenant=tenant) for _ in range(3)]
    PartnerFactory(tenant=other_tenant)

    response = client_for(manager_member).get(url(tenant, "api_partner_list"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert ids(response) == {p.pk for p in mine}
    assert "next" in body


def test_filters_and_ordering(tenant, manager_member, client_for):
    a = PartnerFactory(tenant=tenant, priority="A", status="active", legal_name_kana="アイウ")
    b = PartnerFactory(tenant=tenant, priority="B", status="active", legal_name_kana="カキク")
    PartnerFactory(tenant=tenant, priority="A", status="dormant")
    client = client_for(manager_member)

    assert ids(
        client.get(url(tenant, "api_partner_list"), {"priority": "A", "status": "active"})
    ) == {a.pk}
    ordered = client.get(
        url(tenant, "api_partner_list"), {"status": "active", "ordering": "-legal_name_kana"}
    )
    assert [row["id"] for row in ordered.json()["results"]] == [b.pk, a.pk]
    assert ids(client.get(url(tenant, "api_partner_list"), {"q": a.legal_name})) == {a.pk}


def test_bank_fields_only_for_finance(
    tenant, partner, manager_member, finance_member, fresh_client_for
):
    as_manager = fresh_client_for(manager_member).get(
        url(tenant, "api_partner_detail", partner_id=partner.pk)
    )
    as_finance = fresh_client_for(finance_member).get(
        url(tenant, "api_partner_detail", partner_id=partner.pk)
    )

    assert "account_number" not in as_manager.json()
    assert as_finance.json()["account_number"] == "7654321"


def test_create_and_update_go_through_services(tenant, manager_member, client_for, unscoped):
    client = client_for(manager_member)

    created = client.post(
        url(tenant, "api_partner_list"),
        {"legal_name": "株式会社エーピーアイ", "legal_name_kana": "エーピーアイ", "priority": "B"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    partner_id = created.json()["id"]
    patched = client.patch(
        url(tenant, "api_partner_detail", partner_id=partner_id),
        {"city": "大阪市"},
        content_type="application/json",
    )

    assert patched.status_code == 200
    assert patched.json()["city"] == "大阪市"
    with unscoped():
        assert Partner.objects.get(pk=partner_id).city == "大阪市"
        assert AuditEvent.objects.filter(
            action="partner.created", object_id=str(partner_id)
        ).exists()
        assert AuditEvent.objects.filter(
            action="partner.updated", object_id=str(partner_id)
        ).exists()


def test_invalid_write_names_the_field(tenant, partner, manager_member, client_for):
    response = client_for(manager_member).patch(
        url(tenant, "api_partner_detail", partner_id=partner.pk),
        {"postal_code": "12"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "postal_code" in response.json() or "postal_code" in str(response.json())


def test_manager_cannot_write_bank_fields(tenant, partner, manager_member, client_for, unscoped):
    response = client_for(manager_member).patch(
        url(tenant, "api_partner_detail", partner_id=partner.pk),
        {"account_number": "1111111"},
        content_type="application/json",
    )

    assert response.status_code == 400
    with unscoped():
        assert Partner.objects.get(pk=partner.pk).account_number == "7654321"


def test_viewer_cannot_write(tenant, partner, viewer_member, client_for):
    response = client_for(viewer_member).patch(
        url(tenant, "api_partner_detail", partner_id=partner.pk),
        {"city": "x"},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_other_tenants_partner_is_404_json(tenant, other_tenant, manager_member, client_for):
    foreign = PartnerFactory(tenant=other_tenant)

    response = client_for(manager_member).get(
        url(tenant, "api_partner_detail", partner_id=foreign.pk)
    )

    assert response.status_code == 404
    assert "detail" in response.json()


def test_partner_user_sees_only_own_partner_and_reps(tenant, partner, fresh_client_for):
    admin, own_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    other = PartnerFactory(tenant=tenant)
    PartnerRepFactory(partner=other)
    client = fresh_client_for(admin)

    assert ids(client.get(url(tenant, "api_partner_list"))) == {partner.pk}
    own = client.get(url(tenant, "api_partner_detail", partner_id=partner.pk))
    assert own.status_code == 200
    assert own.json()["account_number"] == "7654321"  # a partner admin reads their own bank
    assert client.get(url(tenant, "api_partner_detail", partner_id=other.pk)).status_code == 404
    assert ids(client.get(url(tenant, "api_rep_list"))) == {own_rep.pk}
    assert client.get(url(tenant, "api_prospect_list")).status_code == 403
    assert client.get(url(tenant, "api_activity_list")).status_code == 403
    assert (
        client.patch(
            url(tenant, "api_partner_detail", partner_id=partner.pk),
            {"city": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_partner_rep_does_not_see_bank(tenant, partner, fresh_client_for):
    rep_login, _rep = portal_membership_for(partner, role=Role.PARTNER_REP)

    body = (
        fresh_client_for(rep_login)
        .get(url(tenant, "api_partner_detail", partner_id=partner.pk))
        .json()
    )

    assert "account_number" not in body


def test_api_key_of_the_tenant_works(tenant, partner):
    secret = "k0000042-partners-api-test-secret"
    ApiKeyFactory(tenant=tenant, role=Role.VIEWER, secret=secret)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key prm_{secret}")

    response = client.get(url(tenant, "api_partner_list"))

    assert response.status_code == 200
    assert ids(response) == {partner.pk}


def test_reps_crud_and_filter(tenant, partner, manager_member, client_for):
    client = client_for(manager_member)
    gone = PartnerRepFactory(partner=partner, is_active=False)

    created = client.post(
        url(tenant, "api_rep_list"),
        {"partner": partner.pk, "full_name": "山田 太郎", "email": "yamada@example.test"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    rep_id = created.json()["id"]
    updated = client.patch(
        url(tenant, "api_rep_detail", rep_id=rep_id),
        {"title": "部長"},
        content_type="application/json",
    )
    assert updated.json()["title"] == "部長"
    assert ids(
        client.get(url(tenant, "api_rep_list"), {"partner": partner.pk, "is_active": "false"})
    ) == {gone.pk}


def test_rep_of_other_tenant_cannot_be_attached(tenant, other_tenant, manager_member, client_for):
    foreign = PartnerFactory(tenant=other_tenant)

    response = client_for(manager_member).post(
        url(tenant, "api_rep_list"),
        {"partner": foreign.pk, "full_name": "X"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "partner" in response.json() or "partner" in str(response.json())


def test_prospects_filter_by_stage(tenant, manager_member, client_for):
    first = ProspectFactory(tenant=tenant)
    client = client_for(manager_member)

    everything = client.get(url(tenant, "api_prospect_list"))
    by_stage = client.get(url(tenant, "api_prospect_list"), {"stage": first.stage})

    assert first.pk in ids(everything)
    assert first.pk in ids(by_stage)
    assert client.get(url(tenant, "api_prospect_detail", prospect_id=first.pk)).status_code == 200


def test_activities_log_and_date_filter(tenant, partner, manager_member, client_for):
    old = ActivityFactory(partner=partner, occurred_on=datetime.date(2024, 1, 5))
    client = client_for(manager_member)
    today = datetime.date.today().isoformat()

    created = client.post(
        url(tenant, "api_activity_list"),
        {"partner": partner.pk, "kind": old.kind, "occurred_on": today, "notes": "API"},
        content_type="application/json",
    )

    assert created.status_code == 201, created.json()
    in_2024 = client.get(
        url(tenant, "api_activity_list"),
        {"occurred_from": "2024-01-01", "occurred_to": "2024-12-31"},
    )
    assert ids(in_2024) == {old.pk}
    assert ids(client.get(url(tenant, "api_activity_list"), {"partner": partner.pk})) == {
        old.pk,
        created.json()["id"],
    }


def test_prospect_create_update_and_loss(tenant, manager_member, client_for, unscoped):
    reason = LostReasonFactory(tenant=tenant, label="Chose a competitor")
    client = client_for(manager_member)

    created = client.post(
        url(tenant, "api_prospect_list"),
        {"company_name": "株式会社みらい", "source": "event", "contact_name": "佐藤 花子"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["stage"] == "sourced"
    prospect_url = url(tenant, "api_prospect_detail", prospect_id=created.json()["id"])
    moved = client.patch(prospect_url, {"stage": "meeting"}, content_type="application/json")
    lost = client.patch(
        prospect_url,
        {"stage": "lost", "lost_reason": reason.pk, "contact_title": "部長"},
        content_type="application/json",
    )

    assert moved.json()["stage"] == "meeting"
    assert lost.status_code == 200, lost.json()
    assert (lost.json()["stage"], lost.json()["lost_reason"]) == ("lost", reason.pk)
    assert lost.json()["contact_title"] == "部長"
    with unscoped():
        stages = ProspectStageChange.objects.filter(prospect_id=created.json()["id"])
        assert [c.to_stage for c in stages.order_by("pk")] == ["sourced", "meeting", "lost"]


def test_refused_stage_change_keeps_the_field_edits_out(
    tenant, manager_member, client_for, unscoped
):
    prospect = ProspectFactory(tenant=tenant, contact_title="課長")

    response = client_for(manager_member).patch(
        url(tenant, "api_prospect_detail", prospect_id=prospect.pk),
        {"stage": "lost", "contact_title": "部長"},  # lost without a reason
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "lost_reason" in response.json()
    with unscoped():
        assert Prospect.objects.get(pk=prospect.pk).contact_title == "課長"


def test_prospect_with_another_tenants_lost_reason_is_refused(
    tenant, other_tenant, manager_member, client_for
):
    prospect = ProspectFactory(tenant=tenant)
    foreign = LostReasonFactory(tenant=other_tenant)

    response = client_for(manager_member).patch(
        url(tenant, "api_prospect_detail", prospect_id=prospect.pk),
        {"stage": "lost", "lost_reason": foreign.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "lost_reason" in response.json()


def test_activity_is_corrected_by_whoever_logged_it(
    tenant, partner, manager_member, member_factory, fresh_client_for, unscoped
):
    author = fresh_client_for(manager_member)
    colleague = fresh_client_for(member_factory(tenant, Role.PARTNER_MANAGER))
    rep = PartnerRepFactory(partner=partner)
    logged = author.post(
        url(tenant, "api_activity_list"),
        {"partner": partner.pk, "kind": "call", "occurred_on": datetime.date.today().isoformat()},
        content_type="application/json",
    ).json()
    activity_url = url(tenant, "api_activity_detail", activity_id=logged["id"])

    refused = colleague.patch(activity_url, {"notes": "Not mine"}, content_type="application/json")
    corrected = author.patch(
        activity_url,
        {"notes": "Agreed on a study session", "rep_attendee_ids": [rep.pk]},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["notes"] == "Agreed on a study session"
    assert corrected.json()["rep_attendees"] == [rep.pk]
    with unscoped():
        event = AuditEvent.objects.get(action="activity.updated", object_id=str(logged["id"]))
        assert event.changes["notes"] == ["", "Agreed on a study session"]


def test_api_key_writes_are_audited_under_the_key(tenant, unscoped):
    secret = "k0000043-partners-api-write-secret"
    key = ApiKeyFactory(tenant=tenant, role=Role.PARTNER_MANAGER, secret=secret, name="CRM sync")
    client = Client(HTTP_AUTHORIZATION=f"Api-Key prm_{secret}")

    response = client.post(
        url(tenant, "api_partner_list"),
        {"legal_name": "株式会社キー", "legal_name_kana": "キー"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    with unscoped():
        event = AuditEvent.objects.get(action="partner.created")
    assert event.actor_id is None
    assert event.actor_label == f"API key prm_{key.prefix}… (CRM sync)"


def test_schema_lists_the_endpoints(tenant, manager_member, client_for):
    response = client_for(manager_member).get(
        url(tenant, "api_schema"), HTTP_ACCEPT="application/json"
    )

    text = response.content.decode()
    assert response.status_code == 200
    for path in ("/partners/", "/reps/", "/prospects/", "/activities/", "{partner_id}", "{rep_id}"):
        assert path in text
