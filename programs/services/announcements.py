"""Writes of announcements and the sales process.

Keyword-only, tenant explicit, every program and tier checked against the tenant (the
library's check), audited in the same transaction; validation errors name their field.
Publishing happens once: it schedules, on commit, the worker task that records whom the
announcement reaches and e-mails each of them once (AnnouncementDelivery is the sent marker).
A read receipt is one INSERT … ON CONFLICT DO NOTHING, so opening twice records once.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from accounts.audit import audit_record, created_values, field_changes, register_action_labels
from accounts.models import Membership, Tenant, User
from accounts.transactions import service
from accounts.urls_helpers import tenant_reverse
from partners.models import PartnerRep
from programs.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementKind,
    AnnouncementProgram,
    AnnouncementRead,
    AnnouncementStatus,
    AnnouncementTier,
    AssetLanguage,
    Program,
    SalesPhase,
    Tier,
)
from programs.selectors.announcements import announcement_reach
from programs.services.library import visibility_check

register_action_labels(
    {
        "announcement.created": gettext_lazy("Announcement drafted"),
        "announcement.updated": gettext_lazy("Announcement updated"),
        "announcement.published": gettext_lazy("Announcement published"),
        "announcement.archived": gettext_lazy("Announcement archived"),
        "sales_phase.created": gettext_lazy("Sales phase added"),
        "sales_phase.updated": gettext_lazy("Sales phase updated"),
        "sales_phase.moved": gettext_lazy("Sales phase moved"),
        "sales_phase.deleted": gettext_lazy("Sales phase deleted"),
    }
)

UPDATE_FIELDS = ("title", "body", "kind", "language")
TITLE_MAX, BODY_MAX = 200, 20000


def new_announcement_token() -> str:
    """The new-announcement form's one-time token."""
    return uuid.uuid4().hex


