"""The staff layout on a phone: the sidebar collapses behind a menu button, as the portal
header does, and the page never scrolls sideways."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "en-US"}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.browser_context_args(**PHONE)
def test_staff_sidebar_collapses_behind_a_menu_button_on_a_phone(
    page, server, login, tenant, manager_member, screenshot
):
    tenant.name = "Alpha Software Partner Channel Japan K.K."
    tenant.save(update_fields=["name"])
    login(page, manager_member.user)
    expect(page).to_have_url(f"{server}/{tenant.slug}/")

    sidebar = page.locator("nav.sidebar")
    toggle = page.get_by_test_id("staff-menu-toggle")
    expect(toggle).to_be_visible()
    expect(sidebar).to_be_hidden()
    expect(page.get_by_test_id("user-menu")).to_be_hidden()
    # The content starts right under the header, not under the whole navigation.
    assert page.locator("main h1").bounding_box()["y"] < 200
    assert page_width(page) <= 390
    screenshot(page, "staff-dashboard-phone", share=True)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # Bootstrap adds "show" once the opening transition has ended.
    expect(page.locator("#staff-tools")).to_have_class(re.compile(r"\bshow\b"))
    expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
    partners = sidebar.locator(f'a[href="/{tenant.slug}/partners/"]')
    expect(partners).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    assert page_width(page) <= 390
    screenshot(page, "staff-menu-phone", share=True)

    partners.click()
    expect(page).to_have_url(f"{server}/{tenant.slug}/partners/")
    expect(sidebar).to_be_hidden()  # a new page starts with the menu closed
    assert page_width(page) <= 390


def test_staff_sidebar_shows_without_a_menu_button_on_a_desktop(
    page, server, login, tenant, manager_member
):
    login(page, manager_member.user)

    sidebar = page.locator("nav.sidebar")
    expect(sidebar.locator(f'a[href="/{tenant.slug}/partners/"]')).to_be_visible()
    expect(page.get_by_test_id("staff-menu-toggle")).to_be_hidden()
    expect(page.get_by_test_id("user-menu")).to_be_visible()
