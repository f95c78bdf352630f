"""Reads of programs, tiers and contract types. Tenant explicit; another tenant's row answers
404, exactly like a missing one."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from programs.models import (
    CommissionRuleSet,
    CommissionRuleSetVersion,
    ContractType,
    PartnerContract,
    Program,
    Tier,
    TierProposal,
)


class Visibility:
    """The list's visibility filter: what a program is offered as, or archived."""

    CURRENT = ""  # public and internal, not archived: the default view
    PUBLIC = "public"
    INTERNAL = "internal"
    ARCHIVED = "archived"
    ALL = "all"


# Sort keys of the program list -> order_by fields (a "-" prefix reverses the first).
PROGRAM_SORTS = {
    "name": ("name", "id"),
    "contract_type": ("contract_type__position", "contract_type__name", "name", "id"),
    "tiers": ("tier_count", "name", "id"),
    "updated": ("updated_at", "id"),
}


def _program_order(sort: str) -> list:
    descending = sort.startswith("-")
    fields = PROGRAM_SORTS.get(sort.lstrip("-")) or PROGRAM_SORTS["name"]
    if not descending:
        return list(fields)
    return [f"-{fields[0]}", *fields[1:]]


def program_list(
    *,
    tenant: Tenant,
    query: str = "",
    visibility: str = Visibility.CURRENT,
    contract_type_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Program]:
    """The tenant's programs, filtered and sorted, each with its tier count (one query for the
    page whatever its length: paginate it)."""
    queryset = Program.objects.filter(tenant=tenant).select_related("contract_type")
    if visibility == Visibility.PUBLIC:
        queryset = queryset.filter(is_public=True, is_archived=False)
    elif visibility == Visibility.INTERNAL:
        queryset = queryset.filter(is_public=False, is_archived=False)
    elif visibility == Visibility.ARCHIVED:
        queryset = queryset.filter(is_archived=True)
    elif visibility != Visibility.ALL:
        queryset = queryset.filter(is_archived=False)
    if contract_type_id:
        queryset = queryset.filter(contract_type_id=contract_type_id)
    query = " ".join((query or "").split())
    if query:
        queryset = queryset.filter(name__icontains=query)
    queryset = queryset.annotate(tier_count=Count("tiers", filter=Q(tiers__tenant=tenant)))
    return queryset.order_by(*_program_order(sort))


def program_exists(*, tenant: Tenant) -> bool:
    return Program.objects.filter(tenant=tenant).exists()


def program_get(*, tenant: Tenant, program_id: int) -> Program:
    return get_object_or_404(
        Program.objects.filter(tenant=tenant).select_related("contract_type"), pk=program_id
    )


def program_tiers(*, tenant: Tenant, program: Program) -> QuerySet[Tier]:
    """The program's tiers, lowest first, with their rule set's name."""
    return (
        Tier.objects.filter(tenant=tenant, program=program)
        .select_related("rule_set")
        .order_by("position", "id")
    )


@dataclass(frozen=True)
class RuleSetSummary:
    rule_set: CommissionRuleSet
    version_count: int
    # The version in force today (the latest effective on or before it), if any.
    current_effective_from: datetime.date | None


def program_rule_sets(
    *, tenant: Tenant, program: Program, today: datetime.date
) -> list[RuleSetSummary]:
    """The program's commission rule sets with how many versions each has and the effective
    date of the one in force on `today` (one query)."""
    current = (
        CommissionRuleSetVersion.objects.filter(
            tenant=tenant, rule_set=OuterRef("pk"), effective_from__lte=today
        )
        .order_by("-effective_from")
        .values("effective_from")[:1]
    )
    rule_sets = (
        CommissionRuleSet.objects.filter(tenant=tenant, program=program)
        .annotate(
            version_count=Count("versions", filter=Q(versions__tenant=tenant)),
            current_effective_from=Subquery(current),
        )
        .order_by("name", "id")
    )
    return [
        RuleSetSummary(
            rule_set=rule_set,
            version_count=rule_set.version_count,
            current_effective_from=rule_set.current_effective_from,
        )
        for rule_set in rule_sets
    ]


def program_rule_set_choices(*, tenant: Tenant, program: Program) -> QuerySet[CommissionRuleSet]:
    """The rule sets a tier of `program` may name: the program's own."""
    return CommissionRuleSet.objects.filter(tenant=tenant, program=program).order_by("name", "id")


def tier_get(*, tenant: Tenant, tier_id: int, program: Program | None = None) -> Tier:
    queryset = Tier.objects.filter(tenant=tenant).select_related("program", "rule_set")
    if program is not None:
        queryset = queryset.filter(program=program)
    return get_object_or_404(queryset, pk=tier_id)


def tier_usage_count(*, tenant: Tenant, tier: Tier) -> int:
    """How many rows keep `tier` from being deleted: contracts at it, past or present, and
    tier proposals naming it (history must stay readable)."""
    contracts = PartnerContract.objects.filter(tenant=tenant, tier=tier).count()
    proposals = TierProposal.objects.filter(
        Q(current_tier=tier) | Q(proposed_tier=tier), tenant=tenant
    ).count()
    return contracts + proposals


# --- Contract types ---------------------------------------------------------------------------


def contract_types(*, tenant: Tenant) -> QuerySet[ContractType]:
    """The tenant's contract types in order, each with how many programs use it."""
    return (
        ContractType.objects.filter(tenant=tenant)
        .annotate(program_count=Count("programs", filter=Q(programs__tenant=tenant)))
        .order_by("position", "name", "id")
    )


def contract_type_choices(*, tenant: Tenant) -> QuerySet[ContractType]:
    return ContractType.objects.filter(tenant=tenant).order_by("position", "name", "id")


def contract_type_get(*, tenant: Tenant, contract_type_id: int) -> ContractType:
    return get_object_or_404(ContractType.objects.filter(tenant=tenant), pk=contract_type_id)


def public_program_list(*, tenant: Tenant) -> QuerySet[Program]:
    """The programs offered on the "become a partner" page: public and not archived."""
    return (
        Program.objects.filter(tenant=tenant, is_public=True, is_archived=False)
        .select_related("contract_type")
        .order_by("name", "id")
    )
