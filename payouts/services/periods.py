"""Writes of the payout calendar and its periods: the settings, the periods themselves, closing
(by finance's button or by the daily job) and reopening, and the booking date of a new line.

A closed period is locked. Lines keep the date they accrued, but the period they are paid in
is decided by `booked_on`: a line whose accrual date lies in a closed period is booked on the
first day of the next open one, so a late correction never changes what a closed period holds.
The database holds to this itself (a trigger refuses a line booked into a closed period).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels, stored_actor
from accounts.models import Tenant, User
from accounts.transactions import service
from payouts import exports
from payouts.calendar import FREELANCE_LIMIT_DAYS, Calendar
from payouts.models import (
    DAY_CHOICES,
    ISSUED_STATUSES,
    PayoutPeriod,
    PayoutSettings,
    PeriodStatus,
    Statement,
    TaxRounding,
)
from payouts.selectors import payout_settings
from payouts.zengin import Originator, originator_check, zengin_kana

register_action_labels(
    {
        "payout_settings.changed": gettext_lazy("Payout calendar changed"),
        "payout_period.closed": gettext_lazy("Payout period closed"),
        "payout_period.reopened": gettext_lazy("Payout period reopened"),
        "payout_settings.transfer_changed": gettext_lazy("Bank-transfer originator changed"),
        "payout_period.bank_file": gettext_lazy("Bank-transfer file downloaded"),
    }
)

SETTINGS_FIELDS = (
    "closing_day",
    "payment_months",
    "payment_day",
    "deemed_confirmation_days",
    "second_approval_over",
    "tax_rounding",
)
DAYS = {value for value, _label in DAY_CHOICES}


@service
def payout_settings_save(
    *,
    tenant: Tenant,
    actor: User | None,
    closing_day: int,
    payment_months: int,
    payment_day: int,
    deemed_confirmation_days: int,
    second_approval_over,
    tax_rounding: str,
    today: datetime.date | None = None,
) -> PayoutSettings:
    """Save the tenant's payout calendar. Refused, naming the field, when a payment would be
    later than the Freelance Act allows for individuals and one-person companies."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if closing_day not in DAYS:
        errors["closing_day"] = _("Choose a day from the list.")
    if payment_day not in DAYS:
        errors["payment_day"] = _("Choose a day from the list.")
    if payment_months not in (1, 2):
        errors["payment_months"] = _("Choose the next month or the month after next.")
    if not isinstance(deemed_confirmation_days, int) or not 1 <= deemed_confirmation_days <= 60:
        errors["deemed_confirmation_days"] = _("Enter a number of days from 1 to 60.")
    try:
        threshold = Decimal(str(second_approval_over))
    except (InvalidOperation, ValueError):
        threshold = None
    if threshold is None or not threshold.is_finite() or threshold < 0:
        errors["second_approval_over"] = _("Enter an amount of zero or more.")
    if tax_rounding not in TaxRounding.values:
        errors["tax_rounding"] = _("Choose a rounding rule from the list.")
    if not errors:
        breach = Calendar(closing_day, payment_months, payment_day).freelance_breach(start=today)
        if breach is not None:
            closing, paid = breach
            errors["payment_day"] = _(
                "With this calendar the period closing on %(closing)s would be paid on "
                "%(paid)s, day %(days)s counting the closing day. Partners who are individuals "
                "or one-person companies must be paid by day %(limit)s (Freelance Act): choose "
                "an earlier payment date."
            ) % {
                "closing": date_format(closing, "DATE_FORMAT"),
                "paid": date_format(paid, "DATE_FORMAT"),
                "days": (paid - closing).days + 1,
                "limit": FREELANCE_LIMIT_DAYS,
            }
    if errors:
        raise ValidationError(errors)
    current = PayoutSettings.objects.select_for_update().filter(tenant=tenant).first()
    values = {
        "closing_day": closing_day,
        "payment_months": payment_months,
        "payment_day": payment_day,
        "deemed_confirmation_days": deemed_confirmation_days,
        "second_approval_over": threshold,
        "tax_rounding": tax_rounding,
    }
    before = payout_settings(tenant=tenant) if current is None else current
    changes = {
        name: [str(getattr(before, name)), str(value)]
        for name, value in values.items()
        if getattr(before, name) != value
    }
    if current is None:
        current = PayoutSettings(tenant=tenant)
    for name, value in values.items():
        setattr(current, name, value)
    current.updated_at = timezone.now()
    current.save()
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="payout_settings.changed",
            target=current,
            changes=changes,
        )
    return current


