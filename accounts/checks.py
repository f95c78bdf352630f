"""System checks of the kernel: every view inside a tenant declares who may reach it.

Deny by default (architecture.md, "Tenancy"): the tenant middleware lets a request through
according to the view's audience, so a view that declares none must not start at all rather
than fall open to every member (partner users included). `manage.py check`, `runserver`,
`migrate` and the test suite run this check.
"""

from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.access import declared_audience

TENANT_ARGUMENT = "tenant_slug"


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def undeclared_tenant_views(patterns) -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every view under /<tenant_slug>/ that declares no audience."""
    return [
        (route, pattern)
        for route, pattern in _walk(patterns)
        if TENANT_ARGUMENT in route and declared_audience(pattern.callback) is None
    ]


def audience_errors(patterns) -> list[checks.Error]:
    return [
        checks.Error(
            f"The view of route {route!r} ({pattern.lookup_str}) declares no tenant audience.",
            hint=(
                'Decorate it with accounts.access.tenant_view(audience="staff" | "portal" | '
                '"member" | "public" | "api"); DRF views count as "api".'
            ),
            obj=pattern.lookup_str,
            id="accounts.E001",
        )
        for route, pattern in undeclared_tenant_views(patterns)
    ]


@checks.register(checks.Tags.urls, checks.Tags.security)
def check_tenant_view_audiences(app_configs=None, **kwargs) -> list[checks.Error]:
    return audience_errors(get_resolver().url_patterns)
