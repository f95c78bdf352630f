"""The commission rule kinds: typed, frozen values read from and written to a version's `rules`.

A version's `rules` is a JSON list; each item is an object with a "kind". `parse_rules` turns
that list into the dataclasses below and refuses anything it cannot pay exactly, with one
RulesError that names every bad field by its path (`rules[1].brackets[2].from`), so the editor
and the API can put each message next to the field it is about. `dump_rules` writes them back
as the same JSON (decimals as strings: JSON numbers would become floats on the way back).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.money import exponent, money_format

HUNDRED = Decimal(100)
MAX_MONTHS = 120
# Amounts beyond this are typing mistakes, not contracts (and stay inside Decimal(18, 3)).
MAX_AMOUNT = Decimal("1e15")


class RuleKind(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage of the deal amount")
    FIXED = "fixed", _("Fixed amount per event")
    RECURRING = "recurring", _("Percentage of MRR for a number of months")
    BRACKETS = "brackets", _("Brackets over the fiscal year's revenue")
    SPIFF = "spiff", _("Bonus (SPIFF)")
    SPLIT = "split", _("Split between partners")


class EventKind(models.TextChoices):
    """What happened that may earn commission: the result and the leading indicators."""

    DEAL_WON = "deal_won", _("Deal won")
    MEETING_HELD = "meeting_held", _("Qualified meeting held")
    BY_NAME_REQUEST_ACCEPTED = "by_name_request_accepted", _("By-name request accepted")


class SplitRole(models.TextChoices):
    """The partner's part in a shared deal (the same codes as programs.models.PartnerRole)."""

    INTRODUCES = "introduces", _("Introduces only")
    SETS_MEETING = "sets_meeting", _("Sets the first meeting")
    CLOSES = "closes", _("Closes the deal")
    CLOSES_AND_SUCCESS = "closes_and_success", _("Closes and does customer success")


@dataclass(frozen=True)
class PercentageRule:
    """`rate` % of the deal amount, once, at most `cap` when a cap is set."""

    rate: Decimal
    cap: Decimal | None = None
    kind: str = RuleKind.PERCENTAGE


@dataclass(frozen=True)
class FixedRule:
    """`amount` for every event of `event` kind (a meeting held, a won deal, a milestone)."""

    event: str
    amount: Decimal
    kind: str = RuleKind.FIXED


@dataclass(frozen=True)
class RecurringRule:
    """`rate` % of the monthly recurring revenue, for `months` months: one line per month."""

    rate: Decimal
    months: int
    kind: str = RuleKind.RECURRING


@dataclass(frozen=True)
class Bracket:
    lower: Decimal
    upper: Decimal | None  # None: no upper bound (only the last bracket)
    rate: Decimal


@dataclass(frozen=True)
class BracketsRule:
    """Marginal rates over the partner's cumulative revenue in the fiscal year: each part of the
    deal pays the rate of the bracket it falls in (10 % up to ¥10,000,000, 15 % above)."""

    brackets: tuple[Bracket, ...]
    kind: str = RuleKind.BRACKETS


@dataclass(frozen=True)
class SpiffRule:
    """A bonus for won deals dated inside [starts_on, ends_on] that meet the condition:
    `product` (when set) and `min_amount` (when set); pays `amount` or `rate` % of the deal."""

    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    product: str = ""
    min_amount: Decimal | None = None
    amount: Decimal | None = None
    rate: Decimal | None = None
    kind: str = RuleKind.SPIFF


@dataclass(frozen=True)
class Share:
    role: str
    share: Decimal  # percent


@dataclass(frozen=True)
class SplitRule:
    """Every line is shared between the partners of the deal by their role; the shares sum to
    100 % and the minor units that rounding leaves go to `remainder_role`."""

    shares: tuple[Share, ...]
    remainder_role: str
    kind: str = RuleKind.SPLIT


Rule = PercentageRule | FixedRule | RecurringRule | BracketsRule | SpiffRule | SplitRule


