"""The payout calendar's date rules, with fixed dates (holidays from jpholiday)."""

import datetime

import pytest

from payouts.calendar import Calendar, is_bank_holiday, next_business_day

D = datetime.date
MONTH_END = Calendar()


@pytest.mark.parametrize(
    ("calendar", "day", "period"),
    [
        (MONTH_END, D(2026, 5, 10), (D(2026, 5, 1), D(2026, 5, 31))),
        (MONTH_END, D(2026, 5, 31), (D(2026, 5, 1), D(2026, 5, 31))),
        (MONTH_END, D(2028, 2, 10), (D(2028, 2, 1), D(2028, 2, 29))),
        (Calendar(closing_day=20), D(2026, 5, 20), (D(2026, 4, 21), D(2026, 5, 20))),
        (Calendar(closing_day=20), D(2026, 5, 21), (D(2026, 5, 21), D(2026, 6, 20))),
        (Calendar(closing_day=20), D(2026, 12, 25), (D(2026, 12, 21), D(2027, 1, 20))),
    ],
)
def test_the_period_of_a_day(calendar, day, period):
    assert calendar.period_of(day) == period


@pytest.mark.parametrize(
    ("calendar", "closing", "paid"),
    [
        # 月末締め翌月末払い: 30 June 2026 is a Tuesday.
        (MONTH_END, D(2026, 5, 31), D(2026, 6, 30)),
        # 31 May 2026 is a Sunday: Monday 1 June.
        (MONTH_END, D(2026, 4, 30), D(2026, 6, 1)),
        # 31 December is a bank holiday, then New Year: Monday 4 January 2027.
        (MONTH_END, D(2026, 11, 30), D(2027, 1, 4)),
        # 20日締め翌月10日払い.
        (Calendar(closing_day=20, payment_day=10), D(2026, 5, 20), D(2026, 6, 10)),
        # Golden Week 2027: 3, 4 and 5 May are holidays, so Thursday 6 May.
        (Calendar(closing_day=20, payment_day=3), D(2027, 4, 20), D(2027, 5, 6)),
        # 翌々月末 of January 2027: 31 March is a Wednesday.
        (Calendar(payment_months=2), D(2027, 1, 31), D(2027, 3, 31)),
    ],
)
def test_the_payment_date_moves_to_the_next_business_day(calendar, closing, paid):
    assert calendar.payment_date(closing) == paid


def test_bank_holidays():
    assert is_bank_holiday(D(2027, 1, 11))  # 成人の日
    assert is_bank_holiday(D(2026, 12, 31)) and is_bank_holiday(D(2027, 1, 3))
    assert not is_bank_holiday(D(2027, 1, 4))
    assert next_business_day(D(2026, 9, 19)) == D(2026, 9, 24)  # weekend, 敬老の日, 秋分の日


def test_two_months_later_breaks_the_freelance_act():
    # Closing 31 December 2026, paid 28 February 2027 is a Sunday, so 1 March: the 61st day.
    assert Calendar(payment_months=2).freelance_breach(start=D(2026, 12, 3)) == (
        D(2026, 12, 31),
        D(2027, 3, 1),
    )


@pytest.mark.parametrize(
    "calendar", [MONTH_END, Calendar(closing_day=20, payment_months=2, payment_day=10)]
)
def test_usual_calendars_keep_the_freelance_act(calendar):
    assert calendar.freelance_breach(start=D(2026, 12, 3), years=3) is None
