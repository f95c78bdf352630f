"""Writes of recruitment: prospects and their stage moves, signing, persona, lost reasons,
and the public "become a partner" application.

Keyword-only, tenant explicit, every related object checked against the tenant, audited in the
same transaction. Validation errors name the field they concern.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, field_changes, register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from partners.choices import PartnerStatus, ProspectSource, ProspectStage
from partners.models import (
    COMPANY_FIELDS,
    LostReason,
    Partner,
    PartnerPersona,
    Prospect,
    ProspectStageChange,
)
from partners.selectors.recruitment import CLOSED_STAGES, prospect_fit_score
from partners.selectors.recruitment import STAGE_ORDER as REPORT_STAGE_ORDER
from partners.services import directory as directory_services
from partners.services import label_lists

register_action_labels(
    {
        "prospect.created": gettext_lazy("Prospect added"),
        "prospect.applied": gettext_lazy("Partner application received"),
        "prospect.updated": gettext_lazy("Prospect updated"),
        "prospect.stage_changed": gettext_lazy("Prospect stage changed"),
        "prospect.signed": gettext_lazy("Prospect signed"),
        "persona.changed": gettext_lazy("Partner persona changed"),
        "lost_reason.created": gettext_lazy("Lost reason added"),
        "lost_reason.renamed": gettext_lazy("Lost reason renamed"),
        "lost_reason.deleted": gettext_lazy("Lost reason deleted"),
    }
)

# Fields a caller may set on a prospect (stage, lost reason and partner move by their services).
PROSPECT_FIELDS = (
    "company_name",
    "company_name_kana",
    *COMPANY_FIELDS,
    "partner_type",
    "contact_name",
    "contact_name_kana",
    "contact_email",
    "contact_phone",
    "contact_department",
    "contact_title",
    "message",
    "source",
    "owner",
)
# What a visitor fills in on the public application form.
APPLICATION_FIELDS = tuple(
    f for f in PROSPECT_FIELDS if f not in {"partner_type", "source", "owner"}
)
PERSONA_FIELDS = (
    "ideal_industries",
    "customer_segments",
    "ideal_prefectures",
    "min_employee_count",
    "max_employee_count",
    "min_sales_headcount",
    "products_handled",
    "goals",
)
# Offered when a tenant has none yet; created in the tenant's default language.
DEFAULT_LOST_REASONS = (
    gettext_lazy("Conflicts with their own business"),
    gettext_lazy("No customers in our segment"),
    gettext_lazy("Chose a competitor"),
    gettext_lazy("No response"),
    gettext_lazy("Not enough sales capacity"),
)


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _check_known(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValueError(f"unknown prospect fields: {', '.join(unknown)}")


def _check_related(tenant: Tenant, fields: dict[str, Any]) -> None:
    partner_type = fields.get("partner_type")
    if partner_type is not None and partner_type.tenant_id != tenant.pk:
        # SECURITY(tenant): a partner type of another tenant is no choice here.
        raise ValidationError({"partner_type": _("Choose a partner type of this tenant.")})
    owner = fields.get("owner")
    if (
        owner is not None
        and not directory_services.owner_queryset(tenant).filter(pk=owner.pk).exists()
    ):
        # SECURITY(tenant): only this tenant's active vendor admins and partner managers.
        raise ValidationError(
            {"owner": _("Choose an active vendor admin or partner manager of this tenant.")}
        )


def _record_stage(
    *, tenant: Tenant, prospect: Prospect, from_stage: str, to_stage: str, actor: User | None
) -> ProspectStageChange:
    change = ProspectStageChange.objects.create(
        tenant=tenant,
        prospect=prospect,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_at=prospect.stage_changed_at,
        changed_by=_user(actor),
    )
    # The insert's trigger (migration 0010) stored the furthest stage and closed the previous
    # stay in the database; the loaded prospect follows, so a later full save keeps the value.
    if to_stage in REPORT_STAGE_ORDER:
        prospect.furthest_stage_index = max(
            prospect.furthest_stage_index, REPORT_STAGE_ORDER.index(to_stage)
        )
    return change


def _prospect_insert(*, tenant: Tenant, actor: User | None, fields: dict[str, Any]) -> Prospect:
    now = timezone.now()
    prospect = Prospect(
        tenant=tenant, stage=ProspectStage.SOURCED, stage_changed_at=now, created_at=now, **fields
    )
    prospect.full_clean(exclude=["tenant", "partner_type", "owner", "lost_reason", "partner"])
    prospect.save()
    _record_stage(
        tenant=tenant, prospect=prospect, from_stage="", to_stage=prospect.stage, actor=actor
    )
    prospect_fit_scores_refresh(tenant=tenant, prospects=[prospect])
    return prospect


def prospect_fit_scores_refresh(*, tenant: Tenant, prospects: list[Prospect] | None = None) -> int:
    """Store the persona fit of `prospects` (every prospect of the tenant when None) in one
    UPDATE, computed by the same SQL expression the fit sort used to compute per request
    (prospect_fit_score). The loaded prospects get the stored value; returns rows updated."""
    persona = PartnerPersona.objects.filter(tenant=tenant).first()
    score = prospect_fit_score(persona)
    queryset = Prospect.objects.filter(tenant=tenant)
    if prospects is not None:
        queryset = queryset.filter(pk__in=[p.pk for p in prospects])
    updated = queryset.update(fit_score=score)
    if prospects:
        stored = dict(queryset.values_list("pk", "fit_score"))
        for prospect in prospects:
            prospect.fit_score = stored.get(prospect.pk)
    return updated


# --- Prospects --------------------------------------------------------------------------------


@service
def prospect_create(*, tenant: Tenant, actor: User | None, **fields) -> Prospect:
    """A new prospect in the "sourced" stage (moving on is a stage change, recorded)."""
    _check_known(fields, PROSPECT_FIELDS)
    _check_related(tenant, fields)
    prospect = _prospect_insert(tenant=tenant, actor=actor, fields=fields)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="prospect.created",
        target=prospect,
        changes={"company_name": prospect.company_name, "source": prospect.source},
    )
    return prospect


@service
def prospect_update(
    *, tenant: Tenant, actor: User | None, prospect: Prospect, fields: dict[str, Any]
) -> Prospect:
    if prospect.tenant_id != tenant.pk:
        raise ValidationError(_("This prospect belongs to another tenant."))
    _check_known(fields, PROSPECT_FIELDS)
    _check_related(tenant, fields)
    prospect = Prospect.objects.select_for_update().get(tenant=tenant, pk=prospect.pk)
    changes = field_changes(prospect, list(fields), fields)
    if not changes:
        return prospect
    for name, value in fields.items():
        setattr(prospect, name, value)
    prospect.full_clean(exclude=["tenant", "partner_type", "owner", "lost_reason", "partner"])
    prospect.save()
    prospect_fit_scores_refresh(tenant=tenant, prospects=[prospect])
    audit_record(
        tenant=tenant, actor=actor, action="prospect.updated", target=prospect, changes=changes
    )
    return prospect


@service
def prospect_stage_change(
    *,
    tenant: Tenant,
    actor: User | None,
    prospect: Prospect,
    to_stage: str,
    lost_reason: LostReason | None = None,
    lost_note: str = "",
) -> Prospect:
    """Move a prospect to another open stage or to "lost" (with a reason from the tenant's
    list). Stages may be skipped; signed and lost are final. Signing goes through
    prospect_sign, which creates the partner."""
    if prospect.tenant_id != tenant.pk:
        raise ValidationError(_("This prospect belongs to another tenant."))
    prospect = Prospect.objects.select_for_update().get(tenant=tenant, pk=prospect.pk)
    if prospect.stage in CLOSED_STAGES:
        raise ValidationError(
            {
                "to_stage": _(
                    "This prospect is already %(stage)s: "
                    "a signed or lost prospect stays where it is."
                )
                % {"stage": prospect.get_stage_display()}
            }
        )
    if to_stage not in ProspectStage.values:
        raise ValidationError({"to_stage": _("Choose a valid stage.")})
    if to_stage == ProspectStage.SIGNED:
        raise ValidationError(
            {
                "to_stage": _(
                    "Use “Sign” to sign a prospect: it creates the partner at the same time."
                )
            }
        )
    if to_stage == prospect.stage:
        raise ValidationError({"to_stage": _("The prospect is already in this stage.")})
    lost_note = (lost_note or "").strip()
    if to_stage == ProspectStage.LOST:
        if lost_reason is None:
            raise ValidationError({"lost_reason": _("Say why the prospect was lost.")})
        if lost_reason.tenant_id != tenant.pk:
            # SECURITY(tenant): the reason comes from a request body.
            raise ValidationError({"lost_reason": _("Choose a reason from this tenant's list.")})
    else:
        lost_reason, lost_note = None, ""
    old = prospect.stage
    prospect.stage = to_stage
    prospect.stage_changed_at = timezone.now()
    prospect.lost_reason = lost_reason
    prospect.lost_note = lost_note[:300]
    prospect.save(update_fields=["stage", "stage_changed_at", "lost_reason", "lost_note"])
    _record_stage(tenant=tenant, prospect=prospect, from_stage=old, to_stage=to_stage, actor=actor)
    changes: dict[str, Any] = {"stage": [old, to_stage]}
    if lost_reason is not None:
        changes["lost_reason"] = lost_reason.label
        if lost_note:
            changes["lost_note"] = lost_note
    audit_record(
        tenant=tenant,
        actor=actor,
        action="prospect.stage_changed",
        target=prospect,
        changes=changes,
    )
    return prospect


@service
def prospect_change(
    *,
    tenant: Tenant,
    actor: User | None,
    prospect: Prospect,
    fields: dict[str, Any],
    to_stage: str,
    lost_reason: LostReason | None = None,
    lost_note: str = "",
) -> Prospect:
    """Edit a prospect's fields and, when `to_stage` is another stage, move it there: both or
    neither (a refused stage change leaves the edits out)."""
    prospect = prospect_update.nested(tenant=tenant, actor=actor, prospect=prospect, fields=fields)
    if to_stage == prospect.stage:
        return prospect
    return prospect_stage_change.nested(
        tenant=tenant,
        actor=actor,
        prospect=prospect,
        to_stage=to_stage,
        lost_reason=lost_reason,
        lost_note=lost_note,
    )


def sign_defaults(prospect: Prospect) -> tuple[dict[str, Any], dict[str, Any]]:
    """The partner's and its first rep's fields, taken from the prospect (nothing re-typed)."""
    partner_fields = {
        "legal_name": prospect.company_name,
        "legal_name_kana": prospect.company_name_kana,
        # Lists are copied, so the new partner never shares the prospect's list objects.
        **{
            name: list(value) if isinstance(value, list) else value
            for name in COMPANY_FIELDS
            for value in (getattr(prospect, name),)
        },
        "partner_type": prospect.partner_type,
        "owner": prospect.owner,
    }
    rep_fields = {
        "full_name": prospect.contact_name,
        "full_name_kana": prospect.contact_name_kana,
        "email": prospect.contact_email,
        "phone": prospect.contact_phone,
        "department": prospect.contact_department,
        "title": prospect.contact_title,
    }
    return partner_fields, rep_fields


@service
def prospect_sign(
    *,
    tenant: Tenant,
    actor: User | None,
    prospect: Prospect,
    partner_fields: dict[str, Any] | None = None,
    rep_fields: dict[str, Any] | None = None,
) -> Partner:
    """Sign a prospect: the partner (onboarding) and its first rep are created from the
    prospect's fields (overridden by those given), the prospect moves to "signed" and points
    at the partner. All or nothing."""
    if prospect.tenant_id != tenant.pk:
        raise ValidationError(_("This prospect belongs to another tenant."))
    prospect = Prospect.objects.select_for_update().get(tenant=tenant, pk=prospect.pk)
    if prospect.stage in CLOSED_STAGES or prospect.partner_id is not None:
        raise ValidationError(
            _("This prospect is already %(stage)s and cannot be signed again.")
            % {"stage": prospect.get_stage_display()}
        )
    default_partner, default_rep = sign_defaults(prospect)
    partner_values = {**default_partner, **(partner_fields or {})}
    rep_values = {**default_rep, **(rep_fields or {})}
    owner = partner_values.get("owner")
    if (
        owner is not None
        and not directory_services.owner_queryset(tenant).filter(pk=owner.pk).exists()
    ):
        # An owner who left or changed role since: the partner starts without one.
        partner_values["owner"] = None
    number = (partner_values.get("corporate_number") or "").strip()
    if number and Partner.objects.filter(tenant=tenant, corporate_number=number).exists():
        raise ValidationError(
            {
                "corporate_number": _(
                    "A partner with the corporate number %(number)s already exists: "
                    "check the directory before signing."
                )
                % {"number": number}
            }
        )
    partner = directory_services.partner_create.nested(
        tenant=tenant,
        actor=actor,
        status=PartnerStatus.ONBOARDING,
        status_since=timezone.localdate(),
        **partner_values,
    )
    if (rep_values.get("full_name") or "").strip():
        directory_services.rep_create.nested(
            tenant=tenant, actor=actor, partner=partner, **rep_values
        )
    old = prospect.stage
    prospect.stage = ProspectStage.SIGNED
    prospect.stage_changed_at = timezone.now()
    prospect.partner = partner
    prospect.lost_reason = None
    prospect.lost_note = ""
    try:
        with transaction.atomic():
            prospect.save(
                update_fields=["stage", "stage_changed_at", "partner", "lost_reason", "lost_note"]
            )
    except IntegrityError as error:  # pragma: no cover - the partner was created just above
        raise ValidationError(_("This partner is already linked to another prospect.")) from error
    _record_stage(
        tenant=tenant, prospect=prospect, from_stage=old, to_stage=prospect.stage, actor=actor
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="prospect.signed",
        target=prospect,
        changes={"stage": [old, prospect.stage], "partner": [None, partner.pk]},
    )
    return partner


# --- Public application -----------------------------------------------------------------------


@service
def prospect_apply(*, tenant: Tenant, fields: dict[str, Any]) -> Prospect:
    """A "become a partner" application from the public page: a sourced prospect from an
    inbound application, recorded without an actor."""
    _check_known(fields, APPLICATION_FIELDS)
    prospect = _prospect_insert(
        tenant=tenant,
        actor=None,
        fields={**fields, "source": ProspectSource.INBOUND_APPLICATION},
    )
    audit_record(
        tenant=tenant,
        actor=None,
        action="prospect.applied",
        target=prospect,
        changes={"company_name": prospect.company_name, "source": prospect.source},
    )
    return prospect


# --- Persona ----------------------------------------------------------------------------------


@service
def persona_save(*, tenant: Tenant, actor: User | None, fields: dict[str, Any]) -> PartnerPersona:
    """Create or change the tenant's one partner persona."""
    _check_known(fields, PERSONA_FIELDS)
    low, high = fields.get("min_employee_count"), fields.get("max_employee_count")
    if low is not None and high is not None and low > high:
        raise ValidationError({"max_employee_count": _("The maximum cannot be below the minimum.")})
    persona = PartnerPersona.objects.select_for_update().filter(tenant=tenant).first()
    if persona is None:
        persona = PartnerPersona(tenant=tenant)
    changes = field_changes(persona, list(fields), fields)
    if persona.pk and not changes:
        return persona
    for name, value in fields.items():
        setattr(persona, name, value)
    persona.full_clean(exclude=["tenant"])
    persona.save()
    # One UPDATE over the tenant's prospects (5,000 at the 10x bench: tens of milliseconds).
    prospect_fit_scores_refresh(tenant=tenant)
    audit_record(
        tenant=tenant, actor=actor, action="persona.changed", target=persona, changes=changes
    )
    return persona


