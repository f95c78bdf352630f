"""Writes of the partner directory: partners, status changes, reps, partner types.

Keyword-only, tenant explicit, every related object checked against the tenant, audited in the
same transaction. Validation errors name the field they concern.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from accounts.audit import (
    audit_record,
    created_values,
    field_changes,
    masked,
    register_action_labels,
)
from accounts.models import Membership, Tenant, User
from accounts.roles import Perm, Role, role_has_perm
from accounts.transactions import service
from partners.choices import PartnerStatus, Priority
from partners.models import (
    COMPANY_FIELDS,
    FINANCE_ONLY_FIELDS,
    Partner,
    PartnerRep,
    PartnerStatusChange,
    PartnerType,
)
from partners.services import label_lists
from partners.validators import search_key

OWNER_ROLES = (Role.VENDOR_ADMIN, Role.PARTNER_MANAGER)

register_action_labels(
    {
        "partner.created": gettext_lazy("Partner created"),
        "partner.updated": gettext_lazy("Partner updated"),
        "partner.bank_changed": gettext_lazy("Partner bank account changed"),
        "partner.status_changed": gettext_lazy("Partner status changed"),
        "partner.imported": gettext_lazy("Partners imported"),
        "partner.bulk_assigned": gettext_lazy("Partner owner or priority set in bulk"),
        "partner.suggested_priority_set": gettext_lazy("Suggested priority changed"),
        "partner_rep.created": gettext_lazy("Rep added"),
        "partner_rep.updated": gettext_lazy("Rep updated"),
        "partner_rep.left": gettext_lazy("Rep marked as left"),
        "partner_type.created": gettext_lazy("Partner type added"),
        "partner_type.renamed": gettext_lazy("Partner type renamed"),
        "partner_type.deleted": gettext_lazy("Partner type deleted"),
    }
)

# Fields a caller may set on a partner (everything but the kept ones: status, search_text…).
PARTNER_FIELDS = (
    "legal_name",
    "legal_name_kana",
    "display_name",
    *COMPANY_FIELDS,
    "partner_type",
    "other_vendor_products_count",
    "owner",
    "priority",
    "postal_code",
    "prefecture",
    "city",
    "street_address",
    "building",
    "registration_number",
    *FINANCE_ONLY_FIELDS,
    "notes",
)
REP_FIELDS = (
    "full_name",
    "full_name_kana",
    "email",
    "phone",
    "department",
    "title",
    "is_reachable",
)


def owner_queryset(tenant: Tenant):
    """Who may own a partner: active vendor admins and partner managers of the tenant."""
    return (
        Membership.objects.filter(tenant=tenant, is_active=True, role__in=OWNER_ROLES)
        .select_related("user")
        .order_by("user__email")
    )


def _check_related(tenant: Tenant, fields: dict[str, Any]) -> None:
    partner_type = fields.get("partner_type")
    if partner_type is not None and partner_type.tenant_id != tenant.pk:
        # SECURITY(tenant): a partner type of another tenant is no choice here.
        raise ValidationError({"partner_type": _("Choose a partner type of this tenant.")})
    owner = fields.get("owner")
    if owner is not None and not owner_queryset(tenant).filter(pk=owner.pk).exists():
        # SECURITY(tenant): only this tenant's active vendor admins and partner managers.
        raise ValidationError(
            {"owner": _("Choose an active vendor admin or partner manager of this tenant.")}
        )


# A bulk change never touches more rows than the list's largest page.
BULK_ASSIGN_MAX = 100


@service
def partner_bulk_assign(
    *,
    tenant: Tenant,
    actor: User | None,
    partner_ids: list[int],
    owner: Membership | None = None,
    priority: str = "",
) -> list[Partner]:
    """Give the partners `partner_ids` of `tenant` an owner, a priority or both.

    All or nothing: an id that is not one of this tenant's partners refuses the whole change
    (and names no other tenant's partner). One audit event per partner that changed.
    """
    ids = sorted({int(pk) for pk in partner_ids})
    if not ids:
        raise ValidationError({"partner": _("Select at least one partner.")})
    if len(ids) > BULK_ASSIGN_MAX:
        raise ValidationError(
            {"partner": _("Select at most %(max)d partners.") % {"max": BULK_ASSIGN_MAX}}
        )
    if owner is None and not priority:
        raise ValidationError(_("Choose an owner, a priority or both."))
    if priority and priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority from A to D.")})
    fields: dict[str, Any] = {}
    if owner is not None:
        fields["owner"] = owner
    if priority:
        fields["priority"] = priority
    _check_related(tenant, fields)
    # SECURITY(tenant): locked and read through this tenant only, in id order (no deadlock
    # between two bulk changes over overlapping rows).
    partners = list(
        Partner.objects.select_for_update().filter(tenant=tenant, pk__in=ids).order_by("pk")
    )
    if len(partners) != len(ids):
        raise ValidationError({"partner": _("Some of the selected partners no longer exist.")})
    now = timezone.now()
    changed = []
    for partner in partners:
        changes = field_changes(partner, list(fields), fields)
        if not changes:
            continue
        for name, value in fields.items():
            setattr(partner, name, value)
        partner.updated_at = now
        changed.append(partner)
        audit_record(
            tenant=tenant,
            actor=actor,
            action="partner.bulk_assigned",
            target=partner,
            changes=changes,
        )
    Partner.objects.bulk_update(changed, [*fields, "updated_at"])
    return changed


def _refresh_search_text(partner: Partner) -> None:
    partner.search_text = search_key(
        partner.legal_name,
        partner.legal_name_kana,
        partner.display_name,
        partner.corporate_number,
    )


def _full_clean(instance, exclude: list[str] | None = None) -> None:
    # validate_unique checks the tenant's constraints (corporate number, rep e-mail).
    instance.full_clean(exclude=exclude or [])


def _actor_role(tenant: Tenant, actor) -> str | None:
    """The role `actor` acts with in `tenant`: an API key's own, else the active membership's."""
    role = getattr(actor, "role", None)
    if role is not None:
        return role
    membership = Membership.objects.filter(tenant=tenant, user=actor, is_active=True).first()
    return membership.role if membership is not None else None


def _check_finance_fields(tenant: Tenant, actor, fields: dict[str, Any]) -> None:
    """SECURITY(finance): only finance changes bank details, whatever the caller (view, API,
    another service); a system write (actor None: imports, tasks) is trusted."""
    touched = [name for name in FINANCE_ONLY_FIELDS if name in fields]
    if not touched or actor is None:
        return
    if role_has_perm(_actor_role(tenant, actor), Perm.FINANCE_FIELDS_VIEW):
        return
    raise ValidationError(
        {
            name: _("Only finance may change the %(field)s.")
            % {"field": Partner._meta.get_field(name).verbose_name}
            for name in touched
        }
    )


def _check_known(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValueError(f"unknown partner fields: {', '.join(unknown)}")


@service
def partner_create(*, tenant: Tenant, actor: User | None, **fields) -> Partner:
    _check_known(fields, PARTNER_FIELDS + ("status", "status_since"))
    _check_related(tenant, fields)
    _check_finance_fields(tenant, actor, {k: v for k, v in fields.items() if v not in ("", None)})
    status = fields.pop("status", PartnerStatus.PROSPECT) or PartnerStatus.PROSPECT
    status_since = fields.pop("status_since", None) or timezone.localdate()
    partner = Partner(tenant=tenant, status=status, status_since=status_since, **fields)
    _refresh_search_text(partner)
    _full_clean(partner, exclude=["tenant"])
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as error:
        raise ValidationError(
            {"corporate_number": _("A partner with this corporate number already exists.")}
        ) from error
    PartnerStatusChange.objects.create(
        tenant=tenant,
        partner=partner,
        status=partner.status,
        changed_on=partner.status_since,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="partner.created",
        target=partner,
        # What the new partner is, bank details left out of the log.
        changes=created_values(
            partner,
            [name for name in PARTNER_FIELDS if name not in FINANCE_ONLY_FIELDS] + ["status"],
        ),
    )
    return partner


@service
def partner_update(
    *, tenant: Tenant, actor: User | None, partner: Partner, fields: dict[str, Any]
) -> Partner:
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    _check_known(fields, PARTNER_FIELDS)
    _check_related(tenant, fields)
    partner = Partner.objects.select_for_update().get(tenant=tenant, pk=partner.pk)
    changes = field_changes(partner, list(fields), fields)
    if not changes:
        return partner
    _check_finance_fields(tenant, actor, {name: fields[name] for name in changes})
    for name, value in fields.items():
        setattr(partner, name, value)
    _refresh_search_text(partner)
    partner.updated_at = timezone.now()
    _full_clean(partner, exclude=["tenant"])
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as error:
        raise ValidationError(
            {"corporate_number": _("A partner with this corporate number already exists.")}
        ) from error
    bank_changes = {k: v for k, v in changes.items() if k in FINANCE_ONLY_FIELDS}
    other_changes = {k: v for k, v in changes.items() if k not in FINANCE_ONLY_FIELDS}
    if other_changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="partner.updated",
            target=partner,
            changes=other_changes,
        )
    if bank_changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="partner.bank_changed",
            target=partner,
            changes=masked(bank_changes, FINANCE_ONLY_FIELDS),
        )
    return partner


@service
def partner_status_change(
    *,
    tenant: Tenant,
    actor: User | None,
    partner: Partner,
    status: str,
    changed_on: datetime.date | None = None,
) -> Partner:
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    if status not in PartnerStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    changed_on = changed_on or timezone.localdate()
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date cannot be in the future.")})
    partner = Partner.objects.select_for_update().get(tenant=tenant, pk=partner.pk)
    if status == partner.status:
        raise ValidationError({"status": _("The partner already has this status.")})
    old = partner.status
    partner.status = status
    partner.status_since = changed_on
    partner.updated_at = timezone.now()
    partner.save(update_fields=["status", "status_since", "updated_at"])
    PartnerStatusChange.objects.create(
        tenant=tenant,
        partner=partner,
        status=status,
        changed_on=changed_on,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="partner.status_changed",
        target=partner,
        changes={"status": [old, status], "changed_on": changed_on.isoformat()},
    )
    return partner


@service
def partner_suggested_priority_set(*, tenant: Tenant, partner: Partner, priority: str) -> Partner:
    """Store the priority the product suggests (the deals app computes it from the partner's
    target-account list); staff's own `priority` is never touched. Unchanged: no write, no
    audit event. Called by higher apps inside their transaction as `.nested(...)`."""
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    if priority not in (*Priority.values, ""):
        raise ValidationError({"suggested_priority": _("Choose a valid priority.")})
    partner = Partner.objects.select_for_update().get(tenant=tenant, pk=partner.pk)
    old = partner.suggested_priority
    if old == priority:
        return partner
    partner.suggested_priority = priority
    partner.save(update_fields=["suggested_priority"])
    audit_record(
        tenant=tenant,
        actor=None,
        action="partner.suggested_priority_set",
        target=partner,
        changes={"suggested_priority": [old, priority]},
    )
    return partner


# --- Reps -------------------------------------------------------------------------------------


def _rep_save(rep: PartnerRep) -> None:
    _full_clean(rep, exclude=["tenant", "partner", "membership"])
    try:
        with transaction.atomic():
            rep.save()
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("This partner already has a rep with this e-mail address.")}
        ) from error


@service
def rep_create(*, tenant: Tenant, actor: User | None, partner: Partner, **fields) -> PartnerRep:
    if partner.tenant_id != tenant.pk:
        # SECURITY(tenant): a rep joins a partner of the same tenant only.
        raise ValidationError({"partner": _("Choose a partner of this tenant.")})
    _check_known(fields, REP_FIELDS)
    rep = PartnerRep(tenant=tenant, partner=partner, **fields)
    _rep_save(rep)
    # The partner's record changed too: "updated" sorts and syncs see the new rep.
    Partner.objects.filter(tenant=tenant, pk=partner.pk).update(updated_at=timezone.now())
    audit_record(
        tenant=tenant,
        actor=actor,
        action="partner_rep.created",
        target=rep,
        changes={"partner": partner.pk, "full_name": rep.full_name},
    )
    return rep


@service
def rep_update(
    *, tenant: Tenant, actor: User | None, rep: PartnerRep, fields: dict[str, Any]
) -> PartnerRep:
    if rep.tenant_id != tenant.pk:
        raise ValidationError(_("This rep belongs to another tenant."))
    _check_known(fields, REP_FIELDS)
    rep = PartnerRep.objects.select_for_update().get(tenant=tenant, pk=rep.pk)
    changes = field_changes(rep, list(fields), fields)
    if not changes:
        return rep
    for name, value in fields.items():
        setattr(rep, name, value)
    _rep_save(rep)
    audit_record(
        tenant=tenant, actor=actor, action="partner_rep.updated", target=rep, changes=changes
    )
    return rep


@service
def rep_leave(
    *, tenant: Tenant, actor: User | None, rep: PartnerRep, left_on: datetime.date | None = None
) -> PartnerRep:
    if rep.tenant_id != tenant.pk:
        raise ValidationError(_("This rep belongs to another tenant."))
    rep = PartnerRep.objects.select_for_update().get(tenant=tenant, pk=rep.pk)
    if not rep.is_active:
        raise ValidationError(_("This rep has already left."))
    left_on = left_on or timezone.localdate()
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date cannot be in the future.")})
    rep.is_active = False
    rep.is_reachable = False
    rep.left_on = left_on
    rep.save(update_fields=["is_active", "is_reachable", "left_on"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="partner_rep.left",
        target=rep,
        changes={"left_on": left_on.isoformat()},
    )
    # SECURITY(tenant): a person who left the partner loses the portal (and its bank account
    # form) with it; membership_deactivate audits that on its own.
    membership = rep.membership
    if membership is not None and membership.is_active and membership.tenant_id == tenant.pk:
        account_services.membership_deactivate.nested(
            tenant=tenant, actor=actor, membership=membership
        )
    return rep


# --- Partner types ----------------------------------------------------------------------------


PARTNER_TYPES = label_lists.LabelList(
    model=PartnerType,
    action="partner_type",
    max_length=100,
    empty_message=gettext_lazy("Enter a name."),
    too_long_message=gettext_lazy("Use at most 100 characters."),
    taken_message=gettext_lazy("A partner type with this name already exists."),
    other_tenant_message=gettext_lazy("This partner type belongs to another tenant."),
    used_by="partners",
    in_use_message=lambda name, count: (
        _(
            "“%(name)s” is still used by %(count)d partner(s); "
            "give them another type before deleting it."
        )
        % {"name": name, "count": count}
    ),
)


@service
def partner_type_create(
    *, tenant: Tenant, actor: User | None, name: str, description: str = ""
) -> PartnerType:
    return label_lists.label_create(
        PARTNER_TYPES,
        tenant=tenant,
        actor=actor,
        label=name,
        description=(description or "").strip()[:300],
    )


@service
def partner_type_rename(
    *, tenant: Tenant, actor: User | None, partner_type: PartnerType, name: str
) -> PartnerType:
    return label_lists.label_rename(
        PARTNER_TYPES, tenant=tenant, actor=actor, item=partner_type, label=name
    )


@service
def partner_type_delete(*, tenant: Tenant, actor: User | None, partner_type: PartnerType) -> None:
    label_lists.label_delete(PARTNER_TYPES, tenant=tenant, actor=actor, item=partner_type)
