"""Payout periods: the calendar's settings (the Freelance Act's limit refused), periods made
by the calendar, closing locks a period (a later line goes to the next open one; the database
refuses one booked into it), reopening, and the daily job."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from accounts.models import AuditEvent
from accounts.tenancy import tenant_context
from payouts.models import LedgerLine, PayoutPeriod, PayoutSettings, PeriodStatus
from payouts.services import ledger
from payouts.services import periods as services
from payouts.tasks import periods_close_task
from tests.factories.payouts import LedgerLineFactory
from tests.payouts.conftest import WON_ON, make_book

D = datetime.date
CALENDAR = {
    "closing_day": 0,
    "payment_months": 1,
    "payment_day": 0,
    "deemed_confirmation_days": 10,
    "second_approval_over": "1000000",
    "tax_rounding": "down",
}


def periods_of(tenant):
    return list(
        PayoutPeriod.objects.filter(tenant=tenant)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on", "pays_on", "status")
    )


def test_a_calendar_that_pays_too_late_is_refused_and_says_why(bound_tenant, finance_member):
    with pytest.raises(ValidationError) as error:
        services.payout_settings_save(
            tenant=bound_tenant,
            actor=finance_member.user,
            **{**CALENDAR, "payment_months": 2},
            today=D(2026, 12, 3),
        )

    message = error.value.message_dict["payment_day"][0]
    assert "day 61 counting the closing day" in message and "by day 60" in message
    assert not PayoutSettings.objects.exists()


def test_saving_the_calendar_is_audited(bound_tenant, finance_member):
    services.payout_settings_save(
        tenant=bound_tenant,
        actor=finance_member.user,
        **{**CALENDAR, "closing_day": 20, "payment_day": 10},
    )

    saved = PayoutSettings.objects.get(tenant=bound_tenant)
    assert (saved.closing_day, saved.payment_day) == (20, 10)
    [event] = AuditEvent.objects.filter(action="payout_settings.changed")
    assert event.changes["closing_day"] == ["0", "20"]


def test_periods_follow_the_calendar_and_are_made_once(bound_tenant):
    created = services.periods_ensure(
        tenant=bound_tenant, through=D(2026, 6, 10), since=D(2026, 4, 15)
    )
    again = services.periods_ensure(tenant=bound_tenant, through=D(2026, 6, 10))

    assert (created, again) == (3, 0)
    assert periods_of(bound_tenant) == [
        (D(2026, 4, 1), D(2026, 4, 30), D(2026, 6, 1), "open"),
        (D(2026, 5, 1), D(2026, 5, 31), D(2026, 6, 30), "open"),
        (D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 31), "open"),
    ]


def test_a_new_calendar_shapes_only_the_periods_to_come(bound_tenant):
    services.periods_ensure(tenant=bound_tenant, through=D(2026, 5, 10))
    services.payout_settings_save(
        tenant=bound_tenant, actor=None, **{**CALENDAR, "closing_day": 20, "payment_day": 10}
    )

    services.periods_ensure(tenant=bound_tenant, through=D(2026, 7, 1))

    assert [(p[0], p[1]) for p in periods_of(bound_tenant)] == [
        (D(2026, 5, 1), D(2026, 5, 31)),
        (D(2026, 6, 1), D(2026, 6, 20)),
        (D(2026, 6, 21), D(2026, 7, 20)),
    ]


def test_closing_is_refused_before_the_closing_date(bound_tenant):
    services.periods_ensure(tenant=bound_tenant, through=D(2026, 5, 10))
    period = PayoutPeriod.objects.get()

    with pytest.raises(ValidationError, match="cannot be closed before"):
        services.period_close(tenant=bound_tenant, actor=None, period=period, today=D(2026, 5, 30))
    services.period_close(tenant=bound_tenant, actor=None, period=period, today=D(2026, 5, 31))
    with pytest.raises(ValidationError, match="already closed"):
        services.period_close(tenant=bound_tenant, actor=None, period=period, today=D(2026, 6, 1))


def test_a_line_of_a_closed_period_is_booked_in_the_next_open_one(tenant, bound_tenant):
    book = make_book(tenant)
    services.periods_ensure(tenant=tenant, through=D(2026, 5, 10))
    may = PayoutPeriod.objects.get()
    services.period_close(tenant=tenant, actor=None, period=may, today=D(2026, 6, 2))
    deal = book.deal()  # won 10 May, in the closed period

    ledger.ledger_deal_won(tenant=tenant, deal_id=deal.pk, today=D(2026, 6, 15))

    [line] = LedgerLine.objects.filter(deal=deal)
    assert line.accrued_on == WON_ON
    assert line.booked_on == D(2026, 6, 1)  # the June period, opened when May closed
    assert PayoutPeriod.objects.get(starts_on=D(2026, 6, 1)).status == PeriodStatus.OPEN


def test_the_database_refuses_a_line_booked_into_a_closed_period(tenant, bound_tenant):
    services.periods_ensure(tenant=tenant, through=D(2026, 5, 10))
    services.period_close(
        tenant=tenant, actor=None, period=PayoutPeriod.objects.get(), today=D(2026, 6, 1)
    )

    with pytest.raises(DatabaseError, match="is closed"), transaction.atomic():
        LedgerLineFactory(partner=make_book(tenant).partner, accrued_on=D(2026, 5, 20))


def test_reopening_needs_a_reason_and_is_audited(bound_tenant, finance_member):
    services.periods_ensure(tenant=bound_tenant, through=D(2026, 5, 10))
    period = PayoutPeriod.objects.get()
    services.period_close(tenant=bound_tenant, actor=None, period=period, today=D(2026, 6, 1))

    with pytest.raises(ValidationError) as error:
        services.period_reopen(
            tenant=bound_tenant, actor=finance_member.user, period=period, reason=" "
        )
    services.period_reopen(
        tenant=bound_tenant, actor=finance_member.user, period=period, reason="A late invoice"
    )

    assert "reason" in error.value.message_dict
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and period.closed_at is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"payout_period.closed", "payout_period.reopened"} <= actions


def test_the_daily_job_closes_the_periods_past_their_closing_date_once(tenant):
    from django.utils import timezone

    today = timezone.localdate()
    with tenant_context(tenant):
        services.periods_ensure(
            tenant=tenant, through=today, since=today - datetime.timedelta(days=70)
        )

    first = periods_close_task.apply(kwargs={"tenant_id": tenant.pk}).get()
    second = periods_close_task.apply(kwargs={"tenant_id": tenant.pk}).get()

    with tenant_context(tenant):
        statuses = [p[3] for p in periods_of(tenant)]
    assert first >= 2 and second == 0
    assert statuses[-1] == "open" and set(statuses[:-1]) == {"closed"}


def test_an_adjustment_into_a_closed_period_lands_in_the_next(tenant, bound_tenant):
    book = make_book(tenant)
    services.periods_ensure(tenant=tenant, through=D(2026, 5, 10))
    services.period_close(
        tenant=tenant, actor=None, period=PayoutPeriod.objects.get(), today=D(2026, 6, 1)
    )

    line = ledger.ledger_adjustment_create(
        tenant=tenant,
        actor=None,
        partner=book.partner,
        amount=Decimal(500),
        reason="Late",
        token="late-1",
        accrued_on=D(2026, 5, 20),
    )

    assert (line.accrued_on, line.booked_on) == (D(2026, 5, 20), D(2026, 6, 1))
