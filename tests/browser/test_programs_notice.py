"""A partner admin, on a phone, opens the written-terms notice from "Our programs" and
acknowledges it; the partner manager sees who acknowledged it on the contract's page."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import WrittenTermsNotice
from programs.services.notices import written_notice_issue
from tests.browser.test_partners_portal import PHONE, open_portal_menu, page_width
from tests.factories.partners import portal_membership_for
from tests.programs.test_notices import make_contract

pytestmark = pytest.mark.browser


@pytest.mark.browser_context_args(**PHONE)
def test_partner_admin_acknowledges_the_notice_on_a_phone(page, server, login, tenant, screenshot):
    contract = make_contract(tenant)
    with scope(tenant=tenant):
        notice = written_notice_issue(tenant=tenant, contract=contract)
    admin, _rep = portal_membership_for(contract.partner, role=Role.PARTNER_ADMIN)
    admin.user.language = "ja"
    admin.user.save(update_fields=["language"])

    login(page, admin.user)
    open_portal_menu(page).get_by_role("link", name="プログラム").click()
    expect(page.get_by_test_id("notice-status")).to_contain_text("発行")
    page.get_by_role("link", name="読んで受領を確認する").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("取引条件明示書")
    expect(page.get_by_test_id("notice-fee")).to_contain_text("受注金額の 10 %")
    expect(page.get_by_test_id("notice-payment-terms")).to_contain_text("翌月末日までに支払います")
    assert page_width(page) <= 390
    screenshot(page, "portal-notice-phone", share=True)

    with page.expect_download() as download:
        page.get_by_test_id("notice-pdf").click()
    assert download.value.suggested_filename.startswith("written-terms-notice-")

    # Unticked: the server says what is missing and records nothing.
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("notice-error")).to_contain_text("チェックを入れて")
    page.get_by_label("会社を代表して、本取引条件明示書を受け取り、内容を確認しました。").check()
    page.get_by_test_id("acknowledge").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("参加プログラム")
    status = page.get_by_test_id("notice-status")
    expect(status).to_contain_text("受領確認")
    expect(status).to_contain_text(admin.user.full_name or admin.user.email)
    assert page_width(page) <= 390
    screenshot(page, "portal-notice-acknowledged-phone", share=True)

    with scopes_disabled():
        notice = WrittenTermsNotice.objects.get(pk=notice.pk)
    assert notice.acknowledged_by == admin.user


def test_manager_sees_the_notice_on_the_contract(
    page, server, login, tenant, member_factory, screenshot
):
    contract = make_contract(tenant)
    with scope(tenant=tenant):
        written_notice_issue(tenant=tenant, contract=contract)
    manager = member_factory(tenant, Role.PARTNER_MANAGER)

    login(page, manager.user)
    page.goto(
        server
        + reverse(
            "programs:contract_detail",
            kwargs={"tenant_slug": tenant.slug, "contract_id": contract.pk},
        )
    )
    expect(page.get_by_test_id("notice-state")).to_contain_text("not acknowledged yet")
    with page.expect_download() as download:
        page.get_by_test_id("notice-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "staff-contract-notice-desktop", share=True)
