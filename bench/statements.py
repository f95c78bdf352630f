"""Target 5: payout statements, generated and rendered, against WeasyPrint alone.

A tenant of its own: `count` partners with one commission line each in a closed period.
- Per statement: making it (statement_generate), its share of one bulk approval, and issuing
  it (number, PDF, stored file, audit: statement_issue), all as the services run them, for
  the first half of the statements one after the other; against the time WeasyPrint alone
  takes to turn the same statements' HTML into PDF, measured here too (≤ 1.3×).
- Throughput: the other half issued by real Celery workers, a quarter by a worker with one
  pool process and a quarter by one with two (two give ≥ 1.7× the statements per second).
"""

import datetime
import os
import secrets
import statistics
import time
import uuid

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import Membership, Tenant, User
from accounts.pdf import html_to_pdf, render_html
from accounts.roles import Role
from accounts.tenancy import tenant_context
from bench.workers import send, wait_until, worker
from partners.models import Partner
from payouts.models import PartnerPayoutProfile, PayoutPeriod, PayoutSettings, Statement
from payouts.selectors import statement_document
from payouts.services.ledger import ledger_adjustment_create
from payouts.services.periods import period_close, periods_ensure
from payouts.services.statements import (
    PDF_TEMPLATE,
    statement_generate,
    statement_issue,
    statements_approve,
)
from payouts.tasks import statement_issue_task

STATEMENT_RATIO_TARGET = 1.3
SCALING_TARGET = 1.7
WARM_UP = 1  # statements per pool process issued before the timed ones (imports, fonts)


