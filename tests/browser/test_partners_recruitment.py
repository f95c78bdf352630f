"""Recruitment in a real browser: an application lands in the pipeline; a prospect is signed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from partners.choices import ProspectSource, ProspectStage
from partners.models import Partner, PartnerPersona, Prospect, ProspectStageChange
from tests.factories.partners import LostReasonFactory, ProspectFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


@pytest.fixture
def persona(tenant):
    with scopes_disabled():
        return PartnerPersona.objects.create(
            tenant=tenant,
            ideal_industries=["it", "professional"],
            customer_segments=["small", "mid"],
            ideal_prefectures=["13", "27"],
            min_employee_count=20,
            max_employee_count=500,
            min_sales_headcount=3,
            products_handled="accounting, payroll",
        )


def _fill_application(page):
    form = page.get_by_test_id("apply-form")
    form.locator("#id_company_name").fill("株式会社ブラウザ販売")
    form.locator("#id_company_name_kana").fill("ブラウザハンバイ")
    form.get_by_label("Website").fill("browser-sales.example.jp")
    form.get_by_label("IT and telecommunications").check()
    form.get_by_label("Small businesses").check()
    form.get_by_label("Regions where you sell (prefectures)").select_option(["13", "27"])
    form.get_by_label("Employees").fill("60")
    form.get_by_label("Salespeople").fill("7")
    form.get_by_label("Products you sell").fill("Accounting software, payroll")
    form.locator("#id_contact_name").fill("Hanako Browser")
    form.locator("#id_contact_email").fill("hanako@browser-sales.example.jp")
    form.get_by_label("Message").fill("We would like to resell your cloud accounting.")


def test_public_application_lands_in_the_pipeline(
    page, server, login, tenant, manager, persona, screenshot
):
    page.goto(f"{server}/{tenant.slug}/apply/")
    expect(page.get_by_role("heading", name="Become a partner of Alpha Software")).to_be_visible()
    # The honeypot is in the HTML but not visible to people.
    expect(page.locator('input[name="homepage"]')).not_to_be_in_viewport()
    _fill_application(page)
    # A wrong corporate number first: the error names the field and keeps what was typed.
    page.get_by_label("Corporate number").fill("1234567890123")
    page.get_by_label("I agree").check()
    screenshot(page, "recruitment-apply-en", share=True)
    page.get_by_test_id("apply-submit").click()
    expect(page.locator('[data-field="corporate_number"]')).to_contain_text("check digit")
    expect(page.locator("#id_company_name")).to_have_value("株式会社ブラウザ販売")
    page.get_by_label("Corporate number").fill("")
    page.get_by_label("I agree").check()
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("apply-thanks")).to_be_visible()
    expect(page).to_have_url(f"{server}/{tenant.slug}/apply/thanks/")

    # The same page in Japanese, through the visitor's language switch.
    page.goto(f"{server}/{tenant.slug}/apply/")
    page.get_by_test_id("language-switch").locator('button[value="ja"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    screenshot(page, "recruitment-apply-ja", share=True)

    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/recruitment/?view=table&source=inbound_application")
    row = page.get_by_test_id("prospect-row").filter(has_text="株式会社ブラウザ販売")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("fit-score")).to_be_visible()
    with scopes_disabled():
        prospect = Prospect.objects.get(tenant=tenant, company_name="株式会社ブラウザ販売")
        assert prospect.source == ProspectSource.INBOUND_APPLICATION
        assert prospect.stage == ProspectStage.SOURCED
        assert prospect.prefectures == ["13", "27"]
        assert prospect.contact_email == "hanako@browser-sales.example.jp"


def test_manager_moves_a_prospect_to_proposal_and_signs_it(
    page, server, login, tenant, manager, persona, screenshot
):
    LostReasonFactory(tenant=tenant, label="Chose a competitor")
    start = timezone.now() - timedelta(days=30)
    prospect = ProspectFactory(
        tenant=tenant,
        company_name="株式会社サイン商事",
        company_name_kana="サインショウジ",
        industries=["it"],
        customer_segments=["mid"],
        prefectures=["13"],
        employee_count=80,
        sales_headcount=5,
        products_handled="accounting software",
        contact_name="鈴木 次郎",
        contact_email="jiro@sign.example.jp",
        owner=manager,
        stage=ProspectStage.CONTACTED,
        stage_changed_at=start + timedelta(days=10),
        created_at=start,
    )
    with scopes_disabled():
        ProspectStageChange.objects.create(
            tenant=tenant, prospect=prospect, from_stage="", to_stage="sourced", changed_at=start
        )
        ProspectStageChange.objects.create(
            tenant=tenant,
            prospect=prospect,
            from_stage="sourced",
            to_stage="contacted",
            changed_at=start + timedelta(days=10),
        )
    # A few more prospects so the board and the report have something to show.
    for name, stage, source in (
        ("Meeting Works", ProspectStage.MEETING, ProspectSource.EVENT),
        ("Quiet Corp", ProspectStage.SOURCED, ProspectSource.MEDIA),
        ("Fresh Lead", ProspectStage.SOURCED, ProspectSource.INTRODUCTION),
    ):
        ProspectFactory(tenant=tenant, company_name=name, stage=stage, source=source)

    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/recruitment/")
    board = page.get_by_test_id("pipeline-board")
    expect(board.locator('[data-stage="contacted"]')).to_contain_text("株式会社サイン商事")
    expect(page.get_by_test_id("stage-count-contacted")).to_have_text("1")
    screenshot(page, "recruitment-board", share=True)

    board.get_by_text("株式会社サイン商事").click()
    expect(page.get_by_test_id("prospect-name")).to_have_text("株式会社サイン商事")
    expect(page.get_by_test_id("prospect-fit")).to_contain_text("Covers your regions: Tokyo.")
    # The lost fields show only when "Lost" is chosen.
    stage_form = page.get_by_test_id("stage-form")
    expect(stage_form.get_by_label("Why was it lost?")).to_be_hidden()
    stage_form.get_by_label("Move to").select_option("lost")
    expect(stage_form.get_by_label("Why was it lost?")).to_be_visible()
    stage_form.get_by_label("Move to").select_option("proposal")
    stage_form.get_by_test_id("stage-save").click()
    expect(page.get_by_test_id("prospect-stage")).to_have_text("Proposal")
    expect(page.get_by_test_id("stage-history")).to_contain_text("10 days")
    screenshot(page, "recruitment-prospect", share=True)

    page.get_by_test_id("prospect-sign").click()
    sign_form = page.get_by_test_id("sign-form")
    expect(sign_form.get_by_label("Legal name")).to_have_value("株式会社サイン商事")
    expect(sign_form.get_by_label("Name", exact=True)).to_have_value("鈴木 次郎")
    screenshot(page, "recruitment-sign", share=True)
    sign_form.get_by_test_id("sign-confirm").click()

    with scopes_disabled():
        partner = Partner.objects.get(tenant=tenant, legal_name="株式会社サイン商事")
        prospect.refresh_from_db()
        assert partner.status == "onboarding"
        assert partner.reps.get().email == "jiro@sign.example.jp"
        assert prospect.partner_id == partner.pk and prospect.stage == ProspectStage.SIGNED
    expect(page).to_have_url(f"{server}/{tenant.slug}/partners/{partner.pk}/")
    expect(page.get_by_text("株式会社サイン商事").first).to_be_visible()

    page.goto(f"{server}/{tenant.slug}/recruitment/report/")
    expect(page.get_by_test_id("kpi-signed")).to_have_text("1")
    expect(page.locator("#chart-sources")).to_be_visible()
    screenshot(page, "recruitment-report", share=True)


def test_manager_sets_up_lost_reasons_and_the_persona_then_sees_the_fit(
    page, server, login, tenant, manager, screenshot
):
    ProspectFactory(tenant=tenant, company_name="Fit Check KK", industries=["it"])
    login(page, manager.user)

    page.goto(f"{server}/{tenant.slug}/settings/lost-reasons/")
    expect(page.get_by_test_id("lost-reason-row")).to_have_count(5)
    add = page.get_by_test_id("lost-reason-add")
    add.get_by_label("Reason").fill("Budget frozen")
    add.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("lost-reason-row")).to_have_count(6)
    screenshot(page, "recruitment-lost-reasons", share=True)

    page.goto(f"{server}/{tenant.slug}/recruitment/?view=table")
    expect(page.get_by_test_id("persona-missing")).to_be_visible()
    page.get_by_role("link", name="Set up the persona").click()
    form = page.get_by_test_id("persona-form")
    form.get_by_label("IT and telecommunications").check()
    form.get_by_label("Employees at least").fill("10")
    screenshot(page, "recruitment-persona", share=True)
    form.get_by_test_id("persona-save").click()
    expect(page.get_by_text("Partner persona saved.")).to_be_visible()

    page.goto(f"{server}/{tenant.slug}/recruitment/?view=table")
    row = page.get_by_test_id("prospect-row").filter(has_text="Fit Check KK")
    # Industries match, the employee count is unknown: half the criteria.
    expect(row.get_by_test_id("fit-score")).to_have_text("Fit 50")
    screenshot(page, "recruitment-table", share=True)


def test_manager_drags_cards_between_stages_and_lost_asks_for_a_reason(
    page, server, login, tenant, manager, screenshot
):
    reason = LostReasonFactory(tenant=tenant, label="Chose a competitor")
    long_name = "株式会社とても長い名前のシステムインテグレーション・ソリューションズ東日本"
    moving = ProspectFactory(tenant=tenant, company_name=long_name, stage=ProspectStage.SOURCED)
    losing = ProspectFactory(
        tenant=tenant, company_name="Lost Cause KK", stage=ProspectStage.CONTACTED
    )
    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/recruitment/")
    board = page.get_by_test_id("pipeline-board")
    card = board.locator(f'[data-prospect="{moving.pk}"]')
    # The whole name is shown (wrapped), never cut off with an ellipsis.
    name = card.get_by_test_id("prospect-card-name")
    expect(name).to_have_text(long_name)
    assert name.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    screenshot(page, "recruitment-board-full-names", share=True)

    card.drag_to(board.locator('section[data-stage="meeting"]'))

    expect(board.locator('section[data-stage="meeting"]')).to_contain_text(long_name)
    expect(page.get_by_test_id("stage-count-meeting")).to_have_text("1")
    with scopes_disabled():
        moving.refresh_from_db()
        assert moving.stage == ProspectStage.MEETING
        assert ProspectStageChange.objects.filter(prospect=moving, to_stage="meeting").exists()

    board = page.get_by_test_id("pipeline-board")
    board.locator(f'[data-prospect="{losing.pk}"]').drag_to(
        board.locator('section[data-stage="lost"]')
    )
    dialog = page.get_by_test_id("lost-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Lost Cause KK")
    screenshot(page, "recruitment-board-lost-dialog", share=True)
    dialog.get_by_test_id("lost-dialog-reason").select_option(str(reason.pk))
    dialog.get_by_test_id("lost-dialog-submit").click()

    expect(
        page.get_by_test_id("pipeline-board").locator('section[data-stage="lost"]')
    ).to_contain_text("Lost Cause KK")
    with scopes_disabled():
        losing.refresh_from_db()
        assert losing.stage == ProspectStage.LOST
        assert losing.lost_reason_id == reason.pk


def test_lost_drop_cancelled_moves_nothing(page, server, login, tenant, manager):
    LostReasonFactory(tenant=tenant, label="Timing")
    prospect = ProspectFactory(tenant=tenant, company_name="Stays Put", stage=ProspectStage.MEETING)
    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/recruitment/")
    board = page.get_by_test_id("pipeline-board")

    board.locator(f'[data-prospect="{prospect.pk}"]').drag_to(
        board.locator('section[data-stage="lost"]')
    )
    dialog = page.get_by_test_id("lost-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()

    expect(dialog).to_be_hidden()
    with scopes_disabled():
        prospect.refresh_from_db()
        assert prospect.stage == ProspectStage.MEETING
