"""The partner list in a real browser: sortable headers, page size, bulk assign."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from partners.choices import PartnerStatus, Priority
from partners.models import Partner
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


@pytest.fixture
def partners(tenant):
    return [
        PartnerFactory(
            tenant=tenant,
            legal_name=f"株式会社テスト{index:02d}",
            legal_name_kana=f"テスト{index:02d}",
            status=PartnerStatus.ACTIVE,
            priority=Priority.C,
        )
        for index in range(30)
    ]


def first_names(page, count: int) -> list[str]:
    rows = page.get_by_test_id("partners-table").locator("tbody tr td a.fw-semibold")
    return [rows.nth(i).inner_text() for i in range(count)]


def test_headers_sort_and_toggle_and_page_size_changes_rows(
    page, server, login, tenant, manager, partners, screenshot
):
    login(page, manager.user)
    page.goto(server + reverse("partner_list", kwargs={"tenant_slug": tenant.slug}))
    table = page.get_by_test_id("partners-table")
    name_header = table.locator("th", has_text="Name")
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("tbody tr")).to_have_count(25)
    assert first_names(page, 2) == ["株式会社テスト00", "株式会社テスト01"]

    name_header.get_by_role("link").click()
    expect(table.locator("th", has_text="Name")).to_have_attribute("aria-sort", "descending")
    assert first_names(page, 2) == ["株式会社テスト29", "株式会社テスト28"]

    table.locator("th", has_text="Name").get_by_role("link").click()
    expect(table.locator("th", has_text="Name")).to_have_attribute("aria-sort", "ascending")

    page.get_by_test_id("page-size").select_option("50")
    expect(table.locator("tbody tr")).to_have_count(30)
    expect(page).to_have_url(re.compile(r"per_page=50"))
    screenshot(page, "partner-list-sorted-50", share=True)


def test_manager_bulk_assigns_owner_and_priority_after_confirming(
    page, server, login, tenant, manager, partners, screenshot
):
    login(page, manager.user)
    page.goto(server + reverse("partner_list", kwargs={"tenant_slug": tenant.slug}))
    expect(page.get_by_test_id("bulk-submit")).to_be_disabled()
    rows = page.get_by_test_id("partners-table").locator("tbody tr")
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("2")
    page.get_by_test_id("bulk-owner").select_option(label="Kenji Manager")
    page.get_by_test_id("bulk-priority").select_option("A")
    screenshot(page, "partner-list-bulk-selected", share=True)
    page.get_by_test_id("bulk-submit").click()

    expect(page.get_by_test_id("bulk-summary")).to_contain_text("2 partners")
    expect(page.get_by_test_id("bulk-partners").locator("tbody tr")).to_have_count(2)
    screenshot(page, "partner-list-bulk-confirm", share=True)
    with scopes_disabled():
        assert not Partner.objects.filter(priority=Priority.A).exists()

    page.get_by_test_id("bulk-confirm").click()

    expect(page.get_by_text("2 partners changed.")).to_be_visible()
    with scopes_disabled():
        changed = Partner.objects.filter(priority=Priority.A, owner=manager)
        assert sorted(p.legal_name for p in changed) == ["株式会社テスト00", "株式会社テスト01"]


def test_select_all_checks_every_row_of_the_page(page, server, login, tenant, manager, partners):
    login(page, manager.user)
    page.goto(server + reverse("partner_list", kwargs={"tenant_slug": tenant.slug}))

    page.get_by_test_id("bulk-all").check()

    expect(page.locator("[data-bulk-count]")).to_have_text("25")
    expect(page.get_by_test_id("bulk-submit")).to_be_enabled()
