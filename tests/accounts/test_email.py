"""E-mail goes through the outbox and the worker, one task per message.

The failing transport is real: SMTP to a local port nobody listens on. The worker is real too
(tests/accounts/test_tasks.py), running as the application's database role.
"""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, OutgoingEmail
from accounts.roles import Role
from accounts.tasks import email_outbox_retry_task, email_send_task
from partners import tasks as partner_tasks
from partners.models import DigestDelivery
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the real-worker fixture
from tests.factories.partners import PartnerFactory


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2
    return settings


def smtp_back(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _outbox(**filters):
    with scopes_disabled():
        return list(OutgoingEmail.objects.filter(**filters).order_by("pk"))


def test_an_invitation_saved_while_smtp_is_down_answers_302_and_is_sent_once_it_is_back(
    real_worker,  # noqa: F811
    smtp_down,
    tenant,
    member_factory,
    fresh_client_for,
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    client = fresh_client_for(admin)

    response = client.post(
        f"/{tenant.slug}/settings/members/invite/",
        {"email": "newcomer@example.test", "role": Role.VIEWER},
    )
    real_worker.wait()

    assert response.status_code == 302
    with scopes_disabled():
        assert Invitation.objects.filter(email="newcomer@example.test").exists()
    (email,) = _outbox(purpose="invitation")
    assert email.sent_at is None
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert list(real_worker.states.values()) == ["RETRY"]  # queued again, with backoff
    assert mail.outbox == []

    smtp_back(smtp_down)
    assert real_worker.run(email_send_task, tenant_id=tenant.pk, email_id=email.pk) == "SUCCESS"

    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2
    assert email.body_text == ""  # the link is a credential: not kept once sent
    assert [message.to for message in mail.outbox] == [["newcomer@example.test"]]
    assert "/invitations/" in mail.outbox[0].body or "http" in mail.outbox[0].body


def test_a_sent_email_is_not_sent_again_by_a_retry(
    real_worker,  # noqa: F811
    tenant,
    member_factory,
    fresh_client_for,
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    fresh_client_for(admin).post(
        f"/{tenant.slug}/settings/members/invite/",
        {"email": "once@example.test", "role": Role.VIEWER},
    )
    real_worker.wait()
    (email,) = _outbox(purpose="invitation")

    again = real_worker.run(email_send_task, tenant_id=tenant.pk, email_id=email.pk)

    assert again == "SUCCESS"
    assert len(mail.outbox) == 1


def test_a_digest_whose_send_failed_is_sent_later_and_only_once(
    real_worker,  # noqa: F811
    smtp_down,
    tenant,
    member_factory,
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    PartnerFactory(tenant=tenant, status="active", priority="A", owner=manager, display_name="Z")
    kwargs = {"tenant_id": tenant.pk, "membership_id": manager.pk, "date": "2026-11-23"}

    assert real_worker.run(partner_tasks.due_digest_task, **kwargs) == "SUCCESS"

    (email,) = _outbox(purpose="due_digest")
    assert email.sent_at is None and email.attempts == 1
    with scopes_disabled():
        assert DigestDelivery.objects.filter(membership=manager).count() == 1
    assert mail.outbox == []

    # The mail server is back; the periodic sweep finds the pending digest and sends it.
    smtp_back(smtp_down)
    with scopes_disabled():
        OutgoingEmail.objects.filter(pk=email.pk).update(
            created_at=timezone.now() - timedelta(hours=1)
        )
    assert real_worker.run(email_outbox_retry_task, tenant_id=tenant.pk) == "SUCCESS"
    # The beat's digest run again the same day queues nothing new.
    assert real_worker.run(partner_tasks.due_digest_task, **kwargs) == "SUCCESS"

    assert [message.to for message in mail.outbox] == [[manager.user.email]]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(_outbox(purpose="due_digest")) == 1


def test_the_sweep_leaves_fresh_and_sent_emails_alone(tenant, django_capture_on_commit_callbacks):
    from accounts.services import email_enqueue
    from accounts.transactions import service

    @service
    def enqueue():
        return email_enqueue(
            tenant=tenant, to="a@example.test", subject="s", body_text="b", purpose="test"
        )

    with django_capture_on_commit_callbacks(execute=False):
        enqueue()

    assert email_outbox_retry_task.apply(kwargs={"tenant_id": tenant.pk}).result == 0