TRANSFER_FIELDS = (
    "transfer_consignor_code",
    "transfer_consignor_name",
    "transfer_bank_code",
    "transfer_branch_code",
    "transfer_account_type",
    "transfer_account_number",
)


@service
def transfer_originator_save(*, tenant: Tenant, actor: User | None, **values) -> PayoutSettings:
    """The tenant's details in the Zengin transfer file (consignor code and kana name, the
    account paid from), checked against the Zengin bank data as the bank would; audited."""
    values = {name: (values.get(name) or "").strip() for name in TRANSFER_FIELDS}
    if values["transfer_consignor_name"]:
        try:
            values["transfer_consignor_name"] = zengin_kana(values["transfer_consignor_name"])
        except ValidationError as error:
            raise ValidationError({"transfer_consignor_name": error.messages}) from error
    # All blank (but the account type, which has a default): the tenant pays some other way.
    if any(value for name, value in values.items() if name != "transfer_account_type"):
        originator_check(
            Originator(
                consignor_code=values["transfer_consignor_code"],
                name_kana=values["transfer_consignor_name"],
                bank_code=values["transfer_bank_code"],
                branch_code=values["transfer_branch_code"],
                account_type=values["transfer_account_type"],
                account_number=values["transfer_account_number"],
            )
        )
    current = PayoutSettings.objects.select_for_update().filter(tenant=tenant).first()
    if current is None:
        current = PayoutSettings(tenant=tenant)
    changes = {
        name: [str(getattr(current, name)), value]
        for name, value in values.items()
        if getattr(current, name) != value
    }
    for name, value in values.items():
        setattr(current, name, value)
    current.updated_at = timezone.now()
    current.save()
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="payout_settings.transfer_changed",
            target=current,
            changes=changes,
        )
    return current


def bank_file_download(*, tenant: Tenant, actor: User | None, period: PayoutPeriod) -> bytes:
    """The period's Zengin file for finance to upload to the bank, recorded in the audit log
    (how many transfers and their total): money leaves on the strength of this file."""
    transfers = list(exports.period_transfers(tenant=tenant, period=period))
    content = exports.period_zengin_file(tenant=tenant, period=period)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="payout_period.bank_file",
        target=period,
        changes={
            "period": str(period),
            "transfers": len(transfers),
            "total": format(sum(s.transfer_amount for s in transfers), "f"),
            "statements": [s.number or str(s.pk) for s in transfers],
        },
    )
    return content


# --- Periods ------------------------------------------------------------------------------------


def _next_periods(calendar: Calendar, starts_on: datetime.date, through: datetime.date):
    while starts_on <= through:
        ends_on = calendar.closing_on_or_after(starts_on)
        yield starts_on, ends_on
        starts_on = ends_on + datetime.timedelta(days=1)


@service
def periods_ensure(
    *, tenant: Tenant, through: datetime.date, since: datetime.date | None = None
) -> int:
    """Create the periods up to the one holding `through`, each after the last one there is
    (the first from the period holding `since`, else `through`), by the calendar as it stands
    now: a calendar change shapes the periods still to come, never one that exists. Returns
    how many were new; a concurrent run creates nothing twice (unique start date)."""
    calendar = payout_settings(tenant=tenant).calendar
    last = PayoutPeriod.objects.filter(tenant=tenant).order_by("-ends_on").first()
    if last is not None:
        starts_on = last.ends_on + datetime.timedelta(days=1)
    else:
        starts_on = calendar.period_of(min(since or through, through))[0]
    periods = [
        PayoutPeriod(
            tenant=tenant,
            starts_on=first,
            ends_on=ends_on,
            pays_on=calendar.payment_date(ends_on),
        )
        for first, ends_on in _next_periods(calendar, starts_on, through)
    ]
    created = PayoutPeriod.objects.bulk_create(periods, ignore_conflicts=True)
    return len(created)


