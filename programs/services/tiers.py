"""Tier evaluation and the decisions on its proposals.

The evaluation measures every current contract against its program's tiers and proposes the
tier earned; nothing changes a tier until a partner manager approves the proposal. Figures
nobody measured (no provider registered: programs/selectors/tier_figures.py) are zeros, and
zeros would demote every partner: such a run proposes no demotion.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from programs.commission.calculator import add_months
from programs.models import (
    ContractStatus,
    PartnerContract,
    Tier,
    TierEvaluation,
    TierProposal,
    TierProposalStatus,
)
from programs.selectors.tier_figures import TierFigures, tier_figures

register_action_labels(
    {
        "tier_evaluation.run": gettext_lazy("Tier evaluation run"),
        "tier_proposal.approved": gettext_lazy("Tier proposal approved"),
        "tier_proposal.rejected": gettext_lazy("Tier proposal rejected"),
    }
)

CURRENT_CONTRACT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.EXPIRING)
# (requirement key, Tier field): the order the figures table shows them in.
REQUIREMENTS = (
    ("meetings_held", "min_meetings_held"),
    ("won_deals", "min_won_deals"),
    ("revenue", "min_revenue"),
    ("certified_reps", "min_certified_reps"),
)


def tier_window(tier: Tier, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The `window_months` before `on`, `on` itself left out (a run on 1 Dec measures
    1 Dec last year .. 30 Nov)."""
    return add_months(on, -tier.window_months), on - datetime.timedelta(days=1)


def _measured(figures: TierFigures) -> dict[str, Any]:
    return {
        "meetings_held": figures.meetings_held,
        "won_deals": figures.won_deals,
        "revenue": figures.revenue.amount,
        "certified_reps": figures.certified_reps,
    }


def _meets(tier: Tier, measured: dict[str, Any]) -> bool:
    return all(measured[key] >= getattr(tier, field) for key, field in REQUIREMENTS)


def _earned_tier(tiers: list[Tier], measured: dict[str, Any]) -> Tier:
    """The highest tier whose every requirement is met; the lowest when none is."""
    earned = tiers[0]
    for tier in tiers:
        if _meets(tier, measured):
            earned = tier
    return earned


def _figures_json(
    *, tier: Tier, measured: dict[str, Any], figures: TierFigures, since, until
) -> dict[str, Any]:
    """Plain JSON: each requirement of the proposed tier and what was measured against it."""
    return {
        "requirements": [
            {
                "key": key,
                "needed": str(getattr(tier, field)),
                "measured": str(measured[key]),
                "met": bool(measured[key] >= getattr(tier, field)),
            }
            for key, field in REQUIREMENTS
        ],
        "currency": figures.revenue.currency,
        "window": {"since": since.isoformat(), "until": until.isoformat()},
        "providers": list(figures.providers),
    }


