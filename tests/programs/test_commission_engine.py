"""The commission engine, rule kind by rule kind, with hand-computed amounts (JPY and USD)."""

import datetime
from decimal import Decimal

import pytest

from programs.commission import (
    CommissionEvent,
    EventError,
    RulesError,
    VersionSpec,
    calculate,
    dump_rules,
    parse_rules,
    version_effective_on,
)
from programs.commission.calculator import add_months, split_amount
from programs.commission.rules import Share, SplitRule

D = Decimal
WON = "deal_won"
DAY = datetime.date(2026, 6, 15)


def version(rules, *, currency="JPY", effective_from=datetime.date(2026, 4, 1), number=1, **extra):
    return VersionSpec(
        rule_set_id=7,
        rule_set_name="Reseller standard",
        currency=currency,
        version_id=number * 10,
        number=number,
        effective_from=effective_from,
        rules=parse_rules(rules, currency),
        **extra,
    )


def event(kind=WON, *, currency="JPY", day=DAY, **fields):
    return CommissionEvent(kind=kind, date=day, currency=currency, **fields)


def amounts(result):
    return [line.amount for line in result.lines]


# --- percentage ------------------------------------------------------------------------------


def test_percentage_of_the_deal_rounds_half_up_to_whole_yen():
    spec = version([{"kind": "percentage", "rate": "10"}])

    result = calculate(versions=[spec], event=event(amount=D("1234565")))

    # 123,456.5 yen: half up gives 123,457.
    assert amounts(result) == [D("123457")]
    explanation = result.lines[0].explanation
    assert explanation.base == D("1234565")
    assert explanation.rate == D("10")
    assert explanation.unrounded == D("123456.5")
    assert explanation.rounding == D("0.5")
    assert (explanation.rule_set_id, explanation.version_number, explanation.rule_index) == (
        7,
        1,
        0,
    )
    assert explanation.is_cap_applied is False


def test_percentage_cap_limits_the_amount_and_says_so():
    spec = version([{"kind": "percentage", "rate": "10", "cap": "100000"}])

    capped = calculate(versions=[spec], event=event(amount=D("1500000")))
    under = calculate(versions=[spec], event=event(amount=D("900000")))

    assert amounts(capped) == [D("100000")]
    assert capped.lines[0].explanation.is_cap_applied is True
    assert amounts(under) == [D("90000")]
    assert under.lines[0].explanation.is_cap_applied is False


def test_percentage_in_dollars_keeps_cents():
    spec = version([{"kind": "percentage", "rate": "12.5"}], currency="USD")

    result = calculate(versions=[spec], event=event(currency="USD", amount=D("1000.10")))

    # 125.0125 -> 125.01
    assert amounts(result) == [D("125.01")]
    assert result.lines[0].explanation.rounding == D("-0.0025")


def test_percentage_pays_nothing_for_a_meeting():
    spec = version([{"kind": "percentage", "rate": "10"}])

    assert calculate(versions=[spec], event=event("meeting_held", amount=D("1000"))).lines == ()


# --- fixed per event -------------------------------------------------------------------------


def test_fixed_fee_per_meeting_held_and_per_by_name_request():
    spec = version(
        [
            {"kind": "fixed", "event": "meeting_held", "amount": "30000"},
            {"kind": "fixed", "event": "by_name_request_accepted", "amount": "5000"},
        ]
    )

    meeting = calculate(versions=[spec], event=event("meeting_held"))
    request = calculate(versions=[spec], event=event("by_name_request_accepted"))
    won = calculate(versions=[spec], event=event(amount=D("1000000")))

    assert amounts(meeting) == [D("30000")]
    assert meeting.lines[0].explanation.base_kind == "event"
    assert amounts(request) == [D("5000")]
    assert won.lines == ()


def test_fixed_fee_in_dollars():
    spec = version([{"kind": "fixed", "event": "deal_won", "amount": "250.50"}], currency="USD")

    assert amounts(calculate(versions=[spec], event=event(currency="USD"))) == [D("250.50")]


# --- recurring -------------------------------------------------------------------------------


