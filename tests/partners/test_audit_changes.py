"""The audit log's changes column reads as labels in the person's language (issue #6 §3):
a created object shows its values, an update only what changed as old → new, a fact as such."""

import re

import pytest
from django.utils import translation

from accounts.audit import audit_change_rows, audit_record
from accounts.models import AuditEvent
from partners.choices import PartnerStatus
from partners.forms.directory import PartnerForm
from partners.services import directory as services
from tests.factories.partners import PartnerFactory


def _cells(response) -> list[str]:
    html = response.content.decode()
    cells = re.findall(r'data-testid="audit-changes">(.*?)</td>', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def _rows(event) -> dict[str, str]:
    return {
        row["label"]: row["new"] if row["old"] is None else f"{row['old']} → {row['new']}"
        for row in audit_change_rows(event)
    }


def test_a_new_partner_shows_its_values_with_labels(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        services.partner_create(
            tenant=tenant, actor=admin_member.user, legal_name="株式会社テスト", priority="A"
        )
        event = AuditEvent.objects.get(tenant=tenant, action="partner.created")
        with translation.override("en"):
            rows = _rows(event)

    assert rows["Legal name"] == "株式会社テスト"
    assert rows["Status"] == "Prospect"
    assert rows["Priority"].startswith("A")
    assert not any("→" in text for text in rows.values())


def test_a_status_change_shows_both_labels_in_the_readers_language(tenant, admin_member, in_tenant):
    partner = PartnerFactory(tenant=tenant, status=PartnerStatus.PROSPECT)
    with in_tenant(tenant):
        services.partner_status_change(
            tenant=tenant, actor=admin_member.user, partner=partner, status=PartnerStatus.ACTIVE
        )
        event = AuditEvent.objects.get(tenant=tenant, action="partner.status_changed")
        with translation.override("en"):
            english = _rows(event)
        with translation.override("ja"):
            japanese = _rows(event)

    assert english["Status"] == "Prospect → Active"
    with translation.override("ja"):
        expected = f"{PartnerStatus.PROSPECT.label} → {PartnerStatus.ACTIVE.label}"
    assert japanese["ステータス"] == expected
    assert "prospect" not in japanese["ステータス"]


def test_an_import_count_shows_as_a_number(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        event = audit_record(
            tenant=tenant,
            actor=admin_member.user,
            action="partner.imported",
            target_type="partners.partner",
            changes={"count": 12},
        )
        with translation.override("en"):
            assert _rows(event) == {"Count": "12"}


def test_editing_one_field_reports_only_that_field(tenant, admin_member, in_tenant):
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社ビフォー", city="港区")
    with in_tenant(tenant):
        form_fields = PartnerForm(tenant=tenant, may_manage=True, may_finance=False).fields
        data = {}
        for name in form_fields:
            value = getattr(partner, name)
            if name in ("partner_type", "owner"):
                data[name] = value.pk if value else ""
            elif isinstance(value, list):
                data[name] = value
            else:
                data[name] = "" if value is None else value
        data["display_name"] = "After"
        form = PartnerForm(
            data, instance=partner, tenant=tenant, may_manage=True, may_finance=False
        )
        assert form.is_valid(), form.errors
        changed = form.changed_values()
        services.partner_update(
            tenant=tenant, actor=admin_member.user, partner=partner, fields=changed
        )
        event = AuditEvent.objects.get(tenant=tenant, action="partner.updated")

    assert changed == {"display_name": "After"}
    assert event.changes == {"display_name": [partner.display_name, "After"]}


def test_an_empty_value_reads_as_a_dash_not_none(tenant, admin_member, in_tenant):
    partner = PartnerFactory(tenant=tenant, employee_count=None)
    with in_tenant(tenant):
        services.partner_update(
            tenant=tenant, actor=admin_member.user, partner=partner, fields={"employee_count": 40}
        )
        event = AuditEvent.objects.get(tenant=tenant, action="partner.updated")
        with translation.override("en"):
            assert _rows(event) == {"Employees": "— → 40"}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_audit_page_shows_labels_not_codes(tenant, admin_member, client_for, in_tenant, language):
    partner = PartnerFactory(tenant=tenant, status=PartnerStatus.PROSPECT)
    with in_tenant(tenant):
        services.partner_status_change(
            tenant=tenant, actor=admin_member.user, partner=partner, status=PartnerStatus.ACTIVE
        )
    admin_member.user.language = language
    admin_member.user.save(update_fields=["language"])

    response = client_for(admin_member).get(f"/{tenant.slug}/settings/audit/")

    with translation.override(language):
        expected = f"{PartnerStatus.PROSPECT.label} → {PartnerStatus.ACTIVE.label}"
    [cell] = [cell for cell in _cells(response) if "→" in cell]
    assert expected in cell
    assert "prospect → active" not in cell
