"""The one way a target account moves through the funnel (deals.models.Milestone).

Every writer of a milestone (the funnel board, the portal, the API, a deal registered from the
account) calls `milestone_move` inside its own service's transaction: it checks the move is
legal, stores the TargetAccountChange and tells subscribers after commit.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import stored_actor
from accounts.models import Tenant, User
from deals import signals
from deals.models import (
    CLOSED_MILESTONES,
    MILESTONE_ORDER,
    Milestone,
    TargetAccount,
    TargetAccountChange,
)


def allowed_moves(current: str) -> tuple[str, ...]:
    """Where an account at `current` may go: the next open step, converted (a deal registered
    from it, at any open step), dropped (at any open step); a dropped account may be listed
    again; a converted one stays converted (its deal carries on in the pipeline)."""
    if current == Milestone.DROPPED:
        return (Milestone.LISTED,)
    if current in CLOSED_MILESTONES:
        return ()
    index = MILESTONE_ORDER.index(current)
    forward = MILESTONE_ORDER[index + 1 : index + 2]
    return (*forward, Milestone.CONVERTED, Milestone.DROPPED)


def milestone_move(
    *,
    tenant: Tenant,
    actor: User | None,
    target_account: TargetAccount,
    to_milestone: str,
    note: str = "",
    drop_reason: str = "",
    at: datetime.datetime | None = None,
) -> TargetAccountChange:
    """Move one account (locked for the move) and record it. Raises ValidationError with a
    message naming both milestones when the move is not allowed. Call inside a transaction."""
    if target_account.tenant_id != tenant.pk:
        # SECURITY(tenant): only the tenant's own account is ever moved.
        raise ValidationError(_("This target account belongs to another tenant."))
    account = TargetAccount.objects.select_for_update().get(tenant=tenant, pk=target_account.pk)
    current = account.milestone
    if to_milestone not in allowed_moves(current):
        raise ValidationError(
            _("“%(name)s” is at “%(current)s” and cannot move to “%(target)s”.")
            % {
                "name": account.company_name,
                "current": Milestone(current).label,
                "target": Milestone(to_milestone).label
                if to_milestone in Milestone.values
                else to_milestone,
            }
        )
    drop_reason = drop_reason.strip()
    if to_milestone == Milestone.DROPPED and not drop_reason:
        raise ValidationError({"drop_reason": _("Say why the account is dropped.")})
    moved_at = at or timezone.now()
    change = TargetAccountChange.objects.create(
        tenant=tenant,
        target_account=account,
        from_milestone=current,
        to_milestone=to_milestone,
        changed_at=moved_at,
        changed_by=stored_actor(actor),
        note=note[:500],
    )
    account.milestone = to_milestone
    account.milestone_at = moved_at
    account.drop_reason = drop_reason[:300] if to_milestone == Milestone.DROPPED else ""
    account.save(update_fields=["milestone", "milestone_at", "drop_reason"])
    # Keep the caller's instance in step with the row.
    target_account.milestone = account.milestone
    target_account.milestone_at = account.milestone_at
    target_account.drop_reason = account.drop_reason
    reached_on = timezone.localtime(moved_at).date()
    transaction.on_commit(
        lambda: signals.milestone_reached.send(
            sender=TargetAccount,
            tenant=tenant,
            target_account_id=account.pk,
            change_id=change.pk,
            milestone=to_milestone,
            reached_on=reached_on,
        )
    )
    return change


def milestone_record_listing(
    *, tenant: Tenant, actor: User | None, target_account: TargetAccount
) -> TargetAccountChange:
    """The first change of a new account (from blank to listed): the funnel's first step."""
    return TargetAccountChange.objects.create(
        tenant=tenant,
        target_account=target_account,
        from_milestone="",
        to_milestone=Milestone.LISTED,
        changed_at=target_account.created_at,
        changed_by=stored_actor(actor),
    )