@service
def tier_evaluation_run(*, tenant: Tenant, on: datetime.date) -> TierEvaluation:
    """Evaluate every current contract of the tenant's live programs as of `on`.

    One evaluation per tenant and day: a re-run the same day updates it and its proposals
    (the one-pending-per-contract constraint keeps a proposal from doubling)."""
    evaluation, _created = TierEvaluation.objects.select_for_update().get_or_create(
        tenant=tenant, evaluated_on=on
    )
    contracts = list(
        PartnerContract.objects.filter(
            tenant=tenant, status__in=CURRENT_CONTRACT_STATUSES, program__is_archived=False
        )
        .select_related("partner", "tier")
        .order_by("pk")
    )
    program_ids = {contract.program_id for contract in contracts}
    tiers_by_program: dict[int, list[Tier]] = {}
    for tier in Tier.objects.filter(tenant=tenant, program_id__in=program_ids).order_by(
        "position", "pk"
    ):
        tiers_by_program.setdefault(tier.program_id, []).append(tier)
    pending = {
        proposal.contract_id: proposal
        for proposal in TierProposal.objects.select_for_update().filter(
            tenant=tenant, status=TierProposalStatus.PENDING, contract__in=[c.pk for c in contracts]
        )
    }
    measured_by: set[str] = set()
    to_supersede: list[int] = []
    for contract in contracts:
        since, until = tier_window(contract.tier, on)
        figures = tier_figures(tenant=tenant, partner=contract.partner, since=since, until=until)
        measured_by.update(figures.providers)
        measured = _measured(figures)
        earned = _earned_tier(tiers_by_program[contract.program_id], measured)
        open_proposal = pending.get(contract.pk)
        is_promotion = earned.position > contract.tier.position
        if earned.pk == contract.tier_id or (not figures.is_measured and not is_promotion):
            # SECURITY(data): unmeasured zeros never demote; nor do they withdraw a proposal.
            if open_proposal is not None and figures.is_measured:
                to_supersede.append(open_proposal.pk)
            continue
        values = {
            "current_tier": contract.tier,
            "proposed_tier": earned,
            "is_promotion": is_promotion,
            "window_start": since,
            "window_end": until,
            "figures": _figures_json(
                tier=earned, measured=measured, figures=figures, since=since, until=until
            ),
        }
        if open_proposal is not None and open_proposal.proposed_tier_id == earned.pk:
            continue
        if open_proposal is not None and open_proposal.evaluation_id == evaluation.pk:
            # The same day's run changed its mind: its own proposal is rewritten, not doubled.
            for name, value in values.items():
                setattr(open_proposal, name, value)
            open_proposal.save(update_fields=list(values))
            continue
        if open_proposal is not None:
            TierProposal.objects.filter(tenant=tenant, pk=open_proposal.pk).update(
                status=TierProposalStatus.SUPERSEDED
            )
        TierProposal.objects.create(
            tenant=tenant, evaluation=evaluation, contract=contract, **values
        )
    if to_supersede:
        TierProposal.objects.filter(tenant=tenant, pk__in=to_supersede).update(
            status=TierProposalStatus.SUPERSEDED
        )
    evaluation.contracts_checked = len(contracts)
    evaluation.proposals_made = TierProposal.objects.filter(
        tenant=tenant, evaluation=evaluation, status=TierProposalStatus.PENDING
    ).count()
    evaluation.measured_by = sorted(measured_by)
    evaluation.finished_at = timezone.now()
    evaluation.save(
        update_fields=["contracts_checked", "proposals_made", "measured_by", "finished_at"]
    )
    audit_record(
        tenant=tenant,
        actor=None,
        action="tier_evaluation.run",
        target=evaluation,
        changes={
            "evaluated_on": on.isoformat(),
            "contracts_checked": str(evaluation.contracts_checked),
            "proposals_made": str(evaluation.proposals_made),
            "measured_by": ", ".join(evaluation.measured_by),
        },
    )
    return evaluation


def _locked_pending_proposal(tenant: Tenant, proposal: TierProposal) -> TierProposal:
    if proposal.tenant_id != tenant.pk:
        # SECURITY(tenant): a proposal is only ever decided by its own tenant.
        raise ValidationError(_("This proposal belongs to another organization."))
    locked = (
        TierProposal.objects.select_for_update()
        .select_related("current_tier", "proposed_tier")
        .get(tenant=tenant, pk=proposal.pk)
    )
    if locked.status != TierProposalStatus.PENDING:
        raise ValidationError(
            _("This proposal was already decided (%(status)s): nothing was changed.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _decided(proposal: TierProposal, *, actor: User | None, status: str, note: str) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


@service
def tier_proposal_approve(
    *, tenant: Tenant, actor: User | None, proposal: TierProposal
) -> TierProposal:
    """Move the contract to the proposed tier, in the same transaction as the decision."""
    proposal = _locked_pending_proposal(tenant, proposal)
    contract = PartnerContract.objects.select_for_update().get(
        tenant=tenant, pk=proposal.contract_id
    )
    if contract.status not in CURRENT_CONTRACT_STATUSES:
        raise ValidationError(
            _(
                "The contract is not current (%(status)s): only a current contract changes "
                "tier. Reject this proposal instead."
            )
            % {"status": contract.get_status_display()}
        )
    if contract.tier_id != proposal.current_tier_id:
        raise ValidationError(
            _("The contract's tier changed since this proposal was made: nothing was changed.")
        )
    contract.tier = proposal.proposed_tier
    contract.save(update_fields=["tier"])
    _decided(proposal, actor=actor, status=TierProposalStatus.APPROVED, note="")
    audit_record(
        tenant=tenant,
        actor=actor,
        action="tier_proposal.approved",
        target=proposal,
        changes={"tier": [str(proposal.current_tier), str(proposal.proposed_tier)]},
    )
    return proposal


@service
def tier_proposal_reject(
    *, tenant: Tenant, actor: User | None, proposal: TierProposal, reason: str = ""
) -> TierProposal:
    proposal = _locked_pending_proposal(tenant, proposal)
    reason = " ".join((reason or "").split())[:500]
    _decided(proposal, actor=actor, status=TierProposalStatus.REJECTED, note=reason)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="tier_proposal.rejected",
        target=proposal,
        changes={
            "tier": [str(proposal.current_tier), str(proposal.proposed_tier)],
            "decision_note": reason,
        },
    )
    return proposal
