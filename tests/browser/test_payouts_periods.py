"""Finance closes a payout period from the list, after the confirmation, and sees it locked;
the worker makes its statement, finance approves and issues it and downloads the PDF, saves
the bank-transfer details, downloads the period's Zengin file and records the payment; the
payout calendar refuses a payment date the Freelance Act does not allow."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from payouts.models import PayoutPeriod, PeriodStatus
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory, PayoutPeriodFactory

pytestmark = pytest.mark.browser


def test_finance_closes_a_period_and_keeps_the_calendar_lawful(
    page, server, login, tenant, member_factory, with_totp, screenshot
):
    april = PayoutPeriodFactory(tenant=tenant)
    LedgerLineFactory(
        partner=PartnerFactory(
            tenant=tenant,
            bank_code="0005",
            branch_code="001",
            account_type="ordinary",
            account_number="7654321",
            account_holder_kana="ｱｸﾒ",
        ),
        amount=Decimal(42000),
        accrued_on=datetime.date(2026, 4, 10),
        payable_from=datetime.date(2026, 4, 10),
    )
    finance = member_factory(tenant, Role.FINANCE)
    login(page, finance.user, totp_secret=with_totp(finance.user))

    page.locator('nav.sidebar [data-nav="periods"]').click()
    row = page.locator('[data-testid="period-row"][data-period="2026-04-01"]')
    expect(row).to_contain_text("¥42,000")
    row.get_by_test_id("period-close").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close the period")
    screenshot(page, "payouts-period-close", share=True)
    page.get_by_test_id("period-close-confirm").click()

    expect(row.get_by_test_id("period-status")).to_contain_text("Closed")
    expect(page.locator('[data-testid="period-row"][data-period="2026-05-01"]')).to_contain_text(
        "Open"
    )
    screenshot(page, "payouts-periods", share=True)
    with scopes_disabled():
        assert PayoutPeriod.objects.get(pk=april.pk).status == PeriodStatus.CLOSED

    # Closing made the statements in the worker: one partner, ¥42,000 + ¥4,200 tax.
    row.get_by_test_id("period-statements").get_by_role("link").click()
    statement = page.get_by_test_id("statement-row")
    expect(statement).to_have_count(1)
    expect(statement.get_by_test_id("statement-net")).to_have_text("¥46,200")
    statement.get_by_test_id("statement-select").check()
    page.get_by_test_id("bulk-approve").click()
    expect(page.get_by_role("alert").filter(has_text="1 statement approved.")).to_be_visible()
    expect(statement.get_by_test_id("statement-status")).to_have_text("Approved")
    statement.get_by_role("link").first.click()
    expect(page.get_by_test_id("figure-net")).to_have_text("¥46,200")
    page.get_by_test_id("statement-issue").click()
    expect(page.get_by_test_id("statement-number")).to_contain_text("000001")
    expect(page.get_by_test_id("statement-status")).to_have_text("Issued")
    screenshot(page, "payouts-statement", share=True)
    with page.expect_download() as download:
        page.get_by_test_id("statement-pdf").click()
    assert download.value.suggested_filename == "statement-000001.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The bank-transfer details, then the period's Zengin file pays the issued statement.
    page.goto(f"{server}/{tenant.slug}/settings/payout-calendar/")
    form = page.get_by_test_id("transfer-originator-form")
    form.get_by_label("Consignor code").fill("1234567890")
    form.get_by_label("Consignor name (half-width kana)").fill("カ）アルファ")
    form.get_by_label("Bank code").fill("0001")
    form.get_by_label("Branch code").fill("001")
    form.get_by_label("Account number").fill("1234567")
    page.get_by_test_id("transfer-originator-save").click()
    expect(
        page.get_by_role("alert").filter(has_text="bank-transfer details are saved")
    ).to_be_visible()
    page.locator('nav.sidebar [data-nav="periods"]').click()
    row.get_by_test_id("period-downloads").click()
    with page.expect_download() as download:
        row.get_by_test_id("period-zengin").click()
    assert download.value.suggested_filename == "zengin-20260601.txt"
    with open(download.value.path(), "rb") as zengin:
        content = zengin.read()
    assert content.startswith(b"1210" + b"1234567890") and len(content) == 4 * 122
    assert b"0000046200" in content  # ¥46,200 to ｱｸﾒ

    # The bank paid: finance records it from the list.
    row.get_by_test_id("period-statements").get_by_role("link").click()
    statement.get_by_test_id("statement-select").check()
    page.get_by_label("Paid on").fill("2026-06-01")
    page.get_by_label("Bank reference").fill("FB-0601")
    page.get_by_test_id("bulk-paid").click()
    expect(
        page.get_by_role("alert").filter(has_text="1 statement recorded as paid.")
    ).to_be_visible()
    expect(statement.get_by_test_id("statement-status")).to_have_text("Paid")
    screenshot(page, "payouts-statements-paid", share=True)

    page.goto(f"{server}/{tenant.slug}/settings/payout-calendar/")
    page.get_by_label("Payment month").select_option("2")
    page.get_by_test_id("payout-calendar-save").click()
    expect(page.locator('[data-field="payment_day"]')).to_contain_text("Freelance Act")
    screenshot(page, "payouts-calendar-refused", share=True)
