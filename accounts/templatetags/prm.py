"""Template helpers: query strings, sortable headers, form classes, money, registered entries."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from accounts import money as money_module
from accounts.audit import action_label
from accounts.registry import registry

register = template.Library()


def _allowed(context, perm: str | None) -> bool:
    return perm is None or perm in context.get("perms_in_tenant", frozenset())


def _badge(context, entry) -> int | None:
    """The entry's badge count, computed once per request (a page may draw the nav twice)."""
    request = context.get("request")
    if entry.badge is None or request is None:
        return None
    counts = request.__dict__.setdefault("_nav_badges", {})
    key = (entry.audience, entry.key)
    if key not in counts:
        counts[key] = entry.badge(request) or None
    return counts[key]


@register.simple_tag(takes_context=True)
def registered_nav(context, audience: str) -> list[dict]:
    """The apps' navigation entries the person may use: entry, url, is_active, is_child and
    badge (a count or None)."""
    tenant = context["tenant"]
    current = context.get("nav")
    return [
        {
            "entry": entry,
            "url": reverse(entry.url_name, kwargs={"tenant_slug": tenant.slug}),
            "is_active": entry.key == current,
            "is_child": entry.parent is not None,
            "badge": _badge(context, entry),
        }
        for entry in registry.nav_entries(audience)
        if _allowed(context, entry.perm)
    ]


@register.simple_tag(takes_context=True)
def registered_partner_tabs(context, partner) -> list[dict]:
    """The apps' partner-page tabs the person may see, each with its fragment URL."""
    slug = context["tenant"].slug
    return [
        {
            "tab": tab,
            "url": reverse(tab.url_name, kwargs={"tenant_slug": slug, "partner_id": partner.pk}),
        }
        for tab in registry.tabs()
        if _allowed(context, tab.perm)
    ]


@register.simple_tag(takes_context=True)
def registered_settings_tabs(context) -> list[dict]:
    """The apps' settings tabs the person may see, each with its page URL."""
    slug = context["tenant"].slug
    return [
        {"tab": tab, "url": reverse(tab.url_name, kwargs={"tenant_slug": slug})}
        for tab in registry.settings()
        if _allowed(context, tab.perm)
    ]


@register.simple_tag(takes_context=True)
def registered_dashboard_panels(context) -> list[dict]:
    """The apps' dashboard panels the person may see, each with its fragment URL."""
    slug = context["tenant"].slug
    return [
        {"panel": panel, "url": reverse(panel.url_name, kwargs={"tenant_slug": slug})}
        for panel in registry.panels()
        if _allowed(context, panel.perm)
    ]


@register.simple_tag(takes_context=True)
def registered_public_sections(context, page: str) -> list[dict]:
    """The apps' sections of a public page, each with its fragment URL (no login needed)."""
    slug = context["tenant"].slug
    return [
        {"section": section, "url": reverse(section.url_name, kwargs={"tenant_slug": slug})}
        for section in registry.sections_of(page)
    ]


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
    """An amount for people: ¥1,234 in English, 1,234円 in Japanese (accounts/money.py)."""
    if amount is None or amount == "":
        return ""
    return money_module.money_format(amount, currency, locale=get_language())


@register.simple_tag
def current_language() -> str:
    return get_language()


@register.filter
def audit_action(action: str) -> str:
    """An audit action code as its translated label."""
    return action_label(action)
