"""Contracts in a real browser: open the list, a contract, upload its signed PDF, see it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from tests.factories.partners import PartnerFactory
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_manager_uploads_a_signed_contract_and_sees_it(
    page, server, login, tenant, member_factory, tmp_path
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    program = ProgramFactory(tenant=tenant, name="Referral partners")
    tier = TierFactory(tenant=tenant, program=program, name="Gold")
    PartnerContractFactory(
        tenant=tenant, tier=tier, partner=PartnerFactory(tenant=tenant, display_name="Sakura KK")
    )
    pdf = tmp_path / "signed-contract.pdf"
    pdf.write_bytes(PDF)

    login(page, manager.user)
    page.goto(server + reverse("programs:contract_list", kwargs={"tenant_slug": tenant.slug}))
    expect(page.get_by_test_id("contract-row")).to_have_count(1)
    page.screenshot(path="/tmp/contracts_list.png", full_page=True)
    page.get_by_role("link", name="Sakura KK").click()
    expect(page.get_by_test_id("no-signed-document")).to_be_visible()
    page.locator("#id_signed_document").set_input_files(str(pdf))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("signed-document")).to_contain_text("signed-contract.pdf")
    page.screenshot(path="/tmp/contracts_detail.png", full_page=True)


def test_manager_creates_a_contract_from_the_partner_page_and_activates_it(
    page, server, login, tenant, member_factory
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    referral = ProgramFactory(tenant=tenant, name="Referral partners")
    TierFactory(tenant=tenant, program=referral, name="Registered", position=0)
    resale = ProgramFactory(tenant=tenant, name="Resale partners")
    TierFactory(tenant=tenant, program=resale, name="Reseller", position=0)
    TierFactory(tenant=tenant, program=resale, name="Premier reseller", position=1)
    partner = PartnerFactory(tenant=tenant, display_name="Sakura KK")
    for number in range(30):
        PartnerFactory(tenant=tenant, display_name=f"Other partner {number:02d}")

    login(page, manager.user)
    page.goto(
        server
        + reverse("partner_detail", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk})
    )
    page.locator("#tab-contracts").click()
    expect(page.get_by_test_id("partner-contracts-empty")).to_be_visible()
    page.get_by_test_id("partner-new-contract").click()

    # The partner comes prefilled; choosing a program lists that program's tiers only.
    expect(page.get_by_label("Sakura KK")).to_be_checked()
    expect(page.get_by_test_id("partner-option")).to_have_count(21)  # it, then twenty more
    page.get_by_test_id("contract-program").select_option(label="Resale partners")
    tier = page.get_by_test_id("contract-tier")
    expect(tier.locator("option", has_text="Premier reseller")).to_have_count(1)
    expect(tier.locator("option", has_text="Registered")).to_have_count(0)
    tier.select_option(label="Premier reseller")
    page.screenshot(path="/tmp/contract_create.png", full_page=True)
    page.get_by_test_id("contract-save").click()

    expect(page.get_by_test_id("contract-title")).to_have_text("Sakura KK · Resale partners")
    expect(page.get_by_test_id("contract-status")).to_have_text("Draft")
    expect(page.get_by_test_id("no-terms-version")).to_be_visible()
    page.get_by_test_id("activate").click()
    expect(page.get_by_role("heading", name="Activate this contract?")).to_be_visible()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("contract-status")).to_have_text("Active")
    page.screenshot(path="/tmp/contract_activated.png", full_page=True)


def test_manager_finds_a_partner_by_search_in_the_new_contract_form(
    page, server, login, tenant, member_factory
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    program = ProgramFactory(tenant=tenant, name="Referral partners")
    TierFactory(tenant=tenant, program=program, name="Registered", position=0)
    for number in range(30):
        PartnerFactory(tenant=tenant, display_name=f"Other partner {number:02d}")
    PartnerFactory(tenant=tenant, display_name="Zenith Trading")

    login(page, manager.user)
    page.goto(server + reverse("programs:contract_list", kwargs={"tenant_slug": tenant.slug}))
    page.get_by_test_id("new-contract-empty").click()
    expect(page.get_by_label("Zenith Trading")).to_have_count(0)  # beyond the first twenty
    page.get_by_test_id("partner-search").fill("zenith")
    expect(page.get_by_test_id("partner-option")).to_have_count(1)
    page.get_by_label("Zenith Trading").check()
    page.get_by_test_id("contract-program").select_option(label="Referral partners")
    page.get_by_test_id("contract-tier").select_option(label="Registered")
    page.get_by_test_id("contract-save").click()

    expect(page.get_by_test_id("contract-title")).to_have_text("Zenith Trading · Referral partners")


def test_manager_adds_a_terms_version_on_the_program_page(
    page, server, login, tenant, member_factory
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    program = ProgramFactory(tenant=tenant, name="Referral partners")

    login(page, manager.user)
    page.goto(
        server
        + reverse(
            "programs:program_detail", kwargs={"tenant_slug": tenant.slug, "program_id": program.pk}
        )
    )
    expect(page.get_by_test_id("terms-empty")).to_be_visible()
    page.get_by_test_id("add-terms").click()
    page.get_by_label("Terms title").fill("Referral terms 2027")
    page.get_by_label("Terms text").fill("Article 1. Purpose.\n\nArticle 2. Fees are paid monthly.")
    page.get_by_test_id("terms-save").click()

    expect(page.get_by_test_id("terms-row")).to_have_count(1)
    expect(page.get_by_test_id("terms-row")).to_contain_text("Referral terms 2027")
    page.screenshot(path="/tmp/program_terms.png", full_page=True)
    page.get_by_role("link", name="Referral terms 2027").click()
    expect(page.get_by_test_id("terms-body")).to_contain_text("Article 2. Fees are paid monthly.")

    # The same date twice is refused under the date field.
    page.go_back()
    page.get_by_test_id("add-terms").click()
    page.get_by_label("Terms title").fill("Again")
    page.get_by_label("Terms text").fill("Text")
    page.get_by_test_id("terms-save").click()
    expect(page.locator('[data-field="effective_from"]')).to_have_text(
        "A version already takes effect on this date."
    )
