"""A partner admin, on a phone, finds the company's program and accepts its terms."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import PartnerContract
from tests.browser.test_partners_portal import PHONE, open_portal_menu, page_width
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    ProgramTermsFactory,
    TierFactory,
)

pytestmark = pytest.mark.browser


@pytest.mark.browser_context_args(**PHONE)
def test_partner_admin_accepts_the_program_terms_on_a_phone(
    page, server, login, tenant, screenshot
):
    program = ProgramFactory(tenant=tenant, name="紹介パートナープログラム")
    registered = TierFactory(program=program, name="レジスタード", position=0)
    TierFactory(program=program, name="シルバー", position=1, min_meetings_held=6)
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社スマホ販売")
    terms = ProgramTermsFactory(
        program=program,
        title="紹介パートナー規約",
        body="第1条（目的）\n本規約は、紹介の条件を定める。\n" * 8,
    )
    contract = PartnerContractFactory(partner=partner, tier=registered, terms=terms)
    admin, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    admin.user.language = "ja"
    admin.user.save(update_fields=["language"])

    login(page, admin.user)
    open_portal_menu(page).get_by_role("link", name="プログラム").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("参加プログラム")
    expect(page.get_by_test_id("tier")).to_have_text("レジスタード")
    # Deals measure the figures now: progress to Silver shows 0 of 6 meetings, not "unmeasured".
    expect(page.get_by_test_id("not-measured")).to_have_count(0)
    expect(page.locator(f'[data-progress="{contract.pk}"]')).to_contain_text("シルバー")
    assert page_width(page) <= 390
    screenshot(page, "portal-programs-phone", share=True)

    page.get_by_role("link", name="規約を読んで同意する").click()
    expect(page.get_by_test_id("terms-body")).to_contain_text("第1条（目的）")
    # Submitting without the box ticked is stopped by the browser; ticked, it goes through.
    page.get_by_label("規約を読み、会社を代表して同意します。").check()
    page.get_by_role("button", name="規約に同意する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("参加プログラム")
    expect(page.get_by_text("同意しました")).to_be_visible()
    assert page_width(page) <= 390
    screenshot(page, "portal-terms-accepted-phone", share=True)

    with scopes_disabled():
        contract = PartnerContract.objects.get(pk=contract.pk)
    assert contract.terms_accepted_by == admin.user
