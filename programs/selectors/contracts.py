"""Reads of partner contracts and program terms versions."""

import datetime

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from partners.models import Partner
from partners.selectors.api_reads import api_partner_search
from programs.models import ContractStatus, PartnerContract, ProgramTerms

SORTS = {
    "partner": "partner__display_name",
    "program": "program__name",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "status": "status",
}


def contract_list(
    *,
    tenant: Tenant,
    status: str = "",
    program_id: int | None = None,
    expiring_by: datetime.date | None = None,
    sort: str = "-starts_on",
) -> QuerySet[PartnerContract]:
    contracts = PartnerContract.objects.filter(tenant=tenant).select_related(
        "partner", "program", "tier"
    )
    if status:
        contracts = contracts.filter(status=status)
    if program_id:
        contracts = contracts.filter(program_id=program_id)
    if expiring_by is not None:
        contracts = contracts.filter(
            status__in=(ContractStatus.ACTIVE, ContractStatus.EXPIRING), ends_on__lte=expiring_by
        )
    key = sort.lstrip("-")
    order = SORTS.get(key, "starts_on")
    descending = sort.startswith("-") or key not in SORTS
    return contracts.order_by(f"-{order}" if descending else order, "-id")


def contract_exists(*, tenant: Tenant) -> bool:
    return PartnerContract.objects.filter(tenant=tenant).exists()


def contract_get(*, tenant: Tenant, contract_id: int) -> PartnerContract:
    return get_object_or_404(
        PartnerContract.objects.filter(tenant=tenant).select_related(
            "partner", "program", "tier", "terms", "terms_accepted_by", "signed_uploaded_by"
        ),
        pk=contract_id,
    )


def contract_chain(*, tenant: Tenant, contract: PartnerContract) -> list[PartnerContract]:
    """The renewal chain the contract belongs to, oldest first (earlier and later terms)."""
    chain = list(
        PartnerContract.objects.filter(
            tenant=tenant, partner_id=contract.partner_id, program_id=contract.program_id
        )
        .select_related("tier")
        .order_by("starts_on")
    )
    return chain


def program_terms_versions(*, tenant: Tenant, program) -> QuerySet[ProgramTerms]:
    return ProgramTerms.objects.filter(tenant=tenant, program=program).order_by("-number")


# --- The new-contract form and the partner page -------------------------------------------------

# How many partners the picker lists at once: a tenant may have a thousand, the person types to
# narrow them down.
PARTNER_PICKER_LIMIT = 20


def partner_picker_choices(
    *, tenant: Tenant, query: str = "", chosen: Partner | None = None
) -> tuple[list[Partner], bool]:
    """The partners the picker offers for `query` (name, reading or number), the chosen one
    first, and whether more match than it shows."""
    partners = api_partner_search(Partner.objects.filter(tenant=tenant), query)
    if chosen is not None:
        partners = partners.exclude(pk=chosen.pk)
    found = list(
        partners.order_by("legal_name_kana", "display_name", "pk")[: PARTNER_PICKER_LIMIT + 1]
    )
    has_more = len(found) > PARTNER_PICKER_LIMIT
    found = found[:PARTNER_PICKER_LIMIT]
    return ([chosen, *found] if chosen is not None else found), has_more


def partner_count(*, tenant: Tenant) -> int:
    return Partner.objects.filter(tenant=tenant).count()


def partner_contracts(*, tenant: Tenant, partner: Partner) -> QuerySet[PartnerContract]:
    """The partner's contracts, newest term first (the partner page's tab)."""
    return (
        PartnerContract.objects.filter(tenant=tenant, partner=partner)
        .select_related("program", "tier")
        .order_by("-starts_on", "-id")
    )


# --- A program's terms versions ----------------------------------------------------------------


def program_terms_summaries(*, tenant: Tenant, program) -> QuerySet[ProgramTerms]:
    """The program's terms versions, newest first, each with `contract_count` (how many
    contracts were offered it) and its author."""
    return (
        ProgramTerms.objects.filter(tenant=tenant, program=program)
        .select_related("created_by")
        .annotate(contract_count=Count("contracts"))
        .order_by("-number")
    )


def terms_get(*, tenant: Tenant, program, terms_id: int) -> ProgramTerms:
    return get_object_or_404(
        ProgramTerms.objects.filter(tenant=tenant, program=program).select_related("created_by"),
        pk=terms_id,
    )
