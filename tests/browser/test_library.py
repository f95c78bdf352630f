"""The content library in a real browser: staff upload a PDF shown to one tier, find it in the
list, open it and download it."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import Asset
from tests.factories.programs import LIBRARY_PDF, ProgramFactory, TierFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


def test_staff_upload_a_pdf_for_one_tier_see_it_listed_open_and_download_it(
    page, server, login, tenant, manager, screenshot, tmp_path
):
    program = ProgramFactory(tenant=tenant, name="Resellers")
    TierFactory(program=program, name="Silver", position=0)
    TierFactory(program=program, name="Gold", position=1)
    pdf = tmp_path / "price-sheet.pdf"
    pdf.write_bytes(LIBRARY_PDF)

    login(page, manager.user)
    page.goto(server + reverse("programs:asset_list", kwargs={"tenant_slug": tenant.slug}))
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("new-asset-empty").click()

    page.locator("#id_title").fill("Price sheet 2027")
    page.locator("#id_category").select_option(label="Price sheet")
    page.locator("#id_language").select_option(label="English")
    page.get_by_label("Resellers", exact=True).check()
    page.get_by_label("Resellers · Gold").check()
    page.locator("#id_file").set_input_files(str(pdf))
    page.get_by_test_id("asset-save").click()

    expect(page.get_by_test_id("asset-title")).to_have_text("Price sheet 2027")
    expect(page.get_by_test_id("asset-tiers")).to_have_text("Resellers · Gold")
    expect(page.get_by_test_id("version-row")).to_have_count(1)
    with scopes_disabled():
        asset = Asset.objects.get(tenant=tenant)
        assert [tier.name for tier in asset.tiers.all()] == ["Gold"]

    page.get_by_role("link", name="Library").first.click()
    expect(page.get_by_test_id("asset-row")).to_have_count(1)
    expect(page.get_by_test_id("asset-row")).to_contain_text("Price sheet 2027")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "library-list", share=True)
    page.screenshot(path="/tmp/library-list.png", full_page=True)

    page.get_by_role("link", name="Price sheet 2027").click()
    page.screenshot(path="/tmp/library-detail.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("download").click()
    download = download_info.value
    assert download.suggested_filename == "price-sheet.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == LIBRARY_PDF