def booking_date(*, tenant: Tenant, day: datetime.date) -> datetime.date:
    """The day a line accrued on `day` is booked on: `day`, unless its period is closed; then
    the first day of the next open period (or the day after the last closed one, whose period
    is created open when needed)."""
    period = PayoutPeriod.objects.filter(
        tenant=tenant, starts_on__lte=day, ends_on__gte=day
    ).first()
    if period is None or not period.is_closed:
        return day
    later = (
        PayoutPeriod.objects.filter(tenant=tenant, starts_on__gt=day, status=PeriodStatus.OPEN)
        .order_by("starts_on")
        .first()
    )
    if later is not None:
        return later.starts_on
    last = PayoutPeriod.objects.filter(tenant=tenant).order_by("-ends_on").first()
    return last.ends_on + datetime.timedelta(days=1)


def _locked(tenant: Tenant, period: PayoutPeriod) -> PayoutPeriod:
    if period.tenant_id != tenant.pk:
        # SECURITY(tenant): only the tenant's own period is ever closed or reopened.
        raise ValidationError(_("This period belongs to another organization."))
    return PayoutPeriod.objects.select_for_update().get(tenant=tenant, pk=period.pk)


@service
def period_close(
    *, tenant: Tenant, actor: User | None, period: PayoutPeriod, today: datetime.date | None = None
) -> PayoutPeriod:
    """Close (lock) a period from its closing date on. Closing waits for lines being booked
    into it at this moment (the trigger share-locks the period), so none slips in after."""
    today = today or timezone.localdate()
    locked = _locked(tenant, period)
    if locked.is_closed:
        raise ValidationError(_("This period is already closed."))
    if locked.ends_on > today:
        raise ValidationError(
            _("This period closes on %(day)s: it cannot be closed before then.")
            % {"day": date_format(locked.ends_on, "DATE_FORMAT")}
        )
    locked.status = PeriodStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = stored_actor(actor)
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    # The next period exists and is open, so a late line has somewhere to go.
    periods_ensure.nested(tenant=tenant, through=locked.ends_on + datetime.timedelta(days=1))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="payout_period.closed",
        target=locked,
        changes={"period": str(locked), "by": "finance" if stored_actor(actor) else "schedule"},
    )
    period.status, period.closed_at = locked.status, locked.closed_at
    _statements_request(tenant, locked)
    return locked


def _statements_request(tenant: Tenant, period: PayoutPeriod) -> None:
    """The worker makes the period's statements, one task per partner, once this commits."""
    from payouts.tasks import statements_generate_task

    period.statements_requested_at = timezone.now()
    period.save(update_fields=["statements_requested_at"])
    statements_generate_task.delay(tenant_id=tenant.pk, period_id=period.pk)


@service
def period_statements_request(*, tenant: Tenant, period: PayoutPeriod) -> PayoutPeriod:
    """Ask the worker to make a closed period's statements again (lines that arrived since,
    or a run that was lost): harmless to repeat, every statement is made once."""
    locked = _locked(tenant, period)
    if not locked.is_closed:
        raise ValidationError(_("Statements are made once the period is closed."))
    _statements_request(tenant, locked)
    return locked


@service
def period_reopen(
    *, tenant: Tenant, actor: User | None, period: PayoutPeriod, reason: str
) -> PayoutPeriod:
    """Reopen a closed period: refused once a statement of it has been issued."""
    locked = _locked(tenant, period)
    reason = " ".join((reason or "").split())
    if not locked.is_closed:
        raise ValidationError(_("This period is open."))
    if not reason:
        raise ValidationError({"reason": _("Say why the period is reopened.")})
    if Statement.objects.filter(tenant=tenant, period=locked, status__in=ISSUED_STATUSES).exists():
        raise ValidationError(
            _(
                "Statements of this period have been issued, and an issued statement never "
                "changes: book the correction in an open period instead."
            )
        )
    locked.status = PeriodStatus.OPEN
    locked.closed_at = None
    locked.closed_by = None
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="payout_period.reopened",
        target=locked,
        changes={"period": str(locked), "reason": reason[:500]},
    )
    period.status = locked.status
    return locked


def periods_close_due(*, tenant: Tenant, today: datetime.date) -> int:
    """The daily job: the periods up to today exist, and every open one whose closing date has
    passed is closed (the first run after its closing day). Returns how many it closed."""
    periods_ensure(tenant=tenant, through=today)
    closed = 0
    due = PayoutPeriod.objects.filter(
        tenant=tenant, status=PeriodStatus.OPEN, ends_on__lt=today
    ).order_by("starts_on")
    for period in due:
        try:
            period_close(tenant=tenant, actor=None, period=period, today=today)
        except ValidationError:
            continue  # closed by finance a moment ago
        closed += 1
    return closed
