"""The vendor invites a partner's person to the portal: the partner's first login and more.

The invitation is the kernel's (accounts.services.invitation_create); its payload names the
partner and the rep, so acceptance links the new login to that rep of that partner
(partners.services.portal.rep_link_membership), which is what makes it that partner's portal.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from accounts.audit import audit_record, register_action_labels, register_key_labels
from accounts.models import Invitation, Tenant, User
from accounts.roles import Role
from accounts.transactions import service
from partners.models import Partner, PartnerRep
from partners.services import directory

INVITE_ROLES = (Role.PARTNER_ADMIN, Role.PARTNER_REP)

register_action_labels({"partner.portal_invited": gettext_lazy("Invited to the partner portal")})
register_key_labels({"rep": gettext_lazy("partner rep")})


@service
def partner_portal_invite(
    *,
    tenant: Tenant,
    actor: User,
    partner: Partner,
    email: str,
    role: str,
    accept_url_for,
    full_name: str = "",
    rep: PartnerRep | None = None,
    submit_key: str = "",
) -> Invitation:
    """Invite `email` as partner admin or rep of `partner`: for the given `rep`, else for the
    partner's rep with that address, else for a new rep named `full_name`.

    `submit_key` comes from the form: the same form submitted twice (a double click, a
    retried request) answers the invitation of the first submit and sends nothing more.
    """
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    # One invitation at a time per partner: a concurrent repeat waits here, then finds the
    # first one by its submit key.
    partner = Partner.objects.select_for_update().get(tenant=tenant, pk=partner.pk)
    if submit_key:
        earlier = Invitation.objects.filter(tenant=tenant, payload__submit_key=submit_key).first()
        if earlier is not None:
            return earlier
    if role not in INVITE_ROLES:
        raise ValidationError({"role": _("Choose a partner role.")})
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter the e-mail address to send the invitation to.")})
    if rep is not None:
        # SECURITY(tenant): the rep id comes from the request: this tenant's, this partner's.
        if rep.tenant_id != tenant.pk or rep.partner_id != partner.pk:
            raise ValidationError(_("This rep belongs to another partner."))
        rep = PartnerRep.objects.select_for_update().get(tenant=tenant, pk=rep.pk)
        if not rep.is_active:
            raise ValidationError(_("This rep has left the partner and cannot be invited."))
        if rep.email and rep.email.lower() != email:
            raise ValidationError(
                {
                    "email": _("The rep's e-mail address is %(email)s: change it on the rep first.")
                    % {"email": rep.email}
                }
            )
    else:
        rep = PartnerRep.objects.filter(tenant=tenant, partner=partner, email__iexact=email).first()
    if rep is not None and rep.membership_id and rep.membership.is_active:
        raise ValidationError(_("%(name)s already has a portal login.") % {"name": rep.full_name})
    if rep is None:
        full_name = (full_name or "").strip()
        if not full_name:
            raise ValidationError({"full_name": _("Enter the person's name.")})
        rep = directory.rep_create.nested(
            tenant=tenant, actor=actor, partner=partner, full_name=full_name, email=email
        )
    elif not rep.email:
        rep.email = email
        rep.save(update_fields=["email"])
    invitation = account_services.invitation_create.nested(
        tenant=tenant,
        actor=actor,
        email=email,
        role=role,
        accept_url_for=accept_url_for,
        payload={"partner_id": partner.pk, "partner_rep_id": rep.pk, "submit_key": submit_key},
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="partner.portal_invited",
        target=partner,
        # Facts of a new invitation: single values, not ["", value] pairs (accounts/audit.py).
        changes={"email": email, "role": role, "rep": rep.full_name},
    )
    return invitation
