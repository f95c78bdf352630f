from django.utils.functional import SimpleLazyObject

from accounts.roles import ROLE_PERMISSIONS
from accounts.selectors import memberships_for_user


def tenancy(request):
    membership = getattr(request, "membership", None)
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": membership,
        "perms_in_tenant": ROLE_PERMISSIONS.get(membership.role, frozenset())
        if membership
        else frozenset(),
        "my_memberships": SimpleLazyObject(lambda: memberships_for_user(user=request.user)),
    }
