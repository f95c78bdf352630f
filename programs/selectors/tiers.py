"""Reads of tier evaluations and tier proposals (tenant explicit, another tenant's row is 404)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from programs.models import Program, TierEvaluation, TierProposal, TierProposalStatus

# Filter value -> statuses shown; "all" shows every status, superseded included.
STATUS_FILTERS = {
    "pending": (TierProposalStatus.PENDING,),
    "approved": (TierProposalStatus.APPROVED,),
    "rejected": (TierProposalStatus.REJECTED,),
    "all": tuple(TierProposalStatus.values),
}
SORTS = {
    "partner": ("contract__partner__display_name", "contract__partner__legal_name", "id"),
    "program": ("contract__program__name", "id"),
    "created": ("created_at", "id"),
}


def tier_proposal_list(
    *,
    tenant: Tenant,
    status: str = "pending",
    program_id: int | None = None,
    sort: str = "-created",
    with_evaluation: bool = False,
) -> QuerySet[TierProposal]:
    statuses = STATUS_FILTERS.get(status, STATUS_FILTERS["pending"])
    queryset = TierProposal.objects.filter(tenant=tenant, status__in=statuses).select_related(
        "contract__partner", "contract__program", "current_tier", "proposed_tier"
    )
    if program_id:
        queryset = queryset.filter(contract__program_id=program_id)
    if with_evaluation:
        queryset = queryset.select_related("evaluation")
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS["created"])
    return queryset.order_by(*(f"-{name}" if descending else name for name in fields))


def tier_proposal_get(*, tenant: Tenant, proposal_id: int) -> TierProposal:
    # SECURITY(tenant): another tenant's proposal answers 404 like a missing one.
    return get_object_or_404(
        TierProposal.objects.select_related(
            "contract__partner",
            "contract__program",
            "contract__tier",
            "current_tier",
            "proposed_tier",
            "evaluation",
            "decided_by",
        ),
        tenant=tenant,
        pk=proposal_id,
    )


def tier_evaluation_latest(*, tenant: Tenant) -> TierEvaluation | None:
    return TierEvaluation.objects.filter(tenant=tenant).order_by("-evaluated_on").first()


def tier_proposal_program_choices(*, tenant: Tenant) -> QuerySet[Program]:
    """The programs the proposal list can be filtered by."""
    return Program.objects.filter(tenant=tenant).order_by("name", "id")