# --- Lost reasons -----------------------------------------------------------------------------


LOST_REASONS = label_lists.LabelList(
    model=LostReason,
    action="lost_reason",
    max_length=150,
    empty_message=gettext_lazy("Enter the reason."),
    too_long_message=gettext_lazy("Keep the reason under 150 characters."),
    taken_message=gettext_lazy("This reason is already in the list."),
    other_tenant_message=gettext_lazy("This reason belongs to another tenant."),
    used_by="prospects",
    in_use_message=lambda label, count: (
        translation.ngettext(
            "“%(label)s” explains %(count)s lost prospect: rename it instead of deleting it.",
            "“%(label)s” explains %(count)s lost prospects: rename it instead of deleting it.",
            count,
        )
        % {"label": label, "count": count}
    ),
    collapse_spaces=True,
    deletion_as_change=True,
)


def lost_reason_default_labels(*, tenant: Tenant) -> list[str]:
    """The usual reasons in the tenant's language: offered, unsaved, until it has a list."""
    with translation.override(tenant.default_language or None):
        return [str(label) for label in DEFAULT_LOST_REASONS]


@service
def lost_reasons_ensure_defaults(*, tenant: Tenant) -> int:
    """Give a tenant without lost reasons the usual ones, in its default language.

    Returns how many were created (0 when the tenant already has a list). Called by POSTs
    only; concurrent calls create each reason once (unique label per tenant).
    """
    return label_lists.labels_seed(
        LOST_REASONS, tenant=tenant, labels=lost_reason_default_labels(tenant=tenant)
    )


@service
def lost_reason_create(*, tenant: Tenant, actor: User | None, label: str) -> LostReason:
    return label_lists.label_create(LOST_REASONS, tenant=tenant, actor=actor, label=label)


@service
def lost_reason_rename(
    *, tenant: Tenant, actor: User | None, lost_reason: LostReason, label: str
) -> LostReason:
    return label_lists.label_rename(
        LOST_REASONS, tenant=tenant, actor=actor, item=lost_reason, label=label
    )


@service
def lost_reason_delete(*, tenant: Tenant, actor: User | None, lost_reason: LostReason) -> None:
    label_lists.label_delete(LOST_REASONS, tenant=tenant, actor=actor, item=lost_reason)
