"""Directory pages: list search/filters/sort/export, detail, forms, finance fields, reps, types."""

import csv
import io

import pytest
from django.urls import reverse
from stdnum.jp import cn

from accounts.models import AuditEvent
from accounts.roles import Role
from partners.models import Partner, PartnerRep, PartnerStatusChange, PartnerType
from tests.factories.partners import (
    PartnerFactory,
    PartnerRepFactory,
    PartnerTypeFactory,
    portal_membership_for,
)
from tests.partners.exporting import export_csv

CN1 = cn.calc_check_digit("123456789012") + "123456789012"
BAD_CN = ("1" if CN1[0] != "1" else "2") + CN1[1:]


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


def listed(response) -> list[str]:
    return [p.legal_name for p in response.context["page"]]


@pytest.fixture
def partners(tenant, manager_member):
    bank = PartnerTypeFactory(tenant=tenant, name="Regional bank")
    return {
        "sakura": PartnerFactory(
            tenant=tenant,
            legal_name="株式会社ＳＡＫＵＲＡ",
            legal_name_kana="サクラ",
            corporate_number=CN1,
            priority="A",
            status="active",
            prefecture="13",
            sales_headcount=30,
            owner=manager_member,
            partner_type=bank,
        ),
        "momiji": PartnerFactory(
            tenant=tenant,
            legal_name="モミジ合同会社",
            legal_name_kana="モミジ",
            priority="C",
            status="prospect",
            prefecture="27",
            sales_headcount=5,
        ),
    }


def test_search_treats_full_and_half_width_alike(tenant, viewer_member, client_for, partners):
    client = client_for(viewer_member)
    for query in ("sakura", "ＳＡＫＵＲＡ", "ｻｸﾗ", CN1[:6], "株式会社 sakura"):
        response = client.get(url(tenant, "partner_list"), {"q": query})
        assert listed(response) == ["株式会社ＳＡＫＵＲＡ"], query
    response = client.get(url(tenant, "partner_list"), {"q": "nothing"})
    assert listed(response) == []
    assert "No partners match these filters." in response.content.decode()


def test_filters_and_sorting(tenant, manager_member, client_for, partners):
    client = client_for(manager_member)
    list_url = url(tenant, "partner_list")
    sakura = partners["sakura"]
    assert listed(client.get(list_url, {"status": "prospect"})) == ["モミジ合同会社"]
    assert listed(client.get(list_url, {"priority": "A"})) == ["株式会社ＳＡＫＵＲＡ"]
    assert listed(client.get(list_url, {"owner": manager_member.pk})) == [sakura.legal_name]
    assert listed(client.get(list_url, {"region": "27"})) == ["モミジ合同会社"]
    assert listed(client.get(list_url, {"partner_type": sakura.partner_type_id})) == [
        sakura.legal_name
    ]
    assert listed(client.get(list_url, {"sort": "-sales_headcount"}))[0] == sakura.legal_name
    assert listed(client.get(list_url, {"sort": "sales_headcount"}))[0] == "モミジ合同会社"
    response = client.get(list_url)
    assert response.context["page"].paginator.count == 2
    assert "2 partners" in response.content.decode()


def test_empty_state(tenant, manager_member, client_for):
    response = client_for(manager_member).get(url(tenant, "partner_list"))
    assert 'data-testid="empty-state"' in response.content.decode()


def test_export_follows_filters_and_neutralises(tenant, manager_member, client_for, partners):
    PartnerFactory(tenant=tenant, legal_name="=cmd|' /C calc'!A0", priority="A")
    _response, text = export_csv(client_for(manager_member), tenant, "priority=A")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(r["legal_name"] for r in rows) == sorted(
        ["'=cmd|' /C calc'!A0", "株式会社ＳＡＫＵＲＡ"]
    )
    assert "bank_code" not in rows[0]


def test_finance_sees_bank_fields_in_export_and_detail_others_never(
    tenant, manager_member, finance_member, fresh_client_for, partners, unscoped
):
    sakura = partners["sakura"]
    with unscoped():
        Partner.objects.filter(pk=sakura.pk).update(
            bank_name="さくら銀行", account_number="7654321"
        )
    manager = fresh_client_for(manager_member)
    finance = fresh_client_for(finance_member)
    for client, sees in ((manager, False), (finance, True)):
        detail = client.get(url(tenant, "partner_detail", partner_id=sakura.pk)).content.decode()
        _response, export = export_csv(client, tenant)
        assert ("7654321" in detail) is sees
        assert ("7654321" in export) is sees
    form_html = manager.get(url(tenant, "partner_edit", partner_id=sakura.pk)).content.decode()
    assert "account_number" not in form_html and "legal_name" in form_html
    form_html = finance.get(url(tenant, "partner_edit", partner_id=sakura.pk)).content.decode()
    assert "account_number" in form_html and 'name="legal_name"' not in form_html


