"""Writes of the commission ledger: the handlers of the deals events, the recurring and
reconciliation jobs, and manual adjustments.

Idempotency lives in the database, not in a check here. A handler first claims its event by
inserting the event's LedgerSource row (unique per tenant and key): a second run, or a run at
the same moment, waits on that unique index, finds the key taken and books nothing. Every line
has its own unique key too, and recurring months are inserted with ON CONFLICT DO NOTHING, so
the monthly job and the reconciliation may run as often as they like.

The amounts come from the programs calculator, for the partner's contract in force on the
event's date; this module only decides which events book what:
- won: each rule's amount at the amounts the deal had when it was won;
- an amount changed after winning: the difference between the calculator's result at the new
  and at the old amounts (one-time rules; recurring months dated before the change);
- recurring: month m at the amounts in force on month m's date, booked once the month has
  begun, until the deal churns or is lost. Together with the differences, every month ends at
  the deal's final amount, whatever order the handlers ran in;
- lost after winning, or churned: each line still inside its clawback window is reversed by a
  new line (a line is reversed at most once, by a unique key);
- a meeting held: the rules' fixed amounts for that event.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels, stored_actor
from accounts.models import Tenant, User
from accounts.money import currency_code, exponent, money_format, quantize
from accounts.transactions import service
from deals.models import Deal, DealEvent, DealEventKind, DealStageChange, StageCode
from partners.models import Partner
from payouts.models import LedgerLine, LedgerSource, LineKind, SourceOutcome
from payouts.selectors import AmountSegment, deal_amount_segments, partner_revenue_before
from payouts.services.periods import booking_date
from programs.commission import CommissionEvent, CommissionResult, EventError
from programs.commission.calculator import add_months
from programs.commission.rules import MAX_MONTHS, EventKind
from programs.selectors.commission import partner_commission
from programs.services.commission import versions_mark_used

register_action_labels({"ledger_adjustment.created": gettext_lazy("Commission adjustment booked")})

ZERO = Decimal(0)
MAX_ADJUSTMENT = Decimal("1e12")


# --- Claiming an event, building lines ------------------------------------------------------------


def _claim(tenant: Tenant, key: str, deal: Deal | None, event_on: datetime.date):
    """The event's source row, newly inserted; None when the event was already processed (or is
    being processed by a concurrent run, which this one waited for)."""
    source, created = LedgerSource.objects.get_or_create(
        tenant=tenant,
        key=key,
        defaults={"deal": deal, "event_on": event_on, "outcome": SourceOutcome.LINES},
    )
    return source if created else None


def _finish(source: LedgerSource, outcome: str, lines: list[LedgerLine], message: str = ""):
    source.outcome = (
        outcome if outcome != SourceOutcome.LINES or lines else SourceOutcome.NOTHING_DUE
    )
    source.message = message[:500]
    source.line_count = len(lines)
    source.save(update_fields=["outcome", "message", "line_count"])
    return source


def _book(tenant: Tenant, lines: list[LedgerLine]) -> list[LedgerLine]:
    """Insert the lines (a key already taken is skipped by the database) and mark the versions
    that produced them as used, in the caller's transaction."""
    lines = [line for line in lines if line.amount != 0]
    if not lines:
        return []
    booked: dict[datetime.date, datetime.date] = {}
    for line in lines:
        if line.accrued_on not in booked:
            booked[line.accrued_on] = booking_date(tenant=tenant, day=line.accrued_on)
        line.booked_on = booked[line.accrued_on]
    LedgerLine.objects.bulk_create(lines, ignore_conflicts=True)
    versions_mark_used(
        tenant=tenant,
        version_ids=[line.rule_set_version_id for line in lines if line.rule_set_version_id],
    )
    return lines


