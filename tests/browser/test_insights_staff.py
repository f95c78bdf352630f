"""Rep analytics and a partner's scorecard in a real browser: staff open rep analytics from
the navigation, filter it by a partner type, export a table; then open a partner's scorecard
from the partner page's tab, its quarterly business review, and the review's PDF."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from insights.selectors.snapshots import current_period_start, shift_period
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the fixture
from tests.browser.test_kernel_flows import main_nav
from tests.factories.partners import PartnerFactory, PartnerRepFactory, PartnerTypeFactory
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory
from tests.insights.builders import partner_row, rep_row

pytestmark = pytest.mark.browser


@pytest.fixture
def world(tenant, member_factory):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")
    with scopes_disabled():
        quarter = current_period_start(tenant, "quarter")
    previous = shift_period(quarter, "quarter", -1)
    bank = PartnerTypeFactory(tenant=tenant, name="Regional bank")
    telecom = PartnerTypeFactory(tenant=tenant, name="Telecom carrier")
    bank_partner = PartnerFactory(
        tenant=tenant,
        legal_name="株式会社さくら銀行",
        display_name="",
        partner_type=bank,
        owner=manager,
        status="active",
    )
    telecom_partner = PartnerFactory(
        tenant=tenant, display_name="Nippon Tel", partner_type=telecom, status="active"
    )
    for partner, name, views, registered, won in (
        (bank_partner, "山田 太郎", 12, 2, 1),
        (bank_partner, "佐藤 花子", 9, 0, 0),
        (bank_partner, "鈴木 一郎", 1, 1, 0),
        (bank_partner, "高橋 次郎", 0, 0, 0),
        (bank_partner, "田中 三郎", 3, 0, 0),
        (telecom_partner, "Ken Ito", 15, 0, 0),
        (telecom_partner, "Mari Abe", 7, 1, 1),
    ):
        rep = PartnerRepFactory(partner=partner, full_name=name)
        rep_row(rep, start=quarter, views=views, registered=registered, won=won)
    partner_row(
        bank_partner,
        start=quarter,
        reps_known=5,
        reps_producing=2,
        deals_registered=3,
        deals_won=1,
        deals_lost=1,
        revenue_one_time=1_200_000,
        meetings_held=4,
        asset_views=25,
        contacts_due=3,
        contacts_on_time=2,
    )
    partner_row(
        bank_partner,
        start=previous,
        reps_known=5,
        reps_producing=1,
        deals_registered=1,
        deals_won=1,
        revenue_one_time=500_000,
        meetings_held=2,
    )
    partner_row(telecom_partner, start=quarter, reps_known=2, reps_producing=1)
    program = ProgramFactory(tenant=tenant, name="Referral program")
    bronze = TierFactory(program=program, name="Bronze", position=0)
    TierFactory(program=program, name="Silver", position=1, min_meetings_held=12)
    PartnerContractFactory(tier=bronze, partner=bank_partner)
    return {"manager": manager, "bank": bank, "bank_partner": bank_partner}


def test_staff_filter_rep_analytics_by_partner_type_and_export_a_table(
    page, server, login, tenant, world, screenshot, tmp_path
):
    login(page, world["manager"].user)
    page.goto(f"{server}/{tenant.slug}/")
    main_nav(page).get_by_role("link", name="Rep analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rep analytics")
    # Threshold: the lower median of 1, 3, 7, 9, 12, 15 is 7 views.
    expect(
        page.get_by_test_id("quadrant-table").locator('[data-quadrant="support"] td').first
    ).to_have_text("2")
    expect(page.get_by_test_id("support-table")).to_contain_text("Ken Ito")
    expect(page.locator('canvas[data-insights-chart="scatter"][data-drawn]')).to_have_count(1)
    screenshot(page, "insights-rep-analytics", share=True)

    page.get_by_label("Partner type").select_option(label="Regional bank")
    page.get_by_test_id("filter-submit").click()
    expect(page).to_have_url(re.compile(rf"/insights/reps/\?.*partner_type={world['bank'].pk}"))
    support = page.get_by_test_id("support-table")
    expect(support).to_contain_text("佐藤 花子")
    expect(support).not_to_contain_text("Ken Ito")
    expect(page.get_by_test_id("headroom-table")).not_to_contain_text("Nippon Tel")
    screenshot(page, "insights-rep-analytics-bank", share=True)

    with page.expect_download() as downloading:
        page.get_by_test_id("export-headroom").click()
    saved = tmp_path / "headroom.csv"
    downloading.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert '"株式会社さくら銀行","Kenji Manager","5","2","3","40.0"' in text
    assert "Nippon Tel" not in text


def test_staff_open_a_scorecard_from_the_partner_tab_then_its_qbr_and_pdf(
    page,
    server,
    login,
    tenant,
    world,
    screenshot,
    tmp_path,
    real_worker,  # noqa: F811
):
    partner = world["bank_partner"]
    login(page, world["manager"].user)
    page.goto(
        server
        + reverse("partner_detail", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk})
    )
    page.get_by_role("tab", name="Scorecard").click()
    tab = page.get_by_test_id("partner-scorecard-tab")
    expect(tab).to_be_visible()
    expect(tab.get_by_test_id("tab-headroom")).to_have_text(
        "2 of 5 reps producing: headroom of 3 reps."
    )
    screenshot(page, "insights-partner-tab", share=True)

    tab.get_by_test_id("open-scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard of 株式会社さくら銀行")
    expect(page.locator('[data-kpi="meetings_held"]')).to_contain_text("Seed KPI")
    expect(page.get_by_test_id("scorecard-tier")).to_contain_text("Silver")
    expect(page.locator("canvas[data-insights-chart][data-drawn]")).to_have_count(2)
    screenshot(page, "insights-scorecard", share=True)

    page.get_by_test_id("open-qbr").click()
    expect(page.get_by_test_id("qbr-title")).to_contain_text("株式会社さくら銀行")
    expect(page.get_by_test_id("qbr-document")).to_contain_text("Headline figures")
    screenshot(page, "insights-qbr", share=True)

    # The PDF is a job: its page shows the worker's progress, then the download starts.
    with page.expect_download() as downloading:
        page.get_by_test_id("qbr-pdf").click()
        expect(page.get_by_test_id("export-job")).to_be_visible()
        expect(page.get_by_test_id("export-done")).to_contain_text("The PDF is ready")
    screenshot(page, "insights-qbr-pdf-job", share=True)
    saved = tmp_path / "qbr.pdf"
    downloading.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert downloading.value.suggested_filename.startswith(f"qbr-{partner.pk}-")
