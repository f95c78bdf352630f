"""How a view declares who may reach it. The tenant middleware enforces the audience."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

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
