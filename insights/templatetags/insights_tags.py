"""Showing a KPI value by its unit: a count, money in the tenant's currency, a share, days."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.money import money_format
from insights.metrics import COUNT, DAYS, MONEY, PERCENT

register = template.Library()


def _currency(context) -> str:
    tenant = context.get("tenant")
    return tenant.base_currency if tenant is not None else "JPY"


@register.simple_tag(takes_context=True)
def kpi_value(context, value, unit: str = COUNT) -> str:
    """The value as a person reads it; a ratio without a denominator is an en dash."""
    if value is None or value == "":
        return "–"
    if unit == MONEY:
        return money_format(value, _currency(context), locale=get_language())
    if unit == PERCENT:
        return f"{number_format(Decimal(value) * 100, decimal_pos=1)} %"
    if unit == DAYS:
        return _("%(days)s days") % {"days": number_format(Decimal(value), decimal_pos=1)}
    return number_format(value, force_grouping=True)


@register.simple_tag(takes_context=True)
def kpi_change(context, now, before, unit: str = COUNT) -> str:
    """now − before, signed ("+3", "−1.5 pt" for shares); empty when either is missing."""
    if now is None or before is None:
        return ""
    delta = Decimal(now) - Decimal(before)
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    size = abs(delta)
    if unit == PERCENT:
        return f"{sign}{number_format(size * 100, decimal_pos=1)} pt"
    if unit == MONEY:
        return sign + money_format(size, _currency(context), locale=get_language())
    if unit == DAYS:
        return sign + number_format(size, decimal_pos=1)
    return sign + number_format(size, force_grouping=True)
