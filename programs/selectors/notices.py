"""Reads of written-terms notices: the portal's (own partner only), the staff's, and the shape
the page and the PDF render from a notice's `content`."""

import datetime

from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from partners.models import Partner
from programs.commission import RulesError, parse_rules
from programs.models import PartnerContract, WrittenTermsNotice


def portal_notice_get(*, tenant: Tenant, partner: Partner, notice_id: int) -> WrittenTermsNotice:
    """One of the partner's own notices; another partner's (or tenant's) answers 404."""
    # SECURITY(tenant): the partner comes from portal_partner(request), never from the URL.
    return get_object_or_404(
        WrittenTermsNotice.objects.filter(tenant=tenant, contract__partner=partner).select_related(
            "contract__program", "acknowledged_by"
        ),
        pk=notice_id,
    )


def notice_pdf_filename(notice: WrittenTermsNotice) -> str:
    return f"written-terms-notice-{notice.contract_id}-{notice.issued_at.date().isoformat()}.pdf"


def contract_notice(*, tenant: Tenant, contract: PartnerContract) -> WrittenTermsNotice | None:
    return (
        WrittenTermsNotice.objects.filter(tenant=tenant, contract=contract)
        .select_related("acknowledged_by")
        .first()
    )


def notices_attach(*, tenant: Tenant, contracts: list[PartnerContract]) -> None:
    """Set `written_notice` (or None) on each contract: one query for the whole list."""
    notices = WrittenTermsNotice.objects.filter(
        tenant=tenant, contract_id__in=[c.pk for c in contracts]
    ).select_related("acknowledged_by")
    by_contract = {notice.contract_id: notice for notice in notices}
    for contract in contracts:
        contract.written_notice = by_contract.get(contract.pk)


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def notice_display(content: dict) -> dict:
    """`content` with its dates as dates and its fee rules parsed into the commission engine's
    rule values (what programs/commission/_rules_summary.html shows), for the page and the PDF.
    An empty or older content shows what it has."""
    content = content or {}
    fee = dict(content.get("fee") or {})
    try:
        rules = parse_rules(fee.get("rules"), fee.get("currency") or "JPY")
    except RulesError:
        rules = ()
    fee["parsed_rules"] = rules
    term = dict(content.get("term") or {})
    term["starts_on"] = _date(term.get("starts_on"))
    term["ends_on"] = _date(term.get("ends_on"))
    return {
        **content,
        "date": _date(content.get("date")),
        "term": term,
        "fee": fee,
        "is_individual": (content.get("partner") or {}).get("entity_kind") == "individual",
    }
