"""A partner admin in the portal: their company, inviting a rep, editing the bank account."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import AuditEvent
from accounts.roles import Role
from partners.models import Partner, PortalSettings
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
    # The bank account is closed to partner admins until the tenant opens it.
    PortalSettings.objects.create(
        tenant=tenant,
        editable_profile=["address", "website", "registration_number", "bank_account"],
    )

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


def test_vendor_admin_closes_the_bank_account_to_partner_admins(
    page, new_context, server, login, tenant, member_factory, with_totp, unscoped, screenshot
):
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社クローズド", display_name="")
    partner_admin, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    vendor_admin = member_factory(tenant, Role.VENDOR_ADMIN)

    login(page, vendor_admin.user, totp_secret=with_totp(vendor_admin.user))
    page.locator("nav.sidebar").get_by_role("link", name="Settings").click()
    page.locator(".nav-tabs").get_by_role("link", name="Partner portal").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/settings/partner-portal/")
    # Closed until the tenant opens it; the other parts start open.
    expect(page.get_by_label("Bank account for payouts")).not_to_be_checked()
    page.get_by_label("Website").uncheck()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert").first).to_contain_text("saved")
    expect(page.get_by_label("Bank account for payouts")).not_to_be_checked()
    expect(page.get_by_label("Website")).not_to_be_checked()
    expect(page.get_by_label("Postal address")).to_be_checked()
    screenshot(page, "portal-settings", share=True)

    portal = new_context().new_page()
    login(portal, partner_admin.user)
    portal.goto(f"{server}/{tenant.slug}/portal/company/edit/")
    expect(portal.get_by_label("City")).to_be_visible()
    expect(portal.get_by_label("Account number")).to_have_count(0)
    portal.get_by_label("City").fill("大阪市")
    portal.get_by_role("button", name="Save").click()

    expect(portal).to_have_url(f"{server}/{tenant.slug}/portal/company/")
    with unscoped():
        assert Partner.objects.get(pk=partner.pk).city == "大阪市"
        assert AuditEvent.objects.filter(action="portal_settings.changed").count() == 1


# --- a phone (390 px wide) ----------------------------------------------------------------------

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "ja-JP"}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def open_portal_menu(page):
    """Open the phone menu and wait until its slide has finished: a link clicked while the menu
    is still sliding open can miss, leaving the page where it was."""
    page.get_by_test_id("portal-menu-toggle").click()
    expect(page.locator("#portal-menu")).to_have_class(re.compile(r"\bcollapse show\b"))
    return page.locator("#portal-menu")


@pytest.mark.browser_context_args(**PHONE)
def test_portal_home_fits_a_phone_and_its_menu_reaches_sign_out(
    page, server, login, tenant, screenshot
):
    tenant.portal_display_name = "アルファ・ソフトウェア パートナーネットワーク"
    tenant.save(update_fields=["portal_display_name"])
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社スマートフォン")
    admin, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    admin.user.language = "ja"
    admin.user.save(update_fields=["language"])

    login(page, admin.user)
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/")
    # The home page offers only what works today: the company, results, programs, deals,
    # target accounts, library, training, announcements, sales process, commissions and (for
    # the partner admin) statements pages.
    entries = page.get_by_test_id("portal-home-entries").get_by_role("link")
    expect(entries).to_have_count(11)
    expect(entries.first).to_have_attribute("href", f"/{tenant.slug}/portal/company/")
    expect(entries.nth(1)).to_have_attribute("href", f"/{tenant.slug}/portal/results/")
    expect(entries.nth(2)).to_have_attribute("href", f"/{tenant.slug}/portal/programs/")
    expect(entries.nth(3)).to_have_attribute("href", f"/{tenant.slug}/portal/deals/")
    expect(page.locator("body")).not_to_contain_text("テナント")
    assert page_width(page) <= 390
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_hidden()  # behind the menu button until it is opened
    screenshot(page, "portal-home-phone", share=True)

    company = open_portal_menu(page).get_by_role("link", name="自社情報")
    expect(company).to_be_visible()
    page.get_by_test_id("user-menu").click()
    expect(logout).to_be_visible()
    expect(logout).to_be_in_viewport()
    assert page_width(page) <= 390
    screenshot(page, "portal-menu-phone", share=True)

    # Every menu label reads on one line, not one character per line.
    height = company.evaluate("el => el.getBoundingClientRect().height")
    line = company.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert height < 2 * line + 20, (height, line)

    logout.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")


@pytest.mark.browser_context_args(**PHONE)
def test_public_application_page_fits_a_phone(page, server, tenant, screenshot):
    tenant.portal_display_name = "アルファ・ソフトウェア パートナーネットワーク"
    tenant.save(update_fields=["portal_display_name"])

    page.goto(f"{server}/{tenant.slug}/apply/")
    expect(page.get_by_test_id("apply-form")).to_be_visible()
    assert page_width(page) <= 390
    screenshot(page, "apply-phone", share=True)

    # A failed submission shows its messages without widening the page either.
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    assert page_width(page) <= 390


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(
    page, server, login, tenant, screenshot
):
    partner = PartnerFactory(tenant=tenant)
    rep, _ = portal_membership_for(partner, role=Role.PARTNER_REP)
    login(page, rep.user)
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/")

    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_have_text("Skip to content")
    # The focus ring: a visible outline, not the browser's default that vanishes on colour.
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    screenshot(page, "skip-link", share=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/#main")
    expect(page.locator("main#main")).to_be_focused()
