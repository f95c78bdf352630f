"""Writes for engagement: cadence rules, the activity log, the daily due-for-contact digest.

Keyword-only, tenant explicit, validated, audited in the same transaction; e-mail via the outbox.
"""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, Max, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from accounts.audit import audit_record, field_changes, register_action_labels
from accounts.models import Membership, Tenant, User
from accounts.roles import STAFF_ROLES, Role
from accounts.transactions import service
from partners.choices import ActivityKind, Priority
from partners.models import (
    Activity,
    ActivityRepAttendee,
    ActivityStaffAttendee,
    CadenceRule,
    DigestDelivery,
    Partner,
    PartnerRep,
)
from partners.selectors.engagement import (
    cadence_rules,
    partner_page_path,
    partners_due_for_contact,
)

register_action_labels(
    {
        "cadence.changed": gettext_lazy("Cadence changed"),
        "activity.logged": gettext_lazy("Activity logged"),
        "activity.updated": gettext_lazy("Activity changed"),
        "activity.deleted": gettext_lazy("Activity deleted"),
    }
)


# --- Cadence ----------------------------------------------------------------------------------


@service
def cadence_rules_update(*, tenant: Tenant, actor: User, rules: dict[str, dict]) -> None:
    """Store the cadence of each priority given: {"A": {"contact_interval_days": 7,
    "expectation": "..."}}. An empty interval means no regular contact is expected."""
    current = cadence_rules(tenant=tenant)
    for priority, values in rules.items():
        if priority not in Priority.values:
            raise ValidationError(_("Unknown priority %(priority)s.") % {"priority": priority})
        interval = values.get("contact_interval_days")
        if interval is not None and not 1 <= interval <= 365:
            raise ValidationError(
                {"contact_interval_days": _("Enter a number of days between 1 and 365.")}
            )
        expectation = (values.get("expectation") or "").strip()
        before = current[priority]
        changes = {}
        if before.contact_interval_days != interval:
            changes["contact_interval_days"] = [
                str(before.contact_interval_days or ""),
                str(interval or ""),
            ]
        if str(before.expectation) != expectation:
            changes["expectation"] = [str(before.expectation), expectation]
        if not changes:
            # Saving a rule unchanged writes nothing: untouched defaults stay translated.
            continue
        rule, _created = CadenceRule.objects.update_or_create(
            tenant=tenant,
            priority=priority,
            defaults={"contact_interval_days": interval, "expectation": expectation},
        )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="cadence.changed",
            target=rule,
            changes=changes,
        )


# --- Activity log -----------------------------------------------------------------------------


def _ids(values: Iterable | None) -> set[int]:
    return {int(getattr(v, "pk", v)) for v in (values or [])}


def _activity_checked(
    *,
    tenant: Tenant,
    partner: Partner,
    kind: str,
    occurred_on: date | None,
    staff_attendee_ids: Iterable[int],
    rep_attendee_ids: Iterable[int],
    next_action: str,
    next_action_due: date | None,
) -> tuple[list[Membership], list[PartnerRep]]:
    """Validate an activity's fields; its attendees, resolved inside this tenant."""
    # SECURITY(tenant): every attendee must belong to this tenant (and the reps to this very
    # partner); the ids come from a request body.
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        errors.setdefault("kind", []).append(_("Choose a valid kind of activity."))
    if occurred_on is None:
        errors.setdefault("occurred_on", []).append(_("Enter the date of the activity."))
    elif occurred_on > timezone.localdate():
        errors.setdefault("occurred_on", []).append(
            _("An activity is logged once it happened: the date cannot be in the future.")
        )
    if next_action_due is not None and not next_action:
        errors.setdefault("next_action", []).append(
            _("Say what the next action is, or leave its due date empty.")
        )
    staff_ids = _ids(staff_attendee_ids)
    staff = list(
        Membership.objects.filter(
            tenant=tenant, pk__in=staff_ids, is_active=True, role__in=STAFF_ROLES
        )
    )
    if len(staff) != len(staff_ids):
        errors.setdefault("staff_attendees", []).append(
            _("Choose attendees among this vendor's active staff.")
        )
    rep_ids = _ids(rep_attendee_ids)
    reps = list(PartnerRep.objects.filter(tenant=tenant, partner=partner, pk__in=rep_ids))
    if len(reps) != len(rep_ids):
        errors.setdefault("rep_attendees", []).append(
            _("Choose attendees among this partner's people.")
        )
    if errors:
        raise ValidationError(errors)
    return staff, reps


