from django.utils.functional import SimpleLazyObject

from accounts.roles import role_permissions
from accounts.selectors import memberships_for_user


def tenancy(request):
    membership = getattr(request, "membership", None)
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": membership,
        "perms_in_tenant": role_permissions(membership.role) if membership else frozenset(),
        "my_memberships": SimpleLazyObject(lambda: memberships_for_user(user=request.user)),
    }
