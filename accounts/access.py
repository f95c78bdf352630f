"""How a view declares who may reach it. The tenant middleware enforces the audience."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from accounts.roles import role_has_perm

# Audiences: "staff" and "portal" need an active membership of that kind; "member" any active
# membership; "public" needs no login (an invitation link, the partner application form);
# "api" leaves authentication to Django REST framework (session or API key).
AUDIENCES = {"staff", "portal", "member", "public", "api"}


def tenant_view(*, audience: str = "staff", perm: str | None = None) -> Callable:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if perm is not None and not request_has_perm(request, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.tenant_audience = audience
        return wrapped

    return decorator


def request_has_perm(request, perm: str) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.is_active and role_has_perm(membership.role, perm))


def declared_audience(view_func) -> str | None:
    """The audience a view declares; DRF views are "api" (DRF authenticates them); else None."""
    audience = getattr(view_func, "tenant_audience", None)
    if audience:
        return audience
    if getattr(view_func, "cls", None) is not None:  # Django REST framework view
        return "api"
    return None


def view_audience(view_func) -> str:
    """Deny by default: a tenant view without an audience is never served.

    The system check in accounts/checks.py refuses such a view at start-up; this is the backstop
    for one added behind its back (a test URL conf): an error, never "any member".
    """
    audience = declared_audience(view_func)
    if audience is None:
        raise ImproperlyConfigured(
            f"{getattr(view_func, '__qualname__', view_func)!r} declares no tenant audience: "
            "decorate it with accounts.access.tenant_view(audience=...)"
        )
    return audience
