"""Engagement in a real browser: log an activity without a page reload, leave the due list."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from partners.choices import PartnerStatus, Priority
from partners.models import Activity
from tests.factories.partners import ActivityFactory, PartnerFactory, PartnerRepFactory

pytestmark = pytest.mark.browser


def partner_page(server, tenant, partner) -> str:
    """The partner's page (which loads the activity panel); the panel's own page until the
    directory's partner page exists."""
    kwargs = {"tenant_slug": tenant.slug, "partner_id": partner.pk}
    try:
        return server + reverse("partner_detail", kwargs=kwargs)
    except NoReverseMatch:
        return server + reverse("partner_activities", kwargs=kwargs)


def open_activity_panel(page, server, tenant, partner):
    """Go to the partner's page and show its activity panel (a tab there, when it is one)."""
    page.goto(partner_page(server, tenant, partner))
    tab = page.get_by_role("tab", name="Activity")
    if tab.count():
        tab.click()
    panel = page.get_by_test_id("activity-panel")
    expect(panel).to_be_visible()
    return panel


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


@pytest.fixture
def due_partner(tenant, manager):
    partner = PartnerFactory(
        tenant=tenant,
        status=PartnerStatus.ACTIVE,
        priority=Priority.A,
        owner=manager,
        display_name="Sakura Systems",
    )
    PartnerRepFactory(partner=partner, full_name="Yumi Tanaka")
    return partner


def test_manager_logs_an_activity_without_a_reload_and_the_partner_leaves_the_due_list(
    page, server, login, tenant, manager, due_partner, screenshot
):
    login(page, manager.user)
    due_url = f"{server}/{tenant.slug}/engagement/due/"
    page.goto(due_url)
    row = page.get_by_test_id("due-row").filter(has_text="Sakura Systems")
    expect(row).to_contain_text("Never contacted")
    screenshot(page, "engagement-due-list", share=True)

    panel = open_activity_panel(page, server, tenant, due_partner)
    expect(panel.get_by_test_id("activity-empty")).to_be_visible()
    url_before = page.url
    page.evaluate("window.__noReload = 'still here'")

    form = panel.get_by_test_id("activity-form")
    form.get_by_label("Kind").select_option("joint_visit")
    form.get_by_label("Yumi Tanaka").check()
    form.get_by_label("Summary").fill("Visited their biggest customer together")
    form.get_by_label("Next action", exact=True).fill("Send the case study")
    form.get_by_test_id("activity-submit").click()

    timeline = page.get_by_test_id("activity-timeline")
    expect(page.get_by_test_id("activity-logged")).to_be_visible()
    expect(timeline.get_by_test_id("activity-item")).to_have_count(1)
    item = timeline.get_by_test_id("activity-item").first
    expect(item).to_contain_text("Joint sales visit")
    expect(item).to_contain_text("Yumi Tanaka")
    expect(item).to_contain_text("Kenji Manager")
    expect(item).to_contain_text("Send the case study")
    assert page.evaluate("window.__noReload") == "still here"
    assert page.url == url_before
    # The form is fresh again, ready for the next entry.
    expect(page.get_by_test_id("activity-form").get_by_label("Summary")).to_have_value("")
    screenshot(page, "engagement-activity-logged", share=True)

    page.goto(due_url)
    expect(page.get_by_test_id("due-empty")).to_contain_text("Nobody is due")
    screenshot(page, "engagement-due-empty", share=True)


def test_form_errors_show_inline_without_a_reload(
    page, server, login, tenant, manager, due_partner
):
    login(page, manager.user)
    open_activity_panel(page, server, tenant, due_partner)
    page.evaluate("window.__noReload = 'still here'")
    form = page.get_by_test_id("activity-form")
    form.get_by_label("Kind").select_option("call")
    form.get_by_label("Summary").fill("Short call")
    form.get_by_label("Next action due").fill(timezone.localdate().isoformat())
    form.get_by_test_id("activity-submit").click()

    expect(page.locator('[data-field="next_action"]')).to_contain_text(
        "Say what the next action is"
    )
    assert page.evaluate("window.__noReload") == "still here"
    expect(page.get_by_test_id("activity-empty")).to_be_visible()


def test_show_more_loads_older_activities_in_place(
    page, server, login, tenant, manager, due_partner
):
    for days in range(13):
        ActivityFactory(
            partner=due_partner,
            occurred_on=timezone.localdate() - timedelta(days=days),
            notes=f"Touchpoint {days:02d}",
        )
    login(page, manager.user)
    open_activity_panel(page, server, tenant, due_partner)
    items = page.get_by_test_id("activity-item")
    expect(items).to_have_count(10)

    page.get_by_test_id("activity-more").click()

    expect(items).to_have_count(13)
    expect(items.last).to_contain_text("Touchpoint 12")
    expect(page.get_by_test_id("activity-more")).to_have_count(0)


def test_cadence_settings_change_is_saved(page, server, login, tenant, manager, screenshot):
    login(page, manager.user)
    page.goto(f"{server}/{tenant.slug}/settings/cadence/")
    screenshot(page, "engagement-cadence", share=True)

    page.get_by_label("Contact interval for priority B").fill("14")
    page.get_by_test_id("cadence-save").click()

    expect(page.get_by_role("alert").filter(has_text="Cadence saved.")).to_be_visible()
    expect(page.get_by_label("Contact interval for priority B")).to_have_value("14")