def test_recurring_pays_one_line_per_month_with_its_own_dates():
    spec = version(
        [{"kind": "recurring", "rate": "20", "months": 3}],
        effective_from=datetime.date(2026, 1, 1),
        holding_days=30,
        clawback_days=90,
    )

    result = calculate(versions=[spec], event=event(day=datetime.date(2026, 1, 31), mrr=D("55555")))

    # 11,111 yen a month (20 % of 55,555 = 11,111.0).
    assert amounts(result) == [D("11111")] * 3
    assert [line.month for line in result.lines] == [1, 2, 3]
    assert [line.explanation.payable_on for line in result.lines] == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 30),
        datetime.date(2026, 4, 30),
    ]
    assert result.lines[2].explanation.clawback_until == datetime.date(2026, 6, 29)
    assert result.lines[0].explanation.base_kind == "mrr"


def test_recurring_in_dollars_rounds_each_month():
    spec = version([{"kind": "recurring", "rate": "15", "months": 2}], currency="USD")

    result = calculate(versions=[spec], event=event(currency="USD", mrr=D("99.99")))

    # 14.9985 -> 15.00 each month
    assert amounts(result) == [D("15.00"), D("15.00")]


def test_add_months_keeps_the_last_day_of_short_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


# --- brackets --------------------------------------------------------------------------------

BRACKETS = {
    "kind": "brackets",
    "brackets": [
        {"from": "0", "to": "10000000", "rate": "10"},
        {"from": "10000000", "to": None, "rate": "15"},
    ],
}


def test_brackets_apply_marginally_across_the_edge():
    spec = version([BRACKETS])

    result = calculate(
        versions=[spec],
        event=event(amount=D("5000000"), cumulative_fy_revenue_before=D("8000000")),
    )

    # 2,000,000 at 10 % + 3,000,000 at 15 % = 200,000 + 450,000
    assert amounts(result) == [D("650000")]
    parts = result.lines[0].explanation.brackets
    assert [(p.lower, p.upper, p.portion, p.amount) for p in parts] == [
        (D("0"), D("10000000"), D("2000000"), D("200000")),
        (D("10000000"), None, D("3000000"), D("450000")),
    ]


def test_brackets_above_the_edge_pay_the_upper_rate_only():
    spec = version([BRACKETS])

    result = calculate(
        versions=[spec],
        event=event(amount=D("1000000"), cumulative_fy_revenue_before=D("12000000")),
    )

    assert amounts(result) == [D("150000")]


def test_brackets_in_dollars():
    spec = version(
        [
            {
                "kind": "brackets",
                "brackets": [
                    {"from": "0", "to": "1000.00", "rate": "5"},
                    {"from": "1000.00", "rate": "7.5"},
                ],
            }
        ],
        currency="USD",
    )

    result = calculate(
        versions=[spec],
        event=event(currency="USD", amount=D("100.33"), cumulative_fy_revenue_before=D("950")),
    )

    # 50 at 5 % = 2.5 ; 50.33 at 7.5 % = 3.77475 ; 6.27475 -> 6.27
    assert amounts(result) == [D("6.27")]


# --- SPIFF -----------------------------------------------------------------------------------

SPIFF = {
    "kind": "spiff",
    "name": "Summer cloud push",
    "starts_on": "2026-06-01",
    "ends_on": "2026-08-31",
    "product": "Cloud",
    "min_amount": "1000000",
    "amount": "50000",
}


def test_spiff_pays_inside_its_dates_for_its_product_and_minimum():
    spec = version([SPIFF])

    paid = calculate(versions=[spec], event=event(amount=D("1000000"), product="cloud"))
    too_small = calculate(versions=[spec], event=event(amount=D("999999"), product="Cloud"))
    other_product = calculate(versions=[spec], event=event(amount=D("2000000"), product="On-prem"))
    too_late = calculate(
        versions=[spec],
        event=event(day=datetime.date(2026, 9, 1), amount=D("2000000"), product="Cloud"),
    )

    assert amounts(paid) == [D("50000")]
    assert paid.lines[0].explanation.spiff_name == "Summer cloud push"
    assert too_small.lines == other_product.lines == too_late.lines == ()


def test_spiff_as_a_rate_in_dollars():
    rule = {**SPIFF, "amount": None, "rate": "2", "min_amount": None, "product": ""}
    spec = version([rule], currency="USD")

    result = calculate(versions=[spec], event=event(currency="USD", amount=D("1234.56")))

    # 24.6912 -> 24.69
    assert amounts(result) == [D("24.69")]


# --- split -----------------------------------------------------------------------------------


def split_rule(meeting="30", closer="70", remainder="closes"):
    return {
        "kind": "split",
        "shares": [{"role": "sets_meeting", "share": meeting}, {"role": "closes", "share": closer}],
        "remainder_role": remainder,
    }


