"""The activity form refuses an empty submit; the searchable attendee picker."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from partners.choices import PartnerStatus, Priority
from partners.models import Activity
from tests.factories.partners import PartnerFactory, PartnerRepFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def activities_url(tenant, partner):
    return reverse(
        "partner_activities", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk}
    )


def search_url(tenant, partner):
    return reverse(
        "partner_rep_search", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk}
    )


def due_url(tenant):
    return reverse("contact_due_list", kwargs={"tenant_slug": tenant.slug})


@pytest.fixture
def overdue_a_partner(tenant, manager_member):
    # Priority A, engaged, never contacted: at the top of "due for contact".
    return PartnerFactory(
        tenant=tenant,
        status=PartnerStatus.ACTIVE,
        priority=Priority.A,
        owner=manager_member,
        display_name="Overdue Alpha KK",
    )


# --- an empty form records nothing --------------------------------------------------------------


def test_untouched_form_preselects_no_kind(tenant, manager_member, client_for, overdue_a_partner):
    html = (
        client_for(manager_member)
        .get(activities_url(tenant, overdue_a_partner), **HTMX)
        .content.decode()
    )

    assert '<option value="" selected>' in html
    assert '<option value="regular_meeting" selected>' not in html


@pytest.mark.parametrize(
    "body",
    [
        {},
        # What the untouched form posts: today's date and oneself as the attendee.
        {"occurred_on": "TODAY", "staff_attendees": ["ME"]},
    ],
    ids=["nothing", "untouched-form"],
)
def test_empty_activity_form_is_refused_with_field_errors_and_partner_stays_due(
    tenant, manager_member, client_for, overdue_a_partner, body
):
    client = client_for(manager_member)
    body = {
        key: (
            timezone.localdate().isoformat()
            if value == "TODAY"
            else [manager_member.pk]
            if value == ["ME"]
            else value
        )
        for key, value in body.items()
    }

    response = client.post(activities_url(tenant, overdue_a_partner), body, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="kind"' in html
    assert 'data-field="notes"' in html
    assert 'data-testid="activity-errors"' in html
    assert 'aria-invalid="true"' in html
    if "occurred_on" not in body:
        assert 'data-field="occurred_on"' in html
    with scopes_disabled():
        assert not Activity.objects.exists()
    assert "Overdue Alpha KK" in client.get(due_url(tenant)).content.decode()


def test_complete_form_is_logged_and_partner_leaves_due_list(
    tenant, manager_member, client_for, overdue_a_partner
):
    client = client_for(manager_member)

    client.post(
        activities_url(tenant, overdue_a_partner),
        {
            "kind": "regular_meeting",
            "occurred_on": timezone.localdate().isoformat(),
            "notes": "Agreed the Q3 plan",
        },
        **HTMX,
    )

    with scopes_disabled():
        assert Activity.objects.filter(partner=overdue_a_partner).count() == 1
    assert "Overdue Alpha KK" not in client.get(due_url(tenant)).content.decode()


# --- the attendee picker --------------------------------------------------------------------------


def test_large_partner_gets_a_search_box_not_a_checkbox_per_rep(
    tenant, manager_member, client_for, overdue_a_partner
):
    for number in range(40):
        PartnerRepFactory(partner=overdue_a_partner, full_name=f"Rep {number:03d}")

    html = (
        client_for(manager_member)
        .get(activities_url(tenant, overdue_a_partner), **HTMX)
        .content.decode()
    )

    assert 'data-testid="rep-search"' in html
    assert 'name="rep_attendees"' not in html
    assert "40 people recorded" in html


def test_small_partner_lists_its_people_without_typing(
    tenant, manager_member, client_for, overdue_a_partner
):
    PartnerRepFactory(partner=overdue_a_partner, full_name="Hanako Sato", department="Sales")
    PartnerRepFactory(partner=overdue_a_partner, full_name="Taro Ito", department="IT")

    html = (
        client_for(manager_member)
        .get(activities_url(tenant, overdue_a_partner), **HTMX)
        .content.decode()
    )

    assert 'data-testid="rep-search"' not in html
    assert html.count('name="rep_attendees"') == 2
    assert "Hanako Sato" in html and "Taro Ito" in html


def test_search_tells_duplicate_names_apart_by_email_and_department(
    tenant, manager_member, client_for, overdue_a_partner
):
    PartnerRepFactory(
        partner=overdue_a_partner,
        full_name="佐藤 健",
        email="sato.k@east.example",
        department="東日本営業部",
    )
    PartnerRepFactory(
        partner=overdue_a_partner,
        full_name="佐藤 健",
        email="sato.k@west.example",
        department="西日本営業部",
    )
    PartnerRepFactory(partner=overdue_a_partner, full_name="鈴木 一郎")

    html = (
        client_for(manager_member)
        .get(search_url(tenant, overdue_a_partner), {"rep_q": "佐藤"}, **HTMX)
        .content.decode()
    )

    assert html.count('data-testid="rep-option"') == 2
    assert "sato.k@east.example" in html and "東日本営業部" in html
    assert "sato.k@west.example" in html and "西日本営業部" in html
    assert "鈴木" not in html


def test_search_matches_email_and_department_and_leaves_chosen_out(
    tenant, manager_member, client_for, overdue_a_partner
):
    chosen = PartnerRepFactory(partner=overdue_a_partner, full_name="A", department="Sales")
    other = PartnerRepFactory(partner=overdue_a_partner, full_name="B", department="Sales")
    client = client_for(manager_member)

    by_department = client.get(
        search_url(tenant, overdue_a_partner),
        {"rep_q": "sales", "rep_attendees": [chosen.pk]},
        **HTMX,
    ).content.decode()
    by_email = client.get(
        search_url(tenant, overdue_a_partner), {"rep_q": other.email}, **HTMX
    ).content.decode()

    assert f'value="{other.pk}"' in by_department
    assert f'value="{chosen.pk}"' not in by_department
    assert f'value="{other.pk}"' in by_email


def test_search_never_returns_another_partners_or_a_left_rep(
    tenant, manager_member, client_for, overdue_a_partner
):
    PartnerRepFactory(partner=PartnerFactory(tenant=tenant), full_name="Elsewhere Ken")
    PartnerRepFactory(partner=overdue_a_partner, full_name="Left Ken", is_active=False)

    html = (
        client_for(manager_member)
        .get(search_url(tenant, overdue_a_partner), {"rep_q": "Ken"}, **HTMX)
        .content.decode()
    )

    assert 'data-testid="rep-no-match"' in html


def test_idor_search_on_another_tenants_partner_answers_404(
    tenant, other_tenant, manager_member, client_for
):
    foreign = PartnerFactory(tenant=other_tenant)
    PartnerRepFactory(partner=foreign, full_name="Foreign Rep")

    response = client_for(manager_member).get(search_url(tenant, foreign), {"rep_q": "Foreign"})

    assert response.status_code == 404


def test_search_results_are_capped_and_say_more_match(
    tenant, manager_member, client_for, overdue_a_partner
):
    for number in range(25):
        PartnerRepFactory(partner=overdue_a_partner, full_name=f"Yamada {number:02d}")

    html = (
        client_for(manager_member)
        .get(search_url(tenant, overdue_a_partner), {"rep_q": "yamada"}, **HTMX)
        .content.decode()
    )

    assert html.count('data-testid="rep-option"') == 20
    assert 'data-testid="rep-more"' in html


@pytest.mark.parametrize("rep_count", [5, 50])
def test_search_query_count_is_flat(
    tenant, manager_member, client_for, overdue_a_partner, django_assert_num_queries, rep_count
):
    for number in range(rep_count):
        PartnerRepFactory(partner=overdue_a_partner, full_name=f"Kato {number:02d}")
    client = client_for(manager_member)
    client.get(search_url(tenant, overdue_a_partner), {"rep_q": "kato"})  # warm the session

    with django_assert_num_queries(QUERIES_PER_SEARCH):
        client.get(search_url(tenant, overdue_a_partner), {"rep_q": "kato"})


QUERIES_PER_SEARCH = 10


def test_chosen_reps_come_back_as_chips_when_the_form_is_refused(
    tenant, manager_member, client_for, overdue_a_partner
):
    for number in range(15):
        PartnerRepFactory(partner=overdue_a_partner, full_name=f"Rep {number:02d}")
    chosen = PartnerRepFactory(partner=overdue_a_partner, full_name="Chosen Chiyo")

    html = (
        client_for(manager_member)
        .post(activities_url(tenant, overdue_a_partner), {"rep_attendees": [chosen.pk]}, **HTMX)
        .content.decode()
    )

    assert 'data-testid="rep-chip"' in html
    assert f'value="{chosen.pk}" checked' in html
    assert "Chosen Chiyo" in html
