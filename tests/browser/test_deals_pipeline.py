"""Staff approve a registration and move the deal to won on the pipeline board; a vendor
admin edits a stage's exit criteria, which the board shows; a reseller's rep moves its own deal
in the portal on a phone."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from deals.models import Deal, RegistrationStatus, StageCode
from programs.models import ContractKind
from tests.browser.test_partners_portal import PHONE, open_portal_menu, page_width
from tests.factories.deals import DealFactory, stage_of
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import ProgramFactory, built_in_contract_type

pytestmark = pytest.mark.browser


def test_staff_approve_a_registration_and_move_it_to_won_on_the_board(
    page, server, login, tenant, member_factory, screenshot
):
    program = ProgramFactory(tenant=tenant, name="Referral partners")  # the vendor moves
    partner = PartnerFactory(tenant=tenant, display_name="Smart Sales KK")
    deal = DealFactory(partner=partner, program=program, customer_name="Mirai Industries")
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    login(page, manager.user)

    page.goto(f"{server}/{tenant.slug}/deals/{deal.pk}/")
    expect(page.get_by_test_id("stage-panel")).to_contain_text("approve it before moving")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("stage-move-form")).to_be_visible()

    page.locator("nav.sidebar").get_by_role("link", name="Pipeline board").click()
    card = page.locator('[data-testid="deal-card"][data-deal="Mirai Industries"]')
    expect(page.locator('[data-stage="Approved"]').get_by_test_id("deal-card")).to_have_count(1)
    card.get_by_label("Move to").select_option(label="Won")
    card.get_by_role("button", name="Move").click()

    won = page.locator('[data-testid="board-column"][data-stage="Won"]')
    expect(won.get_by_test_id("deal-card")).to_have_count(1)
    expect(won.get_by_test_id("deal-card")).to_contain_text("Mirai Industries")
    expect(won.get_by_test_id("column-count")).to_have_text("1")
    screenshot(page, "pipeline-board", share=True)
    with scopes_disabled():
        deal.refresh_from_db()
    assert deal.won_on is not None

    page.locator('nav.sidebar [data-nav="deals"]').click()
    expect(page.get_by_test_id("pipeline-row")).to_have_count(1)
    screenshot(page, "pipeline-list", share=True)


def test_a_vendor_admin_edits_a_stage_exit_criteria(
    page, server, login, tenant, member_factory, with_totp, screenshot
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    secret = with_totp(admin.user)
    login(page, admin.user, totp_secret=secret)

    page.goto(f"{server}/{tenant.slug}/settings/pipeline-stages/")
    row = page.locator('[data-testid="stage-row"][data-stage="Proposal"]')
    row.get_by_test_id("stage-edit").click()
    page.get_by_label("Exit criteria").fill("The customer has the quote and a decision date.")
    page.get_by_test_id("stage-save").click()

    expect(row.get_by_test_id("stage-criteria")).to_have_text(
        "The customer has the quote and a decision date."
    )
    screenshot(page, "pipeline-stages", share=True)
    page.goto(f"{server}/{tenant.slug}/deals/board/")
    expect(page.locator('[data-stage="Proposal"]')).to_contain_text("a decision date")
    with scopes_disabled():
        assert Deal.objects.filter(tenant=tenant).count() == 0


@pytest.mark.browser_context_args(**PHONE)
def test_a_reseller_rep_moves_its_deal_on_a_phone(page, server, login, tenant, screenshot):
    program = ProgramFactory(
        tenant=tenant,
        name="販売代理店プログラム",
        contract_type=built_in_contract_type(tenant, ContractKind.RESELLER),
    )
    partner = PartnerFactory(tenant=tenant, display_name="スマホ販売株式会社")
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    membership.user.language = "ja"
    membership.user.save(update_fields=["language"])
    deal = DealFactory(
        partner=partner,
        program=program,
        rep=rep,
        customer_name="株式会社モバイル商事",
        registration_status=RegistrationStatus.APPROVED,
        stage=stage_of(tenant, StageCode.APPROVED),
    )
    proposal, lost = stage_of(tenant, StageCode.PROPOSAL), stage_of(tenant, StageCode.LOST)

    login(page, membership.user)
    open_portal_menu(page).get_by_role("link", name="案件").click()
    page.locator(f'[data-testid="portal-deal"][data-deal="{deal.pk}"]').get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("株式会社モバイル商事")
    form = page.get_by_test_id("stage-move-form")
    form.get_by_label("移動先").select_option(label=proposal.name)
    form.get_by_test_id("stage-move-submit").click()
    expect(page.get_by_test_id("panel-stage")).to_have_text(proposal.name)
    assert page_width(page) <= 390
    screenshot(page, "portal-deal-moved-phone", share=True)

    # Lost without a reason is refused with a message, and the deal stays where it was.
    form.get_by_label("移動先").select_option(label=lost.name)
    form.get_by_test_id("stage-move-submit").click()
    expect(page.get_by_text("失注の理由を入力してください。")).to_be_visible()
    expect(page.get_by_test_id("panel-stage")).to_have_text(proposal.name)
    with scopes_disabled():
        deal.refresh_from_db()
    assert deal.stage_id == proposal.pk
    assert deal.lost_on is None
