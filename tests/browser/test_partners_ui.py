"""Partner pages in a real browser: the first portal login, terminating, the dashboard panel."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import Invitation
from accounts.roles import Role
from partners.choices import PartnerStatus, Priority, ProspectStage
from partners.models import Partner
from tests.factories.partners import (
    ActivityFactory,
    PartnerFactory,
    PartnerRepFactory,
    ProspectFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


def test_manager_invites_the_first_partner_admin_who_lands_in_that_partners_portal(
    page, browser, server, login, tenant, manager, screenshot
):
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社はじめて商事")
    rep = PartnerRepFactory(partner=partner, full_name="山田 太郎", email="yamada@hajimete.test")
    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/partners/{partner.pk}/")
    expect(page.get_by_test_id("portal-invite-offer")).to_contain_text("株式会社はじめて商事")
    screenshot(page, "partner-invite-offer", share=True)

    page.get_by_test_id("portal-invite-offer-link").click()
    form = page.get_by_test_id("invite-form")
    expect(form.get_by_label("E-mail address")).to_have_value("yamada@hajimete.test")
    expect(page.get_by_test_id("invite-rep")).to_have_text("山田 太郎")
    screenshot(page, "partner-invite-form", share=True)
    # A double click sends one invitation.
    form.get_by_test_id("invite-send").dblclick()

    expect(page).to_have_url(f"{server}/{tenant.slug}/partners/{partner.pk}/")
    with scopes_disabled():
        assert Invitation.objects.filter(tenant=tenant).count() == 1
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)

    invited = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    phone = invited.new_page()
    phone.goto(link)
    accept = phone.get_by_test_id("accept-form")
    accept.get_by_label("Full name").fill("山田 太郎")
    accept.locator('input[name="password1"]').fill("a-long-passphrase-for-yamada")
    accept.get_by_label("Password (again)").fill("a-long-passphrase-for-yamada")
    accept.get_by_role("button", name="Accept invitation").click()
    expect(phone).to_have_url(f"{server}/{tenant.slug}/portal/")
    phone.goto(f"{server}/{tenant.slug}/portal/company/")
    expect(phone.get_by_text("株式会社はじめて商事").first).to_be_visible()
    screenshot(phone, "portal-after-invitation-phone", share=True)
    invited.close()
    with scopes_disabled():
        rep.refresh_from_db()
        assert rep.membership is not None and rep.membership.role == Role.PARTNER_ADMIN


def test_terminating_a_partner_asks_first_naming_it(
    page, server, login, tenant, manager, screenshot
):
    partner = PartnerFactory(
        tenant=tenant, legal_name="株式会社終了予定", status=PartnerStatus.ACTIVE
    )
    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/partners/{partner.pk}/")
    status_form = page.get_by_test_id("status-form")
    expect(status_form.get_by_label("New status")).to_have_value("active")

    status_form.get_by_label("New status").select_option("terminated")
    status_form.get_by_test_id("status-save").click()

    confirm = page.get_by_test_id("status-confirm")
    expect(confirm).to_contain_text("Terminate 株式会社終了予定?")
    expect(page.get_by_test_id("status-consequences")).to_contain_text("due-for-contact")
    screenshot(page, "partner-terminate-confirm", share=True)
    with scopes_disabled():
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE
    page.get_by_test_id("status-confirm-submit").click()
    expect(page.get_by_test_id("status-form").get_by_label("New status")).to_have_value(
        "terminated"
    )


def test_terminating_confirmation_in_japanese(
    page, server, login, tenant, member_factory, screenshot
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="山本 健二", language="ja")
    partner = PartnerFactory(
        tenant=tenant, legal_name="株式会社終了予定", status=PartnerStatus.ACTIVE
    )
    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/partners/{partner.pk}/")
    page.get_by_test_id("status-form").locator("select").select_option("terminated")
    page.get_by_test_id("status-save").click()

    expect(page.get_by_test_id("status-confirm")).to_contain_text("株式会社終了予定")
    expect(page.get_by_test_id("status-confirm")).to_contain_text("ステータス")
    screenshot(page, "partner-terminate-confirm-ja", share=True)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_dashboard_panel_draws_charts_and_tables(
    page, server, login, tenant, member_factory, screenshot, language
):
    manager = member_factory(
        tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager", language=language
    )
    for number in range(8):
        partner = PartnerFactory(
            tenant=tenant,
            status=PartnerStatus.ACTIVE if number % 3 else PartnerStatus.ONBOARDING,
            priority=[Priority.A, Priority.B, Priority.C][number % 3],
            owner=manager,
        )
        if number % 2:
            ActivityFactory(partner=partner)
    ProspectFactory(tenant=tenant, stage=ProspectStage.MEETING)
    login(page, manager.user)

    page.goto(f"{server}/{tenant.slug}/dashboard/partners/")

    panel = page.get_by_test_id("partners-dashboard")
    expect(panel.get_by_test_id("dashboard-partner-total")).to_have_text("8")
    expect(panel.get_by_test_id("dashboard-status-table")).to_be_visible()
    expect(panel.get_by_test_id("dashboard-funnel-table")).to_be_visible()
    for name in ("status", "overdue", "trend", "funnel"):
        canvas = panel.locator(f'canvas[data-dashboard-chart="{name}"]')
        expect(canvas).to_have_attribute("data-drawn", "true")
    screenshot(page, f"partners-dashboard-{language}", share=True)
