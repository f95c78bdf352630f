"""Template helpers: query strings, sortable headers, form classes and money."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from accounts.audit import action_label

register = template.Library()

CURRENCY_EXPONENTS = {"JPY": 0, "USD": 2, "EUR": 2}
CURRENCY_SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€"}


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str) -> str:
    request = context["request"]
    current = request.GET.get("sort", "")
    descending = current == field
    query = request.GET.copy()
    query["sort"] = f"-{field}" if descending else field
    query.pop("page", None)
    arrow = ""
    if current == field:
        arrow = " ↑"
    elif current == f"-{field}":
        arrow = " ↓"
    return format_html('<a href="?{}" class="sort-link">{}{}</a>', query.urlencode(), label, arrow)


@register.filter
def add_class(bound_field, css_class: str):
    return bound_field.as_widget(attrs={"class": css_class})


@register.filter
def money(amount, currency: str = "JPY") -> str:
    """¥1,234 for yen (no minor unit, domain.md §5); $1,234.50 for dollars."""
    if amount is None or amount == "":
        return ""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    quantum = Decimal(1).scaleb(-exponent)
    value = Decimal(str(amount)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    formatted = f"{abs(value):,.{exponent}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is None:
        return f"{sign}{formatted} {currency}"
    return f"{sign}{symbol}{formatted}"


@register.simple_tag
def current_language() -> str:
    return get_language()


@register.filter
def audit_action(action: str) -> str:
    """An audit action code as its translated label."""
    return action_label(action)
