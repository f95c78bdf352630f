"""The partner list page: contact columns, sortable headers, page size, bulk assign."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.roles import Role
from partners.choices import PartnerStatus, Priority
from partners.models import Partner
from partners.services.directory import partner_bulk_assign
from tests.factories.partners import ActivityFactory, PartnerFactory


def list_url(tenant) -> str:
    return reverse("partner_list", kwargs={"tenant_slug": tenant.slug})


def bulk_url(tenant) -> str:
    return reverse("partner_bulk_assign", kwargs={"tenant_slug": tenant.slug})


def test_list_shows_last_contact_next_due_and_overdue(tenant, manager_member, client_for):
    partner = PartnerFactory(
        tenant=tenant, legal_name="Late Co", status=PartnerStatus.ACTIVE, priority=Priority.A
    )
    ActivityFactory(partner=partner, occurred_on=timezone.localdate() - timedelta(days=9))

    html = client_for(manager_member).get(list_url(tenant)).content.decode()

    last = (timezone.localdate() - timedelta(days=9)).isoformat()
    due = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert last in html and due in html
    assert 'data-testid="overdue"' in html


def test_contact_dates_follow_the_readers_date_format(tenant, manager_member, client_for):
    partner = PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A)
    contacted = timezone.localdate() - timedelta(days=9)
    ActivityFactory(partner=partner, occurred_on=contacted)
    manager_member.user.language = "ja"
    manager_member.user.save(update_fields=["language"])

    html = client_for(manager_member).get(list_url(tenant)).content.decode()

    # One date format per language: the same 2026年12月1日 as everywhere else in Japanese.
    assert f"{contacted.year}年{contacted.month}月{contacted.day}日" in html


def test_headers_say_how_the_list_is_sorted_and_link_to_the_reverse(
    tenant, manager_member, client_for
):
    PartnerFactory(tenant=tenant)
    client = client_for(manager_member)

    default = client.get(list_url(tenant)).context["headers"]
    by_due = client.get(list_url(tenant), {"sort": "next_due"}).context["headers"]
    reversed_due = client.get(list_url(tenant), {"sort": "-next_due"}).context["headers"]

    assert default["name"]["aria_sort"] == "ascending" and "sort=-name" in default["name"]["url"]
    assert by_due["next_due"]["aria_sort"] == "ascending"
    assert "sort=-next_due" in by_due["next_due"]["url"]
    assert by_due["name"]["aria_sort"] == "none"
    assert reversed_due["next_due"]["aria_sort"] == "descending"
    assert "sort=next_due" in reversed_due["next_due"]["url"]


@pytest.mark.parametrize(("asked", "shown"), [("", 25), ("50", 50), ("100", 100), ("7", 25)])
def test_page_size_is_25_50_or_100(tenant, manager_member, client_for, asked, shown):
    for _ in range(101):
        PartnerFactory(tenant=tenant)

    page = client_for(manager_member).get(list_url(tenant), {"per_page": asked}).context["page"]

    assert len(page.object_list) == shown


# --- bulk assign ------------------------------------------------------------------------------


def test_bulk_assign_sets_owner_and_priority_and_audits_each(
    tenant, admin_member, manager_member, in_tenant
):
    partners = [PartnerFactory(tenant=tenant, priority=Priority.C) for _ in range(3)]
    untouched = PartnerFactory(tenant=tenant, priority=Priority.C)

    with in_tenant(tenant):
        changed = partner_bulk_assign(
            tenant=tenant,
            actor=admin_member.user,
            partner_ids=[p.pk for p in partners],
            owner=manager_member,
            priority=Priority.A,
        )

    assert len(changed) == 3
    with scopes_disabled():
        for partner in partners:
            partner.refresh_from_db()
            assert (partner.owner_id, partner.priority) == (manager_member.pk, Priority.A)
        untouched.refresh_from_db()
        assert untouched.priority == Priority.C and untouched.owner_id is None
        events = AuditEvent.objects.filter(tenant=tenant, action="partner.bulk_assigned")
        assert sorted(int(e.object_id) for e in events) == sorted(p.pk for p in partners)


def test_idor_bulk_assign_with_another_tenants_partner_changes_nothing(
    tenant, other_tenant, admin_member, manager_member, in_tenant
):
    mine = PartnerFactory(tenant=tenant, priority=Priority.C)
    theirs = PartnerFactory(tenant=other_tenant, priority=Priority.C)

    with in_tenant(tenant), pytest.raises(ValidationError):
        partner_bulk_assign(
            tenant=tenant,
            actor=admin_member.user,
            partner_ids=[mine.pk, theirs.pk],
            priority=Priority.A,
        )

    with scopes_disabled():
        assert Partner.objects.get(pk=mine.pk).priority == Priority.C  # all or nothing
        assert Partner.objects.get(pk=theirs.pk).priority == Priority.C
        assert not AuditEvent.objects.filter(action="partner.bulk_assigned").exists()


def test_bulk_assign_refuses_an_owner_who_may_not_own(
    tenant, admin_member, member_factory, in_tenant
):
    partner = PartnerFactory(tenant=tenant)
    viewer = member_factory(tenant, Role.VIEWER)

    with in_tenant(tenant), pytest.raises(ValidationError):
        partner_bulk_assign(
            tenant=tenant, actor=admin_member.user, partner_ids=[partner.pk], owner=viewer
        )


def test_bulk_assign_page_confirms_before_it_changes(tenant, manager_member, client_for):
    partners = [PartnerFactory(tenant=tenant, priority=Priority.C) for _ in range(2)]
    client = client_for(manager_member)
    body = {"partner": [p.pk for p in partners], "priority": "B", "back": "?sort=priority"}

    confirm = client.post(bulk_url(tenant), body)

    assert confirm.status_code == 200
    assert list(confirm.context["partners"]) == sorted(partners, key=lambda p: p.legal_name_kana)
    with scopes_disabled():
        assert set(Partner.objects.values_list("priority", flat=True)) == {Priority.C}

    done = client.post(bulk_url(tenant), {**body, "confirm": "yes"})

    assert done.status_code == 302 and done["Location"] == f"{list_url(tenant)}?sort=priority"
    with scopes_disabled():
        assert set(Partner.objects.values_list("priority", flat=True)) == {Priority.B}


def test_idor_bulk_assign_page_refuses_another_tenants_partner(
    tenant, other_tenant, manager_member, client_for
):
    theirs = PartnerFactory(tenant=other_tenant, priority=Priority.C)

    response = client_for(manager_member).post(
        bulk_url(tenant), {"partner": [theirs.pk], "priority": "A", "confirm": "yes"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Partner.objects.get(pk=theirs.pk).priority == Priority.C


def test_bulk_assign_back_link_stays_on_the_list(tenant, manager_member, client_for):
    partner = PartnerFactory(tenant=tenant)

    response = client_for(manager_member).post(
        bulk_url(tenant),
        {"partner": [partner.pk], "priority": "A", "confirm": "yes", "back": "//evil.example"},
    )

    assert response["Location"] == list_url(tenant)


def test_viewers_may_not_bulk_assign(tenant, viewer_member, client_for):
    partner = PartnerFactory(tenant=tenant, priority=Priority.C)

    response = client_for(viewer_member).post(
        bulk_url(tenant), {"partner": [partner.pk], "priority": "A", "confirm": "yes"}
    )

    assert response.status_code == 403
    with scopes_disabled():
        assert Partner.objects.get(pk=partner.pk).priority == Priority.C