class RulesError(Exception):
    """Rules that cannot be paid as written: {field path: translated message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors.items()))
        self.errors = errors


class _Reader:
    """Collects every problem of one rules list instead of stopping at the first."""

    def __init__(self, currency: str):
        self.currency = currency
        self.places = exponent(currency)
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def decimal(self, item: dict, key: str, path: str, *, required: bool = True):
        raw = item.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.fail(f"{path}.{key}", gettext("This field is required."))
            return None
        # A JSON number may arrive as a float: its shortest text ("12.5") is what was meant.
        try:
            value = None if isinstance(raw, bool) else Decimal(str(raw).strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.fail(f"{path}.{key}", gettext("Enter a number."))
            return None
        return value

    def rate(self, item: dict, key: str, path: str, *, required: bool = True):
        value = self.decimal(item, key, path, required=required)
        if value is None:
            return None
        if not Decimal(0) <= value <= HUNDRED:
            self.fail(f"{path}.{key}", gettext("Enter a percentage between 0 and 100."))
            return None
        if value.as_tuple().exponent < -4:
            self.fail(f"{path}.{key}", gettext("Use at most four decimal places."))
            return None
        return value

    def amount(self, item: dict, key: str, path: str, *, required: bool = True):
        value = self.decimal(item, key, path, required=required)
        if value is None:
            return None
        if value < 0 or value > MAX_AMOUNT:
            self.fail(f"{path}.{key}", gettext("Enter an amount of zero or more."))
            return None
        if value != value.quantize(Decimal(1).scaleb(-self.places)):
            self.fail(
                f"{path}.{key}",
                gettext("%(currency)s amounts have at most %(places)s decimal places.")
                % {"currency": self.currency, "places": self.places},
            )
            return None
        return value

    def date(self, item: dict, key: str, path: str):
        raw = item.get(key)
        if not raw:
            self.fail(f"{path}.{key}", gettext("This field is required."))
            return None
        if isinstance(raw, datetime.date):
            return raw
        try:
            return datetime.date.fromisoformat(str(raw))
        except ValueError:
            self.fail(f"{path}.{key}", gettext("Enter a valid date."))
            return None

    def choice(self, item: dict, key: str, path: str, choices) -> str | None:
        raw = item.get(key)
        if raw not in choices.values:
            self.fail(f"{path}.{key}", gettext("Choose one of the listed values."))
            return None
        return raw


def _parse_percentage(reader: _Reader, item: dict, path: str):
    rate = reader.rate(item, "rate", path)
    cap = reader.amount(item, "cap", path, required=False)
    if rate is not None:
        return PercentageRule(rate=rate, cap=cap)
    return None


def _parse_fixed(reader: _Reader, item: dict, path: str):
    event = reader.choice(item, "event", path, EventKind)
    amount = reader.amount(item, "amount", path)
    if event is not None and amount is not None:
        return FixedRule(event=event, amount=amount)
    return None


def _parse_recurring(reader: _Reader, item: dict, path: str):
    rate = reader.rate(item, "rate", path)
    months = item.get("months")
    try:
        months = int(str(months).strip()) if months not in (None, "") else None
    except ValueError:
        months = None
    if months is None or not 1 <= months <= MAX_MONTHS:
        reader.fail(
            f"{path}.months",
            gettext("Enter a number of months from 1 to %(max)s.") % {"max": MAX_MONTHS},
        )
        return None
    if rate is not None:
        return RecurringRule(rate=rate, months=months)
    return None


def _parse_brackets(reader: _Reader, item: dict, path: str):
    rows = item.get("brackets")
    if not isinstance(rows, list) or not rows:
        reader.fail(f"{path}.brackets", gettext("Add at least one bracket."))
        return None
    brackets: list[Bracket] = []
    for position, row in enumerate(rows):
        row_path = f"{path}.brackets[{position}]"
        if not isinstance(row, dict):
            reader.fail(row_path, gettext("Each bracket needs a lower bound and a rate."))
            continue
        lower = reader.amount(row, "from", row_path)
        upper = reader.amount(row, "to", row_path, required=False)
        rate = reader.rate(row, "rate", row_path)
        if lower is None or rate is None or (row.get("to") not in (None, "") and upper is None):
            continue
        if upper is not None and upper <= lower:
            reader.fail(f"{row_path}.to", gettext("The upper bound must be above the lower bound."))
            continue
        brackets.append(Bracket(lower=lower, upper=upper, rate=rate))
        if position == 0 and lower != 0:
            reader.fail(f"{row_path}.from", gettext("The first bracket starts at 0."))
        if position > 0 and len(brackets) >= 2:
            previous = brackets[-2]
            money = lambda value: money_format(value, reader.currency)  # noqa: E731
            if previous.upper is None or lower < previous.upper:
                reader.fail(
                    f"{row_path}.from",
                    gettext(
                        "Brackets overlap: this one starts at %(start)s, inside the one before "
                        "(from %(previous)s)."
                    )
                    % {"start": money(lower), "previous": money(previous.lower)},
                )
            elif lower > previous.upper:
                reader.fail(
                    f"{row_path}.from",
                    gettext(
                        "Brackets leave a gap: the one before ends at %(end)s, this one starts "
                        "at %(start)s."
                    )
                    % {"end": money(previous.upper), "start": money(lower)},
                )
    if brackets and len(brackets) == len(rows) and brackets[-1].upper is not None:
        reader.fail(
            f"{path}.brackets[{len(rows) - 1}].to",
            gettext("Leave the last bracket's upper bound empty: revenue above it pays its rate."),
        )
    if len(brackets) == len(rows):
        return BracketsRule(brackets=tuple(brackets))
    return None


def _parse_spiff(reader: _Reader, item: dict, path: str):
    name = str(item.get("name") or "").strip()
    if not name:
        reader.fail(f"{path}.name", gettext("This field is required."))
    elif len(name) > 100:
        reader.fail(f"{path}.name", gettext("Use at most 100 characters."))
    starts_on = reader.date(item, "starts_on", path)
    ends_on = reader.date(item, "ends_on", path)
    if starts_on and ends_on and ends_on < starts_on:
        reader.fail(f"{path}.ends_on", gettext("The end date is before the start date."))
    product = str(item.get("product") or "").strip()[:100]
    min_amount = reader.amount(item, "min_amount", path, required=False)
    amount = reader.amount(item, "amount", path, required=False)
    rate = reader.rate(item, "rate", path, required=False)
    if (amount is None) == (rate is None) and f"{path}.amount" not in reader.errors:
        reader.fail(f"{path}.amount", gettext("Give either a fixed amount or a rate, not both."))
        return None
    if name and starts_on and ends_on and ends_on >= starts_on:
        return SpiffRule(
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            product=product,
            min_amount=min_amount,
            amount=amount,
            rate=rate,
        )
    return None


def _parse_split(reader: _Reader, item: dict, path: str):
    rows = item.get("shares")
    if not isinstance(rows, list) or len(rows) < 2:
        reader.fail(f"{path}.shares", gettext("A split needs at least two roles."))
        return None
    shares: list[Share] = []
    for position, row in enumerate(rows):
        row_path = f"{path}.shares[{position}]"
        row = row if isinstance(row, dict) else {}
        role = reader.choice(row, "role", row_path, SplitRole)
        share = reader.rate(row, "share", row_path)
        if role is not None and any(existing.role == role for existing in shares):
            reader.fail(f"{row_path}.role", gettext("Each role appears once in a split."))
            continue
        if role is not None and share is not None:
            shares.append(Share(role=role, share=share))
    remainder_role = reader.choice(item, "remainder_role", path, SplitRole)
    if len(shares) != len(rows):
        return None
    total = sum((share.share for share in shares), Decimal(0))
    if total != HUNDRED:
        reader.fail(
            f"{path}.shares",
            gettext("The shares add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": format(total.normalize(), "f")},
        )
        return None
    if remainder_role is not None and remainder_role not in {share.role for share in shares}:
        reader.fail(f"{path}.remainder_role", gettext("Choose one of the split's roles."))
        return None
    if remainder_role is None:
        return None
    return SplitRule(shares=tuple(shares), remainder_role=remainder_role)


PARSERS = {
    RuleKind.PERCENTAGE: _parse_percentage,
    RuleKind.FIXED: _parse_fixed,
    RuleKind.RECURRING: _parse_recurring,
    RuleKind.BRACKETS: _parse_brackets,
    RuleKind.SPIFF: _parse_spiff,
    RuleKind.SPLIT: _parse_split,
}


def parse_rules(data: Any, currency: str) -> tuple[Rule, ...]:
    """The rules of a version, checked; RulesError names every field that is wrong."""
    reader = _Reader(currency)
    if not isinstance(data, list):
        raise RulesError({"rules": gettext("The rules are a list.")})
    if not data:
        raise RulesError({"rules": gettext("Add at least one rule.")})
    rules: list[Rule] = []
    for index, item in enumerate(data):
        path = f"rules[{index}]"
        kind = item.get("kind") if isinstance(item, dict) else None
        parser = PARSERS.get(kind)
        if parser is None:
            reader.fail(f"{path}.kind", gettext("Unknown kind of rule."))
            continue
        rule = parser(reader, item, path)
        if rule is not None:
            rules.append(rule)
    splits = [index for index, rule in enumerate(data) if _kind(rule) == RuleKind.SPLIT]
    if len(splits) > 1:
        reader.fail(f"rules[{splits[1]}].kind", gettext("A version has at most one split."))
    if splits and len(splits) == len(data):
        reader.fail("rules", gettext("A split shares what other rules pay: add a rule that pays."))
    if reader.errors:
        raise RulesError(reader.errors)
    return tuple(rules)


def _kind(item: Any) -> Any:
    return item.get("kind") if isinstance(item, dict) else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def dump_rule(rule: Rule) -> dict:
    if isinstance(rule, PercentageRule):
        return {"kind": rule.kind, "rate": _text(rule.rate), "cap": _text(rule.cap)}
    if isinstance(rule, FixedRule):
        return {"kind": rule.kind, "event": rule.event, "amount": _text(rule.amount)}
    if isinstance(rule, RecurringRule):
        return {"kind": rule.kind, "rate": _text(rule.rate), "months": rule.months}
    if isinstance(rule, BracketsRule):
        return {
            "kind": rule.kind,
            "brackets": [
                {"from": _text(b.lower), "to": _text(b.upper), "rate": _text(b.rate)}
                for b in rule.brackets
            ],
        }
    if isinstance(rule, SpiffRule):
        return {
            "kind": rule.kind,
            "name": rule.name,
            "starts_on": rule.starts_on.isoformat(),
            "ends_on": rule.ends_on.isoformat(),
            "product": rule.product,
            "min_amount": _text(rule.min_amount),
            "amount": _text(rule.amount),
            "rate": _text(rule.rate),
        }
    return {
        "kind": rule.kind,
        "shares": [{"role": s.role, "share": _text(s.share)} for s in rule.shares],
        "remainder_role": rule.remainder_role,
    }


def dump_rules(rules) -> list[dict]:
    return [dump_rule(rule) for rule in rules]
