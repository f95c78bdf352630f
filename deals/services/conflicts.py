"""Conflict detection: which other deals of the tenant hold the same customer, and why.

A deal holds its customer while its registration is pending, approved or direct
(HOLDING_STATUSES) and it is not lost. Each reason is one indexed equality on a stored key
(deals.models.Deal's indexes): the corporate number, the web domain, the contact's e-mail
domain (free-mail already blank in the key), the normalised company name. Never a scan.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from accounts.models import Tenant
from deals.models import HOLDING_STATUSES, ConflictReason, Deal, DealConflict
from deals.names import deal_keys


@dataclass
class Match:
    deal: Deal
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [str(ConflictReason(reason).label) for reason in self.reasons]


def keys_of(
    *,
    customer_name: str = "",
    corporate_number: str = "",
    web_domain: str = "",
    contact_email: str = "",
) -> dict[str, str]:
    """The comparable keys of what was typed (as stored on a deal)."""
    keys = deal_keys(
        customer_name=customer_name or "",
        web_domain=web_domain or "",
        contact_email=contact_email or "",
    )
    keys["corporate_number"] = (corporate_number or "").strip()
    return keys


def _reasons(deal: Deal, keys: dict[str, str]) -> list[str]:
    reasons = []
    if keys["corporate_number"] and deal.corporate_number == keys["corporate_number"]:
        reasons.append(ConflictReason.CORPORATE_NUMBER)
    if keys["web_domain"] and keys["web_domain"] in (deal.web_domain, deal.contact_email_domain):
        reasons.append(ConflictReason.WEB_DOMAIN)
    elif keys["contact_email_domain"] and keys["contact_email_domain"] in (
        deal.contact_email_domain,
        deal.web_domain,
    ):
        reasons.append(ConflictReason.EMAIL_DOMAIN)
    if keys["customer_name_key"] and deal.customer_name_key == keys["customer_name_key"]:
        reasons.append(ConflictReason.COMPANY_NAME)
    return [str(reason) for reason in reasons]


def matches_for_keys(
    *, tenant: Tenant, keys: dict[str, str], exclude_id: int | None = None
) -> list[Match]:
    """The holding, not-lost deals of the tenant sharing any key, oldest first, with reasons.

    One query: an OR of indexed equalities (PostgreSQL combines the partial indexes with a
    bitmap OR)."""
    # Each arm names the tenant, so each is an equality on one (tenant, key) index and the
    # planner combines them (BitmapOr) instead of reading the tenant's deals.
    arms = []
    if keys["corporate_number"]:
        arms.append(Q(tenant=tenant, corporate_number=keys["corporate_number"]))
    for domain in sorted({keys["web_domain"], keys["contact_email_domain"]} - {""}):
        arms.append(Q(tenant=tenant, web_domain=domain))
        arms.append(Q(tenant=tenant, contact_email_domain=domain))
    if keys["customer_name_key"]:
        arms.append(Q(tenant=tenant, customer_name_key=keys["customer_name_key"]))
    if not arms:
        return []
    condition = arms[0]
    for arm in arms[1:]:
        condition |= arm
    deals = (
        Deal.objects.filter(condition)
        .filter(tenant=tenant, registration_status__in=HOLDING_STATUSES, lost_on__isnull=True)
        .select_related("partner", "stage")
        .order_by("registered_at", "id")
    )
    if exclude_id is not None:
        deals = deals.exclude(pk=exclude_id)
    matches = []
    for deal in deals:
        reasons = _reasons(deal, keys)
        if reasons:
            matches.append(Match(deal=deal, reasons=reasons))
    return matches


def matches_for_deal(*, tenant: Tenant, deal: Deal) -> list[Match]:
    keys = {
        "customer_name_key": deal.customer_name_key,
        "web_domain": deal.web_domain,
        "contact_email_domain": deal.contact_email_domain,
        "corporate_number": deal.corporate_number,
    }
    return matches_for_keys(tenant=tenant, keys=keys, exclude_id=deal.pk)


def conflicts_refresh(*, tenant: Tenant, deal: Deal) -> list[Match]:
    """Re-check one deal and store its matches both ways (deal -> other, other -> deal):
    rows for pairs that no longer match go, new ones come, reasons are brought up to date.
    A step of the caller's transaction."""
    matches = matches_for_deal(tenant=tenant, deal=deal)
    now = timezone.now()
    found = {match.deal.pk: match.reasons for match in matches}
    stale = DealConflict.objects.filter(tenant=tenant).filter(Q(deal=deal) | Q(other=deal))
    stale = stale.exclude(deal=deal, other_id__in=found).exclude(other=deal, deal_id__in=found)
    stale.delete()
    for other_id, reasons in found.items():
        for one, two in ((deal.pk, other_id), (other_id, deal.pk)):
            DealConflict.objects.update_or_create(
                tenant=tenant,
                deal_id=one,
                other_id=two,
                defaults={"reasons": reasons, "detected_at": now},
            )
    return matches


def stored_matches(*, tenant: Tenant, deal: Deal) -> list[Match]:
    """The deal's stored matches (as of the last check), oldest deal first."""
    rows = (
        DealConflict.objects.filter(tenant=tenant, deal=deal)
        .select_related("other__partner", "other__stage", "other__rep")
        .order_by("other__registered_at", "other_id")
    )
    return [Match(deal=row.other, reasons=list(row.reasons)) for row in rows]