def partner_last_contact_refresh(
    *, tenant: Tenant, partner_ids: Iterable[int] | None = None
) -> None:
    """Set `Partner.last_contact_on` of these partners (every partner of `tenant` when None)
    to the date of their latest activity, or empty. A step of the services that write
    activities (and of the bulk loaders), run inside their transaction; recomputing from the
    activities, not adjusting, keeps it right whatever changed: a new activity, a date moved
    back, the latest one deleted."""
    partners = Partner.objects.filter(tenant=tenant)
    if partner_ids is not None:
        partners = partners.filter(pk__in=list(partner_ids))
    latest = (
        Activity.objects.filter(tenant=tenant, partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(latest=Max("occurred_on"))
        .values("latest")
    )
    # A savepoint inside the caller's service; its own transaction for a bulk loader.
    with transaction.atomic():
        # Lock the partners first, in id order: the UPDATE is a later statement, so it sees an
        # activity a concurrent writer committed while we waited for the lock, and two writers
        # for one partner cannot leave the older date behind.
        list(partners.select_for_update().order_by("pk").values_list("pk", flat=True))
        partners.update(last_contact_on=Subquery(latest, output_field=DateField()))


def _set_attendees(
    *, tenant: Tenant, activity: Activity, staff: list[Membership], reps: list[PartnerRep]
) -> None:
    # Through rows carry the tenant (row-level security), so they are written explicitly.
    ActivityStaffAttendee.objects.filter(tenant=tenant, activity=activity).delete()
    ActivityRepAttendee.objects.filter(tenant=tenant, activity=activity).delete()
    ActivityStaffAttendee.objects.bulk_create(
        [ActivityStaffAttendee(tenant=tenant, activity=activity, membership=m) for m in staff]
    )
    ActivityRepAttendee.objects.bulk_create(
        [ActivityRepAttendee(tenant=tenant, activity=activity, rep=r) for r in reps]
    )


@service
def activity_log(
    *,
    tenant: Tenant,
    actor: User | None,
    partner: Partner,
    kind: str,
    occurred_on: date,
    staff_attendee_ids: Iterable[int] = (),
    rep_attendee_ids: Iterable[int] = (),
    notes: str = "",
    next_action: str = "",
    next_action_due: date | None = None,
) -> Activity:
    """Log one touchpoint with `partner`; attendees must be this tenant's staff and this
    partner's reps. `actor` is None for an API key (the audit log names the key)."""
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner does not belong to this tenant."))
    next_action = (next_action or "").strip()
    staff, reps = _activity_checked(
        tenant=tenant,
        partner=partner,
        kind=kind,
        occurred_on=occurred_on,
        staff_attendee_ids=staff_attendee_ids,
        rep_attendee_ids=rep_attendee_ids,
        next_action=next_action,
        next_action_due=next_action_due,
    )
    activity = Activity.objects.create(
        tenant=tenant,
        partner=partner,
        kind=kind,
        occurred_on=occurred_on,
        notes=(notes or "").strip(),
        next_action=next_action,
        next_action_due=next_action_due,
        created_by=actor,
    )
    _set_attendees(tenant=tenant, activity=activity, staff=staff, reps=reps)
    partner_last_contact_refresh(tenant=tenant, partner_ids=[partner.pk])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="activity.logged",
        target=activity,
        changes={
            "partner": ["", str(partner)],
            "kind": ["", kind],
            "occurred_on": ["", occurred_on.isoformat()],
        },
    )
    return activity


ACTIVITY_FIELDS = ("kind", "occurred_on", "notes", "next_action", "next_action_due")


@service
def activity_update(
    *,
    tenant: Tenant,
    actor: User | None,
    membership: Membership | None,
    activity: Activity,
    fields: dict,
) -> Activity:
    """Correct a logged activity: `fields` holds any of ACTIVITY_FIELDS and
    `staff_attendee_ids` / `rep_attendee_ids` (which replace the attendees). A person may
    change only what they logged, a vendor admin anything; an API key (actor None) acts with
    the rights its vendor admin gave it."""
    if activity.tenant_id != tenant.pk:
        raise ValidationError(_("This activity does not belong to this tenant."))
    unknown = sorted(set(fields) - {*ACTIVITY_FIELDS, "staff_attendee_ids", "rep_attendee_ids"})
    if unknown:
        raise ValueError(f"unknown activity fields: {', '.join(unknown)}")
    if actor is not None and not activity_may_change(
        activity=activity, actor=actor, membership=membership
    ):
        raise ValidationError(_("Only the person who logged an activity can change it."))
    activity = Activity.objects.select_for_update().get(tenant=tenant, pk=activity.pk)
    staff_before = sorted(activity.staff_attendees.values_list("pk", flat=True))
    reps_before = sorted(activity.rep_attendees.values_list("pk", flat=True))
    new = {name: fields.get(name, getattr(activity, name)) for name in ACTIVITY_FIELDS}
    new["notes"] = (new["notes"] or "").strip()
    new["next_action"] = (new["next_action"] or "").strip()
    staff_ids = fields.get("staff_attendee_ids", staff_before)
    rep_ids = fields.get("rep_attendee_ids", reps_before)
    staff, reps = _activity_checked(
        tenant=tenant,
        partner=activity.partner,
        kind=new["kind"],
        occurred_on=new["occurred_on"],
        staff_attendee_ids=staff_ids,
        rep_attendee_ids=rep_ids,
        next_action=new["next_action"],
        next_action_due=new["next_action_due"],
    )
    changes = field_changes(activity, list(ACTIVITY_FIELDS), new)
    staff_after = sorted(m.pk for m in staff)
    reps_after = sorted(r.pk for r in reps)
    if staff_after != staff_before:
        changes["staff_attendees"] = [staff_before, staff_after]
    if reps_after != reps_before:
        changes["rep_attendees"] = [reps_before, reps_after]
    if not changes:
        return activity
    for name, value in new.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(ACTIVITY_FIELDS))
    _set_attendees(tenant=tenant, activity=activity, staff=staff, reps=reps)
    if "occurred_on" in changes:
        partner_last_contact_refresh(tenant=tenant, partner_ids=[activity.partner_id])
    audit_record(
        tenant=tenant, actor=actor, action="activity.updated", target=activity, changes=changes
    )
    return activity


