"""Reads of commission rule sets and their versions; the calculator's input for a rule set.

Tenant explicit everywhere; another tenant's rule set or version answers 404 like a missing one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from programs.commission import (
    CommissionEvent,
    CommissionResult,
    VersionSpec,
    calculate,
    parse_rules,
    version_effective_on,
)
from programs.models import (
    CommissionRuleSet,
    CommissionRuleSetVersion,
    ContractStatus,
    PartnerContract,
    Program,
)


def rule_sets(*, tenant: Tenant, program_id: int | None = None) -> QuerySet[CommissionRuleSet]:
    """The tenant's rule sets with their program and how many versions each has."""
    queryset = (
        CommissionRuleSet.objects.filter(tenant=tenant)
        .select_related("program")
        .annotate(version_count=Count("versions"))
        .order_by("program__name", "name", "id")
    )
    if program_id is not None:
        queryset = queryset.filter(program_id=program_id)
    return queryset


def rule_sets_for_program(*, tenant: Tenant, program: Program) -> QuerySet[CommissionRuleSet]:
    """The rule sets of one program (the program page lists them)."""
    return rule_sets(tenant=tenant, program_id=program.pk)


def rule_set_get(*, tenant: Tenant, rule_set_id: int) -> CommissionRuleSet:
    return get_object_or_404(
        CommissionRuleSet.objects.filter(tenant=tenant).select_related("program"), pk=rule_set_id
    )


def rule_set_versions(
    *, tenant: Tenant, rule_set: CommissionRuleSet
) -> QuerySet[CommissionRuleSetVersion]:
    """The versions of a rule set, the latest date first, with who created each."""
    return (
        CommissionRuleSetVersion.objects.filter(tenant=tenant, rule_set=rule_set)
        .select_related("created_by")
        .order_by("-effective_from", "-number")
    )


def version_get(
    *, tenant: Tenant, rule_set: CommissionRuleSet, version_id: int
) -> CommissionRuleSetVersion:
    return get_object_or_404(
        CommissionRuleSetVersion.objects.filter(tenant=tenant, rule_set=rule_set), pk=version_id
    )


def versions_with_rule_sets(*, tenant: Tenant, rule_set_id: int | None = None):
    """Versions of the tenant's rule sets for the API (filter by rule set)."""
    queryset = (
        CommissionRuleSetVersion.objects.filter(tenant=tenant)
        .select_related("rule_set", "created_by")
        .order_by("rule_set_id", "-effective_from")
    )
    if rule_set_id is not None:
        queryset = queryset.filter(rule_set_id=rule_set_id)
    return queryset


def program_choices(*, tenant: Tenant) -> QuerySet[Program]:
    return Program.objects.filter(tenant=tenant, is_archived=False).order_by("name", "id")


def rule_set_choices(*, tenant: Tenant) -> QuerySet[CommissionRuleSet]:
    return (
        CommissionRuleSet.objects.filter(tenant=tenant)
        .select_related("program")
        .prefetch_related(
            Prefetch("versions", queryset=CommissionRuleSetVersion.objects.filter(tenant=tenant))
        )
        .order_by("program__name", "name", "id")
    )


def version_spec(version: CommissionRuleSetVersion, rule_set: CommissionRuleSet) -> VersionSpec:
    """A stored version as the calculator reads it (its rules were checked when it was saved)."""
    return VersionSpec(
        rule_set_id=rule_set.pk,
        rule_set_name=rule_set.name,
        currency=rule_set.currency,
        version_id=version.pk,
        number=version.number,
        effective_from=version.effective_from,
        rules=parse_rules(version.rules, rule_set.currency),
        holding_days=version.holding_days,
        clawback_days=version.clawback_days,
    )


def version_specs(*, tenant: Tenant, rule_set: CommissionRuleSet) -> list[VersionSpec]:
    return [
        version_spec(version, rule_set)
        for version in CommissionRuleSetVersion.objects.filter(tenant=tenant, rule_set=rule_set)
    ]


