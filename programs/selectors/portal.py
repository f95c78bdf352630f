"""Reads of the portal's programs pages: a partner's own contracts, tiers and terms.

Every function takes the partner from portal_partner(request), never from the URL."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from partners.models import Partner
from programs.commission.calculator import add_months
from programs.models import ContractStatus, PartnerContract, Tier
from programs.selectors.tier_figures import TierFigures, tier_figures

SHOWN_STATUSES = (ContractStatus.DRAFT, ContractStatus.ACTIVE, ContractStatus.EXPIRING)


def portal_contracts(*, tenant: Tenant, partner: Partner) -> QuerySet[PartnerContract]:
    """The partner's contracts that are not ended, newest term first, with program, tier and
    terms loaded (a partner holds a handful)."""
    return (
        PartnerContract.objects.filter(tenant=tenant, partner=partner, status__in=SHOWN_STATUSES)
        .select_related("program__contract_type", "tier__rule_set", "terms")
        .order_by("program__name", "-starts_on", "-id")
    )


def portal_contract_get(*, tenant: Tenant, partner: Partner, contract_id: int) -> PartnerContract:
    """One of the partner's own contracts; another partner's (or tenant's) answers 404."""
    return get_object_or_404(
        PartnerContract.objects.filter(tenant=tenant, partner=partner).select_related(
            "program", "tier", "terms"
        ),
        pk=contract_id,
    )


@dataclass(frozen=True)
class Requirement:
    key: str
    needed: object
    measured: object

    @property
    def met(self) -> bool:
        return self.measured >= self.needed


@dataclass(frozen=True)
class TierProgress:
    """Where a current contract stands against the next tier of its program."""

    contract: PartnerContract
    next_tier: Tier | None
    figures: TierFigures | None
    requirements: list[Requirement]


def _requirements(tier: Tier, figures: TierFigures) -> list[Requirement]:
    pairs = [
        ("meetings_held", tier.min_meetings_held, figures.meetings_held),
        ("won_deals", tier.min_won_deals, figures.won_deals),
        ("revenue", tier.min_revenue, figures.revenue.amount),
        ("certified_reps", tier.min_certified_reps, figures.certified_reps),
    ]
    return [Requirement(key, needed, measured) for key, needed, measured in pairs if needed]


def portal_tier_progress(
    *, tenant: Tenant, partner: Partner, contracts: list[PartnerContract], today: datetime.date
) -> list[TierProgress]:
    """Per current contract: the next tier up and each of its requirements against the
    partner's figures over that tier's window (zeros until deals feed tier_figures; the page
    says so). One query for the tiers of every program, then the figures per contract."""
    current = [c for c in contracts if c.is_current]
    program_ids = {c.program_id for c in current}
    tiers_by_program: dict[int, list[Tier]] = {}
    for tier in Tier.objects.filter(tenant=tenant, program_id__in=program_ids).order_by(
        "position", "id"
    ):
        tiers_by_program.setdefault(tier.program_id, []).append(tier)
    progress = []
    for contract in current:
        tiers = tiers_by_program.get(contract.program_id, [])
        above = [t for t in tiers if t.position > contract.tier.position]
        next_tier = above[0] if above else None
        if next_tier is None:
            progress.append(TierProgress(contract, None, None, []))
            continue
        since = add_months(today, -next_tier.window_months) + datetime.timedelta(days=1)
        figures = tier_figures(tenant=tenant, partner=partner, since=since, until=today)
        progress.append(
            TierProgress(contract, next_tier, figures, _requirements(next_tier, figures))
        )
    return progress
