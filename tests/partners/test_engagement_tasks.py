"""The daily digest through Celery: fan-out per tenant and manager, one e-mail per day."""

import datetime as dt
import threading
from datetime import date
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections
from django_scopes import scopes_disabled

from accounts.models import Membership
from accounts.roles import Role
from accounts.tenancy import tenant_context
from partners import tasks
from partners.models import DigestDelivery
from partners.services import engagement as tasks_services
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the kernel's real-worker fixture
from tests.factories.partners import ActivityFactory, PartnerFactory

TODAY = date(2026, 11, 23)


def at(hour_utc: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, hour_utc, 0, tzinfo=dt.UTC)


@pytest.fixture
def due_world(tenant, other_tenant, member_factory):
    """Two managers with due partners in tenant A, one calm manager, one in tenant B."""
    alice = member_factory(tenant, Role.PARTNER_MANAGER)
    bob = member_factory(tenant, Role.VENDOR_ADMIN)
    calm = member_factory(tenant, Role.PARTNER_MANAGER)
    beta_manager = member_factory(other_tenant, Role.PARTNER_MANAGER)
    PartnerFactory(tenant=tenant, status="active", priority="A", owner=alice)
    PartnerFactory(tenant=tenant, status="active", priority="B", owner=bob)
    calm_partner = PartnerFactory(tenant=tenant, status="active", priority="A", owner=calm)
    ActivityFactory(partner=calm_partner, occurred_on=TODAY)
    PartnerFactory(tenant=other_tenant, status="active", priority="A", owner=beta_manager)
    return {"alice": alice, "bob": bob, "calm": calm, "beta": beta_manager}


def run_fanout(now):
    with (
        mock.patch("django.utils.timezone.now", return_value=now),
        mock.patch.object(tasks.due_digest_task, "delay") as delay,
    ):
        result = tasks.due_digest_fanout_task.apply()
    assert result.successful(), result.traceback
    return sorted(
        (call.kwargs["tenant_id"], call.kwargs["membership_id"], call.kwargs["date"])
        for call in delay.call_args_list
    )


def test_fanout_queues_one_task_per_manager_with_due_partners(due_world, tenant, other_tenant):
    # 00:00 UTC is 09:00 in Tokyo: past the digest hour for both tenants.
    queued = run_fanout(at(0))

    assert queued == sorted(
        [
            (tenant.pk, due_world["alice"].pk, "2026-11-23"),
            (tenant.pk, due_world["bob"].pk, "2026-11-23"),
            (other_tenant.pk, due_world["beta"].pk, "2026-11-23"),
        ]
    )


def test_fanout_waits_for_the_tenants_local_digest_hour(due_world, tenant, other_tenant):
    # 22:00 UTC on the 22nd is 07:00 on the 23rd in Tokyo: too early.
    assert run_fanout(dt.datetime(2026, 11, 22, 22, 0, tzinfo=dt.UTC)) == []


def test_fanout_uses_the_tenants_local_date(due_world, tenant, other_tenant):
    tenant.time_zone = "Europe/London"
    tenant.save(update_fields=["time_zone"])

    # 23:30 UTC on the 22nd: already the 23rd in Tokyo, still the 22nd in London.
    queued = run_fanout(dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC))

    assert {(t, d) for t, _m, d in queued} == {
        (tenant.pk, "2026-11-22"),
        (other_tenant.pk, "2026-11-23"),
    }