def _partners(deal: Deal) -> dict[str, int]:
    """The deal's partners by their role, as the calculator names them (the main partner in
    the program's role first; a second partner in its attribution role)."""
    partners = {deal.program.partner_role: deal.partner_id}
    if deal.second_partner_id and deal.second_partner_role:
        partners.setdefault(deal.second_partner_role, deal.second_partner_id)
    return partners


def _event(tenant: Tenant, deal: Deal, kind: str, day: datetime.date, one_time, monthly):
    return CommissionEvent(
        kind=kind,
        date=day,
        currency=deal.currency,
        # The column keeps three decimals for every currency; the explanation shows the
        # amount as the currency writes it (¥1,000,000, not 1000000.000).
        amount=quantize(one_time, deal.currency),
        mrr=quantize(monthly, deal.currency),
        product=deal.product,
        cumulative_fy_revenue_before=(
            partner_revenue_before(tenant=tenant, deal=deal, won_on=day)
            if kind == EventKind.DEAL_WON
            else ZERO
        ),
        partners=_partners(deal),
    )


def _calculate(tenant: Tenant, deal: Deal, event: CommissionEvent):
    """(result, outcome, message): the calculator's result for the deal's main partner, or why
    there is none."""
    try:
        commission = partner_commission(
            tenant=tenant, partner_id=deal.partner_id, program_id=deal.program_id, event=event
        )
    except EventError as error:
        return None, SourceOutcome.ERROR, "; ".join(error.errors.values())
    if commission.missing == "contract":
        return None, SourceOutcome.NO_CONTRACT, ""
    if commission.missing == "rule_set":
        return None, SourceOutcome.NO_RULE_SET, ""
    return commission.result, SourceOutcome.LINES, ""


def _line_key(deal: Deal, event: str, line) -> str:
    key = f"deal:{deal.pk}:{event}:r{line.rule_index}:{line.role or '-'}"
    return f"{key}:m{line.month}" if line.month else key


def _line_date(result: CommissionResult, line) -> datetime.date:
    if line.month:
        return add_months(result.event.date, line.month - 1)
    return result.event.date


def _ledger_line(
    tenant, deal, source, result, line, *, key, kind, amount=None, booked_on=None
) -> LedgerLine:
    """A line from the calculator's line. `booked_on`: the day a difference arose (an amount
    change books on the day of the change, whatever month it corrects)."""
    explanation = line.explanation
    accrued_on = booked_on or _line_date(result, line)
    return LedgerLine(
        tenant=tenant,
        key=key,
        kind=kind,
        partner_id=line.partner_id,
        # The rule credits the rep who registered the deal, for the main partner's share.
        rep_id=deal.rep_id if line.partner_id == deal.partner_id else None,
        deal=deal,
        source=source,
        amount=line.amount if amount is None else amount,
        currency=line.currency,
        rule_set_version_id=explanation.version_id,
        explanation=explanation.as_data(),
        accrued_on=accrued_on,
        payable_from=max(explanation.payable_on, accrued_on),
    )


def _deal(tenant: Tenant, deal_id: int) -> Deal | None:
    return (
        Deal.objects.select_for_update(of=("self",))
        .select_related("program")
        .filter(tenant=tenant, pk=deal_id)
        .first()
    )


def _pays(deal: Deal | None) -> bool:
    return deal is not None and deal.partner_id is not None and deal.program_id is not None


def _stop_on(deal: Deal) -> datetime.date | None:
    """The first day no recurring month is earned any more: the churn, or the loss."""
    days = [day for day in (deal.churned_on, deal.lost_on) if day is not None]
    return min(days) if days else None


# --- Won, amounts changed, recurring months -------------------------------------------------------


