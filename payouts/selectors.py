"""Reads of the ledger and of what the ledger needs from the deals it books.

Tenant explicit everywhere; another tenant's or another partner's line answers 404.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Tenant
from deals.models import Deal, DealEvent, DealEventKind
from partners.choices import EntityKind
from partners.models import Partner, PartnerRep
from payouts.models import (
    ISSUED_STATUSES,
    LedgerLine,
    LineStatus,
    PartnerPayoutProfile,
    PartnerResponse,
    PayoutPeriod,
    PayoutSettings,
    Statement,
    StatementLine,
    StatementStatus,
)

ZERO = Decimal(0)


# --- What a deal's amounts were, and when -------------------------------------------------------


@dataclass(frozen=True)
class AmountSegment:
    """The deal's amounts from `starts_on` (None: from the win) until the next segment."""

    starts_on: datetime.date | None
    one_time: Decimal
    monthly: Decimal
    change_id: int | None = None


def deal_amount_segments(*, tenant: Tenant, deal: Deal) -> list[AmountSegment]:
    """The amounts the deal had at its win, then after each change (oldest first). A change's
    date is the tenant's local date of when it was made."""
    changes = list(
        DealEvent.objects.filter(
            tenant=tenant, deal=deal, kind=DealEventKind.AMOUNT_CHANGED
        ).order_by("at", "id")
    )
    if not changes:
        return [AmountSegment(None, deal.amount_one_time, deal.amount_monthly)]
    first = changes[0].data
    segments = [AmountSegment(None, Decimal(first["old_one_time"]), Decimal(first["old_monthly"]))]
    for change in changes:
        segments.append(
            AmountSegment(
                timezone.localtime(change.at).date(),
                Decimal(change.data["new_one_time"]),
                Decimal(change.data["new_monthly"]),
                change_id=change.pk,
            )
        )
    return segments


def fiscal_year_start(tenant: Tenant, day: datetime.date) -> datetime.date:
    month = tenant.fiscal_year_start_month or 1
    year = day.year if day.month >= month else day.year - 1
    return datetime.date(year, month, 1)


def partner_revenue_before(*, tenant: Tenant, deal: Deal, won_on: datetime.date) -> Decimal:
    """The partner's won one-time revenue in the fiscal year before this deal (brackets pay on
    the cumulative figure): deals won earlier in the year, or the same day with a lower id."""
    total = (
        Deal.objects.filter(
            tenant=tenant,
            partner_id=deal.partner_id,
            won_on__gte=fiscal_year_start(tenant, won_on),
            currency=deal.currency,
        )
        .filter(Q(won_on__lt=won_on) | Q(won_on=won_on, pk__lt=deal.pk))
        .aggregate(total=Sum("amount_one_time"))["total"]
    )
    return total or ZERO


# --- The ledger -----------------------------------------------------------------------------------


def with_status(
    lines: QuerySet[LedgerLine], today: datetime.date, *, issued_only: bool = False
) -> QuerySet[LedgerLine]:
    """Each line's status as `line_status`: paid once a paid statement of its partner and
    period holds it (the first statement, or a correction that restates its lines), on
    statement once one does, else payable when its holding period has ended and accrued
    before. `issued_only`: as the partner sees it, for whom a draft or approved statement does
    not count yet (a line on one is still payable). Correlated EXISTS on keys, one query."""
    # The period of the statement that holds the line (a ledger line is on one at most).
    holder_period = StatementLine.objects.filter(
        tenant=OuterRef(OuterRef("tenant")), ledger_line=OuterRef(OuterRef("pk"))
    ).values("statement__period_id")[:1]

    def stated(statuses) -> Exists:
        statements = Statement.objects.filter(
            tenant=OuterRef("tenant"),
            partner_id=OuterRef("partner_id"),
            period_id=Subquery(holder_period),
        )
        return Exists(statements.filter(status__in=statuses) if statuses else statements)

    return lines.annotate(
        line_status=Case(
            When(stated([StatementStatus.PAID]), then=Value(LineStatus.PAID)),
            When(
                stated(ISSUED_STATUSES if issued_only else None),
                then=Value(LineStatus.ON_STATEMENT),
            ),
            When(payable_from__lte=today, then=Value(LineStatus.PAYABLE)),
            default=Value(LineStatus.ACCRUED),
            output_field=CharField(),
        )
    )


LEDGER_SORTS = {
    "accrued_on": ("accrued_on", "id"),
    "partner": ("partner__legal_name", "accrued_on", "id"),
    "amount": ("amount", "id"),
    "kind": ("kind", "accrued_on", "id"),
}


