"""The insights overview and goal breakdown in a real browser: staff open the overview from
the navigation, filter it by partner type, export the funnel table, and enter a goal."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tenancy import tenant_context
from deals.models import Milestone, TargetAccountChange
from insights.kpi import periods_of
from insights.services import kpi_recompute
from tests.factories.deals import DealFactory, TargetAccountFactory
from tests.factories.partners import PartnerFactory, PartnerTypeFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


@pytest.fixture
def channel(tenant):
    """Two partner types; last month a reseller's account went from listed to a meeting and a
    won deal, this month the bank's deal was won and the vendor won one directly."""
    from django_scopes import scopes_disabled

    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=10)
    with scopes_disabled():
        resellers = PartnerTypeFactory(tenant=tenant, name="Reseller")
        banks = PartnerTypeFactory(tenant=tenant, name="Regional bank")
        seller = PartnerFactory(
            tenant=tenant, partner_type=resellers, legal_name="株式会社北斗商事"
        )
        bank = PartnerFactory(tenant=tenant, partner_type=banks, legal_name="さくら銀行")
        account = TargetAccountFactory(partner=seller)
        moment = timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(10)))
        previous = ""
        for step, days in (
            (Milestone.LISTED, 0),
            (Milestone.REQUESTED, 2),
            (Milestone.AGREED, 4),
            (Milestone.ACTION_DONE, 6),
            (Milestone.MEETING_HELD, 8),
        ):
            TargetAccountChange.objects.create(
                tenant=tenant,
                target_account=account,
                from_milestone=previous,
                to_milestone=step,
                changed_at=moment + datetime.timedelta(days=days),
            )
            previous = step
        DealFactory(partner=seller, won_on=last_month, amount_one_time=2_000_000)
        DealFactory(partner=bank, won_on=today, amount_one_time=1_000_000)
        DealFactory(
            tenant=tenant,
            partner=None,
            registration_status="direct",
            won_on=today,
            amount_one_time=3_000_000,
        )
    with tenant_context(tenant):
        kpi_recompute(tenant=tenant)
    same_year = periods_of(tenant, last_month)[3] == periods_of(tenant, today)[3]
    return {"resellers": resellers, "reseller_wins_this_year": "1" if same_year else "0"}


def test_staff_read_filter_and_export_the_overview_then_break_down_a_goal(
    page, server, login, tenant, manager, channel, screenshot
):
    login(page, manager.user)
    page.locator("nav.sidebar").get_by_role("link", name="Insights").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/insights/")
    expect(page.get_by_test_id("overview-headlines")).to_be_visible()
    expect(page.get_by_test_id("funnel-table")).to_be_visible()
    screenshot(page, "insights-overview", share=True)

    # The fiscal year of resellers only: the seller's win of last month (none when the
    # fiscal year began this month), without the bank's or the direct deal.
    page.locator("#id_period").select_option("year")
    page.locator("#id_partner_type").select_option(label="Reseller")
    page.get_by_test_id("filter-submit").click()
    expect(page).to_have_url(re.compile("partner_type="))
    expect(page.get_by_test_id("headline-new_customers")).to_have_text(
        channel["reseller_wins_this_year"]
    )

    with page.expect_download() as download:
        page.get_by_test_id("export-funnel").click()
    body = download.value.path().read_text(encoding="utf-8-sig")
    assert body.splitlines()[0].startswith('"Step"')

    page.locator("nav.sidebar").get_by_role("link", name="Goal breakdown").click()
    page.locator("#id_metric").select_option("meetings_held")
    page.locator("#id_goal").fill("6")
    page.get_by_test_id("goal-submit").click()
    expect(page.get_by_test_id("goal-plan")).to_be_visible()
    # Last month: 1 listed → 1 meeting, so 6 meetings need 6 listed accounts.
    expect(page.get_by_test_id("goal-total").get_by_test_id("needed-accounts_listed")).to_have_text(
        "6"
    )
    screenshot(page, "insights-goal", share=True)
