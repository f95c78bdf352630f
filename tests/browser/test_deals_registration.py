"""A rep registers a deal for a customer another partner already registered: the duplicate
warning shows as they type, before submitting; staff see the conflict in the review queue and
approve the registration."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from deals.models import Deal, RegistrationStatus
from tests.browser.test_partners_portal import PHONE, page_width
from tests.factories.deals import DealFactory
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    ProgramTermsFactory,
    TierFactory,
)

pytestmark = pytest.mark.browser


def _world(tenant):
    program = ProgramFactory(tenant=tenant, name="紹介パートナープログラム", protection_days=90)
    tier = TierFactory(program=program, name="レジスタード", position=0)
    terms = ProgramTermsFactory(program=program)
    seller = PartnerFactory(tenant=tenant, display_name="スマート販売株式会社")
    rival = PartnerFactory(tenant=tenant, display_name="ライバル商事株式会社")
    for partner in (seller, rival):
        PartnerContractFactory(
            partner=partner,
            tier=tier,
            terms=terms,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2030, 12, 31),
            terms_accepted_at=timezone.now(),
        )
    rep, _rep = portal_membership_for(seller, role=Role.PARTNER_REP, full_name="佐藤 花子")
    rep.user.language = "ja"
    rep.user.save(update_fields=["language"])
    existing = DealFactory(
        partner=rival,
        program=program,
        customer_name="株式会社ミライ工業",
        corporate_number="",
        amount_one_time=7777777,
    )
    return program, seller, rival, rep, existing


def _register(page, server, tenant, screenshot, name: str):
    page.goto(f"{server}/{tenant.slug}/portal/deals/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("案件を登録")
    page.get_by_label("顧客企業").fill("ミライ工業(株)")
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("会社名が一致")
    # Never whose registration it is, nor its amount.
    expect(warning).not_to_contain_text("ライバル")
    expect(warning).not_to_contain_text("7,777,777")
    page.get_by_label("担当者メールアドレス").fill("buyer@mirai-kogyo.co.jp")
    page.get_by_label("初期金額").fill("1500000")
    screenshot(page, name, share=True)
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("registration-status")).to_have_text("審査待ち")


def test_rep_sees_the_duplicate_warning_and_staff_approve(
    page, server, login, tenant, member_factory, with_totp, screenshot, browser
):
    program, seller, rival, rep, existing = _world(tenant)
    login(page, rep.user)

    _register(page, server, tenant, screenshot, "deal-register-warning-desktop")
    with scopes_disabled():
        deal = Deal.objects.get(partner=seller)
    assert deal.customer_name == "ミライ工業(株)"
    screenshot(page, "portal-deal-detail-desktop", share=True)

    # Staff: the review queue shows both registrations, the conflict highlighted.
    admin = member_factory(tenant, Role.PARTNER_MANAGER)
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    login(staff, admin.user)
    staff.goto(f"{server}/{tenant.slug}/deals/review/")
    row = staff.locator(f'[data-testid="review-row"][data-deal="{deal.pk}"]')
    expect(row.get_by_test_id("conflict-badge")).to_be_visible()
    expect(row.get_by_test_id("conflict-reasons")).to_contain_text("Same company name")
    screenshot(staff, "deal-review-queue", share=True)

    row.get_by_role("link", name="ミライ工業(株)").click()
    match = staff.locator(f'[data-testid="match"][data-deal="{existing.pk}"]')
    expect(match).to_contain_text("ライバル商事株式会社")
    expect(match.get_by_test_id("match-reasons")).to_contain_text("Same company name")
    screenshot(staff, "deal-detail-staff", share=True)
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_test_id("approve").click()
    expect(staff.get_by_test_id("registration-status").first).to_have_text("Approved")
    expected = timezone.localdate() + datetime.timedelta(days=90)
    with scopes_disabled():
        deal.refresh_from_db()
    assert deal.registration_status == RegistrationStatus.APPROVED
    assert deal.protected_until == expected
    staff_context.close()

    # The rep sees the decision and the history in the portal.
    page.reload()
    expect(page.get_by_test_id("registration-status")).to_have_text("承認済み")
    expect(page.get_by_test_id("deal-history")).to_contain_text("承認")
    screenshot(page, "portal-deal-approved-desktop", share=True)


@pytest.mark.browser_context_args(**PHONE)
def test_the_register_page_and_the_warning_fit_a_phone(page, server, login, tenant, screenshot):
    _program, _seller, _rival, rep, _existing = _world(tenant)
    login(page, rep.user)

    _register(page, server, tenant, screenshot, "deal-register-warning-phone")
    assert page_width(page) <= 390
    screenshot(page, "portal-deal-detail-phone", share=True)
    page.goto(f"{server}/{tenant.slug}/portal/deals/")
    expect(page.get_by_test_id("portal-deal")).to_have_count(1)
    assert page_width(page) <= 390
    screenshot(page, "portal-deals-phone", share=True)
