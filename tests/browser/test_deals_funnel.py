"""The funnel in a browser: staff send by-name requests from the board; a rep adds an
account in the portal on a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from deals.models import Milestone, TargetAccount
from tests.browser.test_partners_portal import PHONE, open_portal_menu, page_width
from tests.factories.deals import TargetAccountFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for

pytestmark = pytest.mark.browser

# A Shift_JIS file: its first row repeats an account already listed, its second a bad code.
CP932_FILE = "company_name,prefecture\n株式会社新規開拓,13\n株式会社三番目,99\n".encode("cp932")


def test_staff_send_by_name_requests_from_the_funnel_board(
    page, server, login, tenant, member_factory, screenshot
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    partner = PartnerFactory(tenant=tenant, display_name="Sakura KK")
    rep = PartnerRepFactory(partner=partner, full_name="Yamada Taro")
    with scopes_disabled():
        first = TargetAccountFactory(partner=partner, rep=rep, company_name="Acme Trading")
        second = TargetAccountFactory(partner=partner, company_name="Beta Foods")
        TargetAccountFactory(partner=partner, company_name="Gamma Steel")
        TargetAccountFactory(
            partner=partner,
            company_name="Stuck Logistics",
            milestone=Milestone.AGREED,
            milestone_at=timezone.now() - datetime.timedelta(days=40),
        )

    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/funnel/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funnel")
    listed = page.locator('[data-testid="funnel-column"][data-milestone="listed"]')
    expect(listed.get_by_test_id("column-count")).to_have_text("3")
    stuck = page.locator('[data-testid="funnel-card"]:has-text("Stuck Logistics")')
    expect(stuck.get_by_test_id("days")).to_have_text("40 days in this step")
    screenshot(page, "funnel-board", share=True)

    page.get_by_label("Select Acme Trading").check()
    page.get_by_label("Select Beta Foods").check()
    page.get_by_test_id("send-requests").click()
    expect(page.get_by_test_id("request-accounts")).to_contain_text("Acme Trading")
    expect(page.get_by_test_id("request-accounts")).to_contain_text("Beta Foods")
    screenshot(page, "funnel-request-confirm", share=True)
    page.get_by_test_id("confirm-requests").click()

    expect(page.get_by_text("By-name requests sent for 2 accounts.")).to_be_visible()
    requested = page.locator('[data-testid="funnel-column"][data-milestone="requested"]')
    expect(requested.get_by_test_id("column-count")).to_have_text("2")
    expect(requested).to_contain_text("Acme Trading")
    expect(requested).to_contain_text("Beta Foods")
    expect(listed.get_by_test_id("column-count")).to_have_text("1")
    screenshot(page, "funnel-board-requested", share=True)
    with scopes_disabled():
        assert {
            a.milestone for a in TargetAccount.objects.filter(pk__in=[first.pk, second.pk])
        } == {Milestone.REQUESTED}

    # The partner page's tab shows the list, the willingness and the funnel counts.
    page.goto(f"{server}/{tenant.slug}/partners/{partner.pk}/")
    page.get_by_role("tab", name="Target accounts").click()
    tab = page.get_by_test_id("partner-targets")
    expect(tab.get_by_test_id("partner-target-row")).to_have_count(4)
    expect(tab.locator('[data-milestone="requested"]')).to_have_text("By-name request sent: 2")
    screenshot(page, "partner-targets-tab", share=True)
    tab.get_by_test_id("partner-target-import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import target accounts")
    screenshot(page, "staff-target-import", share=True)


@pytest.mark.browser_context_args(**PHONE)
def test_rep_adds_a_target_account_on_a_phone(page, server, login, tenant, screenshot):
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社スマホ販売")
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    membership.user.language = "ja"
    membership.user.save(update_fields=["language"])
    with scopes_disabled():
        TargetAccountFactory(partner=partner, rep=rep, company_name="株式会社既存商事")

    login(page, membership.user)
    open_portal_menu(page).get_by_role("link", name="ターゲット企業").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ターゲット企業")
    assert page_width(page) <= 390
    screenshot(page, "portal-targets-phone", share=True)

    page.get_by_test_id("open-add-target").click()
    # The form slides open (Bootstrap's collapse): fill and submit it once it stands still.
    expect(page.locator("#add-target")).to_have_class(re.compile(r"\bcollapse show\b"))
    page.get_by_label("会社名").fill("株式会社新規開拓")
    page.get_by_test_id("target-submit").click()
    expect(page.get_by_test_id("portal-target-row")).to_have_count(2)
    expect(page.get_by_text("「株式会社新規開拓」を登録しました。")).to_be_visible()
    row = page.locator('[data-testid="portal-target-row"]:has-text("株式会社新規開拓")')
    expect(row.get_by_test_id("milestone")).to_have_text("リスト登録")
    assert page_width(page) <= 390
    screenshot(page, "portal-targets-added-phone", share=True)

    # The same company again is refused, naming the field.
    page.get_by_test_id("open-add-target").click()
    expect(page.locator("#add-target")).to_have_class(re.compile(r"\bcollapse show\b"))
    page.get_by_label("会社名").fill("新規開拓")
    page.get_by_test_id("target-submit").click()
    expect(page.locator('[data-field="company_name"]')).to_contain_text("登録済み")
    with scopes_disabled():
        assert TargetAccount.objects.filter(partner=partner).count() == 2

    page.goto(f"{server}/{tenant.slug}/portal/target-accounts/import/")
    page.get_by_label("CSVファイル").set_input_files(
        files=[
            {
                "name": "list.csv",
                "mimeType": "text/csv",
                "buffer": CP932_FILE,
            }
        ]
    )
    page.get_by_test_id("import-upload").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator('tr[data-row="2"][data-column="company_name"]')).to_be_visible()
    expect(errors.locator('tr[data-row="3"][data-column="prefecture"]')).to_be_visible()
    assert page_width(page) <= 390
    screenshot(page, "portal-target-import-errors-phone", share=True)
