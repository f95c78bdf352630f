"""Template helpers of the insights pages: a KPI value and its change, formatted by unit."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import money as money_module
from insights.metrics import COUNT, DAYS, MONEY, PERCENT
from insights.selectors.snapshots import period_label as _period_label

register = template.Library()


def _number(value, places: int) -> str:
    # number_format cuts extra decimals off; round half up first (2 of 7 is 29 %, not 28).
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places, use_l10n=True, force_grouping=True)


@register.simple_tag
def kpi_format(value, unit: str = COUNT, currency: str = "JPY") -> str:
    """A KPI for people: counts grouped, money in the currency, shares as "42.5 %", days
    with one decimal; no value (a ratio without a denominator) as an en dash."""
    if value is None or value == "":
        return "–"
    if unit == MONEY:
        return money_module.money_format(value, currency, locale=get_language())
    if unit == PERCENT:
        return _("%(value)s %%") % {"value": _number(Decimal(value) * 100, 1)}
    if unit == DAYS:
        return _number(Decimal(value), 1)
    return _number(value, 0)


@register.simple_tag
def kpi_change(figure, currency: str = "JPY") -> str:
    """The change of a figure from the period before: "+3", "−¥120,000", "+4.0 pt"."""
    change = figure.change
    if change is None:
        return "–"
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    size = abs(change)
    if figure.unit == MONEY:
        text = money_module.money_format(size, currency, locale=get_language())
    elif figure.unit == PERCENT:
        text = _("%(value)s pt") % {"value": _number(Decimal(size) * 100, 1)}
    elif figure.unit == DAYS:
        text = _number(Decimal(size), 1)
    else:
        text = _number(size, 0)
    relative = figure.change_percent
    if relative is not None:
        text += " (" + sign + _number(abs(relative) * 100, 0) + " %)"
    return sign + text


@register.simple_tag
def share(value) -> str:
    if value is None:
        return "–"
    return _("%(value)s %%") % {"value": _number(Decimal(value) * 100, 0)}


@register.simple_tag(takes_context=True)
def period_name(context, kind: str, start) -> str:
    return _period_label(context["tenant"], kind, start)


def _currency(context) -> str:
    tenant = context.get("tenant")
    return tenant.base_currency if tenant is not None else "JPY"


@register.simple_tag(takes_context=True)
def kpi_value(context, value, unit: str = COUNT) -> str:
    """kpi_format in the tenant's base currency (the page's `tenant`)."""
    return kpi_format(value, unit, _currency(context))


@register.simple_tag(takes_context=True)
def kpi_delta(context, now, before, unit: str = COUNT) -> str:
    """now − before, signed ("+3", "−1.5 pt" for shares); empty when either is missing."""
    if now is None or before is None:
        return ""
    delta = Decimal(now) - Decimal(before)
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    size = abs(delta)
    if unit == PERCENT:
        return sign + _("%(value)s pt") % {"value": _number(size * 100, 1)}
    if unit == MONEY:
        return sign + money_module.money_format(size, _currency(context), locale=get_language())
    if unit == DAYS:
        return sign + _number(size, 1)
    return sign + _number(size, 0)
