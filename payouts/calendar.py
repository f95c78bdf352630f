"""The payout calendar's date rules: closing dates, payment dates, business days, and the
Freelance Act's 60-day limit. Pure functions of dates (no database, no clock), so every rule is
tested with fixed examples.

Business days: Japanese banks do not move money on weekends, on national holidays (from the
maintained `jpholiday` package, never a hand list) and from 31 December to 3 January (the bank
holidays of the Banking Act's enforcement order), so a payment date on such a day moves to the
next business day.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

import jpholiday

MONTH_END = 0
# Freelance Act (2024-11): an individual or one-person company is paid within 60 days of the
# service, counting that day: the 60th day is the end of the service month + 59 days.
FREELANCE_LIMIT_DAYS = 60


def month_day(year: int, month: int, day: int) -> datetime.date:
    """`day` of the month (MONTH_END: its last day; a day past the end: the last day)."""
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, last if day == MONTH_END else min(day, last))


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def is_bank_holiday(day: datetime.date) -> bool:
    if day.weekday() >= 5:
        return True
    if (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return True
    return jpholiday.is_holiday(day)


def next_business_day(day: datetime.date) -> datetime.date:
    """`day` itself when banks are open, else the next day they are."""
    while is_bank_holiday(day):
        day += datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Calendar:
    """closing_day: the day of the month periods end (MONTH_END: the month's last day);
    payment_months: how many months after the closing the payment falls; payment_day: its day
    (MONTH_END: that month's last day). The default is 月末締め翌月末払い."""

    closing_day: int = MONTH_END
    payment_months: int = 1
    payment_day: int = MONTH_END

    def closing_on_or_after(self, day: datetime.date) -> datetime.date:
        """The first closing date on or after `day`."""
        closing = month_day(day.year, day.month, self.closing_day)
        if closing >= day:
            return closing
        year, month = shift_month(day.year, day.month, 1)
        return month_day(year, month, self.closing_day)

    def period_of(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """(first day, closing date) of the period holding `day`."""
        ends = self.closing_on_or_after(day)
        year, month = shift_month(ends.year, ends.month, -1)
        return month_day(year, month, self.closing_day) + datetime.timedelta(days=1), ends

    def payment_date(self, closing: datetime.date) -> datetime.date:
        """The period's payment date: the rule's day, moved to the next business day."""
        year, month = shift_month(closing.year, closing.month, self.payment_months)
        return next_business_day(month_day(year, month, self.payment_day))

    def freelance_breach(self, *, start: datetime.date, years: int = 2):
        """The first period (closing date, payment date) of the next `years` whose payment is
        later than the Freelance Act allows, or None. Holidays differ from year to year, so
        every month of the window is checked."""
        _first, closing = self.period_of(start)
        for _ in range(12 * years):
            paid = self.payment_date(closing)
            if (paid - closing).days + 1 > FREELANCE_LIMIT_DAYS:
                return closing, paid
            closing = self.closing_on_or_after(closing + datetime.timedelta(days=1))
        return None
