"""Money: a `Decimal` with its currency, quantized by the currency's exponent, never a float.

The exponent (minor units) comes from babel's CLDR data, not a hand table: JPY 0, USD 2,
BHD and KWD 3. Every amount is rounded by ROUNDING, the one rounding rule of the product: half
up (0.5 yen becomes 1 yen, -0.5 becomes -1), which is what Japanese invoices and most
commission contracts mean by 四捨五入. A per-tenant rule may come later; it would replace this
constant, not add a second one.

Display: `money_format` and the template filter `money` (accounts/templatetags/prm.py) show
¥1,234 in English and 1,234円 in Japanese; other currencies follow babel's formatting for the
language.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    UnknownCurrencyError,
    format_currency,
    format_decimal,
    get_currency_precision,
    validate_currency,
)
from django.utils.translation import get_language, to_locale

ROUNDING = ROUND_HALF_UP
DEFAULT_LOCALE = "ja"


def currency_code(currency: str) -> str:
    """The ISO 4217 code in upper case; ValueError for a code babel does not know."""
    code = (currency or "").strip().upper()
    try:
        validate_currency(code)
    except UnknownCurrencyError as error:
        raise ValueError(f"unknown currency {currency!r}") from error
    return code


def exponent(currency: str) -> int:
    """Digits after the decimal point for the currency (JPY 0, USD 2, KWD 3)."""
    return get_currency_precision(currency_code(currency))


def to_decimal(amount) -> Decimal:
    # Floats carry binary error (0.1 + 0.2); refuse them so the mistake is found where it is made.
    if isinstance(amount, float):
        raise TypeError("money amounts are Decimal, int or str, never float")
    if isinstance(amount, Decimal):
        return amount
    return Decimal(str(amount).strip())


def quantize(amount, currency: str) -> Decimal:
    """The amount rounded to the currency's minor unit by ROUNDING."""
    quantum = Decimal(1).scaleb(-exponent(currency))
    return to_decimal(amount).quantize(quantum, rounding=ROUNDING)


@dataclass(frozen=True)
class Money:
    """An amount in one currency, always quantized to its minor unit."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        code = currency_code(self.currency)
        object.__setattr__(self, "currency", code)
        object.__setattr__(self, "amount", quantize(self.amount, code))

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("money is added to money only")
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def format(self, locale: str | None = None) -> str:
        return money_format(self.amount, self.currency, locale=locale)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def money_sum(items, currency: str) -> Money:
    """The sum of Money values in `currency` (zero for none); a mixed currency is an error."""
    total = Money(Decimal(0), currency)
    for item in items:
        total = total + item
    return total


def _babel_locale(language: str | None) -> Locale:
    # No language given: the reader's (the active translation), so a message built in Python
    # formats amounts like the page around it.
    try:
        return Locale.parse(to_locale(language or get_language() or DEFAULT_LOCALE))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def money_format(amount, currency: str, *, locale: str | None = None) -> str:
    """¥1,234 / 1,234円 / $1,234.50 / -¥1,235: rounded by ROUNDING before it is shown."""
    code = currency_code(currency)
    value = quantize(amount, code)
    babel_locale = _babel_locale(locale)
    if code == "JPY" and babel_locale.language == "ja":
        # CLDR writes ￥1,234 for Japanese; Japanese business documents write 1,234円.
        return format_decimal(value, format="#,##0", locale=babel_locale) + "円"
    # The value is already rounded by our rule; babel's own rounding (half even) changes nothing.
    return format_currency(value, code, locale=babel_locale)