def test_split_shares_each_line_between_the_roles():
    spec = version([{"kind": "fixed", "event": "deal_won", "amount": "100001"}, split_rule()])

    result = calculate(versions=[spec], event=event(partners={"sets_meeting": 11, "closes": 12}))

    # 30 % of 100,001 = 30,000.3 -> 30,000; the closer takes the rest, 70,001.
    assert [(line.role, line.partner_id, line.amount) for line in result.lines] == [
        ("sets_meeting", 11, D("30000")),
        ("closes", 12, D("70001")),
    ]
    closer = result.lines[1].explanation
    assert closer.share == D("70")
    assert closer.is_remainder_role is True
    assert closer.remainder == D("0")  # 70,000.7 rounds to 70,001 by itself


def test_split_remainder_goes_to_the_stated_role():
    spec = version(
        [{"kind": "fixed", "event": "deal_won", "amount": "101"}, split_rule("50", "50", "closes")]
    )

    result = calculate(versions=[spec], event=event(partners={"sets_meeting": 1, "closes": 2}))

    # 50.5 rounds up to 51 for the agency; the closer gets what is left: 50 (its own 51 - 1).
    assert amounts(result) == [D("51"), D("50")]
    assert result.lines[1].explanation.remainder == D("-1")


def test_split_in_dollars_adds_up_to_the_cent():
    split = SplitRule(
        shares=(Share("sets_meeting", D("33.33")), Share("closes", D("66.67"))),
        remainder_role="sets_meeting",
    )

    parts = split_amount(D("100.01"), split, "USD")

    # closes: 66.676667 -> 66.68 ; sets_meeting takes 100.01 - 66.68 = 33.33
    assert parts == [("sets_meeting", D("33.33"), D("0.00")), ("closes", D("66.68"), D("0"))]


def test_a_deal_with_one_partner_is_not_split():
    spec = version([{"kind": "fixed", "event": "deal_won", "amount": "1000"}, split_rule()])

    result = calculate(versions=[spec], event=event(partners={"closes": 5}))

    assert [(line.role, line.amount) for line in result.lines] == [("closes", D("1000"))]
    assert result.lines[0].explanation.share is None


def test_a_deal_whose_roles_do_not_match_the_split_is_refused():
    spec = version([{"kind": "fixed", "event": "deal_won", "amount": "1000"}, split_rule()])

    with pytest.raises(EventError) as error:
        calculate(versions=[spec], event=event(partners={"closes": 1, "introduces": 2}))

    assert set(error.value.errors) == {"partners"}


# --- versions, holding and clawback ------------------------------------------------------------


def test_the_version_in_force_on_the_event_date_applies():
    first = version([{"kind": "percentage", "rate": "10"}], number=1)
    second = version(
        [{"kind": "percentage", "rate": "20"}],
        number=2,
        effective_from=datetime.date(2026, 10, 1),
    )
    versions = [second, first]

    before = calculate(
        versions=versions, event=event(day=datetime.date(2026, 9, 30), amount=D("1000"))
    )
    on = calculate(versions=versions, event=event(day=datetime.date(2026, 10, 1), amount=D("1000")))
    too_early = calculate(
        versions=versions, event=event(day=datetime.date(2026, 3, 31), amount=D("1000"))
    )

    assert (before.version.number, amounts(before)) == (1, [D("100")])
    assert (on.version.number, amounts(on)) == (2, [D("200")])
    assert too_early.version is None and too_early.lines == ()
    assert version_effective_on(versions, datetime.date(2027, 1, 1)) is second


def test_holding_and_clawback_dates_count_from_the_event():
    spec = version([{"kind": "percentage", "rate": "10"}], holding_days=45, clawback_days=180)

    line = calculate(versions=[spec], event=event(amount=D("1000"))).lines[0]

    assert line.explanation.payable_on == datetime.date(2026, 7, 30)
    assert line.explanation.clawback_until == datetime.date(2026, 12, 12)


def test_the_event_must_be_in_the_rule_sets_currency():
    spec = version([{"kind": "percentage", "rate": "10"}])

    with pytest.raises(EventError) as error:
        calculate(versions=[spec], event=event(currency="USD", amount=D("10")))

    assert "JPY" in error.value.errors["currency"]


