"""Engagement services: logging activities, cadence changes, the once-a-day digest."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from accounts.models import AuditEvent, OutgoingEmail
from accounts.roles import Role
from partners.choices import PartnerStatus, Priority
from partners.models import Activity, CadenceRule, DigestDelivery
from partners.services import engagement as services
from tests.factories.partners import ActivityFactory, PartnerFactory, PartnerRepFactory

TODAY = date(2026, 11, 23)


@pytest.fixture
def partner(tenant, manager_member):
    return PartnerFactory(
        tenant=tenant,
        status=PartnerStatus.ACTIVE,
        priority=Priority.A,
        owner=manager_member,
        display_name="Due Partner",
    )


def log(tenant, member, partner, **overrides):
    values = {
        "tenant": tenant,
        "actor": member.user,
        "partner": partner,
        "kind": "call",
        "occurred_on": timezone.localdate(),
    }
    values.update(overrides)
    return services.activity_log(**values)


# --- activity_log -----------------------------------------------------------------------------


def test_activity_log_refuses_a_rep_of_another_partner(tenant, manager_member, partner, in_tenant):
    stranger = PartnerRepFactory(partner=PartnerFactory(tenant=tenant))

    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        log(tenant, manager_member, partner, rep_attendee_ids=[stranger.pk])

    assert "rep_attendees" in error.value.message_dict
    with scopes_disabled():
        assert not Activity.objects.exists()


def test_activity_log_refuses_staff_of_another_tenant_and_portal_logins(
    tenant, other_tenant, manager_member, member_factory, partner, in_tenant
):
    foreign_staff = member_factory(other_tenant, Role.PARTNER_MANAGER)
    portal_login = member_factory(tenant, Role.PARTNER_REP)

    for attendee in (foreign_staff, portal_login):
        with in_tenant(tenant), pytest.raises(ValidationError) as error:
            log(tenant, manager_member, partner, staff_attendee_ids=[attendee.pk])
        assert "staff_attendees" in error.value.message_dict


def test_activity_log_refuses_a_partner_of_another_tenant(
    tenant, other_tenant, manager_member, in_tenant
):
    foreign = PartnerFactory(tenant=other_tenant)

    with in_tenant(tenant), pytest.raises(ValidationError):
        log(tenant, manager_member, foreign)


def test_activity_log_refuses_an_unknown_kind(tenant, manager_member, partner, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        log(tenant, manager_member, partner, kind="karaoke")

    assert "kind" in error.value.message_dict


def test_activity_log_writes_attendees_with_the_tenant_and_an_audit_event(
    tenant, manager_member, partner, in_tenant
):
    rep = PartnerRepFactory(partner=partner)

    with in_tenant(tenant):
        activity = log(
            tenant,
            manager_member,
            partner,
            staff_attendee_ids=[manager_member.pk],
            rep_attendee_ids=[rep.pk],
        )

    with scopes_disabled():
        assert activity.activitystaffattendee_set.get().tenant_id == tenant.pk
        assert activity.activityrepattendee_set.get().tenant_id == tenant.pk
        assert (
            AuditEvent.objects.filter(action="activity.logged", actor=manager_member.user).count()
            == 1
        )


def test_only_the_logger_or_a_vendor_admin_may_delete(
    tenant, manager_member, admin_member, member_factory, partner, in_tenant
):
    colleague = member_factory(tenant, Role.PARTNER_MANAGER)
    activity = ActivityFactory(partner=partner, created_by=manager_member.user)

    with in_tenant(tenant), pytest.raises(ValidationError):
        services.activity_delete(
            tenant=tenant, actor=colleague.user, membership=colleague, activity=activity
        )
    with in_tenant(tenant):
        services.activity_delete(
            tenant=tenant, actor=admin_member.user, membership=admin_member, activity=activity
        )

    with scopes_disabled():
        assert not Activity.objects.exists()
        assert AuditEvent.objects.filter(action="activity.deleted").count() == 1


def test_update_replaces_attendees_and_audits_the_change(
    tenant, manager_member, partner, in_tenant
):
    first, second = PartnerRepFactory(partner=partner), PartnerRepFactory(partner=partner)
    with in_tenant(tenant):
        activity = log(tenant, manager_member, partner, rep_attendee_ids=[first.pk])
        services.activity_update(
            tenant=tenant,
            actor=manager_member.user,
            membership=manager_member,
            activity=activity,
            fields={"kind": "dinner", "rep_attendee_ids": [second.pk]},
        )

    with scopes_disabled():
        activity.refresh_from_db()
        assert activity.kind == "dinner"
        assert list(activity.rep_attendees.all()) == [second]
        assert activity.activityrepattendee_set.get().tenant_id == tenant.pk
        event = AuditEvent.objects.get(action="activity.updated")
        assert event.changes["kind"] == ["call", "dinner"]
        assert event.changes["rep_attendees"] == [[first.pk], [second.pk]]


def test_update_validates_like_logging_and_changes_nothing_when_refused(
    tenant, manager_member, partner, in_tenant
):
    with in_tenant(tenant):
        activity = log(tenant, manager_member, partner, notes="Original")
        with pytest.raises(ValidationError) as refused:
            services.activity_update(
                tenant=tenant,
                actor=manager_member.user,
                membership=manager_member,
                activity=activity,
                fields={"notes": "Edited", "occurred_on": timezone.localdate() + timedelta(days=1)},
            )

    assert "occurred_on" in refused.value.message_dict
    with scopes_disabled():
        activity.refresh_from_db()
        assert activity.notes == "Original"
        assert not AuditEvent.objects.filter(action="activity.updated").exists()


# --- cadence_rules_update ---------------------------------------------------------------------


def test_cadence_update_stores_changes_only_and_audits_each(tenant, manager_member, in_tenant):
    with in_tenant(tenant):
        services.cadence_rules_update(
            tenant=tenant,
            actor=manager_member.user,
            rules={
                "A": {"contact_interval_days": 7, "expectation": "Weekly, in person"},
                "D": {"contact_interval_days": 90, "expectation": ""},
            },
        )
        services.cadence_rules_update(
            tenant=tenant,
            actor=manager_member.user,
            rules={"D": {"contact_interval_days": None, "expectation": ""}},
        )

    with scopes_disabled():
        assert dict(CadenceRule.objects.values_list("priority", "contact_interval_days")) == {
            "A": 7,
            "D": None,
        }
        assert AuditEvent.objects.filter(action="cadence.changed").count() == 3


def test_cadence_update_refuses_an_interval_out_of_range(tenant, manager_member, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError):
        services.cadence_rules_update(
            tenant=tenant, actor=manager_member.user, rules={"A": {"contact_interval_days": 400}}
        )


# --- due_digest_send --------------------------------------------------------------------------


def send(tenant, membership, today=TODAY, capture=None):
    with scopes_disabled():
        membership.refresh_from_db()
    with scope(tenant=tenant), capture(execute=True):
        return services.due_digest_send(tenant=tenant, membership=membership, today=today)


def test_digest_twice_the_same_day_sends_one_email(
    tenant, manager_member, partner, django_capture_on_commit_callbacks, settings
):
    settings.PRM_SITE_URL = "https://prm.example.test"
    first = send(tenant, manager_member, capture=django_capture_on_commit_callbacks)
    second = send(tenant, manager_member, capture=django_capture_on_commit_callbacks)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [manager_member.user.email]
    assert "Due Partner" in message.body
    assert "never contacted" in message.body
    # Absolute links: the mail client has no page to resolve a relative one against.
    assert "https://prm.example.test/alpha/engagement/due/" in message.body
    assert f"https://prm.example.test/alpha/partners/{partner.pk}/" in message.body
    assert message.alternatives and "Due Partner" in message.alternatives[0][0]
    with scopes_disabled():
        delivery = DigestDelivery.objects.get()
        assert (delivery.membership_id, delivery.digest_date, delivery.partner_count) == (
            manager_member.pk,
            TODAY,
            1,
        )


def test_digest_delivery_records_when_it_was_queued_the_email_says_when_it_went_out(
    tenant, manager_member, partner, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        manager_member.refresh_from_db()
    # The after-commit e-mail task does not run: the digest is queued, not yet sent.
    with scope(tenant=tenant), django_capture_on_commit_callbacks(execute=False):
        queued = services.due_digest_send(tenant=tenant, membership=manager_member, today=TODAY)

    assert queued is True
    assert mail.outbox == []
    with scopes_disabled():
        delivery = DigestDelivery.objects.get()
        email = OutgoingEmail.objects.get(purpose="due_digest")
    assert delivery.queued_at is not None
    assert email.sent_at is None  # the row claims nothing about the send


def test_digest_next_day_sends_again(
    tenant, manager_member, partner, django_capture_on_commit_callbacks
):
    send(tenant, manager_member, capture=django_capture_on_commit_callbacks)
    send(
        tenant,
        manager_member,
        today=TODAY + timedelta(days=1),
        capture=django_capture_on_commit_callbacks,
    )

    assert len(mail.outbox) == 2


def test_no_digest_when_nothing_is_due(
    tenant, manager_member, partner, django_capture_on_commit_callbacks
):
    ActivityFactory(partner=partner, occurred_on=TODAY)

    assert send(tenant, manager_member, capture=django_capture_on_commit_callbacks) is False
    assert mail.outbox == []
    with scopes_disabled():
        assert not DigestDelivery.objects.exists()


def test_no_digest_for_a_deactivated_manager(
    tenant, manager_member, partner, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        type(manager_member).objects.filter(pk=manager_member.pk).update(is_active=False)

    assert send(tenant, manager_member, capture=django_capture_on_commit_callbacks) is False
    assert mail.outbox == []


def test_digest_lists_only_the_managers_own_partners(
    tenant, manager_member, member_factory, partner, django_capture_on_commit_callbacks
):
    colleague = member_factory(tenant, Role.PARTNER_MANAGER)
    PartnerFactory(tenant=tenant, status="active", owner=colleague, display_name="Not Mine")

    send(tenant, manager_member, capture=django_capture_on_commit_callbacks)

    assert "Due Partner" in mail.outbox[0].body
    assert "Not Mine" not in mail.outbox[0].body


def test_digest_is_rendered_in_the_managers_language(
    tenant, member_factory, django_capture_on_commit_callbacks
):
    japanese = member_factory(tenant, Role.PARTNER_MANAGER, language="ja")
    made = PartnerFactory(tenant=tenant, status="active", owner=japanese, priority="A")
    ActivityFactory(partner=made, occurred_on=date(2026, 11, 1))

    languages = []

    def subject_in_active_language(*, tenant, count):
        languages.append(translation.get_language())
        return "subject"

    with mock.patch.object(services, "due_digest_subject", subject_in_active_language):
        send(tenant, japanese, capture=django_capture_on_commit_callbacks)

    assert languages == ["ja"]
    # Django's own Japanese date format proves the body was rendered in Japanese as well.
    assert "2026年11月1日" in mail.outbox[0].body


def test_digest_falls_back_to_the_tenant_language(
    tenant, member_factory, django_capture_on_commit_callbacks
):
    tenant.default_language = "ja"
    tenant.save(update_fields=["default_language"])
    no_preference = member_factory(tenant, Role.PARTNER_MANAGER, language="")
    made = PartnerFactory(tenant=tenant, status="active", owner=no_preference, priority="A")
    ActivityFactory(partner=made, occurred_on=date(2026, 11, 1))

    send(tenant, no_preference, capture=django_capture_on_commit_callbacks)

    assert "2026年11月1日" in mail.outbox[0].body
    with translation.override("ja"):
        expected_subject = services.due_digest_subject(tenant=tenant, count=1)
    assert mail.outbox[0].subject == expected_subject
