"""Commission rules in a real browser: create a rule set with brackets and a split, see an
error next to the field it names, save, preview a commission and read its explanation."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import CommissionRuleSetVersion
from tests.factories.programs import ProgramFactory

pytestmark = pytest.mark.browser


def test_admin_builds_a_rule_set_and_previews_a_commission(
    page, server, login, tenant, member_factory, with_totp, screenshot
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    ProgramFactory(tenant=tenant, name="Reseller program")
    login(page, admin.user, with_totp(admin.user))

    page.goto(f"{server}/{tenant.slug}/")
    page.get_by_role("link", name="Commission").first.click()
    page.get_by_test_id("new-rule-set").click()
    page.get_by_label("Program").select_option(label="Reseller program")
    page.get_by_label("Name").fill("Reseller standard")
    page.get_by_test_id("rule-set-save").click()

    # The version editor: two brackets (the second added with "Add a row") and a split.
    expect(page.get_by_role("heading", name="New version of Reseller standard")).to_be_visible()
    page.locator('[name="effective_from"]').fill(timezone.localdate().isoformat())
    page.locator('[name="brackets-0-from_amount"]').fill("0")
    page.locator('[name="brackets-0-to_amount"]').fill("10000000")
    page.locator('[name="brackets-0-rate"]').fill("10")
    page.get_by_test_id("add-brackets").click()
    page.locator('[name="brackets-1-from_amount"]').fill("9000000")
    page.locator('[name="brackets-1-rate"]').fill("15")
    page.locator('[name="shares-0-role"]').select_option("sets_meeting")
    page.locator('[name="shares-0-share"]').fill("30")
    page.get_by_test_id("add-shares").click()
    page.locator('[name="shares-1-role"]').select_option("closes")
    page.locator('[name="shares-1-share"]').fill("70")
    page.locator('[name="split-remainder_role"]').select_option("closes")
    page.get_by_test_id("version-save").click()

    # Overlapping brackets: the message sits under the second bracket's "from"; nothing saved.
    expect(page.get_by_test_id("editor-errors")).to_be_visible()
    error = page.locator("#id_brackets-1-from_amount_error")
    expect(error).to_contain_text("Brackets overlap")
    screenshot(page, "commission-editor-error", share=True)
    with scopes_disabled():
        assert not CommissionRuleSetVersion.objects.exists()

    page.locator('[name="brackets-1-from_amount"]').fill("10000000")
    page.get_by_test_id("version-save").click()

    timeline = page.get_by_test_id("version-timeline")
    expect(timeline.get_by_test_id("version-1")).to_contain_text("In force")
    expect(timeline).to_contain_text("15 % above ¥10,000,000")
    screenshot(page, "commission-rule-set-timeline", share=True)

    page.get_by_test_id("preview-rule-set").click()
    page.get_by_label("Event date").fill(timezone.localdate().isoformat())
    page.get_by_label("Deal amount").fill("5000000")
    page.get_by_label("Partner's revenue this fiscal year before this deal").fill("8000000")
    page.locator('[name="partner_role"]').select_option("closes")
    page.locator('[name="second_partner_role"]').select_option("sets_meeting")
    page.get_by_test_id("preview-submit").click()

    result = page.get_by_test_id("preview-result")
    expect(page.get_by_test_id("preview-total")).to_have_text("¥650,000")
    expect(result).to_contain_text("¥2,000,000 at 10 % (bracket ¥0 – ¥10,000,000)")
    expect(result).to_contain_text("¥3,000,000 at 15 % (bracket above ¥10,000,000)")
    expect(result.get_by_test_id("split-share").first).to_contain_text("Split: 30 % of ¥650,000")
    expect(result.get_by_test_id("line-amount")).to_have_text(["¥195,000", "¥455,000"])
    screenshot(page, "commission-preview", share=True)
