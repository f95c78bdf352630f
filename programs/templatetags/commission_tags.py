"""Labels for the commission engine's codes, in the reader's language."""

from decimal import Decimal

from django import template

from programs.commission import EventKind, RuleKind, SplitRole

register = template.Library()


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code or "")


@register.filter
def event_label(code) -> str:
    return _label(EventKind, code)


@register.filter
def role_label(code) -> str:
    return _label(SplitRole, code)


@register.filter
def rule_kind_label(code) -> str:
    return _label(RuleKind, code)


@register.filter
def percent(value) -> str:
    """12.5 for Decimal("12.5000"): a rate without trailing zeros (the template adds "%")."""
    if value is None or value == "":
        return ""
    return format(Decimal(value).normalize(), "f")