def test_finance_edits_bank_fields_only(tenant, finance_member, client_for, partners, unscoped):
    sakura = partners["sakura"]
    response = client_for(finance_member).post(
        url(tenant, "partner_edit", partner_id=sakura.pk),
        {"bank_code": "0009", "account_number": "1234567", "legal_name": "Hijacked"},
    )
    assert response.status_code == 302
    with unscoped():
        sakura.refresh_from_db()
        assert (sakura.bank_code, sakura.account_number) == ("0009", "1234567")
        assert sakura.legal_name == "株式会社ＳＡＫＵＲＡ"
        assert AuditEvent.objects.filter(action="partner.bank_changed").exists()


def test_manager_cannot_change_bank_fields(tenant, manager_member, client_for, partners, unscoped):
    sakura = partners["sakura"]
    response = client_for(manager_member).post(
        url(tenant, "partner_edit", partner_id=sakura.pk),
        {
            "legal_name": "株式会社ＳＡＫＵＲＡ",
            "entity_kind": "company",
            "priority": "B",
            "bank_code": "0009",
        },
    )
    assert response.status_code == 302
    with unscoped():
        sakura.refresh_from_db()
        assert (sakura.priority, sakura.bank_code) == ("B", "")


def test_viewer_cannot_create_or_edit(tenant, viewer_member, client_for, partners):
    client = client_for(viewer_member)
    assert client.get(url(tenant, "partner_create")).status_code == 403
    assert (
        client.get(url(tenant, "partner_edit", partner_id=partners["sakura"].pk)).status_code == 403
    )
    assert client.get(url(tenant, "partner_type_list")).status_code == 403


def test_create_shows_field_errors_then_creates(tenant, manager_member, client_for, unscoped):
    client = client_for(manager_member)
    body = {
        "legal_name": "株式会社ツバキ",
        "entity_kind": "company",
        "priority": "B",
        "corporate_number": BAD_CN,
        "postal_code": "1000001",
    }
    response = client.post(url(tenant, "partner_create"), body)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"corporate_number", "postal_code"}
    body.update(
        corporate_number=CN1,
        postal_code="100-0001",
        prefecture="13",
        city="千代田区",
        street_address="千代田1-1",
        owner=manager_member.pk,
    )
    response = client.post(url(tenant, "partner_create"), body)
    assert response.status_code == 302
    with unscoped():
        partner = Partner.objects.get(tenant=tenant, corporate_number=CN1)
        assert partner.owner == manager_member
    detail = client.get(response["Location"]).content.decode()
    assert "〒100-0001 東京都千代田区千代田1-1" in detail
    assert 'id="activity-panel"' in detail
    # No placeholder tabs: deals, programs and payouts appear when their apps register them.
    assert "This arrives with a later release." not in detail


def test_owner_choices_are_active_managers_and_admins_only(
    tenant, manager_member, member_factory, client_for
):
    viewer = member_factory(tenant, Role.VIEWER)
    gone = member_factory(tenant, Role.PARTNER_MANAGER)
    gone.is_active = False
    gone.save()
    form = client_for(manager_member).get(url(tenant, "partner_create")).context["form"]
    choices = set(form.fields["owner"].queryset)
    assert manager_member in choices and viewer not in choices and gone not in choices


def test_status_change_from_the_detail_page(tenant, manager_member, client_for, partners, unscoped):
    sakura = partners["sakura"]
    client = client_for(manager_member)
    response = client.post(
        url(tenant, "partner_status_change", partner_id=sakura.pk),
        {"status": "dormant", "changed_on": "2025-01-10"},
    )
    assert response.status_code == 302
    with unscoped():
        sakura.refresh_from_db()
        assert sakura.status == "dormant"
        assert PartnerStatusChange.objects.filter(partner=sakura, status="dormant").exists()
    response = client.post(
        url(tenant, "partner_status_change", partner_id=sakura.pk),
        {"status": "dormant", "changed_on": "2025-01-11"},
    )
    assert response.status_code == 400


