"""Whether a partner has accepted its program's terms: the question deal registration asks.

The deals app imports this (deals sits above programs); programs never asks the deals app."""

from accounts.models import Tenant
from partners.models import Partner
from programs.models import ContractStatus, PartnerContract, Program

CURRENT = (ContractStatus.ACTIVE, ContractStatus.EXPIRING)


def partner_terms_accepted(
    *, tenant: Tenant, partner: Partner, program: Program | None = None
) -> bool:
    """True when the partner holds a current contract (in `program`, or in any program when
    None) whose terms it accepted. One indexed query."""
    contracts = PartnerContract.objects.filter(
        tenant=tenant, partner=partner, status__in=CURRENT, terms_accepted_at__isnull=False
    )
    if program is not None:
        contracts = contracts.filter(program=program)
    return contracts.exists()


def contracts_awaiting_acceptance(*, tenant: Tenant, partner: Partner) -> int:
    """How many of the partner's open contracts have terms it has not accepted (the portal's
    badge and the home page's reminder)."""
    return PartnerContract.objects.filter(
        tenant=tenant,
        partner=partner,
        status__in=(ContractStatus.DRAFT, *CURRENT),
        terms__isnull=False,
        terms_accepted_at__isnull=True,
    ).count()