def _recurring_lines(tenant, deal, source, segments, today) -> list[LedgerLine]:
    """The recurring months begun by `today` (and before the deal stopped), each at the amounts
    in force on its date."""
    stop = _stop_on(deal)
    lines = []
    for index, segment in enumerate(segments):
        if segment.monthly <= 0:
            continue
        ends = segments[index + 1].starts_on if index + 1 < len(segments) else None
        event = _event(
            tenant, deal, EventKind.DEAL_WON, deal.won_on, segment.one_time, segment.monthly
        )
        result, outcome, _message = _calculate(tenant, deal, event)
        if result is None:
            continue
        for line in result.lines:
            if not line.month:
                continue
            day = _line_date(result, line)
            in_segment = (segment.starts_on is None or day >= segment.starts_on) and (
                ends is None or day < ends
            )
            if in_segment and day <= today and (stop is None or day < stop):
                lines.append(
                    _ledger_line(
                        tenant,
                        deal,
                        source,
                        result,
                        line,
                        key=_line_key(deal, "won", line),
                        kind=LineKind.RECURRING,
                    )
                )
    return lines


@service
def ledger_deal_won(*, tenant: Tenant, deal_id: int, today: datetime.date | None = None):
    """Book what the deal's win pays. Harmless to repeat: None when already booked."""
    today = today or timezone.localdate()
    deal = _deal(tenant, deal_id)
    if deal is None or deal.won_on is None:
        # Reopened since (or gone): the reconciliation books it when it is won again.
        return None
    source = _claim(tenant, f"deal:{deal.pk}:won", deal, deal.won_on)
    if source is None:
        return None
    if not _pays(deal):
        return _finish(source, SourceOutcome.NOT_APPLICABLE, [])
    segments = deal_amount_segments(tenant=tenant, deal=deal)
    at_win = segments[0]
    event = _event(tenant, deal, EventKind.DEAL_WON, deal.won_on, at_win.one_time, at_win.monthly)
    result, outcome, message = _calculate(tenant, deal, event)
    if result is None:
        return _finish(source, outcome, [], message)
    lines = [
        _ledger_line(
            tenant,
            deal,
            source,
            result,
            line,
            key=_line_key(deal, "won", line),
            kind=LineKind.ACCRUAL,
        )
        for line in result.lines
        if not line.month
    ]
    lines += _recurring_lines(tenant, deal, source, segments, today)
    return _finish(source, SourceOutcome.LINES, _book(tenant, lines))


@service
def ledger_deal_recurring(*, tenant: Tenant, deal_id: int, today: datetime.date) -> int:
    """Book the recurring months of a won deal that have begun since; returns how many lines
    were new. The months' keys make a repeat (or a concurrent run) insert nothing."""
    deal = _deal(tenant, deal_id)
    if not _pays(deal) or deal.won_on is None:
        return 0
    source = LedgerSource.objects.filter(tenant=tenant, key=f"deal:{deal.pk}:won").first()
    if source is None or source.outcome != SourceOutcome.LINES:
        # Not booked yet (the won handler books the first months), or the win paid nothing.
        return 0
    segments = deal_amount_segments(tenant=tenant, deal=deal)
    lines = _recurring_lines(tenant, deal, source, segments, today)
    before = LedgerLine.objects.filter(tenant=tenant, deal=deal).count()
    _book(tenant, lines)
    return LedgerLine.objects.filter(tenant=tenant, deal=deal).count() - before


def _segment_result(tenant, deal, segment: AmountSegment):
    event = _event(tenant, deal, EventKind.DEAL_WON, deal.won_on, segment.one_time, segment.monthly)
    return _calculate(tenant, deal, event)