def test_digest_task_twice_sends_one_email(due_world, tenant, django_capture_on_commit_callbacks):
    kwargs = {"tenant_id": tenant.pk, "membership_id": due_world["alice"].pk, "date": "2026-11-23"}

    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.due_digest_task.apply(kwargs=kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.due_digest_task.apply(kwargs=kwargs)

    assert (first.result, second.result) == (True, False)
    assert [m.to for m in mail.outbox] == [[due_world["alice"].user.email]]


def test_digest_task_for_a_member_of_another_tenant_sends_nothing(
    due_world, tenant, django_capture_on_commit_callbacks
):
    kwargs = {"tenant_id": tenant.pk, "membership_id": due_world["beta"].pk, "date": "2026-11-23"}

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.due_digest_task.apply(kwargs=kwargs)

    assert result.result is False
    assert mail.outbox == []


def test_real_worker_sends_the_digest_once_for_a_retried_task(
    real_worker,  # noqa: F811
    tenant,
    member_factory,
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    PartnerFactory(tenant=tenant, status="active", priority="A", owner=manager, display_name="Z Co")
    kwargs = {"tenant_id": tenant.pk, "membership_id": manager.pk, "date": "2026-11-23"}

    states = [real_worker.run(tasks.due_digest_task, **kwargs) for _ in range(2)]

    assert states == ["SUCCESS", "SUCCESS"]
    assert len(mail.outbox) == 1
    assert "Z Co" in mail.outbox[0].body
    with scopes_disabled():
        assert DigestDelivery.objects.filter(membership=manager).count() == 1


def test_real_worker_fans_out_and_each_manager_gets_one_email(
    real_worker,  # noqa: F811
    due_world,
):
    """Beat's fan-out task, the per-tenant and per-manager tasks it queues and their e-mails,
    all run by a real worker (as the application's database role)."""
    with mock.patch("django.utils.timezone.now", return_value=at(0)):
        state = real_worker.run(tasks.due_digest_fanout_task)

    assert state == "SUCCESS"
    # 1 fan-out, 2 tenants, 3 managers with due partners, 3 e-mails.
    assert list(real_worker.states.values()) == ["SUCCESS"] * 9
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted(due_world[k].user.email for k in ("alice", "bob", "beta"))
    assert recipients == expected


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_digest_runs_send_one_email(tenant, member_factory):
    """Run A has inserted its DigestDelivery but not committed; run B, started meanwhile, waits
    on the unique key, then finds A's row and sends nothing."""
    manager = member_factory(tenant, Role.PARTNER_MANAGER)
    PartnerFactory(tenant=tenant, status="active", priority="A", owner=manager)
    a_inserted, b_waiting = threading.Event(), threading.Event()
    results, errors, backend_pids = {}, [], {}
    b_connected = threading.Event()
    real_render = tasks_services.render_to_string

    def render_holding_the_transaction(*args, **kwargs):
        if threading.current_thread().name == "run-a" and not a_inserted.is_set():
            a_inserted.set()
            assert b_waiting.wait(20), "run B never waited on the unique key"
        return real_render(*args, **kwargs)

    def run(name):
        try:
            with tenant_context(tenant):
                member = Membership.objects.select_related("user").get(pk=manager.pk)
                backend_pids[name] = connection.connection.info.backend_pid
                if name == "b":
                    b_connected.set()
                results[name] = tasks_services.due_digest_send(
                    tenant=tenant, membership=member, today=TODAY
                )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    with mock.patch.object(tasks_services, "render_to_string", render_holding_the_transaction):
        run_a = threading.Thread(target=run, args=("a",), name="run-a")
        run_a.start()
        assert a_inserted.wait(20)
        run_b = threading.Thread(target=run, args=("b",), name="run-b")
        run_b.start()
        assert b_connected.wait(20)
        # B is blocked once PostgreSQL shows a lock it waits for (A's uncommitted insert).
        saw_b_waiting = False
        for _attempt in range(400):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = %s",
                    [backend_pids["b"]],
                )
                saw_b_waiting = cursor.fetchone()[0] > 0
            if saw_b_waiting:
                break
            threading.Event().wait(0.05)
        b_waiting.set()
        run_a.join(20)
        run_b.join(20)

    assert saw_b_waiting  # the two runs really overlapped
    assert errors == []
    assert results == {"a": True, "b": False}
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert DigestDelivery.objects.count() == 1
