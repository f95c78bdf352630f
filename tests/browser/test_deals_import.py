"""Staff import the vendor's direct deals by CSV from the pipeline list: a bad row is named,
the corrected file is confirmed once, and the deals are in the list."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from deals.models import Deal

pytestmark = pytest.mark.browser

HEADER = "reference,customer_name,product,amount_one_time,amount_monthly,stage,won_on\n"
BAD = HEADER + "CRM-1,Direct Alpha KK,Pro,1200000,,proposal,\nCRM-2,Direct Beta KK,Pro,,,won,\n"
GOOD = HEADER + (
    "CRM-1,Direct Alpha KK,Pro,1200000,,proposal,\nCRM-2,Direct Beta KK,Pro,800000,,won,\n"
)


def _choose(page, text: str):
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "deals.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_test_id("import-upload").click()


def test_staff_import_direct_deals_from_the_pipeline_list(
    page, server, login, tenant, member_factory, screenshot
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    login(page, manager.user)
    page.locator('nav.sidebar [data-nav="deals"]').click()
    page.get_by_test_id("import-direct-deals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import direct deals")

    _choose(page, BAD)
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator('tr[data-row="3"][data-column="amount_one_time"]')).to_be_visible()
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
    screenshot(page, "direct-deal-import-errors", share=True)

    _choose(page, GOOD)
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("2 direct deals imported.")
    screenshot(page, "direct-deal-import-done", share=True)
    page.get_by_test_id("import-done").get_by_role("link").click()
    expect(page.get_by_test_id("pipeline-row")).to_have_count(2)
    with scopes_disabled():
        assert sorted(Deal.objects.values_list("external_ref", flat=True)) == ["CRM-1", "CRM-2"]