@service
def ledger_deal_amount_changed(*, tenant: Tenant, deal_id: int, change_id: int):
    """Book the difference an amount change after winning makes, per rule, role and month."""
    deal = _deal(tenant, deal_id)
    if not _pays(deal) or deal.won_on is None:
        return None
    segments = deal_amount_segments(tenant=tenant, deal=deal)
    position = next((i for i, s in enumerate(segments) if s.change_id == change_id), None)
    if position is None:
        return None
    change = segments[position]
    source = _claim(tenant, f"deal:{deal.pk}:change:{change_id}", deal, change.starts_on)
    if source is None:
        return None
    old, outcome, message = _segment_result(tenant, deal, segments[position - 1])
    new, outcome, message = _segment_result(tenant, deal, change)
    if old is None or new is None:
        return _finish(source, outcome, [], message)
    stop = _stop_on(deal)
    old_amounts = {_line_key(deal, "won", line): line.amount for line in old.lines}
    lines = []
    for line in new.lines:
        day = _line_date(new, line)
        if line.month and (day >= change.starts_on or (stop is not None and day >= stop)):
            # Months from the change on are booked at the new amounts already.
            continue
        won_key = _line_key(deal, "won", line)
        difference = line.amount - old_amounts.pop(won_key, ZERO)
        lines.append(
            _ledger_line(
                tenant,
                deal,
                source,
                new,
                line,
                key=f"{won_key}:change:{change_id}",
                kind=LineKind.DIFFERENCE,
                amount=difference,
                booked_on=change.starts_on,
            )
        )
    # A rule that paid at the old amounts and pays nothing at the new ones (a minimum amount).
    for line in old.lines:
        won_key = _line_key(deal, "won", line)
        day = _line_date(old, line)
        if won_key in old_amounts and not (line.month and day >= change.starts_on):
            lines.append(
                _ledger_line(
                    tenant,
                    deal,
                    source,
                    old,
                    line,
                    key=f"{won_key}:change:{change_id}",
                    kind=LineKind.DIFFERENCE,
                    amount=-line.amount,
                    booked_on=change.starts_on,
                )
            )
    return _finish(source, SourceOutcome.LINES, _book(tenant, lines))


# --- Clawbacks and meetings -----------------------------------------------------------------------


@service
def ledger_deal_clawback(*, tenant: Tenant, deal_id: int, reason: str, on: datetime.date):
    """A won deal was lost or churned on `on`: reverse every line of it whose clawback window
    (the rule version's, stored on the line) still runs that day."""
    deal = _deal(tenant, deal_id)
    if deal is None:
        return None
    source = _claim(tenant, f"deal:{deal.pk}:{reason}:{on.isoformat()}", deal, on)
    if source is None:
        return None
    reversible = (
        LedgerLine.objects.filter(
            tenant=tenant,
            deal=deal,
            kind__in=(LineKind.ACCRUAL, LineKind.RECURRING, LineKind.DIFFERENCE),
        )
        .exclude(Exists(LedgerLine.objects.filter(tenant=tenant, reverses=OuterRef("pk"))))
        .order_by("id")
    )
    lines = []
    for line in reversible:
        until = line.explanation.get("clawback_until")
        if not until or datetime.date.fromisoformat(until) < on:
            continue
        lines.append(
            LedgerLine(
                tenant=tenant,
                key=f"reversal:{line.pk}",
                kind=LineKind.REVERSAL,
                partner_id=line.partner_id,
                rep_id=line.rep_id,
                deal=deal,
                source=source,
                reverses=line,
                amount=-line.amount,
                currency=line.currency,
                rule_set_version_id=line.rule_set_version_id,
                explanation=line.explanation,
                accrued_on=on,
                payable_from=on,
            )
        )
    return _finish(source, SourceOutcome.LINES, _book(tenant, lines))


@service
def ledger_deal_meeting_held(*, tenant: Tenant, deal_id: int, held_on: datetime.date):
    """Book what the rules pay for the deal's qualified meeting (once per deal)."""
    deal = _deal(tenant, deal_id)
    if deal is None:
        return None
    source = _claim(tenant, f"deal:{deal.pk}:meeting_held", deal, held_on)
    if source is None:
        return None
    if not _pays(deal):
        return _finish(source, SourceOutcome.NOT_APPLICABLE, [])
    event = _event(tenant, deal, EventKind.MEETING_HELD, held_on, ZERO, ZERO)
    result, outcome, message = _calculate(tenant, deal, event)
    if result is None:
        return _finish(source, outcome, [], message)
    lines = [
        _ledger_line(
            tenant,
            deal,
            source,
            result,
            line,
            key=_line_key(deal, "meeting_held", line),
            kind=LineKind.ACCRUAL,
        )
        for line in result.lines
    ]
    return _finish(source, SourceOutcome.LINES, _book(tenant, lines))


