"""What the kernel does when Django or allauth tells it something."""

import zoneinfo

from django.utils import timezone

from accounts.rls import rls_bound
from accounts.selectors import memberships_for_user
from accounts.services import sign_in_day_record
from accounts.tenancy import tenant_context


def sign_in_record(sender, request, user, **kwargs) -> None:
    """A sign-in counts for every tenant the person belongs to, on each tenant's own calendar
    (one login serves all of them): one INSERT ... ON CONFLICT DO NOTHING per membership,
    each inside its tenant's scope and row-level-security binding (the login request itself
    belongs to no tenant)."""
    now = timezone.now()
    # SECURITY(tenant): the login request was bound to nobody when it started; the person's
    # own memberships are readable once their id is bound (policy own_rows_readable).
    with rls_bound(tenant_id=None, user_id=user.pk):
        memberships = memberships_for_user(user=user)
    for membership in memberships:
        tenant = membership.tenant
        day = timezone.localtime(now, zoneinfo.ZoneInfo(tenant.time_zone)).date()
        with tenant_context(tenant):
            # .nested: a login may run inside someone's transaction (a test, an invitation).
            sign_in_day_record.nested(tenant=tenant, membership_id=membership.pk, day=day)
