"""Properties of the commission engine that hold for any rules and any deal (hypothesis)."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from programs.commission import CommissionEvent, VersionSpec, calculate, parse_rules
from programs.commission.calculator import marginal_parts, split_amount
from programs.commission.rules import Bracket, BracketsRule, Share, SplitRule

EXAMPLES = settings(max_examples=150, deadline=None)

yen = st.integers(min_value=0, max_value=10**11).map(Decimal)
cents = st.integers(min_value=0, max_value=10**11).map(lambda n: Decimal(n).scaleb(-2))
rates = st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n).scaleb(-2))
days = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31))


@st.composite
def bracket_rules(draw):
    edges = sorted(set(draw(st.lists(st.integers(1, 10**10), min_size=0, max_size=5))))
    lowers = [0, *edges]
    uppers = [*edges, None]
    return BracketsRule(
        brackets=tuple(
            Bracket(lower=Decimal(low), upper=None if up is None else Decimal(up), rate=draw(rates))
            for low, up in zip(lowers, uppers, strict=True)
        )
    )


def parts_total(rule, before, amount):
    return sum((part.amount for part in marginal_parts(rule, before=before, amount=amount)), 0)


@EXAMPLES
@given(rule=bracket_rules(), before=yen, amount=yen, cut=yen)
def test_a_deal_cut_in_two_anywhere_pays_what_the_whole_pays_before_rounding(
    rule, before, amount, cut
):
    first = min(cut, amount)

    whole = parts_total(rule, before, amount)
    halves = parts_total(rule, before, first) + parts_total(rule, before + first, amount - first)

    assert whole == halves


@EXAMPLES
@given(rule=bracket_rules(), amount=yen)
def test_brackets_are_continuous_at_each_edge(rule, amount):
    # A deal that ends exactly on an edge and the next one that starts there share nothing.
    for bracket in rule.brackets[1:]:
        edge = bracket.lower
        below = parts_total(rule, Decimal(0), edge)
        assert parts_total(rule, Decimal(0), edge + amount) == below + parts_total(
            rule, edge, amount
        )


@st.composite
def splits(draw):
    first = draw(st.integers(0, 10000))
    roles = draw(st.permutations(["sets_meeting", "closes", "introduces"]))[:2]
    shares = (
        Share(roles[0], Decimal(first).scaleb(-2)),
        Share(roles[1], Decimal(10000 - first).scaleb(-2)),
    )
    return SplitRule(shares=shares, remainder_role=draw(st.sampled_from(roles)))


@EXAMPLES
@given(
    split=splits(), total=st.one_of(yen.map(lambda v: (v, "JPY")), cents.map(lambda v: (v, "USD")))
)
def test_split_parts_add_up_to_the_rounded_total_and_the_remainder_goes_to_its_role(split, total):
    amount, currency = total

    parts = split_amount(amount, split, currency)

    assert sum(part for _role, part, _rest in parts) == amount
    for role, _part, remainder in parts:
        if role != split.remainder_role:
            assert remainder == 0


def jpy_version(rules, effective_from=datetime.date(2024, 1, 1), number=1):
    return VersionSpec(
        rule_set_id=1,
        rule_set_name="Any",
        currency="JPY",
        version_id=number,
        number=number,
        effective_from=effective_from,
        rules=parse_rules(rules, "JPY"),
        holding_days=30,
        clawback_days=90,
    )


@st.composite
def any_rules(draw):
    rules = [
        {"kind": "percentage", "rate": str(draw(rates)), "cap": draw(st.none() | yen.map(str))},
        {"kind": "recurring", "rate": str(draw(rates)), "months": draw(st.integers(1, 24))},
        {
            "kind": "brackets",
            "brackets": [
                {"from": "0", "to": "10000000", "rate": str(draw(rates))},
                {"from": "10000000", "to": None, "rate": str(draw(rates))},
            ],
        },
        {
            "kind": "spiff",
            "name": "Bonus",
            "starts_on": "2024-01-01",
            "ends_on": "2030-12-31",
            "rate": str(draw(rates)),
        },
    ]
    if draw(st.booleans()):
        rules.append(
            {
                "kind": "split",
                "shares": [
                    {"role": "sets_meeting", "share": "33.33"},
                    {"role": "closes", "share": "66.67"},
                ],
                "remainder_role": "closes",
            }
        )
    return rules


def won(day, amount, mrr, before, partners=None):
    return CommissionEvent(
        kind="deal_won",
        date=day,
        currency="JPY",
        amount=amount,
        mrr=mrr,
        cumulative_fy_revenue_before=before,
        partners=partners or {"sets_meeting": 1, "closes": 2},
    )


@EXAMPLES
@given(rules=any_rules(), day=days, amount=yen, mrr=yen, before=yen)
def test_yen_results_have_no_fraction(rules, day, amount, mrr, before):
    result = calculate(versions=[jpy_version(rules)], event=won(day, amount, mrr, before))

    assert result.lines
    assert all(line.amount == line.amount.to_integral_value() for line in result.lines)
    assert all(line.amount.as_tuple().exponent >= 0 for line in result.lines)


@EXAMPLES
@given(rate=rates, cap=yen, amount=yen, currency=st.sampled_from(["JPY", "USD", "KWD"]))
def test_a_cap_is_never_exceeded(rate, cap, amount, currency):
    spec = VersionSpec(
        rule_set_id=1,
        rule_set_name="Capped",
        currency=currency,
        version_id=1,
        number=1,
        effective_from=datetime.date(2024, 1, 1),
        rules=parse_rules([{"kind": "percentage", "rate": str(rate), "cap": str(cap)}], currency),
    )
    event = CommissionEvent(
        kind="deal_won", date=datetime.date(2025, 1, 1), currency=currency, amount=amount
    )

    (line,) = calculate(versions=[spec], event=event).lines

    assert line.amount <= cap
    assert line.explanation.is_cap_applied == (amount * rate / 100 > cap)


@EXAMPLES
@given(
    old=any_rules(),
    new=any_rules(),
    day=days,
    gap=st.integers(1, 2000),
    amount=yen,
    mrr=yen,
    before=yen,
)
def test_a_later_version_never_changes_a_result_dated_before_it(
    old, new, day, gap, amount, mrr, before
):
    first = jpy_version(old, effective_from=datetime.date(2024, 1, 1), number=1)
    later = jpy_version(new, effective_from=day + datetime.timedelta(days=gap), number=2)
    event = won(day, amount, mrr, before)

    assert calculate(versions=[first, later], event=event) == calculate(
        versions=[first], event=event
    )
