"""Programs in a real browser: create a program (after a field error), add three tiers (after
a requirement error), reorder them, archive the program after a confirmation page."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import Program, Tier

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


def add_tier(page, name: str, meetings: int) -> None:
    page.get_by_test_id("add-tier").click()
    page.locator("#id_name").fill(name)
    page.get_by_label("Meetings held (at least)").fill(str(meetings))
    page.get_by_test_id("tier-save").click()


def tier_order(page) -> list[str]:
    return page.locator("[data-testid=tiers-table] tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.tier)"
    )


def test_manager_builds_a_program_with_tiers_reorders_and_archives_it(
    page, server, login, tenant, manager, screenshot
):
    login(page, manager.user)
    page.goto(server + reverse("staff_dashboard", kwargs={"tenant_slug": tenant.slug}))
    page.locator("#staff-menu").get_by_role("link", name="Programs").click()
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("new-program").first.click()

    # No name: the form says which field, and nothing is created.
    page.get_by_label("Contract type").select_option(label="Referral")
    page.get_by_label("Public program").check()
    page.get_by_test_id("program-save").click()
    expect(page.locator('[data-field="name"]')).to_contain_text("This field is required")
    expect(page.locator("#id_name")).to_have_class("form-control is-invalid")
    with scopes_disabled():
        assert not Program.objects.filter(tenant=tenant).exists()

    page.locator("#id_name").fill("Referral partners")
    page.get_by_test_id("program-save").click()
    expect(page.get_by_test_id("program-name")).to_have_text("Referral partners")
    expect(page.get_by_test_id("visibility")).to_have_text("Public")

    add_tier(page, "Registered", 0)
    add_tier(page, "Gold", 5)
    # A higher tier asking for fewer meetings than Gold: refused, naming the field.
    add_tier(page, "Silver", 2)
    expect(page.locator('[data-field="min_meetings_held"]')).to_contain_text(
        "the lower tier “Gold” requires 5"
    )
    screenshot(page, "programs-tier-error", share=True)
    page.get_by_label("Meetings held (at least)").fill("5")
    page.get_by_test_id("tier-save").click()
    expect(page.get_by_test_id("tiers-table")).to_be_visible()
    assert tier_order(page) == ["Registered", "Gold", "Silver"]

    # Silver and Gold ask for the same: Silver may move up the table, below Gold.
    page.locator('[data-tier="Silver"]').get_by_test_id("move-up").click()
    expect(page.locator(".alert-success")).to_contain_text("Tier Silver moved.")
    assert tier_order(page) == ["Registered", "Silver", "Gold"]
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "programs-detail", share=True)

    page.get_by_test_id("archive-program").click()
    expect(page.get_by_test_id("archive-confirm")).to_contain_text("Archive Referral partners?")
    with scopes_disabled():
        assert not Program.objects.get(tenant=tenant).is_archived
    page.get_by_test_id("archive-confirm-submit").click()
    expect(page.get_by_test_id("archived-note")).to_be_visible()
    expect(page.get_by_test_id("visibility")).to_have_text("Archived")
    expect(page.get_by_test_id("add-tier")).to_have_count(0)

    page.locator("#staff-menu").get_by_role("link", name="Programs").click()
    expect(page.get_by_test_id("no-results")).to_be_visible()
    page.get_by_label("Show").select_option(label="Archived")
    page.get_by_test_id("filter-submit").click()
    expect(page.get_by_test_id("programs-table")).to_contain_text("Referral partners")
    screenshot(page, "programs-list-archived", share=True)
    with scopes_disabled():
        program = Program.objects.get(tenant=tenant)
        assert program.is_archived and program.is_public
        assert list(
            Tier.objects.filter(program=program).order_by("position").values_list("name", flat=True)
        ) == ["Registered", "Silver", "Gold"]
