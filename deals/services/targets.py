"""Writes of target-account lists: listing an account, editing it, moving it through the
funnel (one or many), the partner's willingness to share a list, and the suggested priority
those feed (domain.md §3).

Every milestone move goes through deals.services.milestones.milestone_move, inside the
service's own transaction; every change to a partner's list or willingness recomputes the
partner's suggested priority in that same transaction (`_priority_refresh`).
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import (
    audit_record,
    created_values,
    field_changes,
    register_action_labels,
    register_key_labels,
    stored_actor,
)
from accounts.models import Tenant, User
from accounts.transactions import service
from deals.models import (
    CLOSED_MILESTONES,
    ListWillingness,
    Milestone,
    PartnerTargetList,
    TargetAccount,
)
from deals.names import company_name_key
from deals.services.milestones import milestone_move, milestone_record_listing
from partners.choices import Priority
from partners.models import Partner, PartnerRep
from partners.services.directory import partner_suggested_priority_set

register_action_labels(
    {
        "target_account.created": gettext_lazy("Target account listed"),
        "target_account.updated": gettext_lazy("Target account updated"),
        "target_account.moved": gettext_lazy("Target account moved in the funnel"),
        "target_account.requested": gettext_lazy("By-name requests sent"),
        "target_account.imported": gettext_lazy("Target accounts imported"),
        "target_list.willingness_set": gettext_lazy("Willingness to submit a list set"),
    }
)

# The willingness event is recorded on the partner, which has no such field.
register_key_labels({"willingness": gettext_lazy("willing to submit a list")})

# The fields a person types for an account (the form, the API, the CSV import).
TARGET_FIELDS = (
    "company_name",
    "corporate_number",
    "industry",
    "prefecture",
    "size",
    "contact_name",
    "contact_email",
    "contact_phone",
    "notes",
)


# --- Suggested priority -------------------------------------------------------------------------

# The rule, in one place (domain.md §3: priority from whether the partner is willing to submit
# a list, whether it did, and how many accounts it holds). Open accounts are the ones still in
# the funnel (not converted, not dropped): what the partner is working on now.
#   A: 20 or more open accounts  - a real list: weekly meeting and individual actions;
#   B: 1 to 19 open accounts     - a list has started: monthly meeting and regular contact;
#   C: no open account, and willing or not asked yet - worth a monthly meeting;
#   D: no open account and not willing - no push.
# Submitting accounts is itself the proof of willingness: a partner marked "not willing" that
# lists accounts anyway is ranked by its list.
PRIORITY_A_MIN_OPEN = 20


def suggested_priority(*, willingness: str, open_accounts: int) -> str:
    if open_accounts >= PRIORITY_A_MIN_OPEN:
        return Priority.A
    if open_accounts >= 1:
        return Priority.B
    if willingness == ListWillingness.UNWILLING:
        return Priority.D
    return Priority.C


def _willingness_of(tenant: Tenant, partner: Partner) -> str:
    row = PartnerTargetList.objects.filter(tenant=tenant, partner=partner).first()
    return row.willingness if row is not None else ListWillingness.UNKNOWN


def suggested_priority_refresh(*, tenant: Tenant, partner: Partner) -> None:
    """Recompute and store the partner's suggested priority (inside the caller's transaction;
    the demo data and, later, the nightly KPI run call it too)."""
    _priority_refresh(tenant, partner)


def _priority_refresh(tenant: Tenant, partner: Partner) -> None:
    open_accounts = (
        TargetAccount.objects.filter(tenant=tenant, partner=partner)
        .exclude(milestone__in=CLOSED_MILESTONES)
        .count()
    )
    priority = suggested_priority(
        willingness=_willingness_of(tenant, partner), open_accounts=open_accounts
    )
    partner_suggested_priority_set.nested(tenant=tenant, partner=partner, priority=priority)


@service
def suggested_priorities_refresh(*, tenant: Tenant) -> int:
    """Every partner's suggested priority, from one count of open accounts per partner and
    one read of the willingness answers (the nightly KPI run calls it, so a suggestion never
    goes stale); only the partners whose suggestion changes are written and audited.
    Returns how many changed."""
    open_counts = dict(
        TargetAccount.objects.filter(tenant=tenant)
        .exclude(milestone__in=CLOSED_MILESTONES)
        .values("partner_id")
        .annotate(n=Count("pk"))
        .values_list("partner_id", "n")
    )
    willingness = dict(
        PartnerTargetList.objects.filter(tenant=tenant).values_list("partner_id", "willingness")
    )
    changed = 0
    for partner in Partner.objects.filter(tenant=tenant).only(
        "pk", "tenant_id", "suggested_priority"
    ):
        priority = suggested_priority(
            willingness=willingness.get(partner.pk, ListWillingness.UNKNOWN),
            open_accounts=open_counts.get(partner.pk, 0),
        )
        if priority != partner.suggested_priority:
            partner_suggested_priority_set.nested(tenant=tenant, partner=partner, priority=priority)
            changed += 1
    return changed


@service
def target_list_willingness_set(
    *, tenant: Tenant, actor: User | None, partner: Partner, willingness: str
) -> PartnerTargetList:
    """Staff record whether the partner is willing to submit a list."""
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    if willingness not in ListWillingness.values:
        raise ValidationError({"willingness": _("Choose one of the offered answers.")})
    # The unique (tenant, partner) row makes two concurrent first saves one row.
    target_list, _created = PartnerTargetList.objects.select_for_update().get_or_create(
        tenant=tenant, partner=partner
    )
    old = target_list.willingness
    if old != willingness:
        target_list.willingness = willingness
        target_list.updated_at = timezone.now()
        target_list.updated_by = stored_actor(actor)
        target_list.save(update_fields=["willingness", "updated_at", "updated_by"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="target_list.willingness_set",
            target=partner,
            changes={"willingness": [old, willingness]},
        )
    _priority_refresh(tenant, partner)
    return target_list


# --- One account --------------------------------------------------------------------------------


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    return {
        name: (value.strip() if isinstance(value, str) else value) for name, value in fields.items()
    }


def _name_key(company_name: str) -> str:
    key = company_name_key(company_name)
    if not key:
        raise ValidationError({"company_name": _("Enter the company's name.")})
    return key


def _refuse_duplicate(tenant: Tenant, partner: Partner, key: str, *, exclude_pk=None) -> None:
    existing = TargetAccount.objects.filter(tenant=tenant, partner=partner, company_name_key=key)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    first = existing.first()
    if first is not None:
        raise ValidationError(
            {
                "company_name": _("%(partner)s already lists this company (as “%(name)s”).")
                % {"partner": partner, "name": first.company_name}
            }
        )


def _full_clean(account: TargetAccount) -> None:
    account.full_clean(exclude=["tenant", "partner", "rep", "created_by", "company_name_key"])


@service
def target_account_create(
    *,
    tenant: Tenant,
    actor: User | None,
    partner: Partner,
    rep: PartnerRep | None = None,
    **fields,
) -> TargetAccount:
    """List one account for `partner` (a rep for its own company, staff on its behalf)."""
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    if rep is not None and (rep.tenant_id != tenant.pk or rep.partner_id != partner.pk):
        # SECURITY(tenant): a rep lists accounts for their own company only.
        raise ValidationError(_("This rep does not belong to the partner."))
    fields = _clean_fields(fields)
    key = _name_key(fields.get("company_name", ""))
    # Lock the partner: two concurrent listings of one company wait for each other, and the
    # second sees the first (the unique constraint is the last word either way).
    Partner.objects.select_for_update().filter(tenant=tenant, pk=partner.pk).first()
    _refuse_duplicate(tenant, partner, key)
    now = timezone.now()
    account = TargetAccount(
        tenant=tenant,
        partner=partner,
        rep=rep,
        company_name_key=key,
        milestone=Milestone.LISTED,
        milestone_at=now,
        created_at=now,
        created_by=stored_actor(actor),
        **fields,
    )
    _full_clean(account)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as error:
        raise ValidationError(
            {"company_name": _("%(partner)s already lists this company.") % {"partner": partner}}
        ) from error
    milestone_record_listing(tenant=tenant, actor=actor, target_account=account)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="target_account.created",
        target=account,
        changes=created_values(account, ("partner_id", *TARGET_FIELDS)),
    )
    _priority_refresh(tenant, partner)
    return account


@service
def target_account_update(
    *, tenant: Tenant, actor: User | None, target_account: TargetAccount, fields: dict[str, Any]
) -> TargetAccount:
    if target_account.tenant_id != tenant.pk:
        raise ValidationError(_("This target account belongs to another tenant."))
    fields = _clean_fields(fields)
    account = TargetAccount.objects.select_for_update().get(tenant=tenant, pk=target_account.pk)
    changes = field_changes(account, list(fields), fields)
    if not changes:
        return account
    for name, value in fields.items():
        setattr(account, name, value)
    if "company_name" in changes:
        account.company_name_key = _name_key(account.company_name)
        _refuse_duplicate(tenant, account.partner, account.company_name_key, exclude_pk=account.pk)
    _full_clean(account)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as error:
        raise ValidationError(
            {"company_name": _("The partner already lists this company.")}
        ) from error
    audit_record(
        tenant=tenant, actor=actor, action="target_account.updated", target=account, changes=changes
    )
    return account


# --- Moves ---------------------------------------------------------------------------------------


def _accounts_locked(tenant: Tenant, ids: Iterable[int], partner: Partner | None):
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        raise ValidationError(_("Select at least one target account."))
    queryset = TargetAccount.objects.filter(tenant=tenant, pk__in=ids)
    if partner is not None:
        # SECURITY(tenant): a partner user moves its own company's accounts only.
        queryset = queryset.filter(partner=partner)
    # In id order, so two bulk moves over overlapping accounts cannot deadlock.
    accounts = list(queryset.select_for_update().order_by("pk"))
    if len(accounts) != len(ids):
        raise ValidationError(_("Some of the selected target accounts no longer exist."))
    return accounts


def _move_all(
    *,
    tenant: Tenant,
    actor: User | None,
    accounts: list[TargetAccount],
    to_milestone: str,
    note: str,
    drop_reason: str,
) -> list[TargetAccount]:
    """Move every account or none: each refusal is collected (naming its account) and the
    whole move is refused with all of them."""
    refusals: list[str] = []
    for account in accounts:
        try:
            with transaction.atomic():
                milestone_move(
                    tenant=tenant,
                    actor=actor,
                    target_account=account,
                    to_milestone=to_milestone,
                    note=note,
                    drop_reason=drop_reason,
                )
        except ValidationError as refused:
            if hasattr(refused, "error_dict") and "drop_reason" in refused.error_dict:
                raise
            refusals.extend(refused.messages)
    if refusals:
        raise ValidationError(refusals)
    for partner_id in {a.partner_id for a in accounts}:
        _priority_refresh(tenant, Partner.objects.get(tenant=tenant, pk=partner_id))
    return accounts


@service
def target_accounts_move(
    *,
    tenant: Tenant,
    actor: User | None,
    account_ids: Iterable[int],
    to_milestone: str,
    note: str = "",
    drop_reason: str = "",
    partner: Partner | None = None,
) -> list[TargetAccount]:
    """Move one or many accounts to `to_milestone`, all or nothing. `partner`: a portal
    user's own company (any other partner's account is "no longer exists")."""
    if to_milestone not in Milestone.values:
        raise ValidationError({"to": _("Choose a milestone.")})
    accounts = _accounts_locked(tenant, account_ids, partner)
    moved = _move_all(
        tenant=tenant,
        actor=actor,
        accounts=accounts,
        to_milestone=to_milestone,
        note=note,
        drop_reason=drop_reason,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="target_account.moved",
        target=moved[0] if len(moved) == 1 else None,
        target_type="" if len(moved) == 1 else "deals.targetaccount",
        changes={"milestone": to_milestone, "count": len(moved)}
        | ({"drop_reason": drop_reason} if drop_reason else {}),
    )
    return moved


@service
def target_accounts_request(
    *, tenant: Tenant, actor: User | None, account_ids: Iterable[int], note: str = ""
) -> list[TargetAccount]:
    """Staff send by-name meeting requests for the selected listed accounts (all or none)."""
    accounts = _accounts_locked(tenant, account_ids, None)
    moved = _move_all(
        tenant=tenant,
        actor=actor,
        accounts=accounts,
        to_milestone=Milestone.REQUESTED,
        note=note,
        drop_reason="",
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="target_account.requested",
        target_type="deals.targetaccount",
        changes={"count": len(moved)},
    )
    return moved
