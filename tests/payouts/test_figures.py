"""Statement figures computed by hand (domain.md §5): tax once per rate per document, both
withholding formulas below and above ¥1,000,000, truncation, carry-forward."""

from decimal import Decimal

import pytest

from payouts.figures import Withholding, statement_figures, withholding_tax

D = Decimal


def figures(subtotal, *, rate="10", rounding="down", withholding="none", carried_in=0, salary=0):
    return statement_figures(
        amounts_by_rate={D(rate): D(subtotal)},
        currency="JPY",
        tax_rounding=rounding,
        withholding=withholding,
        carried_in=D(carried_in),
        salary_this_month=D(salary),
    )


def test_a_company_is_paid_the_amount_and_its_tax():
    f = figures(100000)
    assert (f.subtotal, f.tax, f.gross, f.withholding, f.net_payable) == (
        D(100000),
        D(10000),
        D(110000),
        D(0),
        D(110000),
    )


@pytest.mark.parametrize(
    ("rounding", "tax"),
    [("down", D(1234)), ("half_up", D(1234)), ("up", D(1235))],
)
def test_tax_rounding_follows_the_tenants_rule(rounding, tax):
    # 10 % of ¥12,341 is ¥1,234.1.
    assert figures(12341, rounding=rounding).tax == tax


def test_half_up_rounds_a_half_up():
    # 10 % of ¥12,345 is ¥1,234.5.
    assert figures(12345, rounding="half_up").tax == D(1235)
    assert figures(12345, rounding="down").tax == D(1234)


def test_fee_withholding_below_a_million():
    # ¥500,000 × 10.21 % = ¥51,050; paid ¥550,000 − ¥51,050.
    f = figures(500000, withholding=Withholding.FEE)
    assert (f.withholding, f.net_payable) == (D(51050), D(498950))


def test_fee_withholding_above_a_million():
    # ¥1,000,000 × 10.21 % + ¥500,000 × 20.42 % = ¥102,100 + ¥102,100.
    f = figures(1500000, withholding=Withholding.FEE)
    assert (f.tax, f.gross, f.withholding, f.net_payable) == (
        D(150000),
        D(1650000),
        D(204200),
        D(1445800),
    )


def test_fee_withholding_is_truncated_below_one_yen():
    # ¥123,457 × 10.21 % = ¥12,604.9597 → ¥12,604; tax ¥12,345.7 → ¥12,345 (down).
    f = figures(123457, withholding=Withholding.FEE)
    assert (f.withholding, f.tax, f.net_payable) == (D(12604), D(12345), D(123198))


@pytest.mark.parametrize(
    ("subtotal", "salary", "withheld"),
    [
        (300000, 0, D(18378)),  # (300,000 − 120,000) × 10.21 %
        (300000, 50000, D(23483)),  # (300,000 − 70,000) × 10.21 %
        (100000, 0, D(0)),  # below the monthly deduction
        (120000, 150000, D(12252)),  # a salary above ¥120,000 deducts nothing
    ],
)
def test_gaikoin_withholding(subtotal, salary, withheld):
    assert figures(subtotal, withholding=Withholding.GAIKOIN, salary=salary).withholding == withheld


def test_a_negative_balance_is_carried_forward_not_paid():
    # A clawback of ¥30,000 with its tax: −¥33,000, carried to the next statement.
    first = figures(-30000)
    second = figures(50000, carried_in=first.carried_out)
    third = figures(20000, carried_in=D(-33000))

    assert (first.net_payable, first.carried_out) == (D(0), D(-33000))
    assert (second.carried_in, second.net_payable, second.carried_out) == (
        D(-33000),
        D(22000),
        D(0),
    )
    assert (third.net_payable, third.carried_out) == (D(0), D(-11000))


def test_withholding_is_on_the_periods_own_amount_not_the_carried_one():
    # ¥200,000 × 10.21 % = ¥20,420; paid 220,000 − 20,420 − 50,000.
    f = figures(200000, withholding=Withholding.FEE, carried_in=-50000)
    assert (f.withholding, f.net_payable) == (D(20420), D(149580))


def test_a_partner_that_adds_no_tax():
    f = figures(80000, rate="0")
    assert (f.tax, f.net_payable) == (D(0), D(80000))


def test_tax_is_rounded_once_per_rate_per_document():
    # Two lines of ¥1,005: per line ¥100.5 → ¥100 twice (¥200); once on ¥2,010: ¥201.
    f = statement_figures(
        amounts_by_rate={D(10): D(1005) + D(1005)},
        currency="JPY",
        tax_rounding="down",
        withholding="none",
    )
    assert f.tax == D(201)


def test_no_withholding_on_a_negative_payment():
    assert withholding_tax(D(-5000), Withholding.FEE, "JPY") == 0
