"""My results in a real browser: a partner admin opens the page, switches to the fiscal quarter
and back a period, sorts the reps table and exports it as CSV; a rep on a phone sees their own
figures only, with the trend chart drawn."""

import csv
import io
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from insights.models import KpiSnapshot
from insights.selectors.snapshots import current_period_start, shift_period
from tests.browser.test_partners_portal import PHONE, open_portal_menu, page_width
from tests.factories.partners import PartnerFactory, portal_membership_for

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "en-US"}


def snapshot(partner, *, kind, start, rep=None, **measures):
    with scopes_disabled():
        KpiSnapshot.objects.create(
            tenant=partner.tenant,
            partner=partner,
            subject_kind="rep" if rep else "partner",
            subject_id=rep.pk if rep else partner.pk,
            period_kind=kind,
            period_start=start,
            **measures,
        )


@pytest.fixture
def company(tenant):
    """Minato with its admin and reps Hana and Ken: eight months of company figures, this
    month's and this quarter's for each rep; and Kita, whose figures must never show."""
    minato = PartnerFactory(tenant=tenant, legal_name="株式会社ミナト商事", display_name="Minato")
    admin, _admin_rep = portal_membership_for(minato, role=Role.PARTNER_ADMIN, full_name="Aiko")
    hana, hana_rep = portal_membership_for(minato, full_name="Hana Sato")
    _ken, ken_rep = portal_membership_for(minato, full_name="Ken Ito")
    kita = PartnerFactory(tenant=tenant, display_name="Kita")
    _goro, goro_rep = portal_membership_for(kita, full_name="Goro Kitano")
    month = current_period_start(tenant, "month")
    quarter = current_period_start(tenant, "quarter")
    for back in range(8):
        snapshot(
            minato,
            kind="month",
            start=shift_period(month, "month", -back),
            deals_registered=10 - back,
            deals_won=5 - back // 2,
            deals_lost=1,
            revenue_one_time=Decimal(1_000_000 - 100_000 * back),
            asset_views=40 - back,
            reps_known=2,
            reps_active=2,
            reps_producing=1,
        )
    snapshot(minato, kind="quarter", start=quarter, deals_registered=27, deals_won=11)
    snapshot(minato, kind="quarter", start=shift_period(quarter, "quarter", -1), deals_won=4)
    for kind, start in (("month", month), ("quarter", quarter)):
        snapshot(
            minato,
            kind=kind,
            start=start,
            rep=hana_rep,
            deals_registered=6,
            deals_won=3,
            revenue_one_time=Decimal(654_321),
            asset_views=12,
            sign_in_days=8,
            reps_known=1,
            reps_active=1,
            reps_producing=1,
        )
        snapshot(
            minato,
            kind=kind,
            start=start,
            rep=ken_rep,
            deals_registered=4,
            asset_views=28,
            sign_in_days=3,
            reps_known=1,
            reps_active=1,
        )
    snapshot(kita, kind="month", start=month, deals_registered=99, asset_views=999)
    snapshot(kita, kind="month", start=month, rep=goro_rep, deals_registered=99)
    return {"admin": admin, "hana": hana, "quarter": quarter}


@pytest.mark.browser_context_args(**DESKTOP)
def test_partner_admin_switches_period_sorts_reps_and_exports_csv(
    page, server, login, tenant, company, screenshot
):
    login(page, company["admin"].user)
    page.locator(".portal-topbar").get_by_role("link", name="My results").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My results")
    expect(
        page.locator('[data-metric="deals_registered"] [data-testid="card-value"]')
    ).to_have_text("10")
    expect(page.get_by_test_id("rep-row")).to_have_count(2)
    expect(page.locator("canvas[data-results-chart]")).to_have_attribute("data-drawn", "true")
    expect(page.locator("body")).not_to_contain_text("Goro Kitano")
    # Eleven portal entries still leave the language switch and the user menu on the page.
    expect(page.get_by_test_id("user-menu")).to_be_in_viewport()
    assert page_width(page) <= 1280
    screenshot(page, "insights-results-desktop", share=True)

    page.get_by_test_id("period-form").get_by_label("Period").select_option("quarter")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("period-label")).to_contain_text(" Q")
    expect(
        page.locator('[data-metric="deals_registered"] [data-testid="card-value"]')
    ).to_have_text("27")
    page.get_by_test_id("period-previous").click()
    expect(page.locator('[data-metric="deals_won"] [data-testid="card-value"]')).to_have_text("4")
    expect(page.get_by_test_id("reps-empty")).to_be_visible()
    page.get_by_test_id("period-next").click()
    expect(page.get_by_test_id("rep-row")).to_have_count(2)

    page.get_by_test_id("reps-table").get_by_role("link", name="Asset views").click()
    page.get_by_test_id("reps-table").get_by_role("link", name="Asset views").click()
    expect(page.get_by_test_id("rep-row").first).to_contain_text("Ken Ito")  # 28 views first
    screenshot(page, "insights-results-quarter-desktop", share=True)

    with page.expect_download() as download_info:
        page.get_by_test_id("export-reps").click()
    download = download_info.value
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
    rows = list(csv.reader(io.StringIO(text)))
    assert download.suggested_filename.endswith("-reps.csv")
    assert [row[0] for row in rows] == ["Rep", "Ken Ito", "Hana Sato"]
    assert rows[1][1] == "28" and rows[2][5] == "654321"


@pytest.mark.browser_context_args(**PHONE)
def test_rep_on_a_phone_sees_own_figures_only(page, server, login, tenant, company, screenshot):
    login(page, company["hana"].user)
    open_portal_menu(page).get_by_role("link", name="My results").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/results/")

    expect(page.locator('[data-metric="revenue"] [data-testid="card-value"]')).to_have_text(
        "¥654,321"
    )
    expect(page.locator('[data-metric="sign_in_days"] [data-testid="card-value"]')).to_have_text(
        "8"
    )
    expect(page.get_by_test_id("reps-table")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Ken Ito")
    expect(page.locator("body")).not_to_contain_text("¥1,000,000")
    expect(page.locator("canvas[data-results-chart]")).to_have_attribute("data-drawn", "true")
    assert page_width(page) <= 390
    screenshot(page, "insights-results-rep-phone", share=True)