def activity_may_change(*, activity: Activity, actor: User, membership: Membership | None) -> bool:
    """Whoever logged an activity may correct or delete it; a vendor admin may change any."""
    if activity.created_by_id is not None and activity.created_by_id == actor.pk:
        return True
    return bool(
        membership is not None
        and membership.is_active
        and membership.tenant_id == activity.tenant_id
        and membership.role == Role.VENDOR_ADMIN
    )


@service
def activity_delete(
    *, tenant: Tenant, actor: User, membership: Membership | None, activity: Activity
) -> None:
    if activity.tenant_id != tenant.pk:
        raise ValidationError(_("This activity does not belong to this tenant."))
    if not activity_may_change(activity=activity, actor=actor, membership=membership):
        raise ValidationError(_("Only the person who logged an activity can delete it."))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="activity.deleted",
        target=activity,
        changes={
            "partner": [str(activity.partner), ""],
            "kind": [activity.kind, ""],
            "occurred_on": [activity.occurred_on.isoformat(), ""],
            "notes": [activity.notes, ""],
        },
    )
    partner_id = activity.partner_id
    activity.delete()
    partner_last_contact_refresh(tenant=tenant, partner_ids=[partner_id])


# --- Daily digest -----------------------------------------------------------------------------


def _site_url(path: str) -> str:
    # E-mails need absolute links and a task has no request to take the host from.
    return settings.PRM_SITE_URL + path


def _digest_language(*, tenant: Tenant, membership: Membership) -> str:
    return membership.user.language or tenant.default_language or settings.LANGUAGE_CODE


@service
def due_digest_send(*, tenant: Tenant, membership: Membership, today: date) -> bool:
    """E-mail `membership` the partners they own that are due for contact, once per day.

    Returns True when an e-mail was queued. The DigestDelivery row and the outbox e-mail are
    written in one transaction: a retried or concurrent run finds the row (the unique key makes
    the second insert wait, then fail) and queues nothing, and the e-mail task sends the one
    message (retrying until the mail server takes it).
    """
    if membership.tenant_id != tenant.pk:
        raise ValidationError(_("This member does not belong to this tenant."))
    if not membership.is_active or membership.role not in STAFF_ROLES:
        return False
    partners = partners_due_for_contact(tenant=tenant, owner=membership, today=today)
    if not partners:
        return False
    for partner in partners:
        partner.page_url = _site_url(partner_page_path(tenant, partner.pk))
    _delivery, created = DigestDelivery.objects.get_or_create(
        tenant=tenant,
        membership=membership,
        digest_date=today,
        defaults={"partner_count": len(partners)},
    )
    if not created:
        return False

    language = _digest_language(tenant=tenant, membership=membership)
    with translation.override(language):
        context = {
            "tenant": tenant,
            "membership": membership,
            "partners": partners,
            "today": today,
            "due_list_url": _site_url(
                reverse("contact_due_list", kwargs={"tenant_slug": tenant.slug})
            ),
        }
        subject = due_digest_subject(tenant=tenant, count=len(partners))
        text_body = render_to_string("partners/email/due_digest.txt", context)
        html_body = render_to_string("partners/email/due_digest.html", context)
    # The outbox row is written with the delivery row: a failed send is retried by the e-mail
    # task and the outbox sweep, never lost behind a delivery that says it went out.
    account_services.email_enqueue(
        tenant=tenant,
        to=membership.user.email,
        subject=subject,
        body_text=text_body,
        body_html=html_body,
        purpose="due_digest",
    )
    return True


def due_digest_subject(*, tenant: Tenant, count: int) -> str:
    """The digest's subject in the active language."""
    return translation.ngettext(
        "[%(tenant)s] %(count)d partner due for contact",
        "[%(tenant)s] %(count)d partners due for contact",
        count,
    ) % {"tenant": tenant.name, "count": count}
