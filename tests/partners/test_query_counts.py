"""Every list page of the partners app (staff, portal, API) makes as many queries with 30 rows
as with 3: a page that queries per row fails here long before a tenant has 1,000 partners.

Each test measures one page with 3 rows of everything, adds 27 more, and measures again.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from partners.choices import Industry, PartnerStatus, Priority, ProspectStage
from partners.models import ActivityRepAttendee, PartnerPersona, ProspectStageChange
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.partners import (
    ActivityFactory,
    PartnerFactory,
    PartnerRepFactory,
    ProspectFactory,
    portal_membership_for,
)

HTMX = {"HTTP_HX_REQUEST": "true"}

# (label, audience, url name, URL takes the first partner, query string, extra headers)
PAGES = [
    ("partner_list", "staff", "partner_list", False, "", {}),
    ("partner_list_search", "staff", "partner_list", False, "q=%E3%81%A6%E3%81%99%E3%81%A8", {}),
    ("partner_list_by_last_contact", "staff", "partner_list", False, "sort=last_contact", {}),
    ("partner_list_by_next_due", "staff", "partner_list", False, "sort=-next_due", {}),
    ("partner_list_100_rows", "staff", "partner_list", False, "per_page=100", {}),
    ("partner_detail_reps", "staff", "partner_detail", True, "", {}),
    ("activity_panel", "staff", "partner_activities", True, "", HTMX),
    ("activity_timeline", "staff", "partner_activities", True, "part=timeline", HTMX),
    ("due_for_contact_all", "staff", "contact_due_list", False, "owner=all", {}),
    ("due_for_contact_mine", "staff", "contact_due_list", False, "", {}),
    ("prospects_by_fit", "staff", "recruitment_home", False, "view=table&sort=-fit", {}),
    ("prospects_table", "staff", "recruitment_home", False, "view=table", {}),
    ("prospects_search", "staff", "recruitment_home", False, "view=table&q=prospect", {}),
    ("recruitment_board", "staff", "recruitment_home", False, "", {}),
    ("recruitment_board_by_fit", "staff", "recruitment_home", False, "sort=-fit", {}),
    ("dashboard_panel", "staff", "partners_dashboard_panel", False, "", HTMX),
    ("recruitment_report", "staff", "recruitment_report", False, "", {}),
    ("portal_home", "portal", "portal_home", False, "", {}),
    ("portal_company", "portal", "portal_company", False, "", {}),
    ("portal_reps", "portal", "portal_reps", False, "", {}),
    ("api_partners", "staff", "api_partner_list", False, "", {}),
    ("api_reps", "staff", "api_rep_list", False, "", {}),
    ("api_prospects", "staff", "api_prospect_list", False, "", {}),
    ("api_activities", "staff", "api_activity_list", False, "", {}),
]


class World:
    """One tenant whose rows grow: `add(n)` adds n partners (each with a rep and two
    activities), n reps and activities to the first partner, n prospects (each moved twice,
    by a different person each time)."""

    def __init__(self, tenant, manager):
        self.tenant = tenant
        self.manager = manager
        self.first = PartnerFactory(
            tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A, owner=manager
        )
        self.portal_admin, _rep = portal_membership_for(self.first, role=Role.PARTNER_ADMIN)
        PartnerPersona.objects.create(
            tenant=tenant,
            ideal_industries=[Industry.IT],
            min_employee_count=10,
            products_handled="会計, 給与",
        )
        self.count = 0

    def add(self, n: int) -> None:
        today = timezone.localdate()
        for _ in range(n):
            self.count += 1
            owner = MembershipFactory(tenant=self.tenant, role=Role.PARTNER_MANAGER)
            partner = PartnerFactory(
                tenant=self.tenant,
                status=PartnerStatus.ACTIVE,
                priority=[Priority.A, Priority.B, Priority.C][self.count % 3],
                owner=owner,
            )
            PartnerRepFactory(partner=partner)
            PartnerRepFactory(partner=self.first)
            for days, action in ((40, "Send the deck"), (3, "")):
                ActivityFactory(
                    partner=partner,
                    occurred_on=today - timedelta(days=days),
                    next_action=action,
                    next_action_due=today - timedelta(days=1) if action else None,
                    created_by=owner.user,
                )
            ActivityRepAttendee.objects.create(
                tenant=self.tenant,
                activity=ActivityFactory(
                    partner=self.first, occurred_on=today - timedelta(days=self.count)
                ),
                rep=PartnerRepFactory(partner=self.first),
            )
            prospect = ProspectFactory(
                tenant=self.tenant,
                company_name=f"Prospect {self.count}",
                industries=[Industry.IT] if self.count % 2 else [],
                employee_count=self.count * 5,
                products_handled="会計ソフト",
                owner=owner,
                stage=ProspectStage.MEETING,
            )
            for from_stage, to_stage in (("", ProspectStage.SOURCED), ("sourced", "meeting")):
                ProspectStageChange.objects.create(
                    tenant=self.tenant,
                    prospect=prospect,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    changed_by=UserFactory(),
                )


def count_queries(client, url: str, headers: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("label", "audience", "route", "takes_partner", "query", "headers"),
    PAGES,
    ids=[page[0] for page in PAGES],
)
def test_list_page_makes_the_same_queries_with_3_and_30_rows(
    tenant,
    manager_member,
    fresh_client_for,
    in_tenant,
    label,
    audience,
    route,
    takes_partner,
    query,
    headers,
):
    with in_tenant(tenant):
        world = World(tenant, manager_member)
        world.add(3)
    kwargs = {"tenant_slug": tenant.slug}
    if takes_partner:
        kwargs["partner_id"] = world.first.pk
    url = reverse(route, kwargs=kwargs) + (f"?{query}" if query else "")
    client = fresh_client_for(manager_member if audience == "staff" else world.portal_admin)

    with_3 = count_queries(client, url, headers)
    with in_tenant(tenant):
        world.add(27)
    with_30 = count_queries(client, url, headers)

    assert with_30 == with_3, f"{label}: {with_3} queries with 3 rows, {with_30} with 30"


def test_the_due_list_makes_the_same_queries_empty_as_with_partners_due(
    tenant, manager_member, fresh_client_for, in_tenant
):
    # A tenant whose partners were all contacted lately has an empty due list (the bench's
    # small tenant): its page still runs the same queries as one with partners due.
    url = reverse("contact_due_list", kwargs={"tenant_slug": tenant.slug}) + "?owner=all"
    client = fresh_client_for(manager_member)
    with in_tenant(tenant):
        never_contacted = PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE)
    first = client.get(url)
    assert first.context["total_count"] == 1
    with_one_due = count_queries(client, url, {})
    with in_tenant(tenant):
        never_contacted.status = PartnerStatus.TERMINATED
        never_contacted.save(update_fields=["status"])
    assert client.get(url).context["total_count"] == 0
    assert count_queries(client, url, {}) == with_one_due
