"""A real worker process, SIGKILLed in the middle of making a period's statements, and the job
run again: no statement is missing and none is doubled, and every ledger line is on exactly one
statement. The worker is `celery worker` in a process of its own (the production code path,
solo pool, acks late), on this test's own queue, connected to the test database.

"In the middle" is made certain, not hoped for: the test holds, in a transaction of its own, an
uncommitted statement row of one partner in the middle of the list, so the worker's insert of
that partner's statement waits on the unique key. The test waits for that lock wait to show in
pg_stat_activity, and only then kills the worker: the statements before it are committed, that
one is half done (its transaction dies with the process), those after it are not begun.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from django.db.models import Count
from django_scopes import scopes_disabled

from payouts.models import LedgerLine, Statement, StatementLine
from payouts.services import statements as services
from payouts.tasks import statements_generate_task
from prm.celery import app as celery_app
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory, PayoutPeriodFactory

ROOT = Path(__file__).resolve().parents[2]
PARTNERS = 9
BLOCKED = 4  # the fifth partner's statement is the one the worker is killed inside
TIMEOUT = 60.0


def _database_url() -> str:
    """The test database, as the worker process must reach it (TCP or a socket directory)."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def _conninfo() -> dict:
    db = connection.settings_dict
    info = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or None}
    if db.get("PORT"):
        info["port"] = db["PORT"]
    if db.get("PASSWORD"):
        info["password"] = db["PASSWORD"]
    return info


def _until(condition, what: str) -> None:
    """Poll a condition the worker makes true (a real process: no event to wait on)."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {TIMEOUT}s"
        time.sleep(0.05)


def _purge(queue: str) -> None:
    with celery_app.connection_for_write() as conn:
        try:
            conn.default_channel.queue_purge(queue)
        except Exception:  # noqa: BLE001 - the queue does not exist yet
            pass


@pytest.fixture
def worker_process(transactional_db, tmp_path):
    """start() -> a `celery worker` process on a queue of this test; killed at the end."""
    queue = f"prm-test-kill-{uuid.uuid4().hex[:8]}"
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DATABASE_OWNER_URL": _database_url(),
        "PRM_DB_AS_OWNER": "1",
        "PRM_CELERY_QUEUE": queue,
    }

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen(  # noqa: S603 - our own command
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "prm",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-n",
                f"kill-{uuid.uuid4().hex[:6]}@localhost",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log = log
        started.append(process)
        return process

    start.queue = queue
    celery_app.conf.task_always_eager = False
    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = True
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            process.log.close()
        _purge(queue)


def _world():
    tenant = TenantFactory(slug="kill", default_language="en")
    period = PayoutPeriodFactory(tenant=tenant)  # April 2026, open
    partners = sorted((PartnerFactory(tenant=tenant) for _ in range(PARTNERS)), key=lambda p: p.pk)
    for index, partner in enumerate(partners):
        for day in (3, 17):
            LedgerLineFactory(
                partner=partner,
                amount=Decimal(1000 * (index + 1)),
                accrued_on=datetime.date(2026, 4, day),
                payable_from=datetime.date(2026, 4, day),
            )
    with scopes_disabled():
        period.status = "closed"
        period.save(update_fields=["status"])
    return tenant, period, partners


def _worker_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO \"payouts_statement\"%%'"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_generation_and_the_job_run_again_leave_each_line_once(
    worker_process,
):
    tenant, period, partners = _world()
    blocked = partners[BLOCKED]
    # Hold the blocked partner's statement key in an open transaction of our own.
    holder = psycopg.connect(**_conninfo(), autocommit=False)
    holder.execute(
        "INSERT INTO payouts_statement (tenant_id, partner_id, period_id, revision, status, "
        "currency, subtotal, taxes, tax, gross, withholding, withholding_category, carried_in, "
        "net_payable, carried_out, recipient_registration_number, generated_at, number, "
        "language, pdf, pdf_sha256, correction_reason, settled_before, payment_reference, "
        "response, response_comment) VALUES (%s, %s, %s, 0, 'draft', 'JPY', 0, '[]', 0, 0, 0, "
        "'none', 0, 0, 0, '', now(), '', '', '', '', '', 0, '', '', '')",
        (tenant.pk, blocked.pk, period.pk),
    )
    first = worker_process()

    statements_generate_task.apply_async(
        kwargs={"tenant_id": tenant.pk, "period_id": period.pk}, queue=worker_process.queue
    )
    _until(_worker_waits_on_a_lock, "the worker's insert waiting on the held statement")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    holder.rollback()
    holder.close()

    with scopes_disabled():
        made_before = set(
            Statement.objects.filter(period=period).values_list("partner_id", flat=True)
        )
    # Killed in the middle: the partners before the blocked one have their statement, the
    # blocked one and those after it have none.
    assert made_before == {partner.pk for partner in partners[:BLOCKED]}

    # The job again (finance's button, or the next request): a new worker finishes it.
    worker_process()
    statements_generate_task.apply_async(
        kwargs={"tenant_id": tenant.pk, "period_id": period.pk}, queue=worker_process.queue
    )

    def all_made() -> bool:
        with scopes_disabled():
            return Statement.objects.filter(period=period).count() >= PARTNERS

    _until(all_made, "every partner's statement")
    with scopes_disabled():
        per_partner = dict(
            Statement.objects.filter(period=period)
            .values_list("partner_id")
            .annotate(n=Count("id"))
            .values_list("partner_id", "n")
        )
        lines = LedgerLine.objects.filter(tenant=tenant).count()
        on_statements = StatementLine.objects.filter(tenant=tenant)
        assert per_partner == {partner.pk: 1 for partner in partners}
        assert on_statements.count() == lines == 2 * PARTNERS
        assert on_statements.values("ledger_line").distinct().count() == lines
        # Each statement states its own two lines: ¥1,000 × (n + 1) twice, plus 10 % tax.
        for index, partner in enumerate(partners):
            statement = Statement.objects.get(period=period, partner=partner)
            assert statement.subtotal == Decimal(2000 * (index + 1))
            assert statement.net_payable == Decimal(2200 * (index + 1))
    # Nothing is left for a third run to state.
    with scopes_disabled():
        for partner in partners:
            assert not services.open_lines(
                tenant=tenant, partner_id=partner.pk, period=period, currency="JPY"
            ).exists()
