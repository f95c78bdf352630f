"""Every write of the kernel. Keyword-only, tenant explicit, audited in the same transaction."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record, created_values, field_changes
from accounts.models import (
    ApiKey,
    Invitation,
    Membership,
    OutgoingEmail,
    SignInDay,
    Tenant,
    User,
)
from accounts.roles import Role
from accounts.signals import invitation_accepted
from accounts.transactions import service

INVITATION_VALID_FOR = timedelta(days=7)
API_KEY_PREFIX_LENGTH = 8


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Tenant settings --------------------------------------------------------------------------

TENANT_SETTINGS_FIELDS = [
    "name",
    "base_currency",
    "time_zone",
    "default_language",
    "fiscal_year_start_month",
    "portal_display_name",
    "portal_logo",
    "portal_primary_colour",
    "issuer_legal_name",
    "issuer_address",
    "issuer_registration_number",
]


@service
def tenant_settings_update(*, tenant: Tenant, actor: User, **values) -> Tenant:
    unknown = set(values) - set(TENANT_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not a tenant setting: {sorted(unknown)}")
    if values.get("portal_logo") is False:  # the form's "clear" checkbox
        values["portal_logo"] = ""
    changes = field_changes(tenant, TENANT_SETTINGS_FIELDS, values)
    for name, value in values.items():
        setattr(tenant, name, value)
    tenant.full_clean()
    tenant.save()
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="tenant.settings_changed",
            target=tenant,
            changes=changes,
        )
    return tenant


# --- Memberships ------------------------------------------------------------------------------


def _active_admin_count(tenant: Tenant) -> int:
    return Membership.objects.filter(tenant=tenant, role=Role.VENDOR_ADMIN, is_active=True).count()


def _guard_last_admin(*, tenant: Tenant, membership: Membership) -> None:
    # A tenant without an active vendor admin cannot be managed by anyone any more.
    if (
        membership.role == Role.VENDOR_ADMIN
        and membership.is_active
        and _active_admin_count(tenant) <= 1
    ):
        raise ValidationError(_("The last active vendor admin cannot be removed or demoted."))


@service
def membership_change_role(
    *, tenant: Tenant, actor: User, membership: Membership, role: str
) -> Membership:
    if membership.tenant_id != tenant.pk:
        raise ValidationError(_("This member does not belong to this tenant."))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if role == membership.role:
        return membership
    if role != Role.VENDOR_ADMIN:
        _guard_last_admin(tenant=tenant, membership=membership)
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="membership.role_changed",
        target=membership,
        changes={"role": [old_role, role]},
    )
    return membership


@service
def membership_deactivate(*, tenant: Tenant, actor: User, membership: Membership) -> Membership:
    """Deactivate at once: the tenant middleware refuses this person's next request."""
    if membership.tenant_id != tenant.pk:
        raise ValidationError(_("This member does not belong to this tenant."))
    if not membership.is_active:
        return membership
    _guard_last_admin(tenant=tenant, membership=membership)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="membership.deactivated",
        target=membership,
        changes={"is_active": ["True", "False"]},
    )
    return membership


@service
def membership_reactivate(*, tenant: Tenant, actor: User, membership: Membership) -> Membership:
    if membership.tenant_id != tenant.pk:
        raise ValidationError(_("This member does not belong to this tenant."))
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="membership.reactivated",
        target=membership,
        changes={"is_active": ["False", "True"]},
    )
    return membership


# --- Invitations ------------------------------------------------------------------------------


def _invitation_email_enqueue(*, tenant: Tenant, invitation: Invitation, accept_url: str) -> None:
    language = tenant.default_language
    existing = User.objects.filter(email__iexact=invitation.email).only("language").first()
    if existing and existing.language:
        language = existing.language
    with translation.override(language):
        context = {"tenant": tenant, "invitation": invitation, "accept_url": accept_url}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    email_enqueue(
        tenant=tenant, to=invitation.email, subject=subject, body_text=body, purpose="invitation"
    )


@service
def invitation_create(
    *,
    tenant: Tenant,
    actor: User,
    email: str,
    role: str,
    accept_url_for,
    payload: dict | None = None,
) -> Invitation:
    """Invite a person by e-mail. `accept_url_for(token)` builds the absolute link.

    `payload` comes back with the `invitation_accepted` signal (apps above the kernel use it
    to finish their part, e.g. link a partner rep to the new membership).
    """
    email = User.objects.normalize_email(email).lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if Membership.objects.filter(tenant=tenant, user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": _("This person is already an active member.")})
    # A new invitation replaces any pending one for the same address.
    Invitation.objects.filter(
        tenant=tenant, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        tenant=tenant,
        email=email,
        role=role,
        token_digest=token_digest(token),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
        payload=payload or {},
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="invitation.sent",
        target=invitation,
        changes={"role": role},
    )
    _invitation_email_enqueue(
        tenant=tenant, invitation=invitation, accept_url=accept_url_for(token)
    )
    return invitation


def invitation_find(*, tenant: Tenant, token: str) -> Invitation | None:
    return Invitation.objects.filter(tenant=tenant, token_digest=token_digest(token)).first()


@service
def invitation_accept(*, tenant: Tenant, invitation: Invitation, user: User) -> Membership:
    """Single use: the row is locked, so two clicks cannot both accept it."""
    return _invitation_accept(tenant=tenant, invitation=invitation, user=user)


@service
def invitation_accept_new_user(
    *, tenant: Tenant, invitation: Invitation, full_name: str, password: str, language: str = ""
) -> Membership:
    """A person without an account accepts: the user is created in the acceptance's own
    transaction, so a refused or failed acceptance leaves no account behind."""
    email = invitation.email.lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("An account with this e-mail address exists: sign in first."))
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        language=language if language in {code for code, _name in settings.LANGUAGES} else "",
    )
    return _invitation_accept(tenant=tenant, invitation=invitation, user=user)


