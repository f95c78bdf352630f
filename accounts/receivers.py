"""What the kernel does when Django or allauth tells it something."""

import zoneinfo

from django.utils import timezone

from accounts.rls import rls_bound
from accounts.selectors import memberships_for_user


def sign_in_record(sender, request, user, **kwargs) -> None:
    """A sign-in counts for every tenant the person belongs to, on each tenant's own calendar
    (one login serves all of them). Each membership's day is written by a tenant task, which
    binds that tenant's row-level security: the login request itself belongs to no tenant."""
    from accounts.tasks import sign_in_day_record_task

    now = timezone.now()
    # SECURITY(tenant): the login request was bound to nobody when it started; the person's
    # own memberships are readable once their id is bound (policy own_rows_readable).
    with rls_bound(tenant_id=None, user_id=user.pk):
        memberships = memberships_for_user(user=user)
    for membership in memberships:
        day = timezone.localtime(now, zoneinfo.ZoneInfo(membership.tenant.time_zone)).date()
        sign_in_day_record_task.delay(
            tenant_id=membership.tenant_id, membership_id=membership.pk, day=day.isoformat()
        )