def test_the_explanation_is_json_safe_data():
    spec = version([BRACKETS])
    line = calculate(
        versions=[spec], event=event(amount=D("100"), cumulative_fy_revenue_before=D("0"))
    ).lines[0]

    data = line.explanation.as_data()

    assert data["brackets"][0] == {
        "lower": "0",
        "upper": "10000000",
        "rate": "10",
        "portion": "100",
        "amount": "10",
    }
    assert data["effective_from"] == "2026-04-01"
    assert data["rule_set_name"] == "Reseller standard"


# --- parsing -----------------------------------------------------------------------------------


def errors_of(rules, currency="JPY"):
    with pytest.raises(RulesError) as error:
        parse_rules(rules, currency)
    return error.value.errors


def test_overlapping_brackets_name_the_bracket():
    errors = errors_of(
        [
            {"kind": "percentage", "rate": "5"},
            {
                "kind": "brackets",
                "brackets": [
                    {"from": "0", "to": "10000000", "rate": "10"},
                    {"from": "10000000", "to": "20000000", "rate": "12"},
                    {"from": "15000000", "rate": "15"},
                ],
            },
        ]
    )

    assert list(errors) == ["rules[1].brackets[2].from"]
    assert errors["rules[1].brackets[2].from"].startswith("Brackets overlap")


def test_gaps_and_a_bounded_last_bracket_are_refused():
    errors = errors_of(
        [
            {
                "kind": "brackets",
                "brackets": [
                    {"from": "100", "to": "1000", "rate": "10"},
                    {"from": "2000", "to": "3000", "rate": "15"},
                ],
            }
        ]
    )

    assert set(errors) == {
        "rules[0].brackets[0].from",
        "rules[0].brackets[1].from",
        "rules[0].brackets[1].to",
    }
    assert "gap" in errors["rules[0].brackets[1].from"]


def test_shares_must_sum_to_a_hundred():
    errors = errors_of([{"kind": "percentage", "rate": "10"}, split_rule("30", "60")])

    assert errors == {"rules[1].shares": "The shares add up to 90 %; they must add up to 100 %."}


def test_the_remainder_role_must_be_one_of_the_split():
    errors = errors_of([{"kind": "percentage", "rate": "10"}, split_rule(remainder="introduces")])

    assert list(errors) == ["rules[1].remainder_role"]


def test_yen_amounts_have_no_fraction_and_rates_stay_within_100():
    errors = errors_of(
        [
            {"kind": "percentage", "rate": "101", "cap": "100.5"},
            {"kind": "fixed", "event": "party", "amount": "-1"},
            {"kind": "recurring", "rate": "5", "months": 0},
            {"kind": "unknown"},
        ]
    )

    assert set(errors) == {
        "rules[0].rate",
        "rules[0].cap",
        "rules[1].event",
        "rules[1].amount",
        "rules[2].months",
        "rules[3].kind",
    }
    assert errors["rules[0].cap"] == "JPY amounts have at most 0 decimal places."


def test_a_spiff_needs_a_fixed_amount_or_a_rate_and_ordered_dates():
    errors = errors_of(
        [{**SPIFF, "rate": "5", "ends_on": "2026-05-01"}],
    )

    assert set(errors) == {"rules[0].amount", "rules[0].ends_on"}


def test_a_version_has_rules_and_at_most_one_split():
    assert errors_of([]) == {"rules": "Add at least one rule."}
    assert list(errors_of([split_rule()])) == ["rules"]
    assert list(errors_of([{"kind": "percentage", "rate": "1"}, split_rule(), split_rule()])) == [
        "rules[2].kind"
    ]


def test_rules_survive_a_round_trip_through_json():
    rules = [
        {"kind": "percentage", "rate": "10", "cap": "100000"},
        {"kind": "fixed", "event": "meeting_held", "amount": "30000"},
        {"kind": "recurring", "rate": "20", "months": 12},
        BRACKETS,
        SPIFF,
        split_rule(),
    ]

    parsed = parse_rules(rules, "JPY")

    assert parse_rules(dump_rules(parsed), "JPY") == parsed
    assert dump_rules(parsed)[3]["brackets"][1] == {"from": "10000000", "to": None, "rate": "15"}


def test_without_a_clawback_window_there_is_no_clawback_date():
    spec = version([{"kind": "percentage", "rate": "10"}], holding_days=30, clawback_days=0)

    line = calculate(versions=[spec], event=event(amount=D("1000"))).lines[0]

    assert line.explanation.payable_on == datetime.date(2026, 7, 15)
    assert line.explanation.clawback_until is None