def ledger_lines(
    *,
    tenant: Tenant,
    today: datetime.date,
    partner_id: int | None = None,
    kind: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    query: str = "",
    sort: str = "-accrued_on",
) -> QuerySet[LedgerLine]:
    lines = LedgerLine.objects.filter(tenant=tenant)
    if partner_id:
        lines = lines.filter(partner_id=partner_id)
    if kind:
        lines = lines.filter(kind=kind)
    lines = with_status(lines, today)
    if status in LineStatus.values:
        lines = lines.filter(line_status=status)
    if date_from:
        lines = lines.filter(accrued_on__gte=date_from)
    if date_to:
        lines = lines.filter(accrued_on__lte=date_to)
    if query:
        lines = lines.filter(
            Q(deal__customer_name__icontains=query) | Q(description__icontains=query)
        )
    descending = sort.startswith("-")
    fields = LEDGER_SORTS.get(sort.lstrip("-"), LEDGER_SORTS["accrued_on"])
    order = [f"-{field}" if descending else field for field in fields]
    return lines.select_related("partner", "rep", "deal").order_by(*order)


@dataclass(frozen=True)
class LedgerTotals:
    accrued: Decimal
    payable: Decimal
    total: Decimal


def ledger_totals(lines: QuerySet[LedgerLine], today: datetime.date) -> dict[str, LedgerTotals]:
    """Totals per currency of the lines (one aggregate query)."""
    rows = (
        lines.order_by()
        .values("currency")
        .annotate(
            total=Sum("amount"),
            payable=Sum("amount", filter=Q(payable_from__lte=today)),
            accrued=Sum("amount", filter=Q(payable_from__gt=today)),
        )
    )
    result = {}
    for row in rows:
        result[row["currency"]] = LedgerTotals(
            accrued=row["accrued"] or ZERO,
            payable=row["payable"] or ZERO,
            total=row["total"] or ZERO,
        )
    return result


def ledger_line_get(*, tenant: Tenant, line_id: int, today: datetime.date) -> LedgerLine:
    return get_object_or_404(
        with_status(LedgerLine.objects.filter(tenant=tenant), today).select_related(
            "partner", "rep", "deal", "reverses", "rule_set_version__rule_set", "created_by"
        ),
        pk=line_id,
    )


def line_reversals(*, tenant: Tenant, line: LedgerLine) -> QuerySet[LedgerLine]:
    return LedgerLine.objects.filter(tenant=tenant, reverses=line)


def has_lines(*, tenant: Tenant) -> bool:
    return LedgerLine.objects.filter(tenant=tenant).exists()


# --- The payout calendar and its periods ----------------------------------------------------


def payout_settings(*, tenant: Tenant) -> PayoutSettings:
    """The tenant's saved settings, or the defaults (月末締め翌月末払い) until it saves some."""
    return PayoutSettings.objects.filter(tenant=tenant).first() or PayoutSettings(tenant=tenant)


def _period_lines(tenant: Tenant):
    return LedgerLine.objects.filter(
        tenant=tenant,
        booked_on__gte=OuterRef("starts_on"),
        booked_on__lte=OuterRef("ends_on"),
    ).order_by()


def payout_periods(*, tenant: Tenant) -> QuerySet[PayoutPeriod]:
    """The periods, latest first, each with its lines' count and total in the tenant's
    currency (`line_count`, `line_total`): two correlated aggregates, one query."""
    lines = _period_lines(tenant)
    return (
        PayoutPeriod.objects.filter(tenant=tenant)
        .annotate(
            line_count=Subquery(lines.values("tenant").annotate(n=Count("id")).values("n")[:1]),
            line_total=Subquery(
                lines.filter(currency=tenant.base_currency)
                .values("tenant")
                .annotate(total=Sum("amount"))
                .values("total")[:1]
            ),
        )
        .select_related("closed_by")
        .order_by("-starts_on")
    )


def payout_period_get(*, tenant: Tenant, period_id: int) -> PayoutPeriod:
    return get_object_or_404(payout_periods(tenant=tenant), pk=period_id)


def current_period(*, tenant: Tenant, today: datetime.date) -> PayoutPeriod | None:
    return PayoutPeriod.objects.filter(
        tenant=tenant, starts_on__lte=today, ends_on__gte=today
    ).first()


# --- Statements ---------------------------------------------------------------------------------


STATEMENT_SORTS = {
    "partner": ("partner__legal_name", "id"),
    "net_payable": ("net_payable", "id"),
    "period": ("period__starts_on", "partner__legal_name", "id"),
}


