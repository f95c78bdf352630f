"""The calculator: what a rule set pays for one event, line by line, with the reasons as data.

`calculate` is pure (no database, no clock): the ledger will call it for real events, the
preview page and the API for hypothetical ones, and both get the same lines. Each line carries
an Explanation (rule set and version, rule, base, rate or bracket parts, cap, split share,
rounding, payable and clawback dates) that templates and the API render in the reader's
language; nothing here builds a sentence.

Rounding: a rule's amount is computed exactly, then rounded once to the currency's minor unit
by accounts.money.ROUNDING. A split shares the rounded amount: every role but the remainder
role gets its share rounded, the remainder role gets what is left, so the parts always add up
to the whole.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from decimal import Decimal

from django.utils.translation import gettext

from accounts.money import ROUNDING, quantize
from programs.commission.rules import (
    HUNDRED,
    BracketsRule,
    EventKind,
    FixedRule,
    PercentageRule,
    RecurringRule,
    Rule,
    RuleKind,
    SpiffRule,
    SplitRole,
    SplitRule,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class VersionSpec:
    """One rule-set version as the calculator needs it (built from the model by the selector)."""

    rule_set_id: int | None
    rule_set_name: str
    currency: str
    version_id: int | None
    number: int
    effective_from: datetime.date
    rules: tuple[Rule, ...]
    holding_days: int = 0
    clawback_days: int = 0


@dataclass(frozen=True)
class CommissionEvent:
    """A real or hypothetical event. `partners` maps each partner role in the deal to the
    partner (its id, or None for a hypothetical one); the first role is the main partner."""

    kind: str
    date: datetime.date
    currency: str
    amount: Decimal = ZERO
    mrr: Decimal = ZERO
    product: str = ""
    cumulative_fy_revenue_before: Decimal = ZERO
    partners: Mapping[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class BracketPart:
    lower: Decimal
    upper: Decimal | None
    rate: Decimal
    portion: Decimal  # how much of the deal falls in this bracket
    amount: Decimal  # portion x rate, not rounded


@dataclass(frozen=True)
class Explanation:
    rule_set_id: int | None
    rule_set_name: str
    version_id: int | None
    version_number: int
    effective_from: datetime.date
    rule_index: int
    kind: str
    event_kind: str
    currency: str
    # What the rule was applied to: "deal_amount", "mrr" or "event" (a fixed fee).
    base_kind: str
    base: Decimal | None = None
    rate: Decimal | None = None
    fixed_amount: Decimal | None = None
    brackets: tuple[BracketPart, ...] = ()
    cumulative_before: Decimal | None = None
    cap: Decimal | None = None
    is_cap_applied: bool = False
    spiff_name: str = ""
    spiff_product: str = ""
    spiff_min_amount: Decimal | None = None
    month: int | None = None
    months: int | None = None
    # Before rounding, and the rule's rounded amount (before any split).
    unrounded: Decimal = ZERO
    rule_amount: Decimal = ZERO
    rounding: Decimal = ZERO  # rule_amount - unrounded
    rounding_rule: str = ROUNDING
    # The split: this line's role and share; the remainder role also takes `remainder`.
    role: str = ""
    share: Decimal | None = None
    is_remainder_role: bool = False
    remainder: Decimal = ZERO
    payable_on: datetime.date | None = None
    clawback_until: datetime.date | None = None

    def as_data(self) -> dict:
        """JSON-safe: decimals as strings, dates in ISO form (what the ledger stores)."""
        return _json_safe(asdict(self))

    @classmethod
    def from_data(cls, data: dict) -> Explanation:
        """The explanation `as_data` stored, typed again (for the pages that render it). Keys
        this version does not know are left out, so an older line still renders."""
        known = {f.name for f in dataclass_fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for key in _DECIMAL_FIELDS:
            if values.get(key) is not None:
                values[key] = Decimal(values[key])
        for key in _DATE_FIELDS:
            if values.get(key):
                values[key] = datetime.date.fromisoformat(values[key])
        values["brackets"] = tuple(
            BracketPart(
                lower=Decimal(part["lower"]),
                upper=None if part["upper"] is None else Decimal(part["upper"]),
                rate=Decimal(part["rate"]),
                portion=Decimal(part["portion"]),
                amount=Decimal(part["amount"]),
            )
            for part in values.get("brackets") or ()
        )
        return cls(**values)


_DECIMAL_FIELDS = (
    "base",
    "rate",
    "fixed_amount",
    "cumulative_before",
    "cap",
    "spiff_min_amount",
    "unrounded",
    "rule_amount",
    "rounding",
    "share",
    "remainder",
)
_DATE_FIELDS = ("effective_from", "payable_on", "clawback_until")


@dataclass(frozen=True)
class CommissionLine:
    rule_index: int
    kind: str
    role: str
    partner_id: int | None
    amount: Decimal
    currency: str
    month: int | None
    explanation: Explanation


@dataclass(frozen=True)
class CommissionResult:
    event: CommissionEvent
    version: VersionSpec | None  # None: no version is effective on the event's date
    lines: tuple[CommissionLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def totals_by_role(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.role] = totals.get(line.role, ZERO) + line.amount
        return totals


class EventError(ValueError):
    """An event the rules cannot be applied to: {field: translated message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _json_safe(value):
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1: 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def version_effective_on(versions: Sequence[VersionSpec], day: datetime.date) -> VersionSpec | None:
    """The version in force on `day`: the latest effective_from on or before it."""
    candidates = [version for version in versions if version.effective_from <= day]
    return max(candidates, key=lambda version: version.effective_from, default=None)


def marginal_parts(rule: BracketsRule, *, before: Decimal, amount: Decimal) -> list[BracketPart]:
    """The parts of [before, before + amount) in each bracket, each at its own rate."""
    start, end = before, before + amount
    parts = []
    for bracket in rule.brackets:
        upper = end if bracket.upper is None else min(bracket.upper, end)
        portion = upper - max(bracket.lower, start)
        if portion > 0:
            parts.append(
                BracketPart(
                    lower=bracket.lower,
                    upper=bracket.upper,
                    rate=bracket.rate,
                    portion=portion,
                    amount=portion * bracket.rate / HUNDRED,
                )
            )
    return parts


def _raw_lines(version: VersionSpec, event: CommissionEvent):
    """(rule index, rule, line date, unrounded amount, explanation fields) for each rule that
    pays on this event, before rounding and splitting."""
    is_won = event.kind == EventKind.DEAL_WON
    for index, rule in enumerate(version.rules):
        if isinstance(rule, PercentageRule) and is_won:
            unrounded = event.amount * rule.rate / HUNDRED
            capped = rule.cap is not None and unrounded > rule.cap
            yield (
                index,
                rule,
                event.date,
                min(unrounded, rule.cap) if capped else unrounded,
                {
                    "base_kind": "deal_amount",
                    "base": event.amount,
                    "rate": rule.rate,
                    "cap": rule.cap,
                    "is_cap_applied": capped,
                },
            )
        elif isinstance(rule, FixedRule) and rule.event == event.kind:
            yield (
                index,
                rule,
                event.date,
                rule.amount,
                {
                    "base_kind": "event",
                    "fixed_amount": rule.amount,
                },
            )
        elif isinstance(rule, RecurringRule) and is_won and event.mrr > 0:
            for month in range(1, rule.months + 1):
                yield (
                    index,
                    rule,
                    add_months(event.date, month - 1),
                    event.mrr * rule.rate / HUNDRED,
                    {
                        "base_kind": "mrr",
                        "base": event.mrr,
                        "rate": rule.rate,
                        "month": month,
                        "months": rule.months,
                    },
                )
        elif isinstance(rule, BracketsRule) and is_won:
            parts = marginal_parts(
                rule, before=event.cumulative_fy_revenue_before, amount=event.amount
            )
            yield (
                index,
                rule,
                event.date,
                sum((p.amount for p in parts), ZERO),
                {
                    "base_kind": "deal_amount",
                    "base": event.amount,
                    "brackets": tuple(parts),
                    "cumulative_before": event.cumulative_fy_revenue_before,
                },
            )
        elif isinstance(rule, SpiffRule) and is_won and _spiff_applies(rule, event):
            unrounded = (
                rule.amount if rule.amount is not None else event.amount * rule.rate / HUNDRED
            )
            yield (
                index,
                rule,
                event.date,
                unrounded,
                {
                    "base_kind": "event" if rule.amount is not None else "deal_amount",
                    "base": None if rule.amount is not None else event.amount,
                    "rate": rule.rate,
                    "fixed_amount": rule.amount,
                    "spiff_name": rule.name,
                    "spiff_product": rule.product,
                    "spiff_min_amount": rule.min_amount,
                },
            )


def _spiff_applies(rule: SpiffRule, event: CommissionEvent) -> bool:
    if not rule.starts_on <= event.date <= rule.ends_on:
        return False
    if rule.product and rule.product.casefold() != event.product.strip().casefold():
        return False
    return rule.min_amount is None or event.amount >= rule.min_amount


def split_amount(
    total: Decimal, split: SplitRule, currency: str
) -> list[tuple[str, Decimal, Decimal]]:
    """(role, amount, remainder) per share of a rounded total: the parts add up to `total`
    exactly; the remainder role takes what rounding the others' shares leaves."""
    parts = {s.role: quantize(total * s.share / HUNDRED, currency) for s in split.shares}
    others = sum((amount for role, amount in parts.items() if role != split.remainder_role), ZERO)
    remainder_amount = total - others
    result = []
    for share in split.shares:
        if share.role == split.remainder_role:
            result.append((share.role, remainder_amount, remainder_amount - parts[share.role]))
        else:
            result.append((share.role, parts[share.role], ZERO))
    return result


def calculate(*, versions: Sequence[VersionSpec], event: CommissionEvent) -> CommissionResult:
    """Each amount the version in force on the event's date pays for the event."""
    errors = {}
    if event.amount < 0:
        errors["amount"] = gettext("Enter an amount of zero or more.")
    if event.mrr < 0:
        errors["mrr"] = gettext("Enter an amount of zero or more.")
    if errors:
        raise EventError(errors)
    version = version_effective_on(versions, event.date)
    if version is None:
        return CommissionResult(event=event, version=None, lines=())
    if event.currency.upper() != version.currency.upper():
        raise EventError(
            {
                "currency": gettext("This rule set pays in %(currency)s.")
                % {"currency": version.currency}
            }
        )
    split = next((rule for rule in version.rules if isinstance(rule, SplitRule)), None)
    roles = list(event.partners) or [""]
    split_roles = {share.role for share in split.shares} if split else set()
    # The split applies when the deal has the partners it names; a deal with one partner pays
    # that partner the whole amount.
    is_split = split is not None and len(roles) > 1 and set(roles) == split_roles
    if split is not None and len(roles) > 1 and not is_split:
        raise EventError(
            {
                "partners": gettext("This rule set splits between %(roles)s: name those roles.")
                % {"roles": ", ".join(str(SplitRole(role).label) for role in sorted(split_roles))}
            }
        )
    currency = version.currency
    lines = []
    for index, rule, day, unrounded, fields in _raw_lines(version, event):
        rule_amount = quantize(unrounded, currency)
        base = {
            "rule_set_id": version.rule_set_id,
            "rule_set_name": version.rule_set_name,
            "version_id": version.version_id,
            "version_number": version.number,
            "effective_from": version.effective_from,
            "rule_index": index,
            "kind": rule.kind,
            "event_kind": event.kind,
            "currency": currency,
            "unrounded": unrounded,
            "rule_amount": rule_amount,
            "rounding": rule_amount - unrounded,
            "payable_on": day + datetime.timedelta(days=version.holding_days),
            # No clawback window: nothing can be taken back, so there is no "until" to state.
            "clawback_until": (
                day + datetime.timedelta(days=version.clawback_days)
                if version.clawback_days
                else None
            ),
            **fields,
        }
        if is_split:
            shares = {s.role: s.share for s in split.shares}
            for role, amount, remainder in split_amount(rule_amount, split, currency):
                explanation = Explanation(
                    **base,
                    role=role,
                    share=shares[role],
                    is_remainder_role=role == split.remainder_role,
                    remainder=remainder,
                )
                lines.append(_line(explanation, event, role, amount))
        else:
            explanation = Explanation(**base, role=roles[0])
            lines.append(_line(explanation, event, roles[0], rule_amount))
    return CommissionResult(event=event, version=version, lines=tuple(lines))


def _line(explanation: Explanation, event: CommissionEvent, role: str, amount: Decimal):
    return CommissionLine(
        rule_index=explanation.rule_index,
        kind=explanation.kind,
        role=role,
        partner_id=event.partners.get(role) if role else None,
        amount=amount,
        currency=explanation.currency,
        month=explanation.month,
        explanation=explanation,
    )


__all__ = [
    "BracketPart",
    "CommissionEvent",
    "CommissionLine",
    "CommissionResult",
    "EventError",
    "Explanation",
    "RuleKind",
    "VersionSpec",
    "calculate",
    "marginal_parts",
    "split_amount",
    "version_effective_on",
]
