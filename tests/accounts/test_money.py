"""The money module: exponents from CLDR, one rounding rule, one display filter."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.money import (
    ROUND_HALF_UP,
    ROUNDING,
    Money,
    exponent,
    money_format,
    money_sum,
    quantize,
)


@pytest.mark.parametrize(
    ("currency", "digits"), [("JPY", 0), ("USD", 2), ("EUR", 2), ("BHD", 3), ("KWD", 3)]
)
def test_exponent_comes_from_the_currency(currency, digits):
    assert exponent(currency) == digits
    assert exponent(currency.lower()) == digits


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="unknown currency"):
        exponent("XYZ1")


def test_the_rounding_rule_is_half_up():
    assert ROUNDING == ROUND_HALF_UP


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.5", "JPY", "1"),
        ("1.5", "JPY", "2"),
        ("2.5", "JPY", "3"),  # half up, not half even (which would give 2)
        ("-0.5", "JPY", "-1"),
        ("-2.5", "JPY", "-3"),
        ("1.49", "JPY", "1"),
        ("0.125", "USD", "0.13"),
        ("0.135", "USD", "0.14"),
        ("-0.125", "USD", "-0.13"),
        ("1.0005", "KWD", "1.001"),
        ("1.0004", "BHD", "1.000"),
        (1234, "USD", "1234.00"),
    ],
)
def test_quantize_to_the_minor_unit(amount, currency, expected):
    assert quantize(amount, currency) == Decimal(expected)
    assert str(quantize(amount, currency)) == expected


def test_floats_are_refused():
    with pytest.raises(TypeError, match="never float"):
        quantize(0.1, "JPY")


def test_money_adds_in_one_currency_only():
    total = Money(Decimal("100.4"), "jpy") + Money(Decimal("0.4"), "JPY")

    assert total == Money(Decimal("100"), "JPY")  # each operand is quantized first
    assert total.currency == "JPY"
    assert money_sum([Money("1.005", "USD"), Money("2", "USD")], "USD").amount == Decimal("3.01")
    assert money_sum([], "KWD") == Money(Decimal("0"), "KWD")
    assert -Money("5", "JPY") == Money("-5", "JPY")
    with pytest.raises(ValueError, match="cannot combine"):
        Money("1", "JPY") + Money("1", "USD")


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        ("1234", "JPY", "en", "¥1,234"),
        ("1234", "JPY", "ja", "1,234円"),
        ("-1234.5", "JPY", "en", "-¥1,235"),
        ("-1234.5", "JPY", "ja", "-1,235円"),
        ("1234567", "JPY", "ja", "1,234,567円"),
        ("0", "JPY", "ja", "0円"),
        ("1234.5", "USD", "en", "$1,234.50"),
        ("-0.005", "USD", "en", "-$0.01"),
        ("1234.5", "USD", "ja", "$1,234.50"),
        ("1.2345", "KWD", "en", "KWD1.235"),
        ("1000", "BHD", "en", "BHD1,000.000"),
        ("1000", "EUR", "en", "€1,000.00"),
    ],
)
def test_money_format(amount, currency, language, expected):
    assert money_format(amount, currency, locale=language) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "¥12,345"), ("ja", "12,345円")])
def test_money_filter_follows_the_active_language(language, expected):
    template = Template("{% load prm %}{{ amount|money:currency }}|{{ missing|money }}")
    with translation.override(language):
        html = template.render(Context({"amount": Decimal("12345"), "currency": "JPY"}))

    assert html == f"{expected}|"


def test_without_a_locale_amounts_follow_the_readers_language():
    # Messages built in Python (a commission rule's error) read like the page around them.
    with translation.override("en"):
        assert money_format(Decimal("9000000"), "JPY") == "¥9,000,000"
    with translation.override("ja"):
        assert money_format(Decimal("9000000"), "JPY") == "9,000,000円"
