"""Tier proposals in a real browser: a manager opens a pending promotion from the list, reads
its figures, approves it after the confirmation, and the contract's tier changes."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import PartnerContract
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    TierEvaluationFactory,
    TierFactory,
    TierProposalFactory,
)

pytestmark = pytest.mark.browser


def test_manager_approves_a_tier_proposal_and_the_contract_tier_changes(
    page, server, login, tenant, member_factory, screenshot
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")
    program = ProgramFactory(tenant=tenant)
    silver = TierFactory(program=program, name="Silver", position=0)
    gold = TierFactory(program=program, name="Gold", position=1, min_won_deals=3)
    contract = PartnerContractFactory(tier=silver)
    TierProposalFactory(
        contract=contract,
        evaluation=TierEvaluationFactory(tenant=tenant, measured_by=["deals"]),
        proposed_tier=gold,
        figures={
            "requirements": [{"key": "won_deals", "needed": "3", "measured": "4", "met": True}]
        },
    )

    login(page, manager.user)
    page.goto(server + reverse("programs:tier_proposal_list", kwargs={"tenant_slug": tenant.slug}))
    expect(page.get_by_test_id("result-count")).to_contain_text("1 proposal")
    page.locator("[data-testid=proposals-table] tbody a").first.click()
    expect(page.get_by_test_id("figures-table")).to_contain_text("Won deals")
    screenshot(page, "tiers_proposal_detail")
    page.screenshot(path="/tmp/tiers_proposal_detail.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("approve").click()

    expect(page.get_by_test_id("proposal-status")).to_contain_text("Approved")
    expect(page.get_by_test_id("contract-tier")).to_have_text("Gold")
    screenshot(page, "tiers_proposal_approved")
    page.screenshot(path="/tmp/tiers_proposal_approved.png", full_page=True)
    with scopes_disabled():
        assert PartnerContract.objects.get(pk=contract.pk).tier_id == gold.pk
