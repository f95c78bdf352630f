"""Reads of the registrations area: the review queue, a deal's page, the portal's lists.

SECURITY(tenant): every read filters by the tenant; portal reads by the requesting user's own
partner too (partners.access.portal_partner), never by a partner id from the request.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from accounts.models import Tenant
from deals.models import (
    Deal,
    DealConflict,
    DealEvent,
    DealStageChange,
    ExtensionStatus,
    ProtectionExtension,
    RegistrationStatus,
)
from partners.models import Partner


def review_queue(*, tenant: Tenant):
    """Pending registrations, oldest first, each with its stored conflicts prefetched (one
    query for all of them; a row's number of matches is how many were prefetched). No count
    annotated over the join: that grouped every pending deal before the page was cut."""
    return (
        Deal.objects.filter(tenant=tenant, registration_status=RegistrationStatus.PENDING)
        .select_related("partner", "program", "rep")
        .prefetch_related(
            Prefetch(
                "conflicts",
                queryset=DealConflict.objects.filter(tenant=tenant).order_by("other_id"),
                to_attr="conflict_rows",
            )
        )
        .order_by("registered_at", "id")
    )


def pending_extensions(*, tenant: Tenant):
    return (
        ProtectionExtension.objects.filter(tenant=tenant, status=ExtensionStatus.PENDING)
        .select_related("deal__partner", "requested_by")
        .order_by("requested_at", "id")
    )


def staff_deal_get(*, tenant: Tenant, deal_id: int) -> Deal:
    deal = (
        Deal.objects.filter(tenant=tenant, pk=deal_id)
        .select_related(
            "partner",
            "program",
            "rep",
            "owner__user",
            "stage",
            "target_account",
            "second_partner",
            "registered_by",
            "reviewed_by",
            "duplicate_of",
        )
        .first()
    )
    if deal is None:
        raise Http404
    return deal


def portal_deals(*, tenant: Tenant, partner: Partner):
    return (
        Deal.objects.filter(tenant=tenant, partner=partner)
        .select_related("program", "stage", "rep")
        .order_by("-registered_at", "-id")
    )


def portal_deal_get(*, tenant: Tenant, partner: Partner, deal_id: int) -> Deal:
    deal = (
        Deal.objects.filter(tenant=tenant, partner=partner, pk=deal_id)
        .select_related("program", "stage", "rep")
        .first()
    )
    if deal is None:
        raise Http404
    return deal


def extension_get(*, tenant: Tenant, extension_id: int) -> ProtectionExtension:
    extension = (
        ProtectionExtension.objects.filter(tenant=tenant, pk=extension_id)
        .select_related("deal")
        .first()
    )
    if extension is None:
        raise Http404
    return extension


def deal_extensions(*, tenant: Tenant, deal: Deal):
    return ProtectionExtension.objects.filter(tenant=tenant, deal=deal).select_related(
        "requested_by", "decided_by"
    )


@dataclass
class HistoryLine:
    at: Any
    by: Any
    kind: str
    label: str
    data: dict


def deal_history(*, tenant: Tenant, deal: Deal, staff: bool) -> list[HistoryLine]:
    """Stage moves and events of the deal merged by time. For a partner user (`staff=False`)
    the actor is not named when it is the vendor's staff."""
    lines = []
    for change in DealStageChange.objects.filter(tenant=tenant, deal=deal).select_related(
        "from_stage", "to_stage", "changed_by"
    ):
        lines.append(
            HistoryLine(
                at=change.changed_at,
                by=change.changed_by,
                kind="stage",
                label=change.to_stage.name,
                data={
                    "from": change.from_stage.name if change.from_stage else "",
                    "note": change.note,
                },
            )
        )
    for event in DealEvent.objects.filter(tenant=tenant, deal=deal).select_related("by"):
        data = dict(event.data)
        for name in ("protected_until", "requested_until", "previous_until"):
            if data.get(name):
                # Stored as ISO text; shown as a date in the reader's format.
                data[name] = datetime.date.fromisoformat(data[name])
        lines.append(
            HistoryLine(
                at=event.at,
                by=event.by,
                kind=event.kind,
                label=event.get_kind_display(),
                data=data,
            )
        )
    lines.sort(key=lambda line: (line.at, 0 if line.kind == "stage" else 1))
    if not staff:
        for line in lines:
            if line.by is not None and line.by.pk != (deal.registered_by_id or 0):
                line.by = None
    return lines


# --- The API's reads -----------------------------------------------------------------------------


def api_deals(*, tenant: Tenant, portal: bool, own: Partner | None):
    """Deals the API lists: a partner user's own partner's only (none without a partner)."""
    queryset = Deal.objects.filter(tenant=tenant).select_related("partner", "program", "stage")
    if portal:
        # SECURITY(tenant): a partner user reads their own partner's deals only.
        queryset = queryset.filter(partner=own) if own is not None else queryset.none()
    return queryset.order_by("-registered_at", "-id")


def tenant_deals(*, tenant: Tenant):
    return Deal.objects.filter(tenant=tenant)


def tenant_extensions(*, tenant: Tenant):
    return ProtectionExtension.objects.filter(tenant=tenant)


def no_extensions():
    return ProtectionExtension.objects.none()


def registration_program_get(*, tenant: Tenant, partner: Partner, program_id: int):
    from deals.services.registrations import registration_programs

    return registration_programs(tenant=tenant, partner=partner).filter(pk=program_id).first()


def open_target_account_get(*, tenant: Tenant, partner: Partner, target_id: int):
    from deals.services.registrations import open_target_accounts

    return open_target_accounts(tenant=tenant, partner=partner).filter(pk=target_id).first()