def statement_list(
    *,
    tenant: Tenant,
    period_id: int | None = None,
    status: str = "",
    partner_id: int | None = None,
    response: str | None = None,
    sort: str = "-period",
) -> QuerySet[Statement]:
    statements = Statement.objects.filter(tenant=tenant)
    if response is not None:
        statements = statements.filter(response=response, status__in=ISSUED_STATUSES)
    if period_id:
        statements = statements.filter(period_id=period_id)
    if status:
        statements = statements.filter(status=status)
    if partner_id:
        statements = statements.filter(partner_id=partner_id)
    descending = sort.startswith("-")
    fields = STATEMENT_SORTS.get(sort.lstrip("-"), STATEMENT_SORTS["period"])
    order = [f"-{field}" if descending else field for field in fields]
    corrected = Statement.objects.filter(tenant=tenant, corrects=OuterRef("pk"))
    return (
        statements.annotate(is_corrected=Exists(corrected))
        .select_related("partner", "period", "approved_by")
        .order_by(*order)
    )


def statement_get(*, tenant: Tenant, statement_id: int) -> Statement:
    return get_object_or_404(
        Statement.objects.filter(tenant=tenant).select_related(
            "partner", "period", "approved_by", "second_approved_by", "corrects"
        ),
        pk=statement_id,
    )


def statement_correction(*, tenant: Tenant, statement: Statement) -> Statement | None:
    """The statement that corrects this one, if any (one at most: a database key)."""
    return Statement.objects.filter(tenant=tenant, corrects=statement).first()


def statement_lines(*, tenant: Tenant, statement: Statement) -> QuerySet[StatementLine]:
    """The statement's lines: a correction states the lines of the statement it corrects
    (the first of the partner and period holds them, a ledger line being on one statement)."""
    return (
        StatementLine.objects.filter(
            tenant=tenant,
            statement__partner=statement.partner_id,
            statement__period=statement.period_id,
            statement__revision=0,
        )
        .select_related("ledger_line__deal", "ledger_line__rep")
        .order_by("ledger_line__accrued_on", "ledger_line_id")
    )


def payout_profile(*, tenant: Tenant, partner: Partner) -> PartnerPayoutProfile:
    """The partner's saved profile, or the defaults (no withholding, consumption tax added)."""
    return PartnerPayoutProfile.objects.filter(
        tenant=tenant, partner=partner
    ).first() or PartnerPayoutProfile(tenant=tenant, partner=partner)


def period_statement_counts(*, tenant: Tenant, period_ids) -> dict[int, dict]:
    """Per period: how many statements, how many still drafts, their net total (one query)."""
    rows = (
        Statement.objects.filter(tenant=tenant, period_id__in=list(period_ids))
        .order_by()
        .values("period_id")
        .annotate(
            count=Count("id"),
            drafts=Count("id", filter=Q(status=StatementStatus.DRAFT)),
            net=Sum("net_payable"),
        )
    )
    return {row["period_id"]: row for row in rows}


def statement_document(*, tenant: Tenant, statement: Statement) -> dict:
    """Everything the statement's PDF shows (domain.md §5, a payer-issued statement used as a
    qualified invoice): issuer, recipient with its honorific, number, dates, period, lines,
    amount and tax per rate, withholding, net, due date, bank account, confirmation clause."""
    partner = statement.partner
    settings_row = payout_settings(tenant=tenant)
    is_person = partner.entity_kind == EntityKind.INDIVIDUAL
    return {
        "statement": statement,
        "issuer": {
            "name": tenant.issuer_legal_name or tenant.name,
            "address": tenant.issuer_address,
            "registration_number": tenant.issuer_registration_number,
        },
        "recipient": {
            "name": partner.legal_name,
            # 御中 after a company, 様 after a person (domain.md §5).
            "is_person": is_person,
            # Labels are rendered in the statement's language: the template calls them.
            "partner": partner,
            "registration_number": statement.recipient_registration_number,
        },
        "lines": list(statement_lines(tenant=tenant, statement=statement)),
        "taxes": statement.taxes,
        "bank": {
            "bank": f"{partner.bank_name} ({partner.bank_code})" if partner.bank_code else "",
            "branch": f"{partner.branch_name} ({partner.branch_code})"
            if partner.branch_code
            else "",
            "type": partner.get_account_type_display if partner.account_type else "",
            "number": partner.account_number,
            "holder": partner.account_holder_kana,
        },
        "deemed_days": settings_row.deemed_confirmation_days,
    }