def _clean(fields: dict) -> dict:
    errors = {}
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = " ".join((cleaned["title"] or "").split())
        if not cleaned["title"]:
            errors["title"] = _("Give the announcement a title.")
        elif len(cleaned["title"]) > TITLE_MAX:
            errors["title"] = _("Use at most %(max)s characters.") % {"max": TITLE_MAX}
    if "body" in cleaned:
        cleaned["body"] = (cleaned["body"] or "").strip()
        if not cleaned["body"]:
            errors["body"] = _("Write what partners should know.")
        elif len(cleaned["body"]) > BODY_MAX:
            errors["body"] = _("Use at most %(max)s characters.") % {"max": BODY_MAX}
    if "kind" in cleaned and cleaned["kind"] not in AnnouncementKind.values:
        errors["kind"] = _("Choose a kind.")
    if "language" in cleaned:
        cleaned["language"] = cleaned["language"] or ""
        if cleaned["language"] and cleaned["language"] not in AssetLanguage.values:
            errors["language"] = _("Choose a language.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _set_targeting(tenant: Tenant, announcement: Announcement, programs, tiers) -> None:
    AnnouncementProgram.objects.filter(tenant=tenant, announcement=announcement).delete()
    AnnouncementTier.objects.filter(tenant=tenant, announcement=announcement).delete()
    AnnouncementProgram.objects.bulk_create(
        AnnouncementProgram(tenant=tenant, announcement=announcement, program=program)
        for program in programs
    )
    AnnouncementTier.objects.bulk_create(
        AnnouncementTier(tenant=tenant, announcement=announcement, tier=tier) for tier in tiers
    )


def _locked(tenant: Tenant, announcement: Announcement) -> Announcement:
    if announcement.tenant_id != tenant.pk:
        # SECURITY(tenant): another tenant's announcement is never changed here.
        raise ValidationError(_("This announcement is not one of this organization's."))
    return Announcement.objects.select_for_update().get(tenant=tenant, pk=announcement.pk)


@service
def announcement_create(
    *,
    tenant: Tenant,
    actor: User | None,
    title: str,
    body: str,
    token: str,
    kind: str = AnnouncementKind.PRODUCT_UPDATE,
    language: str = "",
    programs: list[Program] = (),
    tiers: list[Tier] = (),
) -> Announcement:
    """A new draft. The second submit of one form (the same `token`) returns the first one's
    announcement."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise ValidationError({"token": _("The form has expired: open it again.")})
    existing = Announcement.objects.filter(tenant=tenant, create_token=token).first()
    if existing is not None:
        return existing
    fields = _clean({"title": title, "body": body, "kind": kind, "language": language})
    programs, tiers = visibility_check(tenant, list(programs), list(tiers))
    try:
        # Two submits of one token at once: the second waits on the unique key, then finds
        # the first's announcement.
        with transaction.atomic():
            announcement = Announcement.objects.create(
                tenant=tenant, create_token=token, created_by=actor, **fields
            )
    except IntegrityError:
        return Announcement.objects.get(tenant=tenant, create_token=token)
    _set_targeting(tenant, announcement, programs, tiers)
    changes = created_values(announcement, ("title", "kind", "language"))
    changes["programs"] = [str(program) for program in programs]
    changes["tiers"] = [str(tier) for tier in tiers]
    audit_record(
        tenant=tenant,
        actor=actor,
        action="announcement.created",
        target=announcement,
        changes=changes,
    )
    return announcement


@service
def announcement_update(
    *,
    tenant: Tenant,
    actor: User | None,
    announcement: Announcement,
    programs: list[Program],
    tiers: list[Tier],
    **fields,
) -> Announcement:
    """Change the text and, while it is a draft, whom it is for: once published, the reps it
    reached have been e-mailed, so its audience stays (archive it and write another)."""
    unknown = sorted(set(fields) - set(UPDATE_FIELDS))
    if unknown:
        raise ValueError(f"unknown announcement fields: {', '.join(unknown)}")
    fields = _clean(fields)
    programs, tiers = visibility_check(tenant, list(programs), list(tiers))
    announcement = _locked(tenant, announcement)
    if announcement.status == AnnouncementStatus.ARCHIVED:
        raise ValidationError({"title": _("This announcement is archived.")})
    changes = field_changes(announcement, list(UPDATE_FIELDS), fields)
    old_programs = sorted(str(p) for p in announcement.programs.all())
    old_tiers = sorted(str(t) for t in announcement.tiers.all())
    new_programs = sorted(str(p) for p in programs)
    new_tiers = sorted(str(t) for t in tiers)
    targeting_changed = old_programs != new_programs or old_tiers != new_tiers
    if targeting_changed and not announcement.is_draft:
        raise ValidationError(
            {
                "programs": _(
                    "It is published: its programs and tiers stay as they were when it was "
                    "sent. Archive it and write a new one for other partners."
                )
            }
        )
    if old_programs != new_programs:
        changes["programs"] = [old_programs, new_programs]
    if old_tiers != new_tiers:
        changes["tiers"] = [old_tiers, new_tiers]
    if not changes:
        return announcement
    for name, value in fields.items():
        setattr(announcement, name, value)
    announcement.updated_at = timezone.now()
    announcement.save(update_fields=[*fields, "updated_at"])
    if targeting_changed:
        _set_targeting(tenant, announcement, programs, tiers)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="announcement.updated",
        target=announcement,
        changes=changes,
    )
    return announcement


@service
def announcement_publish(
    *, tenant: Tenant, actor: User | None, announcement: Announcement
) -> Announcement:
    """Show it in the portal and, after commit, have the worker e-mail the reps it reaches.
    Publishing a published announcement changes nothing and sends nothing."""
    from programs.tasks.announcements import announcement_deliver_task

    announcement = _locked(tenant, announcement)
    if announcement.is_published:
        return announcement
    if announcement.status == AnnouncementStatus.ARCHIVED:
        raise ValidationError(_("An archived announcement is not published again."))
    announcement.status = AnnouncementStatus.PUBLISHED
    announcement.published_at = timezone.now()
    announcement.published_by = actor
    announcement.updated_at = announcement.published_at
    announcement.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(tenant=tenant, actor=actor, action="announcement.published", target=announcement)
    # TenantTask.apply_async waits for the commit: the worker finds the published row.
    announcement_deliver_task.delay(tenant_id=tenant.pk, announcement_id=announcement.pk)
    return announcement


@service
def announcement_archive(
    *, tenant: Tenant, actor: User | None, announcement: Announcement
) -> Announcement:
    """Take it out of the portal (a draft too); it stays with its receipts for the record.
    Archiving an archived one changes nothing."""
    announcement = _locked(tenant, announcement)
    if announcement.status == AnnouncementStatus.ARCHIVED:
        return announcement
    announcement.status = AnnouncementStatus.ARCHIVED
    announcement.updated_at = timezone.now()
    announcement.save(update_fields=["status", "updated_at"])
    audit_record(tenant=tenant, actor=actor, action="announcement.archived", target=announcement)
    return announcement


def _email(tenant: Tenant, announcement: Announcement, rep: PartnerRep) -> None:
    user = rep.membership.user if rep.membership_id and rep.membership else None
    language = (user.language if user else "") or tenant.default_language
    with translation.override(language):
        context = {
            "tenant": tenant,
            "announcement": announcement,
            "rep": rep,
            # Absolute: the worker sends it, away from any request.
            "url": settings.PRM_SITE_URL
            + tenant_reverse(
                tenant, "programs:portal_announcement", announcement_id=announcement.pk
            ),
        }
        subject = render_to_string(
            "programs/announcements/email/announcement_subject.txt", context
        ).strip()
        body = render_to_string("programs/announcements/email/announcement_body.txt", context)
    account_services.email_enqueue(
        tenant=tenant, to=rep.email, subject=subject, body_text=body, purpose="announcement"
    )


@service
def announcement_deliver(*, tenant: Tenant, announcement_id: int) -> int:
    """Record whom the published announcement reaches and e-mail each of them once; the
    number of e-mails written. Run again (a retry, a redelivery), it e-mails nobody twice:
    the announcement row is locked, and a delivery is marked in the same transaction as its
    e-mail is written to the outbox."""
    announcement = (
        Announcement.objects.select_for_update()
        .filter(tenant=tenant, pk=announcement_id, status=AnnouncementStatus.PUBLISHED)
        .first()
    )
    if announcement is None:
        return 0
    reached = announcement_reach(tenant=tenant, announcement=announcement)
    AnnouncementDelivery.objects.bulk_create(
        [
            AnnouncementDelivery(
                tenant=tenant, announcement=announcement, rep_id=rep_id, partner_id=partner_id
            )
            for rep_id, partner_id in reached.values_list("pk", "partner_id")
        ],
        ignore_conflicts=True,
    )
    due = list(
        AnnouncementDelivery.objects.filter(
            tenant=tenant, announcement=announcement, emailed_at__isnull=True
        )
        .exclude(rep__email="")
        .select_related("rep__membership__user")
        .order_by("pk")
    )
    now = timezone.now()
    for delivery in due:
        _email(tenant, announcement, delivery.rep)
        delivery.emailed_at = now
    AnnouncementDelivery.objects.bulk_update(due, ["emailed_at"])
    return len(due)


@service
def announcement_mark_read(
    *,
    tenant: Tenant,
    announcement: Announcement,
    rep: PartnerRep,
    membership: Membership | None = None,
) -> None:
    """The rep opened it in the portal: the first time is the receipt, later ones add
    nothing (INSERT … ON CONFLICT DO NOTHING on the unique key)."""
    if announcement.tenant_id != tenant.pk or rep.tenant_id != tenant.pk:
        # SECURITY(tenant): receipts stay within the tenant.
        raise ValidationError(_("This announcement is not one of this organization's."))
    AnnouncementRead.objects.bulk_create(
        [
            AnnouncementRead(
                tenant=tenant,
                announcement=announcement,
                rep=rep,
                partner_id=rep.partner_id,
                membership=membership,
            )
        ],
        ignore_conflicts=True,
    )


# --- The sales process -----------------------------------------------------------------------

PHASE_LIMITS = {"name": 100, "description": 3000, "exit_criteria": 3000}


def _clean_phase(name: str, description: str, exit_criteria: str) -> dict:
    fields = {
        "name": " ".join((name or "").split()),
        "description": (description or "").strip(),
        "exit_criteria": (exit_criteria or "").strip(),
    }
    errors = {}
    if not fields["name"]:
        errors["name"] = _("Name the phase.")
    if not fields["exit_criteria"]:
        errors["exit_criteria"] = _("Say what must be true to leave this phase.")
    for field, limit in PHASE_LIMITS.items():
        if field not in errors and len(fields[field]) > limit:
            errors[field] = _("Use at most %(max)s characters.") % {"max": limit}
    if errors:
        raise ValidationError(errors)
    return fields


def _locked_phases(tenant: Tenant) -> list[SalesPhase]:
    return list(SalesPhase.objects.select_for_update().filter(tenant=tenant).order_by("position"))


def _renumber(phases: list[SalesPhase]) -> None:
    # The unique position is checked at commit (deferred), so positions may cross here.
    changed = []
    for position, phase in enumerate(phases, start=1):
        if phase.position != position:
            phase.position = position
            changed.append(phase)
    SalesPhase.objects.bulk_update(changed, ["position"])


def _own_phase(tenant: Tenant, phase: SalesPhase) -> None:
    if phase.tenant_id != tenant.pk:
        # SECURITY(tenant): another tenant's phase is never changed here.
        raise ValidationError(_("This phase is not one of this organization's."))


@service
def sales_phase_create(
    *, tenant: Tenant, actor: User | None, name: str, exit_criteria: str, description: str = ""
) -> SalesPhase:
    """A new phase at the end of the process."""
    fields = _clean_phase(name, description, exit_criteria)
    _locked_phases(tenant)  # one editor at a time picks the next position
    last = SalesPhase.objects.filter(tenant=tenant).aggregate(last=Max("position"))["last"] or 0
    phase = SalesPhase.objects.create(tenant=tenant, position=last + 1, **fields)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sales_phase.created",
        target=phase,
        changes=created_values(phase, ("position", "name", "exit_criteria")),
    )
    return phase


@service
def sales_phase_update(
    *,
    tenant: Tenant,
    actor: User | None,
    phase: SalesPhase,
    name: str,
    exit_criteria: str,
    description: str = "",
) -> SalesPhase:
    _own_phase(tenant, phase)
    fields = _clean_phase(name, description, exit_criteria)
    phase = SalesPhase.objects.select_for_update().get(tenant=tenant, pk=phase.pk)
    changes = field_changes(phase, list(fields), fields)
    if not changes:
        return phase
    for field, value in fields.items():
        setattr(phase, field, value)
    phase.updated_at = timezone.now()
    phase.save(update_fields=[*fields, "updated_at"])
    audit_record(
        tenant=tenant, actor=actor, action="sales_phase.updated", target=phase, changes=changes
    )
    return phase


@service
def sales_phase_move(
    *, tenant: Tenant, actor: User | None, phase: SalesPhase, direction: str
) -> SalesPhase:
    """One place earlier ("up") or later ("down"); at either end nothing moves."""
    _own_phase(tenant, phase)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move a phase up or down.")})
    phases = _locked_phases(tenant)
    index = next(i for i, p in enumerate(phases) if p.pk == phase.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(phases):
        return phases[index]
    phases[index], phases[other] = phases[other], phases[index]
    _renumber(phases)
    moved = phases[other]
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sales_phase.moved",
        target=moved,
        changes={"position": [index + 1, other + 1]},
    )
    return moved


@service
def sales_phase_delete(*, tenant: Tenant, actor: User | None, phase: SalesPhase) -> None:
    """Remove the phase; the later ones move up a place."""
    _own_phase(tenant, phase)
    phases = _locked_phases(tenant)
    gone = next((p for p in phases if p.pk == phase.pk), None)
    if gone is None:
        return
    audit_record(
        tenant=tenant,
        actor=actor,
        action="sales_phase.deleted",
        target=gone,
        changes={"name": gone.name, "position": gone.position},
    )
    remaining = [p for p in phases if p.pk != gone.pk]
    gone.delete()
    _renumber(remaining)