def _invitation_accept(*, tenant: Tenant, invitation: Invitation, user: User) -> Membership:
    # Runs inside the caller's transaction (both public services above are services).
    invitation = Invitation.objects.select_for_update().get(tenant=tenant, pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation has expired or was already used."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to a different e-mail address."))
    membership, created = Membership.objects.get_or_create(
        tenant=tenant, user=user, defaults={"role": invitation.role}
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.deactivated_at = None
        membership.save(update_fields=["role", "is_active", "deactivated_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _mark_email_verified(user)
    audit_record(
        tenant=tenant,
        actor=user,
        action="invitation.accepted",
        target=membership,
        changes={"role": invitation.role},
    )
    # Receivers run inside this transaction: if one fails, the acceptance is undone too.
    invitation_accepted.send(
        sender=Invitation, tenant=tenant, invitation=invitation, membership=membership
    )
    return membership


def _mark_email_verified(user: User) -> None:
    # The person proved they read this mailbox by following the invitation link.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )


@service
def invitation_revoke(*, tenant: Tenant, actor: User, invitation: Invitation) -> Invitation:
    if invitation.tenant_id != tenant.pk:
        raise ValidationError(_("This invitation does not belong to this tenant."))
    if invitation.accepted_at or invitation.revoked_at:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(tenant=tenant, actor=actor, action="invitation.revoked", target=invitation)
    return invitation


# --- API keys -------------------------------------------------------------------------------


@service
def api_key_create(*, tenant: Tenant, actor: User, name: str, role: str) -> tuple[ApiKey, str]:
    """Returns the key and its secret; the secret is never stored and never shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name, e.g. the system that uses it.")})
    secret = secrets.token_urlsafe(32)
    prefix = secret[:API_KEY_PREFIX_LENGTH]
    key = ApiKey(
        tenant=tenant,
        name=name,
        role=role,
        prefix=prefix,
        key_digest=token_digest(secret),
        created_by=actor,
    )
    key.full_clean(exclude=["tenant"])
    key.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="api_key.created",
        target=key,
        changes=created_values(key, ["name", "role"]),
    )
    return key, f"prm_{secret}"


@service
def api_key_revoke(*, tenant: Tenant, actor: User, api_key: ApiKey) -> ApiKey:
    if api_key.tenant_id != tenant.pk:
        raise ValidationError(_("This key does not belong to this tenant."))
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(tenant=tenant, actor=actor, action="api_key.revoked", target=api_key)
    return api_key


# --- E-mail (the outbox) ---------------------------------------------------------------------


def email_enqueue(
    *, tenant: Tenant, to: str, subject: str, body_text: str, body_html: str = "", purpose: str
) -> OutgoingEmail:
    """Write one e-mail into the outbox, in the caller's transaction; it leaves after commit.

    A step of the calling service, never a unit of work of its own: the e-mail exists exactly
    when the change that causes it was saved. The send task is queued on commit.
    """
    from accounts.tasks import email_send_task  # tasks import services: a cycle at import time

    email = OutgoingEmail.objects.create(
        tenant=tenant,
        to=to,
        subject=subject[:998],
        body_text=body_text,
        body_html=body_html,
        purpose=purpose,
    )
    email_send_task.delay(tenant_id=tenant.pk, email_id=email.pk)
    return email


def email_send(*, tenant: Tenant, email_id: int) -> bool:
    """Send one outbox e-mail through the configured backend; True when it left now.

    The row stays locked while the mail server answers, so two workers never send it twice;
    a row sent already (a retry, a sweep) or being sent right now is skipped. A failed send
    counts the attempt, keeps the row pending and raises, for the task to retry.
    """
    with transaction.atomic(durable=True):
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(tenant=tenant, pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        message = EmailMultiAlternatives(
            email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to]
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as error:
            failure = error
        else:
            failure = None
            # Once sent, the outbox keeps who, what for and when, not the content: an
            # invitation's link is a credential.
            email.sent_at = timezone.now()
            email.attempts += 1
            email.body_text = email.body_html = ""
            email.last_error = ""
            email.save(
                update_fields=["sent_at", "attempts", "body_text", "body_html", "last_error"]
            )
    if failure is not None:
        with transaction.atomic(durable=True):
            OutgoingEmail.objects.filter(tenant=tenant, pk=email_id).update(
                attempts=models.F("attempts") + 1,
                last_error=f"{type(failure).__name__}: {failure}"[:500],
            )
        raise failure
    return True


# --- Users ------------------------------------------------------------------------------------


@service
def user_language_set(*, user: User, language: str) -> User:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose Japanese or English.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


@service
def heartbeat_record(*, name: str, worker: str) -> None:
    from accounts.models import Heartbeat

    Heartbeat.objects.update_or_create(
        name=name, defaults={"last_seen_at": timezone.now(), "last_worker": worker[:200]}
    )


# --- Sign-ins ---------------------------------------------------------------------------------


@service
def sign_in_day_record(*, tenant: Tenant, membership_id: int, day) -> None:
    """One INSERT ... ON CONFLICT DO NOTHING: the first sign-in of the day counts, the rest
    (and a retried task) add nothing. Telemetry, not a change of anything: no audit event."""
    SignInDay.objects.bulk_create(
        [SignInDay(tenant=tenant, membership_id=membership_id, day=day)], ignore_conflicts=True
    )
