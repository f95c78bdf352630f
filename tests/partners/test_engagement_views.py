"""The activity panel (htmx fragment), the due-for-contact list and the cadence settings page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.roles import Role
from partners.choices import PartnerStatus, Priority
from partners.models import Activity, ActivityRepAttendee, ActivityStaffAttendee, CadenceRule
from tests.factories.partners import ActivityFactory, PartnerFactory, PartnerRepFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def activities_url(tenant, partner):
    return reverse(
        "partner_activities", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk}
    )


def today():
    return timezone.localdate()


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A)


# --- the activity panel -----------------------------------------------------------------------


def test_panel_fragment_shows_the_form_and_the_timeline_newest_first(
    tenant, manager_member, client_for, partner
):
    ActivityFactory(partner=partner, occurred_on=today() - timedelta(days=9), notes="Older talk")
    ActivityFactory(partner=partner, occurred_on=today() - timedelta(days=2), notes="Newer talk")

    response = client_for(manager_member).get(activities_url(tenant, partner), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, not a page
    assert 'data-testid="activity-form"' in html
    assert html.index("Newer talk") < html.index("Older talk")


def test_direct_visit_without_htmx_gets_a_whole_page(tenant, manager_member, client_for, partner):
    response = client_for(manager_member).get(activities_url(tenant, partner))

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert 'id="activity-panel"' in response.content.decode()


def test_htmx_post_logs_the_activity_with_attendees_and_returns_the_fragment(
    tenant, manager_member, member_factory, client_for, partner
):
    colleague = member_factory(tenant, Role.VIEWER)
    rep = PartnerRepFactory(partner=partner, full_name="Hanako Sato")
    due = today() + timedelta(days=3)

    response = client_for(manager_member).post(
        activities_url(tenant, partner),
        {
            "kind": "joint_visit",
            "occurred_on": today().isoformat(),
            "staff_attendees": [manager_member.pk, colleague.pk],
            "rep_attendees": [rep.pk],
            "notes": "Visited Acme together",
            "next_action": "Send the quote",
            "next_action_due": due.isoformat(),
        },
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="activity-logged"' in html
    assert "Visited Acme together" in html and "Hanako Sato" in html
    with scopes_disabled():
        activity = Activity.objects.get(partner=partner)
        assert activity.kind == "joint_visit"
        assert activity.created_by == manager_member.user
        assert activity.next_action_due == due
        assert set(activity.staff_attendees.values_list("pk", flat=True)) == {
            manager_member.pk,
            colleague.pk,
        }
        assert list(activity.rep_attendees.all()) == [rep]
        # The through rows carry the tenant (row-level security needs it).
        assert set(ActivityStaffAttendee.objects.values_list("tenant_id", flat=True)) == {tenant.pk}
        assert set(ActivityRepAttendee.objects.values_list("tenant_id", flat=True)) == {tenant.pk}
        assert AuditEvent.objects.filter(
            tenant=tenant, action="activity.logged", object_id=str(activity.pk)
        ).exists()


def test_rep_of_another_partner_is_refused_with_a_field_error(
    tenant, manager_member, client_for, partner
):
    other_partners_rep = PartnerRepFactory(partner=PartnerFactory(tenant=tenant))

    response = client_for(manager_member).post(
        activities_url(tenant, partner),
        {
            "kind": "call",
            "occurred_on": today().isoformat(),
            "rep_attendees": [other_partners_rep.pk],
        },
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="rep_attendees"' in html
    with scopes_disabled():
        assert not Activity.objects.exists()


def test_staff_of_another_tenant_is_refused_with_a_field_error(
    tenant, other_tenant, manager_member, member_factory, client_for, partner
):
    stranger = member_factory(other_tenant, Role.PARTNER_MANAGER)

    response = client_for(manager_member).post(
        activities_url(tenant, partner),
        {"kind": "call", "occurred_on": today().isoformat(), "staff_attendees": [stranger.pk]},
        **HTMX,
    )

    assert 'data-field="staff_attendees"' in response.content.decode()
    with scopes_disabled():
        assert not Activity.objects.exists()


def test_future_date_and_due_without_action_are_field_errors(
    tenant, manager_member, client_for, partner
):
    response = client_for(manager_member).post(
        activities_url(tenant, partner),
        {
            "kind": "call",
            "occurred_on": (today() + timedelta(days=2)).isoformat(),
            "notes": "Planned call",
            "next_action_due": today().isoformat(),
        },
        **HTMX,
    )

    html = response.content.decode()
    assert "cannot be in the future" in html
    assert "Say what the next action is" in html
    with scopes_disabled():
        assert not Activity.objects.exists()


def test_viewer_sees_the_timeline_without_a_form_and_cannot_post(
    tenant, viewer_member, client_for, partner
):
    ActivityFactory(partner=partner, notes="Visible to viewers")
    client = client_for(viewer_member)

    panel = client.get(activities_url(tenant, partner), **HTMX).content.decode()
    response = client.post(
        activities_url(tenant, partner),
        {"kind": "call", "occurred_on": today().isoformat()},
        **HTMX,
    )

    assert "Visible to viewers" in panel
    assert 'data-testid="activity-form"' not in panel
    assert response.status_code == 403
    with scopes_disabled():
        assert Activity.objects.count() == 1


def test_idor_post_to_another_tenants_partner_answers_404_and_logs_nothing(
    tenant, other_tenant, manager_member, client_for
):
    foreign = PartnerFactory(tenant=other_tenant)
    url = reverse(
        "partner_activities", kwargs={"tenant_slug": tenant.slug, "partner_id": foreign.pk}
    )

    response = client_for(manager_member).post(
        url, {"kind": "call", "occurred_on": today().isoformat()}, **HTMX
    )

    assert response.status_code == 404
    with scopes_disabled():
        assert not Activity.objects.exists()


def test_control_post_to_own_partner_logs_one_activity(tenant, admin_member, client_for, partner):
    response = client_for(admin_member).post(
        activities_url(tenant, partner),
        {"kind": "call", "occurred_on": today().isoformat(), "notes": "Quick call"},
    )

    assert response.status_code == 302  # no htmx: back to the page
    with scopes_disabled():
        assert Activity.objects.filter(partner=partner, kind="call").count() == 1


def test_show_more_returns_the_next_page_of_items_only(tenant, manager_member, client_for, partner):
    for days in range(12):
        ActivityFactory(
            partner=partner, occurred_on=today() - timedelta(days=days), notes=f"Note {days:02d}"
        )
    client = client_for(manager_member)

    first = client.get(activities_url(tenant, partner), **HTMX).content.decode()
    more = client.get(
        activities_url(tenant, partner) + "?part=timeline&page=2", **HTMX
    ).content.decode()

    assert "Note 09" in first and "Note 10" not in first
    assert 'data-testid="activity-more"' in first
    assert "Note 10" in more and "Note 11" in more and "Note 00" not in more
    assert 'data-testid="activity-form"' not in more
    assert 'data-testid="activity-more"' not in more


def test_overdue_next_action_is_highlighted(tenant, manager_member, client_for, partner):
    ActivityFactory(
        partner=partner,
        next_action="Call back about pricing",
        next_action_due=today() - timedelta(days=1),
    )

    html = client_for(manager_member).get(activities_url(tenant, partner), **HTMX).content.decode()

    assert "Call back about pricing" in html
    assert "Overdue" in html


def test_logger_deletes_own_activity_and_it_is_audited(
    tenant, manager_member, member_factory, client_for, partner
):
    mine = ActivityFactory(partner=partner, created_by=manager_member.user)
    other_manager = member_factory(tenant, Role.PARTNER_MANAGER)
    theirs = ActivityFactory(partner=partner, created_by=other_manager.user)
    client = client_for(manager_member)

    def delete_url(activity):
        return reverse(
            "activity_delete",
            kwargs={
                "tenant_slug": tenant.slug,
                "partner_id": partner.pk,
                "activity_id": activity.pk,
            },
        )

    deleted = client.post(delete_url(mine), **HTMX)
    refused = client.post(delete_url(theirs), **HTMX)

    assert deleted.status_code == 200
    assert refused.status_code == 403
    with scopes_disabled():
        assert list(Activity.objects.values_list("pk", flat=True)) == [theirs.pk]
        assert AuditEvent.objects.filter(action="activity.deleted", object_id=str(mine.pk)).exists()


def test_activity_of_another_partner_cannot_be_deleted_through_this_partner(
    tenant, admin_member, client_for, partner
):
    elsewhere = ActivityFactory(partner=PartnerFactory(tenant=tenant))
    url = reverse(
        "activity_delete",
        kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk, "activity_id": elsewhere.pk},
    )

    assert client_for(admin_member).post(url).status_code == 404
    with scopes_disabled():
        assert Activity.objects.filter(pk=elsewhere.pk).exists()


# --- due for contact --------------------------------------------------------------------------


def due_url(tenant, **query):
    url = reverse("contact_due_list", kwargs={"tenant_slug": tenant.slug})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_due_list_shows_my_partners_by_default(tenant, manager_member, member_factory, client_for):
    colleague = member_factory(tenant, Role.PARTNER_MANAGER)
    PartnerFactory(tenant=tenant, status="active", owner=manager_member, display_name="Mine Co")
    PartnerFactory(tenant=tenant, status="active", owner=colleague, display_name="Theirs Co")
    client = client_for(manager_member)

    mine = client.get(due_url(tenant)).content.decode()
    everybody = client.get(due_url(tenant, owner="all")).content.decode()
    colleagues = client.get(due_url(tenant, owner=colleague.pk)).content.decode()

    assert "Mine Co" in mine and "Theirs Co" not in mine
    assert "Never contacted" in mine
    assert "Mine Co" in everybody and "Theirs Co" in everybody
    assert "Theirs Co" in colleagues and "Mine Co" not in colleagues


def test_due_list_shows_priority_beside_the_suggested_one(tenant, manager_member, client_for):
    PartnerFactory(
        tenant=tenant, status="active", owner=manager_member, priority="B", suggested_priority="A"
    )

    html = client_for(manager_member).get(due_url(tenant)).content.decode()

    assert "suggested A" in html


def test_due_list_empty_state(tenant, manager_member, client_for):
    PartnerFactory(tenant=tenant, status="active", owner=manager_member, priority="D")

    html = client_for(manager_member).get(due_url(tenant)).content.decode()

    assert "Nobody is due — well done" in html


def test_due_list_owner_of_another_tenant_answers_404(
    tenant, other_tenant, manager_member, member_factory, client_for
):
    stranger = member_factory(other_tenant, Role.PARTNER_MANAGER)

    response = client_for(manager_member).get(due_url(tenant, owner=stranger.pk))

    assert response.status_code == 404


def test_partner_leaves_the_due_list_once_an_activity_is_logged(
    tenant, manager_member, client_for, partner
):
    partner.owner = manager_member
    partner.display_name = "Soon Calm Co"
    with scopes_disabled():
        partner.save()
    client = client_for(manager_member)
    assert "Soon Calm Co" in client.get(due_url(tenant)).content.decode()

    client.post(
        activities_url(tenant, partner),
        {"kind": "regular_meeting", "occurred_on": today().isoformat(), "notes": "Monthly"},
        **HTMX,
    )

    assert "Soon Calm Co" not in client.get(due_url(tenant)).content.decode()


# --- cadence settings -------------------------------------------------------------------------


def cadence_url(tenant):
    return reverse("cadence_settings", kwargs={"tenant_slug": tenant.slug})


CADENCE_POST = {
    "A-contact_interval_days": "5",
    "A-expectation": "Twice-weekly stand-up",
    "B-contact_interval_days": "30",
    "B-expectation": "Monthly regular meeting plus regular contact.",
    "C-contact_interval_days": "30",
    "C-expectation": "Monthly regular meeting.",
    "D-contact_interval_days": "",
    "D-expectation": "No push: contact when they ask.",
}


def test_manager_changes_the_cadence_and_it_is_audited(tenant, manager_member, client_for):
    response = client_for(manager_member).post(cadence_url(tenant), CADENCE_POST)

    assert response.status_code == 302
    with scopes_disabled():
        rule = CadenceRule.objects.get(tenant=tenant, priority="A")
        assert rule.contact_interval_days == 5
        assert rule.expectation == "Twice-weekly stand-up"
        # Unchanged defaults are not stored: they stay defaults.
        assert not CadenceRule.objects.filter(priority__in=["B", "C", "D"]).exists()
        event = AuditEvent.objects.get(tenant=tenant, action="cadence.changed")
        assert event.changes["contact_interval_days"] == ["7", "5"]


def test_cadence_interval_out_of_range_is_a_field_error(tenant, manager_member, client_for):
    response = client_for(manager_member).post(
        cadence_url(tenant), {**CADENCE_POST, "A-contact_interval_days": "0"}
    )

    assert response.status_code == 200
    assert 'data-field="A-contact_interval_days"' in response.content.decode()
    with scopes_disabled():
        assert not CadenceRule.objects.exists()


def test_viewer_reads_the_cadence_but_cannot_change_it(tenant, viewer_member, client_for):
    client = client_for(viewer_member)

    page = client.get(cadence_url(tenant)).content.decode()
    response = client.post(cadence_url(tenant), CADENCE_POST)

    assert 'data-testid="cadence-read-only"' in page
    assert "every 7 days" in page
    assert 'data-testid="cadence-save"' not in page
    assert response.status_code == 403
    with scopes_disabled():
        assert not CadenceRule.objects.exists()
