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