# --- The jobs -------------------------------------------------------------------------------------


def _key(*parts):
    """A source key built in SQL (ids and dates as text) for the anti-joins below."""
    return Concat(*parts, output_field=CharField())


def _unprocessed(deals, key_suffix):
    """Deals without a source row whose key is deal:<id><key_suffix> (an anti-join)."""
    return deals.exclude(
        Exists(
            LedgerSource.objects.filter(
                tenant=OuterRef("tenant"),
                key=_key(Value("deal:"), OuterRef("pk"), key_suffix),
            )
        )
    )


def ledger_recurring_run(*, tenant: Tenant, today: datetime.date) -> int:
    """The monthly recurring commission (run daily: a month is booked from the day it
    begins). Each deal is its own transaction; returns how many lines were new. Deals won
    more than ten years ago (the longest recurring rule) are left alone."""
    candidates = Deal.objects.filter(
        tenant=tenant,
        won_on__isnull=False,
        partner__isnull=False,
        program__isnull=False,
        won_on__gte=add_months(today, -MAX_MONTHS - 1),
    ).filter(Q(amount_monthly__gt=0) | Exists(_recurring_lines_of(tenant)))
    created = 0
    for deal_id in candidates.order_by("pk").values_list("pk", flat=True):
        created += ledger_deal_recurring(tenant=tenant, deal_id=deal_id, today=today)
    return created


def _recurring_lines_of(tenant: Tenant):
    # A deal whose monthly amount was changed to zero still has its earlier months' lines.
    return LedgerLine.objects.filter(tenant=tenant, deal=OuterRef("pk"), kind=LineKind.RECURRING)


def ledger_reconcile(*, tenant: Tenant, today: datetime.date) -> dict[str, int]:
    """Book every event whose handler never ran (a lost task, a worker killed mid-way): won
    deals without their won source, amount changes, clawbacks and meetings without theirs; then
    the recurring months. Each event is booked by its own handler, in its own transaction."""
    booked = {"won": 0, "changes": 0, "clawbacks": 0, "meetings": 0}
    partner_deals = Deal.objects.filter(tenant=tenant, partner__isnull=False, program__isnull=False)
    for deal_id in _unprocessed(
        partner_deals.filter(won_on__isnull=False), Value(":won")
    ).values_list("pk", flat=True):
        booked["won"] += ledger_deal_won(tenant=tenant, deal_id=deal_id, today=today) is not None
    changes = DealEvent.objects.filter(
        tenant=tenant,
        kind=DealEventKind.AMOUNT_CHANGED,
        deal__in=partner_deals.filter(won_on__isnull=False),
    ).exclude(
        Exists(
            LedgerSource.objects.filter(
                tenant=OuterRef("tenant"),
                key=_key(Value("deal:"), OuterRef("deal_id"), Value(":change:"), OuterRef("pk")),
            )
        )
    )
    for deal_id, change_id in changes.order_by("at", "id").values_list("deal_id", "pk"):
        booked["changes"] += (
            ledger_deal_amount_changed(tenant=tenant, deal_id=deal_id, change_id=change_id)
            is not None
        )
    won = partner_deals.filter(won_on__isnull=False)
    for reason, field in (("churned", "churned_on"), ("lost", "lost_on")):
        pending = won.filter(**{f"{field}__isnull": False}).exclude(
            Exists(
                LedgerSource.objects.filter(
                    tenant=OuterRef("tenant"),
                    key=_key(Value("deal:"), OuterRef("pk"), Value(f":{reason}:"), OuterRef(field)),
                )
            )
        )
        for deal_id, on in pending.values_list("pk", field):
            booked["clawbacks"] += (
                ledger_deal_clawback(tenant=tenant, deal_id=deal_id, reason=reason, on=on)
                is not None
            )
    held = (
        DealStageChange.objects.filter(
            tenant=tenant, to_stage__code=StageCode.MEETING_HELD, deal__in=partner_deals
        )
        .exclude(
            Exists(
                LedgerSource.objects.filter(
                    tenant=OuterRef("tenant"),
                    key=_key(Value("deal:"), OuterRef("deal_id"), Value(":meeting_held")),
                )
            )
        )
        .order_by("deal_id", "changed_at")
        .distinct("deal_id")
    )
    for deal_id, changed_at in held.values_list("deal_id", "changed_at"):
        booked["meetings"] += (
            ledger_deal_meeting_held(
                tenant=tenant, deal_id=deal_id, held_on=timezone.localtime(changed_at).date()
            )
            is not None
        )
    booked["recurring"] = ledger_recurring_run(tenant=tenant, today=today)
    return booked


