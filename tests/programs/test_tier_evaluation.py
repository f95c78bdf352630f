"""Tier evaluation: the earned tier is proposed, unmeasured zeros never demote, a re-run the
same day changes nothing twice, and a decision moves the contract's tier exactly once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.money import Money
from programs.models import PartnerContract, TierEvaluation, TierProposal, TierProposalStatus
from programs.selectors.tier_figures import (
    TierFiguresPart,
    register_tier_figures_provider,
    unregister_tier_figures_provider,
)
from programs.services import contracts as services_contracts
from programs.services import tiers as services
from programs.tasks.tiers import tier_evaluation_fanout_task
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 12, 1)


class _Figures(dict):
    def __init__(self):
        super().__init__()
        self.calls = []


@pytest.fixture
def figures():
    """A fake deals provider: figures[partner_id] = won deals; every call is recorded."""
    won = _Figures()
    calls = won.calls

    def provider(*, tenant, partner, since, until):
        calls.append((partner.pk, since, until))
        return TierFiguresPart(
            won_deals=won.get(partner.pk, 0), revenue=Money(Decimal(0), tenant.base_currency)
        )

    register_tier_figures_provider("fake", provider)
    yield won
    unregister_tier_figures_provider("fake")


@pytest.fixture
def ladder(tenant):
    program = ProgramFactory(tenant=tenant)
    return [
        TierFactory(program=program, name="Registered", position=0, min_won_deals=0),
        TierFactory(program=program, name="Silver", position=1, min_won_deals=3),
        TierFactory(program=program, name="Gold", position=2, min_won_deals=10),
    ]


def _run(tenant, in_tenant, on=ON):
    with in_tenant(tenant):
        return services.tier_evaluation_run(tenant=tenant, on=on)


def _proposals(contract):
    with scopes_disabled():
        return list(
            TierProposal.objects.filter(contract=contract)
            .order_by("id")
            .values_list("proposed_tier__name", "status", "is_promotion")
        )


def test_a_partner_above_its_tier_gets_a_promotion_with_its_figures(
    tenant, ladder, figures, in_tenant
):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4

    evaluation = _run(tenant, in_tenant)

    assert _proposals(contract) == [("Silver", "pending", True)]
    with scopes_disabled():
        proposal = TierProposal.objects.get(contract=contract)
    won = next(r for r in proposal.figures["requirements"] if r["key"] == "won_deals")
    assert won == {"key": "won_deals", "needed": "3", "measured": "4", "met": True}
    assert proposal.figures["providers"] == ["fake"]
    assert (proposal.window_start, proposal.window_end) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 30),
    )
    assert (evaluation.contracts_checked, evaluation.proposals_made) == (1, 1)
    assert evaluation.measured_by == ["fake"]
    assert evaluation.finished_at is not None


def test_a_partner_below_its_tier_gets_a_demotion(tenant, ladder, figures, in_tenant):
    contract = PartnerContractFactory(tier=ladder[2])
    figures[contract.partner_id] = 5

    _run(tenant, in_tenant)

    assert _proposals(contract) == [("Silver", "pending", False)]


def test_unmeasured_figures_demote_nobody_and_the_evaluation_says_so(tenant, ladder, in_tenant):
    contract = PartnerContractFactory(tier=ladder[2])

    evaluation = _run(tenant, in_tenant)

    assert _proposals(contract) == []
    assert evaluation.measured_by == []
    assert (evaluation.contracts_checked, evaluation.proposals_made) == (1, 0)


def test_ended_contracts_and_archived_programs_are_not_evaluated(
    tenant, ladder, figures, in_tenant
):
    ended = PartnerContractFactory(tier=ladder[0], status="ended")
    archived = TierFactory(program=ProgramFactory(tenant=tenant, is_archived=True), position=5)
    in_archived = PartnerContractFactory(tier=archived)
    figures[ended.partner_id] = figures[in_archived.partner_id] = 20

    evaluation = _run(tenant, in_tenant)

    assert evaluation.contracts_checked == 0
    assert _proposals(ended) == _proposals(in_archived) == []


def test_a_rerun_the_same_day_updates_the_evaluation_and_doubles_nothing(
    tenant, ladder, figures, in_tenant
):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    first = _run(tenant, in_tenant)
    figures[contract.partner_id] = 12

    second = _run(tenant, in_tenant)

    assert second.pk == first.pk
    with scopes_disabled():
        assert TierEvaluation.objects.filter(tenant=tenant).count() == 1
    assert _proposals(contract) == [("Gold", "pending", True)]
    assert second.proposals_made == 1


def test_a_later_run_supersedes_a_pending_proposal_to_another_tier(
    tenant, ladder, figures, in_tenant
):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    _run(tenant, in_tenant)
    figures[contract.partner_id] = 12

    _run(tenant, in_tenant, on=datetime.date(2027, 1, 1))

    assert _proposals(contract) == [("Silver", "superseded", True), ("Gold", "pending", True)]


def test_a_later_run_keeps_a_pending_proposal_to_the_same_tier(tenant, ladder, figures, in_tenant):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    _run(tenant, in_tenant)

    _run(tenant, in_tenant, on=datetime.date(2027, 1, 1))

    assert _proposals(contract) == [("Silver", "pending", True)]


def test_earning_the_current_tier_again_supersedes_the_pending_proposal(
    tenant, ladder, figures, in_tenant
):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    _run(tenant, in_tenant)
    figures[contract.partner_id] = 0

    _run(tenant, in_tenant, on=datetime.date(2027, 1, 1))

    assert _proposals(contract) == [("Silver", "superseded", True)]


def test_approving_moves_the_contract_to_the_proposed_tier_and_is_audited(
    tenant, ladder, figures, actor, in_tenant
):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    _run(tenant, in_tenant)
    with scopes_disabled():
        proposal = TierProposal.objects.get(contract=contract)

    with in_tenant(tenant):
        services.tier_proposal_approve(tenant=tenant, actor=actor, proposal=proposal)

    with scopes_disabled():
        assert PartnerContract.objects.get(pk=contract.pk).tier_id == ladder[1].pk
        proposal.refresh_from_db()
        event = AuditEvent.objects.get(tenant=tenant, action="tier_proposal.approved")
    assert proposal.status == TierProposalStatus.APPROVED
    assert proposal.decided_by == actor
    assert proposal.decided_at is not None
    assert event.changes == {"tier": ["Registered", "Silver"]}


def test_approving_twice_is_refused_and_changes_nothing(tenant, ladder, figures, actor, in_tenant):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    _run(tenant, in_tenant)
    with scopes_disabled():
        proposal = TierProposal.objects.get(contract=contract)
    with in_tenant(tenant):
        services.tier_proposal_approve(tenant=tenant, actor=actor, proposal=proposal)

    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.tier_proposal_approve(tenant=tenant, actor=actor, proposal=proposal)

    assert "already decided" in error.value.messages[0]
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="tier_proposal.approved").count() == 1


def test_approving_is_refused_once_the_contract_has_ended(
    tenant, ladder, figures, actor, in_tenant
):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    _run(tenant, in_tenant)
    with scopes_disabled():
        proposal = TierProposal.objects.get(contract=contract)
    with in_tenant(tenant):
        services_contracts.contract_end(tenant=tenant, actor=actor, contract=contract)

    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.tier_proposal_approve(tenant=tenant, actor=actor, proposal=proposal)

    assert "only a current contract changes tier" in error.value.messages[0]
    with scopes_disabled():
        assert PartnerContract.objects.get(pk=contract.pk).tier_id == ladder[0].pk
        proposal.refresh_from_db()
        assert not AuditEvent.objects.filter(action="tier_proposal.approved").exists()
    assert proposal.status == TierProposalStatus.PENDING


def test_rejecting_keeps_the_tier_and_records_the_reason(tenant, ladder, figures, actor, in_tenant):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4
    _run(tenant, in_tenant)
    with scopes_disabled():
        proposal = TierProposal.objects.get(contract=contract)

    with in_tenant(tenant):
        services.tier_proposal_reject(
            tenant=tenant, actor=actor, proposal=proposal, reason="  New  partner "
        )

    with scopes_disabled():
        assert PartnerContract.objects.get(pk=contract.pk).tier_id == ladder[0].pk
        proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("rejected", "New partner")


def test_the_fanout_task_evaluates_every_tenant_once_per_day(tenant, other_tenant, ladder, figures):
    contract = PartnerContractFactory(tier=ladder[0])
    figures[contract.partner_id] = 4

    assert tier_evaluation_fanout_task.delay(on=ON.isoformat()).get() == 2
    tier_evaluation_fanout_task.delay(on=ON.isoformat()).get()

    with scopes_disabled():
        assert TierEvaluation.objects.filter(evaluated_on=ON).count() == 2
    assert _proposals(contract) == [("Silver", "pending", True)]


def test_one_figures_call_per_contract(
    tenant, ladder, figures, in_tenant, django_assert_max_num_queries
):
    for _ in range(5):
        PartnerContractFactory(tier=ladder[0])

    with django_assert_max_num_queries(20):
        _run(tenant, in_tenant)

    assert len(figures.calls) == 5
