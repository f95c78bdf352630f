"""The partner directory in a real browser: create with a fix-up, search, import with a fix-up."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect
from stdnum.jp import cn

from accounts.roles import Role
from partners.models import Partner
from tests.factories.partners import PartnerRepFactory, PartnerTypeFactory

pytestmark = pytest.mark.browser

CN1 = cn.calc_check_digit("123456789012") + "123456789012"
CN2 = cn.calc_check_digit("700110005901") + "700110005901"
BAD_CN = ("1" if CN1[0] != "1" else "2") + CN1[1:]


def url(server, tenant, name, **kwargs):
    return server + reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


def test_manager_creates_a_partner_after_fixing_the_corporate_number_and_finds_it(
    page, server, login, tenant, manager, screenshot
):
    PartnerTypeFactory(tenant=tenant, name="Distributor")
    login(page, manager.user)
    page.goto(url(server, tenant, "partner_list"))
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("new-partner").first.click()

    page.get_by_label("Legal name").fill("株式会社ＳＡＫＵＲＡソフト")
    page.get_by_label("Reading (katakana)").fill("サクラソフト")
    page.get_by_label("Corporate number").fill(BAD_CN)
    page.get_by_label("Partner type").select_option(label="Distributor")
    page.get_by_label("Owner (partner manager)").select_option(label="Kenji Manager")
    page.get_by_label("Postal code").fill("100-0001")
    page.get_by_label("Prefecture", exact=True).select_option("13")
    page.get_by_label("City").fill("千代田区")
    page.get_by_label("Street address").fill("千代田1-1")
    page.get_by_label("Manufacturing").check()
    page.get_by_test_id("partner-save").click()

    error = page.locator('[data-field="corporate_number"]')
    expect(error).to_contain_text("check digit")
    expect(page.get_by_label("Corporate number")).to_have_class("form-control is-invalid")
    screenshot(page, "directory-partner-form-error", share=True)
    with scopes_disabled():
        assert not Partner.objects.filter(tenant=tenant).exists()

    page.get_by_label("Corporate number").fill(CN1)
    page.get_by_test_id("partner-save").click()
    expect(page.get_by_test_id("partner-name")).to_have_text("株式会社ＳＡＫＵＲＡソフト")
    expect(page.get_by_test_id("partner-address")).to_have_text(
        "〒100-0001 東京都千代田区千代田1-1"
    )
    expect(page.get_by_test_id("suggested-priority")).to_contain_text("—")
    screenshot(page, "directory-partner-detail", share=True)

    # Half-width search input finds the full-width name, and full-width digits the number.
    for query in ("sakura", "ｻｸﾗｿﾌﾄ", "".join(chr(ord(d) + 0xFEE0) for d in CN1[:5])):
        page.goto(url(server, tenant, "partner_list"))
        page.get_by_label("Search").fill(query)
        page.get_by_test_id("filter-submit").click()
        expect(page.get_by_test_id("result-count")).to_have_text("1 partner")
        expect(page.get_by_test_id("partners-table")).to_contain_text("株式会社ＳＡＫＵＲＡソフト")
    screenshot(page, "directory-partner-list", share=True)


def test_partner_page_tabs_and_reps(page, server, login, tenant, manager, screenshot):
    from tests.factories.partners import PartnerFactory

    partner = PartnerFactory(tenant=tenant, legal_name="株式会社モミジ", status="active")
    PartnerRepFactory(partner=partner, full_name="山田 太郎", department="営業部")
    PartnerRepFactory(partner=partner, full_name="佐藤 花子", is_reachable=False)
    login(page, manager.user)
    page.goto(url(server, tenant, "partner_detail", partner_id=partner.pk))
    page.get_by_role("tab", name="Reps").click()
    expect(page.get_by_test_id("rep-counts")).to_have_text(
        "2 reps, 1 reachable, 0 with portal login"
    )
    screenshot(page, "directory-partner-reps", share=True)
    # Tabs of later apps appear only when their app registers them (accounts/registry.py):
    # programs registers Contracts.
    expect(page.get_by_role("tab")).to_have_text(
        [
            "Profile",
            re.compile(r"^Reps"),
            "Activity",
            "Contracts",
            "Deals",
            "Target accounts",
            "Material",
            "Commissions",
            "Scorecard",
        ]
    )
    page.get_by_role("tab", name="Activity").click()
    expect(page.get_by_test_id("activity-panel")).to_be_visible()


def test_import_shows_row_errors_then_imports_the_fixed_file(
    page, server, login, tenant, manager, screenshot, tmp_path
):
    PartnerTypeFactory(tenant=tenant, name="Distributor")
    header = "legal_name,legal_name_kana,corporate_number,partner_type,priority,prefecture"
    bad = tmp_path / "partners.csv"
    bad.write_bytes(
        (
            f"{header}\r\n"
            f"株式会社サクラ,サクラ,{CN1},Distributor,A,13\r\n"
            f"モミジ合同会社,モミジ,{BAD_CN},Distributor,B,27\r\n"
        ).encode("cp932")
    )
    login(page, manager.user)
    page.goto(url(server, tenant, "partner_import"))
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_test_id("import-upload").click()

    errors = page.get_by_test_id("import-errors")
    expect(errors.locator('tr[data-row="3"][data-column="corporate_number"]')).to_be_visible()
    expect(page.get_by_test_id("import-summary")).to_have_text("1 of 2 rows can be imported.")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
    screenshot(page, "directory-import-errors", share=True)
    with scopes_disabled():
        assert not Partner.objects.filter(tenant=tenant).exists()

    fixed = tmp_path / "partners-fixed.csv"
    fixed.write_bytes(bad.read_bytes().replace(BAD_CN.encode(), CN2.encode()))
    page.get_by_label("CSV file").set_input_files(str(fixed))
    page.get_by_test_id("import-upload").click()
    expect(page.get_by_test_id("import-summary")).to_have_text("2 of 2 rows can be imported.")
    screenshot(page, "directory-import-preview", share=True)
    page.get_by_test_id("import-confirm").click()

    expect(page.get_by_test_id("import-done")).to_contain_text("2 partners imported.")
    page.get_by_test_id("import-done").get_by_role("link").click()
    expect(page.get_by_test_id("result-count")).to_have_text("2 partners")
    with scopes_disabled():
        assert set(
            Partner.objects.filter(tenant=tenant).values_list("corporate_number", flat=True)
        ) == {CN1, CN2}


def test_partner_types_settings(page, server, login, tenant, manager, screenshot):
    login(page, manager.user)
    page.goto(url(server, tenant, "partner_type_list"))
    expect(page.get_by_test_id("types-empty")).to_be_visible()
    page.get_by_label("Name").fill("Regional bank")
    page.get_by_test_id("partner-type-add").click()
    expect(page.get_by_test_id("partner-types-table")).to_contain_text("0")
    expect(page.locator('tr[data-partner-type="Regional bank"]')).to_be_visible()
    screenshot(page, "directory-partner-types", share=True)