# --- Manual adjustments ---------------------------------------------------------------------------


def new_adjustment_token() -> str:
    """The form's one-time token: a second submit of the same form books nothing twice."""
    return uuid.uuid4().hex


@service
def ledger_adjustment_create(
    *,
    tenant: Tenant,
    actor: User | None,
    partner: Partner,
    amount,
    reason: str,
    token: str,
    currency: str = "",
    accrued_on: datetime.date | None = None,
) -> LedgerLine:
    """A manual adjustment (positive or negative) for a partner: a new line, audited; never an
    edit of another line. ValidationError keys name the field."""
    if partner.tenant_id != tenant.pk:
        # SECURITY(tenant): only a partner of this tenant is ever credited.
        raise ValidationError({"partner": _("Choose a partner of this organization.")})
    errors: dict[str, str] = {}
    try:
        currency = currency_code(currency or tenant.base_currency)
    except ValueError:
        errors["currency"] = _("Enter a currency code such as JPY or USD.")
        currency = ""
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        errors["amount"] = _("Enter an amount, such as 5000 or -5000.")
    elif currency:
        if quantize(value, currency) != value:
            errors["amount"] = _("%(currency)s has no amounts smaller than %(unit)s.") % {
                "currency": currency,
                "unit": money_format(Decimal(1).scaleb(-exponent(currency)), currency),
            }
        elif value == 0:
            errors["amount"] = _("An adjustment of zero changes nothing: enter another amount.")
        elif abs(value) >= MAX_ADJUSTMENT:
            errors["amount"] = _("This amount is too large for an adjustment.")
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = _("Say why the commission is adjusted.")
    elif len(reason) > 500:
        errors["reason"] = _("Use at most %(max)s characters.") % {"max": 500}
    token = (token or "").strip()
    if not token or len(token) > 64:
        errors["token"] = _("The form has expired: open it again.")
    if errors:
        raise ValidationError(errors)
    accrued_on = accrued_on or timezone.localdate()
    key = f"adjustment:{token}"
    existing = LedgerLine.objects.filter(tenant=tenant, key=key).first()
    if existing is not None:
        # The second of two submits of one form: the first one's line.
        return existing
    line, created = LedgerLine.objects.get_or_create(
        tenant=tenant,
        key=key,
        defaults={
            "kind": LineKind.ADJUSTMENT,
            "partner": partner,
            "amount": value,
            "currency": currency,
            "description": reason,
            "accrued_on": accrued_on,
            "booked_on": booking_date(tenant=tenant, day=accrued_on),
            "payable_from": accrued_on,
            "created_by": stored_actor(actor),
        },
    )
    if created:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="ledger_adjustment.created",
            target=line,
            changes={
                "partner": str(partner),
                "amount": format(value, "f"),
                "currency": currency,
                "reason": reason,
                "accrued_on": accrued_on.isoformat(),
            },
        )
    return line
