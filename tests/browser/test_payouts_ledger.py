"""Finance reads the commission ledger: a won deal's line and its explanation, a manual
adjustment refused for a bad amount then booked, and the partner page's Commissions tab."""

import datetime

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tenancy import tenant_context
from payouts.models import LedgerLine, LineKind
from payouts.services import ledger as services
from tests.payouts.conftest import make_book

pytestmark = pytest.mark.browser


def test_finance_explains_a_line_and_books_an_adjustment(
    page, server, login, tenant, member_factory, with_totp, screenshot
):
    book = make_book(tenant)
    deal = book.deal(customer_name="株式会社ミナト商事")
    with tenant_context(tenant):
        services.ledger_deal_won(tenant=tenant, deal_id=deal.pk, today=datetime.date(2026, 6, 15))
    finance = member_factory(tenant, Role.FINANCE)
    login(page, finance.user, totp_secret=with_totp(finance.user))

    page.locator('nav.sidebar [data-nav="ledger"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commission ledger")
    expect(page.get_by_test_id("ledger-row")).to_have_count(1)
    expect(page.get_by_test_id("total-payable")).to_have_text("¥100,000")
    screenshot(page, "payouts-ledger", share=True)

    page.get_by_test_id("line-open").click()
    expect(page.get_by_test_id("explanation")).to_contain_text("10 % of the deal amount ¥1,000,000")
    screenshot(page, "payouts-ledger-line", share=True)

    page.goto(f"{server}/{tenant.slug}/payouts/ledger/")
    page.get_by_test_id("new-adjustment").click()
    page.get_by_label("Partner").select_option(str(book.partner.pk))
    page.get_by_label("Amount").fill("12.5")
    page.get_by_label("Reason").fill("Launch event bonus")
    page.get_by_test_id("adjustment-submit").click()
    expect(page.locator('[data-field="amount"]')).to_contain_text("no amounts smaller than")
    page.get_by_label("Amount").fill("5000")
    page.get_by_test_id("adjustment-submit").click()
    expect(page.get_by_test_id("line-reason")).to_have_text("Launch event bonus")
    with scopes_disabled():
        assert LedgerLine.objects.filter(kind=LineKind.ADJUSTMENT).count() == 1

    page.goto(f"{server}/{tenant.slug}/partners/{book.partner.pk}/")
    page.get_by_role("tab", name="Commissions").click()
    expect(page.get_by_test_id("partner-ledger-row")).to_have_count(2)
    expect(page.get_by_test_id("partner-ledger").get_by_test_id("total-all")).to_have_text(
        "¥105,000"
    )
    screenshot(page, "payouts-partner-tab", share=True)
