"""A partner admin in the portal: their company, inviting a rep, editing the bank account."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.roles import Role
from partners.models import Partner
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for

pytestmark = pytest.mark.browser


def test_partner_admin_invites_a_rep_and_edits_the_bank_account(
    page, server, login, tenant, unscoped, screenshot
):
    partner = PartnerFactory(
        tenant=tenant,
        legal_name="株式会社ブラウザテスト",
        display_name="",
        postal_code="100-0001",
        prefecture="13",
        city="千代田区",
        street_address="丸の内1-1-1",
    )
    admin, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    PartnerRepFactory(partner=partner, full_name="Old Colleague", department="営業部")

    login(page, admin.user)
    page.locator(".portal-topbar").get_by_role("link", name="Our company").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/company/")
    expect(page.get_by_role("heading", level=1)).to_have_text("株式会社ブラウザテスト")
    screenshot(page, "portal-company", share=True)

    page.get_by_role("tab", name="Reps").or_(page.get_by_role("link", name="Reps")).first.click()
    expect(page.locator("#rep-table")).to_contain_text("Old Colleague")
    page.get_by_role("link", name="Invite a rep").click()
    page.get_by_label("Name").fill("Hana Invitee")
    page.get_by_label("E-mail address").fill("hana@partner.example.test")
    page.get_by_label("Department").fill("営業推進部")
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/company/reps/")
    expect(page.get_by_role("alert").first).to_contain_text("hana@partner.example.test")
    row = page.locator("#rep-table tr", has_text="Hana Invitee")
    expect(row).to_contain_text("Invitation pending")
    assert [message.to for message in mail.outbox] == [["hana@partner.example.test"]]
    screenshot(page, "portal-reps", share=True)

    page.goto(f"{server}/{tenant.slug}/portal/company/edit/")
    page.get_by_label("Bank code").fill("0005")
    page.get_by_label("Bank name").fill("テスト銀行")
    page.get_by_label("Branch code").fill("001")
    page.get_by_label("Branch name").fill("本店")
    page.get_by_label("Account type").select_option("ordinary")
    page.get_by_label("Account number").fill("123456")
    page.get_by_label("Account holder (half-width kana)").fill("ｶ)ﾌﾞﾗｳｻﾞﾃｽﾄ")
    page.get_by_role("button", name="Save").click()

    error = page.locator('[data-field="account_number"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("Account number")
    screenshot(page, "portal-company-edit-error", share=True)

    page.get_by_label("Account number").fill("1234567")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/company/")
    expect(page.get_by_role("alert").first).to_contain_text("saved")
    expect(page.locator("main")).to_contain_text("****567")
    expect(page.locator("main")).not_to_contain_text("1234567")
    with unscoped():
        assert Partner.objects.get(pk=partner.pk).account_number == "1234567"
    screenshot(page, "portal-company-saved", share=True)
