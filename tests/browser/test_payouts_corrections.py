"""Finance corrects an issued statement (the correction names it, the list marks it), finds
the disputed ones by the partner's response, and reads the year's totals for the annual
payment report (支払調書) and downloads them as CSV."""

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from partners.choices import EntityKind
from payouts.models import PartnerResponse, Statement
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import IssuedStatementFactory, PayoutPeriodFactory

pytestmark = pytest.mark.browser


def test_finance_corrects_a_statement_and_reads_the_annual_report(
    page, server, login, tenant, member_factory, with_totp, screenshot
):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    person = PartnerFactory(
        tenant=tenant,
        entity_kind=EntityKind.INDIVIDUAL,
        legal_name="Hanako Yamada",
        display_name="Hanako Yamada",
    )
    statement = IssuedStatementFactory(
        partner=person,
        period=period,
        gross=Decimal(110000),
        withholding=Decimal(10210),
        net_payable=Decimal(99790),
        response=PartnerResponse.DISPUTED,
        response_comment="The May deal is missing.",
    )
    finance = member_factory(tenant, Role.FINANCE)
    login(page, finance.user, totp_secret=with_totp(finance.user))

    page.locator('nav.sidebar [data-nav="statements"]').click()
    page.get_by_label("Partner's response").select_option("disputed")
    page.get_by_role("button", name="Filter").click()
    row = page.locator('[data-testid="statement-row"][data-partner="Hanako Yamada"]')
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Hanako Yamada").click()
    expect(page.get_by_test_id("statement-response")).to_contain_text("The May deal is missing.")
    page.get_by_test_id("statement-correct").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Correct statement No. {statement.number}?"
    )
    page.get_by_label("What the correction corrects").fill("The May deal was left out")
    screenshot(page, "payouts-statement-correct", share=True)
    page.get_by_test_id("statement-correct-confirm").click()

    expect(page.get_by_test_id("statement-corrects")).to_contain_text(f"No. {statement.number}")
    expect(page.get_by_test_id("statement-status")).to_have_text("Draft")
    with scopes_disabled():
        correction = Statement.objects.get(corrects=statement)
    assert correction.revision == 1 and correction.correction_reason == "The May deal was left out"
    page.locator('nav.sidebar [data-nav="statements"]').click()
    expect(page.get_by_test_id("statement-corrected")).to_have_count(1)
    screenshot(page, "payouts-statements-corrected", share=True)

    page.locator('nav.sidebar [data-nav="periods"]').click()
    page.get_by_test_id("annual-report-link").click()
    page.get_by_label("Year").select_option(str(period.pays_on.year))
    page.get_by_role("button", name="Show").click()
    # The issued statement counts until its correction is issued.
    annual = page.get_by_test_id("annual-row")
    expect(annual).to_have_count(1)
    expect(annual).to_contain_text("¥110,000")
    expect(annual).to_contain_text("¥10,210")
    screenshot(page, "payouts-annual-report", share=True)
    with page.expect_download() as download:
        page.get_by_test_id("annual-csv").click()
    assert download.value.suggested_filename == f"annual-payments-{period.pays_on.year}.csv"
    with open(download.value.path(), encoding="utf-8-sig") as csv_file:
        content = csv_file.read()
    assert '"Hanako Yamada"' in content and '"110000","10210"' in content