def build_statements_tenant(*, count: int, seed: int, out) -> tuple:
    """The tenant, its finance person, the ids of its `count` approved statements, and the
    seconds making them and approving them took."""
    started = time.perf_counter()
    tenant = Tenant.objects.create(
        slug=f"bench-statements-{secrets.token_hex(3)}", name="Bench statements"
    )
    today = timezone.localdate()
    with tenant_context(tenant):
        finance = User.objects.create(email=f"{tenant.slug}-finance@bench.example")
        Membership.objects.create(tenant=tenant, user=finance, role=Role.FINANCE)
        # Finance must have a second factor: the load run signs this person in.
        TOTP.activate(finance, generate_totp_secret())
        PayoutSettings.objects.create(tenant=tenant)
        partners = Partner.objects.bulk_create(
            Partner(tenant=tenant, legal_name=f"株式会社ベンチ{seed}-{i:05d}") for i in range(count)
        )
        PartnerPayoutProfile.objects.bulk_create(
            PartnerPayoutProfile(tenant=tenant, partner=partner) for partner in partners
        )
        periods_ensure(tenant=tenant, through=today, since=today - datetime.timedelta(days=70))
        period = PayoutPeriod.objects.filter(tenant=tenant, ends_on__lt=today).latest("starts_on")
        for index, partner in enumerate(partners):
            ledger_adjustment_create(
                tenant=tenant,
                actor=finance,
                partner=partner,
                amount=10_000 + 100 * (index % 400),
                reason="ベンチマークの紹介料",
                token=uuid.uuid4().hex,
                accrued_on=period.starts_on,
            )
        period_close(tenant=tenant, actor=finance, period=period, today=today)
        # Made here, one after the other (the closing queued the same work for a worker, on
        # the bench's own queue, which no worker reads).
        start = time.perf_counter()
        ids = [
            statement_generate(tenant=tenant, period_id=period.pk, partner_id=partner.pk).pk
            for partner in partners
        ]
        generate_s = time.perf_counter() - start
        start = time.perf_counter()
        statements_approve(tenant=tenant, actor=finance, statement_ids=ids)
        approve_s = time.perf_counter() - start
    out.write(
        f"statements tenant: {count} partners with a line each, made and approved in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return tenant, finance, ids, generate_s, approve_s


def _issued(tenant: Tenant, ids: list[int]) -> int:
    with tenant_context(tenant):
        return Statement.objects.filter(tenant=tenant, pk__in=ids, number__gt="").count()


def _issue_by_worker(tenant: Tenant, ids: list[int], *, concurrency: int) -> float:
    """Statements per second of a worker with `concurrency` pool processes (after warm-up)."""
    queue = f"prm-bench-statements-{os.getpid()}-{concurrency}"
    warm, timed = ids[: WARM_UP * concurrency], ids[WARM_UP * concurrency :]
    with worker(queue, concurrency=concurrency):
        for statement_id in warm:
            send(
                statement_issue_task.name,
                queue=queue,
                tenant_id=tenant.pk,
                statement_id=statement_id,
            )
        wait_until(lambda: _issued(tenant, warm) == len(warm), timeout_s=300, what="warm-up")
        for statement_id in timed:
            send(
                statement_issue_task.name,
                queue=queue,
                tenant_id=tenant.pk,
                statement_id=statement_id,
            )
        seconds = wait_until(
            lambda: _issued(tenant, timed) == len(timed),
            timeout_s=60 + 10 * len(timed),
            what="the statements",
        )
    return len(timed) / seconds if seconds else 0.0


def measure_statements(*, count: int, seed: int, out) -> dict:
    tenant, finance, ids, generate_s, approve_s = build_statements_tenant(
        count=count, seed=seed, out=out
    )
    half = ids[: count // 2]
    out.write(f"issuing {len(half)} statements here, and WeasyPrint alone on their HTML…")
    issue_times, weasy_times, pages = [], [], 0
    with tenant_context(tenant):
        for statement_id in half:
            start = time.perf_counter()
            statement = statement_issue(
                tenant=tenant, statement_id=statement_id, actor_id=finance.pk
            )
            issue_times.append(time.perf_counter() - start)
            html = render_html(
                PDF_TEMPLATE,
                statement_document(tenant=tenant, statement=statement),
                language=statement.language,
            )
            start = time.perf_counter()
            _pdf, pages_here = html_to_pdf(html)
            weasy_times.append(time.perf_counter() - start)
            pages = max(pages, pages_here)
    made_s = (generate_s + approve_s) / count
    per_statement = made_s + statistics.median(issue_times)
    weasy = statistics.median(weasy_times)
    ratio = per_statement / weasy if weasy else 0.0
    rest = ids[count // 2 :]
    out.write(f"issuing {len(rest)} statements by workers of one and two pool processes…")
    one = _issue_by_worker(tenant, rest[: len(rest) // 2], concurrency=1)
    two = _issue_by_worker(tenant, rest[len(rest) // 2 :], concurrency=2)
    scaling = two / one if one else 0.0
    issued = _issued(tenant, ids)
    return {
        "tenant_id": tenant.pk,
        "finance_user_id": finance.pk,
        "statements": count,
        "issued": issued,
        "most_pages": pages,
        "make_and_approve_ms": round(made_s * 1000, 1),
        "issue_ms": round(statistics.median(issue_times) * 1000, 1),
        "per_statement_ms": round(per_statement * 1000, 1),
        "weasyprint_ms": round(weasy * 1000, 1),
        "ratio": round(ratio, 2),
        "one_process_per_s": round(one, 2),
        "two_processes_per_s": round(two, 2),
        "scaling": round(scaling, 2),
        "met": ratio <= STATEMENT_RATIO_TARGET and scaling >= SCALING_TARGET and issued == count,
    }


def issued_statements_tenant(*, count: int, seed: int, out) -> tuple[Tenant, User]:
    """A statements tenant whose `count` statements are all issued here (the load run's
    finance people download their PDFs when the statements figure was not measured)."""
    tenant, finance, ids, _generate_s, _approve_s = build_statements_tenant(
        count=count, seed=seed, out=out
    )
    with tenant_context(tenant):
        for statement_id in ids:
            statement_issue(tenant=tenant, statement_id=statement_id, actor_id=finance.pk)
    return tenant, finance
