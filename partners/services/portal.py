"""Portal writes: a partner admin edits their own company and manages its reps."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.audit import audit_record, field_changes, masked, register_action_labels
from accounts.models import Invitation, Membership, Tenant, User
from accounts.roles import Role
from accounts.transactions import service
from accounts.urls_helpers import tenant_reverse
from partners.choices import PortalProfileGroup
from partners.models import FINANCE_ONLY_FIELDS, Partner, PartnerRep, PortalSettings
from partners.selectors.portal import (
    DEFAULT_EDITABLE_GROUPS,
    PROFILE_GROUP_FIELDS,
    portal_editable_fields,
)
from partners.services import directory

# The profile fields (not the bank account) a tenant may open to partner admins.
PROFILE_FIELDS = tuple(
    name
    for group, names in PROFILE_GROUP_FIELDS.items()
    if group != PortalProfileGroup.BANK_ACCOUNT
    for name in names
)
INVITE_ROLES = (Role.PARTNER_REP, Role.PARTNER_ADMIN)

register_action_labels(
    {
        "partner.portal_updated": _("Company profile changed in the portal"),
        "partner_rep.linked": _("Rep linked to a portal login"),
        "partner_rep.deactivated": _("Rep deactivated in the portal"),
        "portal_settings.changed": _("Partner portal settings changed"),
    }
)


def mask_account_number(number: str) -> str:
    """Only the last three digits: the e-mail and the audit log never carry the number."""
    if not number:
        return ""
    return "*" * max(len(number) - 3, 0) + number[-3:]


def _partner_url(tenant: Tenant, partner: Partner) -> str:
    # E-mails need absolute links and are sent by a worker, away from the request.
    return settings.PRM_SITE_URL + tenant_reverse(tenant, "partner_detail", partner_id=partner.pk)


def _notify_finance_bank_change(*, tenant: Tenant, partner: Partner, actor_email: str) -> None:
    # In the change's transaction: one outbox e-mail per finance member, sent after commit.
    memberships = list(
        Membership.objects.filter(
            tenant=tenant, role=Role.FINANCE, is_active=True, user__is_active=True
        ).select_related("user")
    )
    url = _partner_url(tenant, partner)
    for membership in memberships:
        user = membership.user
        with translation.override(user.language or tenant.default_language):
            context = {
                "tenant": tenant,
                "partner": partner,
                "partner_url": url,
                "actor_email": actor_email,
                "masked_number": mask_account_number(partner.account_number),
            }
            subject = render_to_string(
                "partners/portal/email/bank_changed_subject.txt", context
            ).strip()
            body = render_to_string("partners/portal/email/bank_changed_body.txt", context)
        account_services.email_enqueue(
            tenant=tenant,
            to=user.email,
            subject=subject,
            body_text=body,
            purpose="partner_bank_changed",
        )


@service
def portal_company_update(
    *, tenant: Tenant, actor: User, partner: Partner, fields: dict[str, Any]
) -> Partner:
    """Save the profile and bank fields the tenant lets partner admins change; a bank change
    notifies finance."""
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    closed = sorted(set(fields) - set(portal_editable_fields(tenant=tenant)))
    if closed:
        # SECURITY(tenant): the form only offers the open fields; a forged POST ends here.
        raise ValidationError(
            _("Your partner manager keeps these details up to date: %(fields)s.")
            % {
                "fields": ", ".join(
                    str(Partner._meta.get_field(name).verbose_name) for name in closed
                )
            }
        )
    partner = Partner.objects.select_for_update().get(tenant=tenant, pk=partner.pk)
    changes = field_changes(partner, list(fields), fields)
    if not changes:
        return partner
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean(exclude=["tenant", "partner_type", "owner"])
    partner.updated_at = timezone.now()
    partner.save(update_fields=[*fields, "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="partner.portal_updated",
        target=partner,
        changes=masked(changes, FINANCE_ONLY_FIELDS),
    )
    if any(name in FINANCE_ONLY_FIELDS for name in changes):
        _notify_finance_bank_change(tenant=tenant, partner=partner, actor_email=actor.email)
    return partner


@service
def portal_rep_invite(
    *,
    tenant: Tenant,
    actor: User,
    partner: Partner,
    full_name: str,
    email: str,
    role: str,
    accept_url_for,
    department: str = "",
    title: str = "",
) -> tuple[PartnerRep, Invitation]:
    """Create (or reuse by e-mail) the rep of `partner` and invite them to the portal."""
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    if role not in INVITE_ROLES:
        raise ValidationError({"role": _("Choose a partner role.")})
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter the e-mail address to send the invitation to.")})
    rep = (
        PartnerRep.objects.select_for_update()
        .filter(tenant=tenant, partner=partner, email__iexact=email)
        .first()
    )
    if rep is None:
        rep = directory.rep_create.nested(
            tenant=tenant,
            actor=actor,
            partner=partner,
            full_name=full_name,
            email=email,
            department=department,
            title=title,
        )
    elif not rep.is_active:
        rep.is_active = True
        rep.left_on = None
        rep.save(update_fields=["is_active", "left_on"])
    invitation = account_services.invitation_create.nested(
        tenant=tenant,
        actor=actor,
        email=email,
        role=role,
        accept_url_for=accept_url_for,
        payload={"partner_rep_id": rep.pk},
    )
    return rep, invitation


def rep_link_membership(*, tenant: Tenant, invitation: Invitation, membership: Membership) -> None:
    """Receiver body of invitation_accepted: link the invited rep to the new login."""
    rep_id = (invitation.payload or {}).get("partner_rep_id")
    if not rep_id:
        return
    rep = PartnerRep.objects.filter(tenant=tenant, pk=rep_id).first()
    # SECURITY(tenant): only a rep of the accepting tenant, and a membership of that tenant.
    if rep is None or membership.tenant_id != tenant.pk or rep.membership_id == membership.pk:
        return
    partner_id = invitation.payload.get("partner_id")
    if partner_id is not None and rep.partner_id != partner_id:
        # The vendor invited this person for one partner: never link them to another.
        return
    rep.membership = membership
    rep.save(update_fields=["membership"])
    audit_record(
        tenant=tenant,
        actor=membership.user,
        action="partner_rep.linked",
        target=rep,
        changes={"membership": ["", str(membership.pk)]},
    )


@service
def portal_rep_deactivate(
    *, tenant: Tenant, actor: User, partner: Partner, rep: PartnerRep
) -> PartnerRep:
    """Mark the rep left and end their portal login."""
    if rep.tenant_id != tenant.pk or rep.partner_id != partner.pk:
        raise ValidationError(_("This rep belongs to another company."))
    rep = PartnerRep.objects.select_for_update().get(tenant=tenant, pk=rep.pk)
    membership = rep.membership
    if membership is not None and membership.user_id == actor.pk:
        raise ValidationError(
            _("You cannot deactivate yourself. Ask another partner admin of your company.")
        )
    if not rep.is_active and (membership is None or not membership.is_active):
        raise ValidationError(_("This rep is already inactive."))
    changes = {}
    if rep.is_active:
        rep.is_active = False
        rep.is_reachable = False
        rep.left_on = timezone.localdate()
        rep.save(update_fields=["is_active", "is_reachable", "left_on"])
        changes = {"is_active": ["True", "False"], "left_on": ["", rep.left_on.isoformat()]}
    audit_record(
        tenant=tenant, actor=actor, action="partner_rep.deactivated", target=rep, changes=changes
    )
    if membership is not None and membership.is_active and membership.tenant_id == tenant.pk:
        account_services.membership_deactivate.nested(
            tenant=tenant, actor=actor, membership=membership
        )
    return rep


@service
def portal_settings_save(
    *, tenant: Tenant, actor: User, editable_profile: list[str]
) -> PortalSettings:
    """Choose what partner admins may change about their company in the portal."""
    unknown = sorted(set(editable_profile) - set(PortalProfileGroup.values))
    if unknown:
        raise ValidationError({"editable_profile": _("Choose among the listed parts.")})
    wanted = [group for group in PortalProfileGroup.values if group in editable_profile]
    # Without a row the defaults apply (selectors.portal); the first save writes them out.
    portal_settings, _created = PortalSettings.objects.select_for_update().get_or_create(
        tenant=tenant, defaults={"editable_profile": list(DEFAULT_EDITABLE_GROUPS)}
    )
    before = list(portal_settings.editable_profile)
    if before == wanted:
        return portal_settings
    portal_settings.editable_profile = wanted
    portal_settings.save(update_fields=["editable_profile"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="portal_settings.changed",
        target=portal_settings,
        changes={"editable_profile": [before, wanted]},
    )
    return portal_settings
