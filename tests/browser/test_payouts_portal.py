"""A partner admin in the portal: on a phone, finds the company's statement, downloads its PDF
and confirms it; at desktop width, reads the commissions, a line's explanation, and is told
what a dispute needs."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from payouts.models import PartnerResponse, Statement
from tests.browser.test_partners_portal import open_portal_menu, page_width
from tests.factories.partners import PartnerRepFactory, portal_membership_for
from tests.factories.payouts import LedgerLineFactory
from tests.payouts.test_statement_issue import approved, issue

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "en-US"}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "en-US"}
SHOTS = Path("/tmp")  # noqa: S108 - screenshots for a human to look at, not the repo


def shot(page, name: str) -> None:
    page.screenshot(path=SHOTS / f"portal-{name}.png", full_page=True)


def admin_with_an_issued_statement(tenant):
    """An issued statement (rendered by WeasyPrint) of three lines, the partner admin of its
    partner (reading English), and commission of the partner's reps in the ledger."""
    statement = issue(tenant, approved(tenant, lines=3))
    admin, _rep = portal_membership_for(
        statement.partner, role=Role.PARTNER_ADMIN, full_name="Aiko Admin"
    )
    admin.user.language = "en"
    admin.user.save(update_fields=["language"])
    rep = PartnerRepFactory(partner=statement.partner, full_name="佐藤 花子")
    LedgerLineFactory(
        partner=statement.partner,
        rep=rep,
        amount=Decimal(1234567),
        accrued_on=datetime.date(2026, 11, 2),
        payable_from=datetime.date(2027, 1, 1),
        description="展示会での紹介（株式会社とても長い名前のお客様ホールディングス）",
    )
    return admin, statement


@pytest.mark.browser_context_args(**PHONE)
def test_partner_admin_downloads_and_confirms_a_statement_on_a_phone(page, server, login, tenant):
    admin, statement = admin_with_an_issued_statement(tenant)

    login(page, admin.user)
    open_portal_menu(page).get_by_role("link", name="Statements").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/statements/")
    row = page.get_by_test_id("portal-statement")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Awaiting your confirmation")
    assert page_width(page) <= 390
    shot(page, "statements-phone")

    row.get_by_role("link", name=f"Statement No. {statement.number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Statement No. {statement.number}")
    expect(page.get_by_test_id("statement-line")).to_have_count(3)
    expect(page.get_by_test_id("deemed-clause")).to_contain_text("deemed confirmed")
    assert page_width(page) <= 390
    shot(page, "statement-phone")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.suggested_filename == f"statement-{statement.number}.pdf"

    page.get_by_role("button", name="Confirm the statement is correct").click()
    expect(page.get_by_role("alert").first).to_contain_text("is confirmed")
    expect(page.get_by_test_id("statement-response")).to_contain_text("Confirmed")
    expect(page.get_by_test_id("statement-confirm")).to_have_count(0)
    assert page_width(page) <= 390
    shot(page, "statement-confirmed-phone")
    with scopes_disabled():
        assert Statement.objects.get(pk=statement.pk).response == PartnerResponse.CONFIRMED

    open_portal_menu(page).get_by_role("link", name="Commissions").click()
    expect(page.get_by_test_id("commission-line")).to_have_count(4)
    assert page_width(page) <= 390
    shot(page, "commissions-phone")


@pytest.mark.browser_context_args(**DESKTOP)
def test_partner_admin_reads_the_commissions_and_a_dispute_needs_a_comment(
    page, server, login, tenant
):
    admin, statement = admin_with_an_issued_statement(tenant)

    login(page, admin.user)
    page.locator(".portal-topbar").get_by_role("link", name="Commissions").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/commissions/")
    expect(page.get_by_test_id("commission-line")).to_have_count(4)
    expect(page.get_by_test_id("total-accrued")).to_have_text("¥1,234,567")
    expect(page.get_by_test_id("total-payable")).to_have_text("¥30,000")
    shot(page, "commissions-desktop")

    page.get_by_label("Status").select_option("on_statement")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("commission-line")).to_have_count(3)
    page.get_by_test_id("commission-line").first.get_by_role("link").click()
    expect(page.get_by_test_id("line-facts")).to_contain_text("紹介料")
    shot(page, "commission-line-desktop")

    page.locator(".portal-topbar").get_by_role("link", name="Statements").click()
    page.get_by_role("link", name=f"Statement No. {statement.number}").click()
    shot(page, "statement-desktop")
    page.get_by_role("button", name="Dispute the statement").click()
    error = page.locator('[data-field="comment"]')
    expect(error).to_contain_text("Say what is wrong with the statement.")
    shot(page, "dispute-error-desktop")

    page.get_by_label("What is wrong with the statement").fill("紹介料 2 is missing a deal.")
    page.get_by_role("button", name="Dispute the statement").click()
    expect(page.get_by_test_id("statement-response")).to_contain_text("Disputed")
    expect(page.get_by_test_id("statement-response")).to_contain_text("紹介料 2 is missing")
    shot(page, "statement-disputed-desktop")
