"""The figures of a payout statement, from its lines: pure functions of decimals (no database),
each rule of domain.md §5 in one place and tested with hand-computed examples.

- Consumption tax is computed once per tax rate per document, on the sum of that rate's
  lines, and rounded by the tenant's rule; never per line and then summed.
- Withholding (individuals only, by the partner's category), on the amount before tax:
  none; Income Tax Act §204(1)(1): 10.21 % up to ¥1,000,000 of one payment and 20.42 % of the
  excess; a 外交員 (commission salesperson): (payment − (¥120,000 − that month's salary)) ×
  10.21 %. Truncated below ¥1.
- A negative balance is not paid: it is carried to the partner's next statement, after tax
  and withholding (the carried amount's tax was settled on the statement it came from).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.money import exponent

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# §204(1)(1): the rate up to the threshold of one payment, and above it.
FEE_RATE = Decimal("10.21")
FEE_RATE_ABOVE = Decimal("20.42")
FEE_THRESHOLD = Decimal(1_000_000)
# 外交員: the monthly deduction before 10.21 % applies.
GAIKOIN_MONTHLY_DEDUCTION = Decimal(120_000)
STANDARD_TAX_RATE = Decimal(10)

ROUNDINGS = {"down": ROUND_DOWN, "half_up": ROUND_HALF_UP, "up": ROUND_UP}


class Withholding(models.TextChoices):
    NONE = "none", _("None")
    FEE = "fee", _("Fees (Income Tax Act §204(1)(1))")
    GAIKOIN = "gaikoin", _("Commission salesperson (外交員)")


def _unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def truncate(amount: Decimal, currency: str) -> Decimal:
    """Below the currency's minor unit dropped (¥1 for yen), toward zero."""
    return amount.quantize(_unit(currency), rounding=ROUND_DOWN)


def withholding_tax(
    amount: Decimal, category: str, currency: str, *, salary_this_month: Decimal = ZERO
) -> Decimal:
    """The income tax withheld from a payment of `amount` (before consumption tax)."""
    if amount <= 0 or category == Withholding.NONE:
        return ZERO
    if category == Withholding.FEE:
        below = min(amount, FEE_THRESHOLD)
        above = max(amount - FEE_THRESHOLD, ZERO)
        return truncate((below * FEE_RATE + above * FEE_RATE_ABOVE) / HUNDRED, currency)
    if category == Withholding.GAIKOIN:
        deduction = max(GAIKOIN_MONTHLY_DEDUCTION - salary_this_month, ZERO)
        return truncate(max(amount - deduction, ZERO) * FEE_RATE / HUNDRED, currency)
    raise ValueError(f"unknown withholding category {category!r}")


@dataclass(frozen=True)
class TaxPart:
    rate: Decimal
    base: Decimal  # the sum of this rate's lines
    tax: Decimal  # rounded once, by the tenant's rule


@dataclass(frozen=True)
class StatementFigures:
    currency: str
    subtotal: Decimal
    taxes: tuple[TaxPart, ...]
    tax: Decimal
    gross: Decimal  # subtotal + tax
    withholding: Decimal
    carried_in: Decimal  # a negative balance brought from the previous statement (≤ 0)
    net_payable: Decimal  # never below zero
    carried_out: Decimal  # what is carried to the next statement (≤ 0)


def statement_figures(
    *,
    amounts_by_rate: dict[Decimal, Decimal],
    currency: str,
    tax_rounding: str,
    withholding: str,
    carried_in: Decimal = ZERO,
    salary_this_month: Decimal = ZERO,
) -> StatementFigures:
    """Every figure of a statement from the sum of its lines at each tax rate (a rate of 0:
    the partner adds no consumption tax)."""
    rounding = ROUNDINGS[tax_rounding]
    unit = _unit(currency)
    taxes = tuple(
        TaxPart(rate=rate, base=base, tax=(base * rate / HUNDRED).quantize(unit, rounding=rounding))
        for rate, base in sorted(amounts_by_rate.items(), reverse=True)
    )
    subtotal = sum((part.base for part in taxes), ZERO)
    tax = sum((part.tax for part in taxes), ZERO)
    gross = subtotal + tax
    withheld = withholding_tax(subtotal, withholding, currency, salary_this_month=salary_this_month)
    balance = gross - withheld + min(carried_in, ZERO)
    return StatementFigures(
        currency=currency,
        subtotal=subtotal,
        taxes=taxes,
        tax=tax,
        gross=gross,
        withholding=withheld,
        carried_in=min(carried_in, ZERO),
        net_payable=max(balance, ZERO),
        carried_out=min(balance, ZERO),
    )