def statement_pdf_intact(statement: Statement) -> bool:
    """The stored PDF is the one that was issued: its SHA-256 matches the frozen one."""
    digest = hashlib.sha256()
    with statement.pdf.open("rb") as stored:
        for chunk in iter(lambda: stored.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest() == statement.pdf_sha256


def statement_pdf_filename(statement: Statement) -> str:
    return f"statement-{statement.number}.pdf"


# --- The partner portal ---------------------------------------------------------------------------
#
# SECURITY(tenant): every read below takes the partner of the requesting portal user
# (partners.access.portal_partner / portal_rep), never a partner id from the request; a rep
# also passes `rep` and reads only what credits them. Another partner's (or rep's) row answers
# 404 like a missing one. Drafts and approved statements are finance's work in progress: the
# partner sees a statement once it is issued.


def _portal_lines(
    tenant: Tenant, partner: Partner, rep: PartnerRep | None, today: datetime.date
) -> QuerySet[LedgerLine]:
    lines = LedgerLine.objects.filter(tenant=tenant, partner=partner)
    if rep is not None:
        lines = lines.filter(rep=rep)
    return with_status(lines, today, issued_only=True)


def portal_ledger_lines(
    *,
    tenant: Tenant,
    partner: Partner,
    today: datetime.date,
    rep: PartnerRep | None = None,
    status: str = "",
) -> QuerySet[LedgerLine]:
    """The partner's lines, newest first (`rep`: only the lines crediting that rep)."""
    lines = _portal_lines(tenant, partner, rep, today)
    if status in LineStatus.values:
        lines = lines.filter(line_status=status)
    return lines.select_related("rep", "deal").order_by("-accrued_on", "-id")


@dataclass(frozen=True)
class PortalTotals:
    accrued: Decimal
    payable: Decimal
    paid: Decimal


def portal_ledger_totals(
    *, tenant: Tenant, partner: Partner, today: datetime.date, rep: PartnerRep | None = None
) -> dict[str, PortalTotals]:
    """Per currency (one aggregate query): accrued, in the holding period; payable, not yet
    paid (on a statement or waiting for the next one); paid. The three add up to the total."""
    rows = (
        _portal_lines(tenant, partner, rep, today)
        .order_by()
        .values("currency")
        .annotate(
            accrued=Sum("amount", filter=Q(line_status=LineStatus.ACCRUED)),
            payable=Sum(
                "amount", filter=Q(line_status__in=[LineStatus.PAYABLE, LineStatus.ON_STATEMENT])
            ),
            paid=Sum("amount", filter=Q(line_status=LineStatus.PAID)),
        )
    )
    return {
        row["currency"]: PortalTotals(
            accrued=row["accrued"] or ZERO,
            payable=row["payable"] or ZERO,
            paid=row["paid"] or ZERO,
        )
        for row in rows
    }


def portal_has_lines(*, tenant: Tenant, partner: Partner, rep: PartnerRep | None = None) -> bool:
    lines = LedgerLine.objects.filter(tenant=tenant, partner=partner)
    if rep is not None:
        lines = lines.filter(rep=rep)
    return lines.exists()


def portal_ledger_line_get(
    *,
    tenant: Tenant,
    partner: Partner,
    line_id: int,
    today: datetime.date,
    rep: PartnerRep | None = None,
) -> LedgerLine:
    line = (
        _portal_lines(tenant, partner, rep, today)
        .select_related("rep", "deal", "reverses")
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise Http404
    return line


def portal_line_reversals(
    *, tenant: Tenant, line: LedgerLine, rep: PartnerRep | None = None
) -> QuerySet[LedgerLine]:
    """The lines that take this one back (of the same partner; a rep's own only)."""
    reversals = LedgerLine.objects.filter(tenant=tenant, partner_id=line.partner_id, reverses=line)
    if rep is not None:
        reversals = reversals.filter(rep=rep)
    return reversals.order_by("accrued_on", "id")


def _portal_statements(tenant: Tenant, partner: Partner) -> QuerySet[Statement]:
    issued_correction = Statement.objects.filter(
        tenant=tenant, corrects=OuterRef("pk"), status__in=ISSUED_STATUSES
    )
    return (
        Statement.objects.filter(tenant=tenant, partner=partner, status__in=ISSUED_STATUSES)
        .annotate(is_corrected=Exists(issued_correction))
        .select_related("period")
    )


def portal_statements(*, tenant: Tenant, partner: Partner) -> QuerySet[Statement]:
    """The partner's issued and paid statements, newest period first (a correction before the
    statement it corrects); `is_corrected`: an issued correction replaces it."""
    return _portal_statements(tenant, partner).order_by("-period__starts_on", "-revision", "-id")


def portal_statement_get(*, tenant: Tenant, partner: Partner, statement_id: int) -> Statement:
    """The partner's own issued (or paid) statement; any other answers 404."""
    statement = (
        _portal_statements(tenant, partner)
        .select_related("corrects", "responded_by")
        .filter(pk=statement_id)
        .first()
    )
    if statement is None:
        raise Http404
    return statement


def portal_statement_awaits_response(statement: Statement) -> bool:
    """The partner may still confirm it, or dispute it (a dispute is withdrawn by confirming)."""
    return statement.response in (PartnerResponse.NONE, PartnerResponse.DISPUTED)
