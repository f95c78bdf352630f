"""Announcements in a real browser: staff write one for one program and publish it; a rep of
that program, on a phone, sees the unread badge and opens it; staff then see the rep's read
receipt and the read rate."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import OutgoingEmail
from accounts.roles import Role
from programs.models import AnnouncementRead
from tests.browser.test_partners_portal import open_portal_menu, page_width
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory

pytestmark = pytest.mark.browser


def test_a_rep_reads_an_announcement_and_staff_see_the_receipt(
    page, browser, server, login, tenant, member_factory, screenshot
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")
    resellers = ProgramFactory(tenant=tenant, name="Resellers")
    referral = ProgramFactory(tenant=tenant, name="Referral")
    partner = PartnerFactory(tenant=tenant, display_name="Kita Systems")
    PartnerContractFactory(partner=partner, tier=TierFactory(program=resellers, name="Gold"))
    outsider = PartnerFactory(tenant=tenant, display_name="Minami Trading")
    PartnerContractFactory(partner=outsider, tier=TierFactory(program=referral, name="Base"))
    PartnerRepFactory(partner=outsider, full_name="Not Reached")
    rep_login, _rep = portal_membership_for(partner, full_name="Hanako Sato")
    PartnerRepFactory(partner=partner, full_name="Taro Yamada")

    # Staff write the announcement for the Resellers program and publish it.
    login(page, manager.user)
    page.goto(server + reverse("programs:announcement_list", kwargs={"tenant_slug": tenant.slug}))
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("new-announcement-empty").click()
    page.locator("#id_title").fill("New reseller price list")
    page.locator("#id_body").fill("From April the reseller discount rises to 30%.")
    page.locator("#id_kind").select_option(label="Program change")
    page.get_by_label("Resellers", exact=True).check()
    page.get_by_test_id("announcement-save").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    page.get_by_test_id("publish").click()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("status")).to_have_text("Published")
    expect(page.get_by_test_id("read-rate")).to_contain_text("0%")
    expect(page.get_by_test_id("receipt-row")).to_have_count(2)
    with scopes_disabled():
        emailed = OutgoingEmail.objects.filter(tenant=tenant, purpose="announcement").count()
    assert emailed == 2

    # The rep, on a phone: the badge in the menu, the "New" mark, then the announcement.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    try:
        rep_page = phone.new_page()
        login(rep_page, rep_login.user)
        # With the menu closed, the count stays in sight beside the menu button.
        expect(rep_page.get_by_test_id("nav-badge-compact")).to_contain_text("1")
        menu = open_portal_menu(rep_page)
        entry = menu.locator('[data-nav="announcements"]')
        expect(entry.get_by_test_id("nav-badge")).to_have_text("1")
        entry.click()
        expect(rep_page.get_by_test_id("unread-count")).to_have_text("1 unread")
        expect(rep_page.get_by_test_id("unread-badge")).to_have_count(1)
        assert page_width(rep_page) <= 390
        rep_page.screenshot(path="/tmp/announce_phone.png", full_page=True)
        rep_page.get_by_role("link", name="New reseller price list").click()
        expect(rep_page.get_by_test_id("announcement-body")).to_contain_text("30%")
        assert page_width(rep_page) <= 390
        rep_page.screenshot(path="/tmp/announce_phone_detail.png", full_page=True)
        rep_page.go_back()
        rep_page.reload()
        expect(rep_page.get_by_test_id("unread-badge")).to_have_count(0)
        expect(rep_page.get_by_test_id("nav-badge-compact")).to_have_count(0)
        rep_page.screenshot(path="/tmp/announce_phone_read.png", full_page=True)
        screenshot(rep_page, "announcements-portal-phone", share=True)
    finally:
        phone.close()

    with scopes_disabled():
        assert AnnouncementRead.objects.filter(tenant=tenant).count() == 1

    # Staff see who read it, when, and the read rate.
    page.reload()
    expect(page.get_by_test_id("read-rate")).to_contain_text("50%")
    read = page.locator('[data-testid="receipt-row"][data-read="yes"]')
    expect(read).to_have_count(1)
    expect(read).to_contain_text("Hanako Sato")
    expect(read).to_contain_text("Kita Systems")
    unread = page.locator('[data-testid="receipt-row"][data-read="no"]')
    expect(unread).to_contain_text("Taro Yamada")
    page.screenshot(path="/tmp/announce_staff.png", full_page=True)
    page.get_by_role("link", name="Announcements").first.click()
    expect(page.get_by_test_id("announcement-row").get_by_test_id("read-rate")).to_contain_text(
        "50%"
    )
    page.screenshot(path="/tmp/announce_staff_list.png", full_page=True)
    screenshot(page, "announcements-staff", share=True)


def test_staff_describe_the_sales_process_and_a_rep_reads_it_on_a_phone(
    page, browser, server, login, tenant, member_factory
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")
    rep_login, _rep = portal_membership_for(PartnerFactory(tenant=tenant))

    login(page, manager.user)
    page.goto(server + reverse("programs:sales_process", kwargs={"tenant_slug": tenant.slug}))
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    for name, criteria in (
        ("First meeting", "The decision maker and the budget are known."),
        ("Lead", "A meeting date is agreed."),
    ):
        page.get_by_test_id("new-phase").click()
        page.locator("#id_name").fill(name)
        page.locator("#id_exit_criteria").fill(criteria)
        page.get_by_test_id("phase-save").click()
    expect(page.get_by_test_id("phase")).to_have_count(2)
    # "Lead" comes first: moved up one place.
    page.get_by_test_id("phase").nth(1).get_by_test_id("move-up").click()
    expect(page.get_by_test_id("phase").first).to_contain_text("Lead")
    page.screenshot(path="/tmp/announce_sales_process_staff.png", full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    try:
        rep_page = phone.new_page()
        login(rep_page, rep_login.user)
        open_portal_menu(rep_page).locator('[data-nav="sales_process"]').click()
        phases = rep_page.get_by_test_id("phase")
        expect(phases).to_have_count(2)
        expect(phases.first).to_contain_text("A meeting date is agreed.")
        expect(phases.nth(1)).to_contain_text("First meeting")
        assert page_width(rep_page) <= 390
        rep_page.screenshot(path="/tmp/announce_sales_process_phone.png", full_page=True)
    finally:
        phone.close()