def test_due_list_orders_by_priority_then_most_overdue_with_open_actions(
    page, server, login, tenant, manager, screenshot
):
    today = timezone.localdate()

    def make(name, priority, last_contact=None, **extra):
        partner = PartnerFactory(
            tenant=tenant,
            status=PartnerStatus.ACTIVE,
            priority=priority,
            owner=manager,
            display_name=name,
            **extra,
        )
        if last_contact is not None:
            ActivityFactory(partner=partner, occurred_on=today - timedelta(days=last_contact))
        return partner

    make("Calm Co", Priority.A, last_contact=0)
    make("B Never Co", Priority.B)
    make("A Soon Co", Priority.A, last_contact=3)
    late = make("A Late Co", Priority.A, last_contact=12, suggested_priority=Priority.B)
    ActivityFactory(
        partner=late,
        occurred_on=today - timedelta(days=12),
        next_action="Send the price list",
        next_action_due=today - timedelta(days=5),
    )
    login(page, manager.user)

    page.goto(f"{server}/{tenant.slug}/engagement/due/")

    rows = page.get_by_test_id("due-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("A Late Co")
    expect(rows.nth(0)).to_contain_text("5 days overdue")
    expect(rows.nth(0)).to_contain_text("suggested B")
    expect(rows.nth(0)).to_contain_text("Send the price list")
    expect(rows.nth(1)).to_contain_text("A Soon Co")
    expect(rows.nth(1)).to_contain_text("in 4 days")
    expect(rows.nth(2)).to_contain_text("B Never Co")
    screenshot(page, "engagement-due-rows", share=True)


def test_one_click_on_the_untouched_form_records_nothing_and_the_partner_stays_due(
    page, server, login, tenant, manager, due_partner, screenshot
):
    login(page, manager.user)
    panel = open_activity_panel(page, server, tenant, due_partner)
    form = panel.get_by_test_id("activity-form")
    expect(form.get_by_label("Kind")).to_have_value("")

    form.get_by_test_id("activity-submit").click()

    expect(page.get_by_test_id("activity-errors")).to_be_visible()
    expect(page.locator('[data-field="kind"]')).to_be_visible()
    expect(page.locator('[data-field="notes"]')).to_be_visible()
    expect(page.get_by_test_id("activity-form").get_by_label("Kind")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.get_by_test_id("activity-empty")).to_be_visible()
    screenshot(page, "engagement-empty-form-refused", share=True)
    page.goto(f"{server}/{tenant.slug}/engagement/due/")
    expect(page.get_by_test_id("due-row").filter(has_text="Sakura Systems")).to_be_visible()


def test_picker_finds_one_of_two_same_named_reps_by_keyboard_and_keeps_the_chips(
    page, server, login, tenant, manager, due_partner, screenshot
):
    for number in range(30):
        PartnerRepFactory(partner=due_partner, full_name=f"Staff {number:02d}")
    PartnerRepFactory(
        partner=due_partner,
        full_name="佐藤 健",
        email="sato@east.example",
        department="東日本営業部",
    )
    PartnerRepFactory(
        partner=due_partner,
        full_name="佐藤 健",
        email="sato@west.example",
        department="西日本営業部",
    )
    # Searched for by a name no generated e-mail address contains.
    PartnerRepFactory(partner=due_partner, full_name="Ogawa Mei", email="mei@ogawa.example")
    login(page, manager.user)
    panel = open_activity_panel(page, server, tenant, due_partner)
    picker = panel.get_by_test_id("rep-picker")
    expect(picker.locator('input[name="rep_attendees"]')).to_have_count(0)  # no 900 boxes

    search = picker.get_by_test_id("rep-search")
    search.focus()
    page.keyboard.type("佐藤")
    options = picker.get_by_test_id("rep-results").get_by_test_id("rep-option")
    expect(options).to_have_count(2)
    west = options.filter(has_text="西日本営業部")
    expect(west).to_contain_text("sato@west.example")
    west.locator("input").focus()
    page.keyboard.press("Space")
    chips = picker.get_by_test_id("rep-chips").get_by_test_id("rep-chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("sato@west.example")

    search.fill("Ogawa")
    results = picker.get_by_test_id("rep-results")
    expect(results).not_to_contain_text("東日本営業部")  # the new search replaced the list
    expect(results.get_by_test_id("rep-option")).to_have_count(1)
    results.get_by_test_id("rep-option").filter(has_text="Ogawa Mei").locator("input").check()
    expect(chips).to_have_count(2)
    screenshot(page, "engagement-rep-picker", share=True)

    form = panel.get_by_test_id("activity-form")
    form.get_by_label("Kind").select_option("regular_meeting")
    form.get_by_label("Summary").fill("Kick-off with the west team")
    form.get_by_test_id("activity-submit").click()

    item = page.get_by_test_id("activity-timeline").get_by_test_id("activity-item").first
    expect(item).to_contain_text("佐藤 健")
    expect(item).to_contain_text("Ogawa Mei")
    with scopes_disabled():
        activity = Activity.objects.get(partner=due_partner)
        chosen = {rep.full_name: rep.email for rep in activity.rep_attendees.all()}
    assert set(chosen) == {"佐藤 健", "Ogawa Mei"}
    assert chosen["佐藤 健"] == "sato@west.example"


def test_activity_form_in_japanese(page, server, login, tenant, member_factory, screenshot):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="山本 健二", language="ja")
    partner = PartnerFactory(
        tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A, owner=manager
    )
    PartnerRepFactory(partner=partner, full_name="田中 由美", department="営業部")
    login(page, manager.user)
    page.goto(partner_page(server, tenant, partner))
    page.get_by_role("tab", name="活動").click()
    form = page.get_by_test_id("activity-form")
    expect(form).to_be_visible()

    form.get_by_test_id("activity-submit").click()

    expect(page.get_by_test_id("activity-errors")).to_contain_text("記録されていません")
    expect(page.get_by_test_id("activity-form").get_by_label("概要")).to_be_visible()
    screenshot(page, "engagement-activity-form-ja", share=True)
