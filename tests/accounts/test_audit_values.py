"""Kernel audit events of created things store single values, not ["", value] pairs, so the
audit display (accounts/audit.py) shows them as values with labels, never as "— → value"."""

import re

import pytest
from django.utils import translation

from accounts import services
from accounts.audit import audit_change_rows
from accounts.models import AuditEvent
from accounts.roles import Role
from partners.services.invitations import partner_portal_invite
from tests.factories.partners import PartnerFactory


def _rows(event) -> dict[str, str]:
    return {
        row["label"]: row["new"] if row["old"] is None else f"{row['old']} → {row['new']}"
        for row in audit_change_rows(event)
    }


def test_a_new_api_key_shows_its_name_and_role_label(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        services.api_key_create(
            tenant=tenant, actor=admin_member.user, name="CRM sync", role=Role.VIEWER
        )
        event = AuditEvent.objects.get(tenant=tenant, action="api_key.created")
        with translation.override("en"):
            english = _rows(event)
        with translation.override("ja"):
            japanese = _rows(event)
            viewer_ja = str(Role.VIEWER.label)

    assert event.changes == {"name": "CRM sync", "role": Role.VIEWER}
    assert english == {"Name": "CRM sync", "Acts as role": "Viewer"}
    assert viewer_ja in japanese.values()
    assert not any("→" in text for text in english.values())


def test_a_portal_invitation_shows_email_role_and_rep_as_values(tenant, admin_member, in_tenant):
    partner = PartnerFactory(tenant=tenant)
    with in_tenant(tenant):
        partner_portal_invite(
            tenant=tenant,
            actor=admin_member.user,
            partner=partner,
            email="Arai@Example.test",
            role=Role.PARTNER_ADMIN,
            full_name="新井 一郎",
            accept_url_for=lambda token: f"https://prm.test/accept/{token}/",
        )
        event = AuditEvent.objects.get(tenant=tenant, action="partner.portal_invited")
        with translation.override("en"):
            rows = _rows(event)

    assert event.changes == {
        "email": "arai@example.test",
        "role": Role.PARTNER_ADMIN,
        "rep": "新井 一郎",
    }
    assert rows == {
        "E-mail address": "arai@example.test",
        "Role": "Partner admin",
        "Partner rep": "新井 一郎",
    }


@pytest.mark.parametrize("language", ["en", "ja"])
def test_audit_page_shows_a_new_api_keys_role_label_without_an_arrow(
    tenant, admin_member, client_for, in_tenant, language
):
    with in_tenant(tenant):
        services.api_key_create(
            tenant=tenant, actor=admin_member.user, name="CRM sync", role=Role.VIEWER
        )
    admin_member.user.language = language
    admin_member.user.save(update_fields=["language"])

    response = client_for(admin_member).get(f"/{tenant.slug}/settings/audit/")

    html = response.content.decode()
    cells = re.findall(r'data-testid="audit-changes">(.*?)</td>', html, flags=re.S)
    [cell] = [re.sub(r"<[^>]+>", " ", c) for c in cells if "CRM sync" in c]
    with translation.override(language):
        assert str(Role.VIEWER.label) in cell
    assert "→" not in cell
    assert "viewer" not in cell
