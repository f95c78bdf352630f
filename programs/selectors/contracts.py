"""Reads of partner contracts and program terms versions."""

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
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
