"""The content library in a real browser: staff upload a PDF shown to one tier, find it in the
list, open it and download it; a rep of that tier opens it in the portal on a phone (the view
is logged and staff see it), a rep of another tier neither sees it nor reaches it (404)."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import Asset, AssetAction, AssetView
from tests.browser.test_partners_portal import PHONE, open_portal_menu, page_width
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    LIBRARY_PDF,
    PartnerContractFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")


def test_staff_upload_a_pdf_for_one_tier_see_it_listed_open_and_download_it(
    page, browser, server, login, tenant, manager, screenshot, tmp_path
):
    program = ProgramFactory(tenant=tenant, name="Resellers")
    silver = TierFactory(program=program, name="Silver", position=0)
    gold = TierFactory(program=program, name="Gold", position=1)
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

    # A rep at Gold, on a phone, finds it in the portal library and opens it: the preview is in
    # the page, the download is the file, and both are logged with who and which version.
    gold_partner = PartnerFactory(tenant=tenant, display_name="Gold Trading")
    PartnerContractFactory(partner=gold_partner, tier=gold)
    gold_login, gold_rep = portal_membership_for(gold_partner, full_name="Aoki Gold")
    silver_partner = PartnerFactory(tenant=tenant, display_name="Silver Trading")
    PartnerContractFactory(partner=silver_partner, tier=silver)
    silver_login, _silver_rep = portal_membership_for(silver_partner, full_name="Baba Silver")

    phone = browser.new_context(**PHONE)
    rep_page = phone.new_page()
    login(rep_page, gold_login.user)
    open_portal_menu(rep_page).get_by_role("link", name="Library").click()
    expect(rep_page.get_by_test_id("library-asset")).to_have_count(1)
    rep_page.get_by_test_id("library-asset").click()
    expect(rep_page.get_by_test_id("asset-title")).to_have_text("Price sheet 2027")
    expect(rep_page.get_by_test_id("asset-preview")).to_be_visible()
    assert page_width(rep_page) <= 390
    screenshot(rep_page, "portal-library-asset-phone", share=True)
    with rep_page.expect_download() as download_info:
        rep_page.get_by_test_id("asset-download").click()
    assert download_info.value.suggested_filename == "price-sheet.pdf"
    with scopes_disabled():
        logged = list(
            AssetView.objects.filter(tenant=tenant)
            .order_by("id")
            .values_list("rep_id", "partner_id", "version__number", "action")
        )
    assert logged == [
        (gold_rep.pk, gold_partner.pk, 1, AssetAction.VIEW),
        (gold_rep.pk, gold_partner.pk, 1, AssetAction.DOWNLOAD),
    ]
    asset_url = rep_page.url
    phone.close()

    # A rep at Silver sees an empty library, and the asset's address answers 404.
    other = browser.new_context(**PHONE)
    silver_page = other.new_page()
    login(silver_page, silver_login.user)
    silver_page.goto(
        server + reverse("programs:portal_library", kwargs={"tenant_slug": tenant.slug})
    )
    expect(silver_page.get_by_test_id("library-empty")).to_be_visible()
    response = silver_page.goto(asset_url)
    assert response is not None and response.status == 404
    other.close()

    # Staff see the view on the asset's page.
    page.goto(
        server
        + reverse(
            "programs:asset_detail", kwargs={"tenant_slug": tenant.slug, "asset_id": asset.pk}
        )
    )
    expect(page.get_by_test_id("use-views")).to_have_text("1")
    expect(page.get_by_test_id("use-downloads")).to_have_text("1")
    expect(page.get_by_test_id("open-row").first).to_contain_text("Aoki Gold")
    screenshot(page, "library-asset-use", share=True)
