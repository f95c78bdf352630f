"""Changing a partner's status: the select starts at the current status; terminating asks once
more, naming the partner and what follows."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from partners.choices import PartnerStatus
from partners.models import Partner, PartnerStatusChange
from tests.factories.partners import PartnerFactory


def status_url(tenant, partner):
    return reverse(
        "partner_status_change", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk}
    )


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, legal_name="株式会社終了予定", status=PartnerStatus.ACTIVE)


def test_status_select_starts_at_the_current_status(tenant, manager_member, client_for, partner):
    html = (
        client_for(manager_member)
        .get(
            reverse("partner_detail", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk})
        )
        .content.decode()
    )

    assert '<option value="active" selected>' in html
    assert '<option value="prospect" selected>' not in html


def test_terminating_asks_for_confirmation_and_changes_nothing_yet(
    tenant, manager_member, client_for, partner
):
    response = client_for(manager_member).post(
        status_url(tenant, partner), {"status": "terminated", "changed_on": "2026-01-05"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="status-confirm"' in html
    assert "Terminate 株式会社終了予定?" in html
    assert "leaves the due-for-contact list" in html
    assert 'name="confirmed"' in html
    with scopes_disabled():
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE
        assert not PartnerStatusChange.objects.filter(partner=partner).exists()


def test_confirmed_termination_is_saved(tenant, manager_member, client_for, partner):
    response = client_for(manager_member).post(
        status_url(tenant, partner),
        {"status": "terminated", "changed_on": "2026-01-05", "confirmed": "on"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.TERMINATED


def test_other_status_changes_need_no_confirmation(tenant, manager_member, client_for, partner):
    response = client_for(manager_member).post(
        status_url(tenant, partner), {"status": "dormant", "changed_on": "2026-01-05"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.DORMANT