def test_reps_section_counts_and_badges(tenant, manager_member, client_for, partners):
    sakura = partners["sakura"]
    PartnerRepFactory(partner=sakura, full_name="Reachable Rep")
    PartnerRepFactory(partner=sakura, full_name="Silent Rep", is_reachable=False)
    portal_membership_for(sakura)
    PartnerRepFactory(partner=sakura, full_name="Gone Rep", is_active=False)
    body = (
        client_for(manager_member)
        .get(url(tenant, "partner_detail", partner_id=sakura.pk))
        .content.decode()
    )
    assert "3 reps, 2 reachable, 1 with portal login" in body
    assert body.count('data-testid="portal-badge"') == 1


def test_rep_create_edit_leave(tenant, manager_member, client_for, partners, unscoped):
    sakura = partners["sakura"]
    client = client_for(manager_member)
    response = client.post(
        url(tenant, "rep_create", partner_id=sakura.pk),
        {
            "full_name": "山田 太郎",
            "full_name_kana": "ヤマダ タロウ",
            "email": "bad",
            "is_reachable": "on",
        },
    )
    assert response.status_code == 400 and "email" in response.context["form"].errors
    response = client.post(
        url(tenant, "rep_create", partner_id=sakura.pk),
        {"full_name": "山田 太郎", "email": "yamada@example.test", "is_reachable": "on"},
    )
    assert response.status_code == 302
    with unscoped():
        rep = PartnerRep.objects.get(partner=sakura)
    response = client.post(
        url(tenant, "rep_edit", rep_id=rep.pk),
        {"full_name": "山田 太郎", "email": "yamada@example.test", "title": "部長"},
    )
    assert response.status_code == 302
    detail = client.get(url(tenant, "rep_detail", rep_id=rep.pk)).content.decode()
    assert "部長" in detail and "data-confirm" in detail
    client.post(url(tenant, "rep_leave", rep_id=rep.pk), {"left_on": "2025-02-01"})
    with unscoped():
        rep.refresh_from_db()
        assert (rep.is_active, str(rep.left_on), rep.title) == (False, "2025-02-01", "部長")


def test_partner_types_page(tenant, manager_member, client_for, partners, unscoped):
    client = client_for(manager_member)
    response = client.post(url(tenant, "partner_type_list"), {"name": "Telecom carrier"})
    assert response.status_code == 302
    response = client.post(url(tenant, "partner_type_list"), {"name": "telecom carrier"})
    assert response.status_code == 400
    with unscoped():
        carrier = PartnerType.objects.get(tenant=tenant, name="Telecom carrier")
        used = partners["sakura"].partner_type
    client.post(url(tenant, "partner_type_rename", partner_type_id=carrier.pk), {"name": "Carrier"})
    response = client.post(url(tenant, "partner_type_delete", partner_type_id=used.pk), follow=True)
    assert "still used by 1 partner" in response.content.decode()
    client.post(url(tenant, "partner_type_delete", partner_type_id=carrier.pk))
    with unscoped():
        assert list(PartnerType.objects.filter(tenant=tenant).values_list("name", flat=True)) == [
            "Regional bank"
        ]
    page = client.get(url(tenant, "partner_type_list")).content.decode()
    assert 'class="nav-link active" href="/alpha/settings/partner-types/"' in page


def test_exports_hold_this_tenants_rows_only(
    tenant, other_tenant, manager_member, client_for, partners
):
    stranger = PartnerFactory(tenant=other_tenant, legal_name="株式会社よそ")
    PartnerRepFactory(partner=stranger, full_name="Stranger Rep")
    PartnerRepFactory(partner=partners["sakura"], full_name="=Own Rep")
    client = client_for(manager_member)
    _response, partners_csv = export_csv(client, tenant)
    _response, reps_csv = export_csv(client, tenant, what="reps")
    assert "株式会社よそ" not in partners_csv and "株式会社ＳＡＫＵＲＡ" in partners_csv
    assert "Stranger Rep" not in reps_csv and "'=Own Rep" in reps_csv


def test_viewer_reads_the_partner_page_without_edit_controls(
    tenant, viewer_member, client_for, partners
):
    body = (
        client_for(viewer_member)
        .get(url(tenant, "partner_detail", partner_id=partners["sakura"].pk))
        .content.decode()
    )
    assert "株式会社ＳＡＫＵＲＡ" in body
    assert 'data-testid="partner-edit"' not in body
    assert 'data-testid="status-form"' not in body
    assert 'data-testid="rep-add"' not in body


def test_edit_form_shows_the_current_values(tenant, manager_member, client_for, unscoped):
    partner = PartnerFactory(tenant=tenant, website="https://sakura.example.jp", city="札幌市")
    form = client_for(manager_member).get(url(tenant, "partner_edit", partner_id=partner.pk))
    body = form.content.decode()
    assert 'value="https://sakura.example.jp"' in body and 'value="札幌市"' in body
