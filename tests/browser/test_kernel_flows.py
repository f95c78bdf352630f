"""The kernel's journeys in a real browser: TOTP sign-in, tenants, members, language, portal."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.helpers import password_login, totp_code, wrong_totp_code
from tests.factories.accounts import MembershipFactory, TenantFactory

pytestmark = pytest.mark.browser

STAFF_NAV = [
    "Dashboard",
    "Partners",
    "Due for contact",
    "Recruitment",
    "Deals",
    "Deal review",
    "Pipeline board",
    "Funnel",
    "Programs",
    "Commission",
    "Contracts",
    "Tier proposals",
    "Library",
    "Training",
    "Announcements",
    "Sales process",
    "Payouts",
    "Payout periods",
    "Statements",
    "Insights",
    "Goal breakdown",
    "Rep analytics",
    "Settings",
]


def main_nav(page):
    return page.locator("nav.sidebar")  # its accessible name is translated


def test_vendor_admin_logs_in_with_totp(
    page, server, login, tenant, member_factory, with_totp, screenshot
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    secret = with_totp(admin.user)

    password_login(page, server, admin.user.email)
    expect(page).to_have_url(f"{server}/accounts/2fa/authenticate/")
    code_form = page.locator('form[action="/accounts/2fa/authenticate/"]')
    code_form.locator('input[name="code"]').fill(totp_code(secret))
    code_form.locator('button[type="submit"]:not([form])').click()

    expect(page).to_have_url(f"{server}/{tenant.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_test_id("tenant-switcher")).to_contain_text(tenant.name)
    expect(main_nav(page).get_by_role("link")).to_have_text(STAFF_NAV)
    screenshot(page, "dashboard", share=True)

    # A section appears only once its app registers it (accounts/registry.py): no "coming"
    # pages. The registered entries mark the current page.
    main_nav(page).get_by_role("link", name="Recruitment").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/recruitment/")
    recruitment_link = main_nav(page).get_by_role("link", name="Recruitment")
    expect(recruitment_link).to_have_class(re.compile(r"\bactive\b"))
    expect(recruitment_link).to_have_attribute("aria-current", "page")
    response = page.goto(f"{server}/{tenant.slug}/reports/")
    assert response is not None and response.status == 404


def test_vendor_admin_without_mfa_must_set_it_up(page, server, tenant, member_factory, screenshot):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)

    password_login(page, server, admin.user.email)
    # Signing in goes to the only tenant, which refuses an admin without a second factor and
    # sends them straight to set it up: no second password prompt seconds after signing in.
    expect(page.get_by_role("alert").filter(has_text="requires two-factor")).to_be_visible()
    expect(page).to_have_url(f"{server}/accounts/2fa/totp/activate/")
    secret_field = page.locator("#authenticator_secret")
    expect(secret_field).to_have_value(re.compile(r"^[A-Z2-7]{32}$"))
    secret = secret_field.input_value()
    screenshot(page, "totp-activate", share=True)

    activate_form = page.locator('form[action="/accounts/2fa/totp/activate/"]')
    activate_form.locator('input[name="code"]').fill(wrong_totp_code(secret))
    activate_form.locator('button[type="submit"]').click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    expect(page.locator("#authenticator_secret")).to_have_value(secret)  # same secret offered again

    activate_form.locator('input[name="code"]').fill(totp_code(secret))
    activate_form.locator('button[type="submit"]').click()
    expect(page).not_to_have_url(f"{server}/accounts/2fa/totp/activate/")
    expect(page.get_by_text("Incorrect code.")).to_have_count(0)
    screenshot(page, "after-activation")  # allauth shows the new recovery codes here

    page.get_by_test_id("back-to-prm").click()  # returns to the page that asked for MFA
    expect(page).to_have_url(f"{server}/{tenant.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    screenshot(page, "dashboard-after-activation")


def test_switch_tenant(page, server, login, tenant, other_tenant, member_factory, screenshot):
    member = member_factory(tenant, Role.PARTNER_MANAGER)
    MembershipFactory(tenant=other_tenant, user=member.user, role=Role.VIEWER)

    login(page, member.user)
    expect(page).to_have_url(f"{server}/")
    tenant_list = page.get_by_test_id("tenant-list")
    expect(tenant_list.get_by_role("link")).to_have_count(2)
    screenshot(page, "tenant-chooser", share=True)
    tenant_list.get_by_role("link", name=tenant.name).click()

    expect(page).to_have_url(f"{server}/{tenant.slug}/")
    expect(page.get_by_test_id("tenant-switcher")).to_contain_text(tenant.name)

    page.get_by_test_id("tenant-switcher").click()
    other_item = page.locator(".tenant-switcher .dropdown-menu").get_by_role(
        "link", name=other_tenant.name
    )
    expect(other_item).to_be_visible()
    other_item.click()

    expect(page).to_have_url(f"{server}/{other_tenant.slug}/")
    expect(page.get_by_test_id("tenant-switcher")).to_contain_text(other_tenant.name)
    expect(page.get_by_test_id("tenant-switcher")).not_to_contain_text(tenant.name)
    expect(page.get_by_role("listitem").filter(has_text="Your role")).to_contain_text("Viewer")
    screenshot(page, "switched-tenant")


def test_invite_and_accept(
    page, new_context, server, login, tenant, member_factory, with_totp, screenshot
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    login(page, admin.user, totp_secret=with_totp(admin.user))
    mail.outbox.clear()

    main_nav(page).get_by_role("link", name="Settings").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/settings/")
    page.locator(".nav-tabs").get_by_role("link", name="Members").click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/settings/members/")
    expect(page.get_by_test_id("members-table")).to_contain_text(admin.user.email)
    page.get_by_test_id("invite-button").click()

    expect(page).to_have_url(f"{server}/{tenant.slug}/settings/members/invite/")
    form = page.get_by_test_id("invite-form")
    form.get_by_label("E-mail address").fill("not-an-address")
    form.get_by_role("button", name="Send invitation").click()
    expect(page.locator('.invalid-feedback[data-field="email"]')).to_have_text(
        "Enter a valid email address."
    )
    screenshot(page, "invite-invalid", share=True)
    assert mail.outbox == []

    form = page.get_by_test_id("invite-form")
    form.get_by_label("E-mail address").fill("New.Person@Example.test")
    form.get_by_label("Role").select_option(label="Partner manager")
    form.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(f"{server}/{tenant.slug}/settings/members/")
    expect(page.get_by_role("alert").filter(has_text="Invitation sent to")).to_contain_text(
        "new.person@example.test"
    )
    pending = (
        page.get_by_test_id("invitations-table")
        .get_by_role("row")
        .filter(has_text="new.person@example.test")
    )
    expect(pending).to_contain_text("Partner manager")
    screenshot(page, "members", share=True)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    links = re.findall(rf"{re.escape(server)}/{tenant.slug}/invite/[\w-]+/", message.body)
    assert len(links) == 1, message.body
    accept_url = links[0]

    # The invited person has no account and no session: a fresh browser context.
    guest = new_context().new_page()
    guest.goto(accept_url)
    expect(guest.get_by_role("heading", level=1)).to_have_text(f"Join {tenant.name}")
    expect(guest.get_by_test_id("accept-form")).to_be_visible()
    expect(guest.locator("body")).to_contain_text("Partner manager")
    screenshot(guest, "invitation-accept", share=True)
    accept = guest.get_by_test_id("accept-form")
    accept.get_by_label("Full name").fill("Nadia Newcomer")
    accept.locator('input[name="password1"]').fill("a-long-passphrase-for-nadia")
    accept.get_by_label("Password (again)").fill("a-long-passphrase-for-nadia")
    accept.get_by_role("button", name="Accept invitation").click()

    expect(guest).to_have_url(f"{server}/{tenant.slug}/")
    expect(guest.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(guest.get_by_role("alert").filter(has_text=f"Welcome to {tenant.name}")).to_be_visible()
    expect(guest.get_by_test_id("user-menu")).to_contain_text("Nadia")
    expect(guest.get_by_role("listitem").filter(has_text="Your role")).to_contain_text(
        "Partner manager"
    )
    screenshot(guest, "invitation-accepted")

    guest.goto(accept_url)
    expect(guest.get_by_role("heading", level=1)).to_have_text(
        "This invitation link no longer works"
    )
    screenshot(guest, "invitation-used")

    # The admin's list no longer shows it as pending.
    page.reload()
    expect(page.get_by_test_id("members-table")).to_contain_text("new.person@example.test")
    expect(page.get_by_text("No invitations are waiting for an answer.")).to_be_visible()


LANGUAGE_CASES = [
    pytest.param("en", "ja", id="english-to-japanese"),
    # A Japanese browser: after switching to English, only the saved choice can explain English.
    pytest.param(
        "ja", "en", id="japanese-to-english", marks=pytest.mark.browser_context_args(locale="ja-JP")
    ),
]
DASHBOARD = {"en": "Dashboard", "ja": "ダッシュボード"}
# The "Today" row uses the active language's DATE_FORMAT (prm/formats/<lang>/formats.py).
TODAY = {
    "en": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "ja": re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$"),
}


def _expect_language(page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    switch = page.get_by_test_id("language-switch")
    expect(switch.locator(f'button[value="{language}"]')).to_have_attribute("aria-pressed", "true")
    today = page.get_by_role("listitem").filter(has=page.locator("strong")).last
    expect(today.locator("strong")).to_have_text(TODAY[language])
    expect(main_nav(page).get_by_role("link").first).to_have_text(DASHBOARD[language])


@pytest.mark.parametrize(("start", "target"), LANGUAGE_CASES)
def test_change_language(page, server, login, tenant, member_factory, start, target, screenshot):
    member = member_factory(tenant, Role.PARTNER_MANAGER, language=start)
    login(page, member.user)
    expect(page).to_have_url(f"{server}/{tenant.slug}/")
    _expect_language(page, start)

    page.get_by_test_id("language-switch").locator(f'button[value="{target}"]').click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/")
    _expect_language(page, target)
    member.user.refresh_from_db()
    assert member.user.language == target
    screenshot(page, f"dashboard-{target}", share=target == "ja")

    # Sign out; the anonymous login page follows the language cookie the switch set, and
    # allauth's own catalog translates it.
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/(login|logout)/"))
    if "/logout/" in page.url:  # allauth asks to confirm when logout is not a POST
        page.locator('form[action="/accounts/logout/"] button[type="submit"]').click()
    page.goto(f"{server}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", target)
    with translation.override(target):
        login_heading = translation.gettext("Sign In")  # allauth ships a Japanese catalog
    assert (login_heading == "Sign In") == (target == "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(login_heading)
    screenshot(page, f"login-{target}")

    # Without the cookie, signing in again brings back the language saved on the user.
    page.context.clear_cookies()
    login(page, member.user)
    expect(page).to_have_url(f"{server}/{tenant.slug}/")
    _expect_language(page, target)


def test_deactivated_member_loses_access_at_once(
    new_context, server, login, tenant, other_tenant, member_factory, with_totp, screenshot
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    # Two more tenants, so the manager still has a chooser (not a redirect) afterwards.
    MembershipFactory(tenant=other_tenant, user=manager.user, role=Role.VIEWER)
    third = TenantFactory(slug="gamma", name="Gamma Works", default_language="en")
    MembershipFactory(tenant=third, user=manager.user, role=Role.VIEWER)

    manager_page = new_context().new_page()
    login(manager_page, manager.user)
    manager_page.get_by_test_id("tenant-list").get_by_role("link", name=tenant.name).click()
    expect(manager_page).to_have_url(f"{server}/{tenant.slug}/")
    expect(manager_page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    admin_page = new_context().new_page()
    login(admin_page, admin.user, totp_secret=with_totp(admin.user))
    admin_page.goto(f"{server}/{tenant.slug}/settings/members/")
    row = admin_page.get_by_test_id("members-table").locator(
        f'tr[data-member="{manager.user.email}"]'
    )
    expect(row).to_contain_text("Active")
    row.get_by_test_id("deactivate").click()

    expect(admin_page.get_by_role("heading", level=1)).to_contain_text("Deactivate")
    expect(admin_page.locator("main")).to_contain_text(manager.user.email)
    screenshot(admin_page, "deactivate-confirm", share=True)
    admin_page.get_by_test_id("confirm-deactivate").click()

    expect(admin_page).to_have_url(f"{server}/{tenant.slug}/settings/members/")
    deactivated = admin_page.get_by_role("alert").filter(has_text="can no longer use this tenant")
    expect(deactivated).to_be_visible()
    row = admin_page.get_by_test_id("members-table").locator(
        f'tr[data-member="{manager.user.email}"]'
    )
    expect(row).to_contain_text("Deactivated")
    expect(row.get_by_role("button", name="Reactivate")).to_be_visible()

    # The manager's open session: the very next request is refused like a missing page.
    response = manager_page.reload()
    assert response is not None and response.status == 404
    expect(manager_page.get_by_test_id("error-404")).to_have_text("Page not found")
    expect(manager_page.locator("body")).not_to_contain_text(tenant.name)
    screenshot(manager_page, "deactivated-404")

    manager_page.get_by_role("link", name="Go to my tenants").click()
    expect(manager_page).to_have_url(f"{server}/")
    tenant_list = manager_page.get_by_test_id("tenant-list")
    expect(tenant_list.get_by_role("link")).to_have_text(
        [re.compile(other_tenant.name), re.compile(third.name)]
    )
    expect(tenant_list).not_to_contain_text(tenant.name)
    response = manager_page.goto(f"{server}/{tenant.slug}/partners/")
    assert response is not None and response.status == 404


def test_portal_user_sees_branded_portal(page, server, login, tenant, member_factory, screenshot):
    tenant.portal_display_name = "Alpha Partner Hub"
    tenant.portal_primary_colour = "#0f766e"
    tenant.save(update_fields=["portal_display_name", "portal_primary_colour"])
    rep = member_factory(tenant, Role.PARTNER_REP)

    login(page, rep.user)
    expect(page).to_have_url(f"{server}/{tenant.slug}/portal/")
    topbar = page.locator(".portal-topbar")
    expect(topbar.locator(".navbar-brand")).to_contain_text("Alpha Partner Hub")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome to the Alpha Partner Hub partner portal"
    )
    expect(topbar).to_have_css("background-color", "rgb(15, 118, 110)")  # #0f766e
    # Partner users have no staff navigation, and the staff area refuses them.
    expect(main_nav(page)).to_have_count(0)
    screenshot(page, "portal-home", share=True)

    response = page.goto(f"{server}/{tenant.slug}/")
    assert response is not None and response.status == 404