def commission_preview(
    *, tenant: Tenant, rule_set: CommissionRuleSet, event: CommissionEvent
) -> CommissionResult:
    """What the rule set would pay for a hypothetical event: the calculator, on its versions.
    Reads only: a preview never marks a version as used."""
    return calculate(versions=version_specs(tenant=tenant, rule_set=rule_set), event=event)


@dataclass(frozen=True)
class TimelineEntry:
    version: CommissionRuleSetVersion
    rules: tuple
    # The last day it applies (the day before the next version starts); None: open-ended.
    until: datetime.date | None
    state: str  # "future", "current" or "past"
    may_delete: bool


def rule_set_timeline(
    *, tenant: Tenant, rule_set: CommissionRuleSet, today: datetime.date
) -> list[TimelineEntry]:
    """The versions as a timeline, the latest date first: what each pays, from when to when,
    whether it is in force, and whether it may still be deleted. One query."""
    versions = list(rule_set_versions(tenant=tenant, rule_set=rule_set))
    current = version_effective_on([version_spec(v, rule_set) for v in versions], today)
    entries, next_start = [], None
    for version in versions:
        if version.effective_from > today:
            state = "future"
        elif current is not None and version.pk == current.version_id:
            state = "current"
        else:
            state = "past"
        entries.append(
            TimelineEntry(
                version=version,
                rules=parse_rules(version.rules, rule_set.currency),
                until=next_start - datetime.timedelta(days=1) if next_start else None,
                state=state,
                may_delete=state == "future" and not version.is_used,
            )
        )
        next_start = version.effective_from
    return entries


def current_version(
    *, tenant: Tenant, rule_set: CommissionRuleSet, today: datetime.date
) -> CommissionRuleSetVersion | None:
    """The version the editor starts from: the one in force today, else the latest."""
    versions = list(rule_set_versions(tenant=tenant, rule_set=rule_set))
    in_force = [v for v in versions if v.effective_from <= today]
    return (in_force or versions or [None])[0]


def no_rule_sets() -> QuerySet[CommissionRuleSet]:
    """An empty queryset for a serializer field until the request's tenant narrows it."""
    return CommissionRuleSet.objects.none()


@dataclass(frozen=True)
class PartnerCommission:
    """What the partner's contract pays for a real event: the contract in force on the event's
    date, its tier's rule set, and the calculator's result (None where there is nothing to
    calculate, with `missing` saying why: "contract" or "rule_set")."""

    contract: PartnerContract | None
    rule_set: CommissionRuleSet | None
    result: CommissionResult | None
    missing: str = ""


def contract_in_force(
    *, tenant: Tenant, partner_id: int, program_id: int, day: datetime.date
) -> PartnerContract | None:
    """The partner's contract in the program whose term covers `day` (signed: not a draft;
    one that ended since still covers the days of its term)."""
    return (
        PartnerContract.objects.filter(
            tenant=tenant,
            partner_id=partner_id,
            program_id=program_id,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .exclude(status=ContractStatus.DRAFT)
        .select_related("tier__rule_set")
        .order_by("-starts_on", "-id")
        .first()
    )


def partner_commission(
    *, tenant: Tenant, partner_id: int, program_id: int, event: CommissionEvent
) -> PartnerCommission:
    """What the main partner's contract in the program pays for `event`: the calculator on the
    versions of its tier's rule set (the version in force on the event's date applies).
    EventError from the calculator reaches the caller."""
    contract = contract_in_force(
        tenant=tenant, partner_id=partner_id, program_id=program_id, day=event.date
    )
    if contract is None:
        return PartnerCommission(contract=None, rule_set=None, result=None, missing="contract")
    rule_set = contract.tier.rule_set
    if rule_set is None:
        return PartnerCommission(contract=contract, rule_set=None, result=None, missing="rule_set")
    result = calculate(versions=version_specs(tenant=tenant, rule_set=rule_set), event=event)
    return PartnerCommission(contract=contract, rule_set=rule_set, result=result)
