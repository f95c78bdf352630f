"""Target 7: the production shape on loopback under a bounded load run.

gunicorn (PRM_ENV=production, its workers), a Celery worker and beat serve the benchmark's
largest tenant and the statements tenant; locust, headless, runs `users` simulated people
for `seconds` (bench/locustfile.py): staff browsing the busiest pages, partner reps opening
material and registering deals, finance listing statements and downloading their PDFs.
Afterwards: no failed request, the 95th percentile of each page, and every deal the run
registered exactly once, no statement lost or doubled."""

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from accounts.tenancy import tenant_context
from accounts.urls_helpers import tenant_reverse
from bench.pages import PAGES, page_url
from bench.workers import ROOT, database_url
from deals.models import Deal
from partners.models import PartnerRep
from payouts.models import Statement
from programs.models import Asset

DEAL_PREFIX = "負荷試験-"
REP_SESSIONS = 10
STAFF_PAGES = (
    "partner list",
    "partner detail (big partner)",
    "due for contact",
    "deal review queue",
    "pipeline",
    "funnel board",
    "rep analytics",
    "insights overview",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def load_plan(bench, statements: dict, *, origin: str) -> dict:
    """Sessions and URLs for the simulated people."""
    tenant = bench.tenant
    with tenant_context(tenant):
        reps = list(
            PartnerRep.objects.filter(
                tenant=tenant, partner=bench.big_partner, membership__isnull=False
            )
            .select_related("membership__user")
            .order_by("pk")[:REP_SESSIONS]
        )
        assets = list(Asset.objects.filter(tenant=tenant).values_list("pk", flat=True)[:20])
    staff_pages = [(p.label, page_url(p, bench)) for p in PAGES if p.label in STAFF_PAGES]
    library = reverse("programs:portal_library", kwargs={"tenant_slug": tenant.slug})
    asset_urls = [tenant_reverse(tenant, "programs:portal_asset", asset_id=pk) for pk in assets]
    register = tenant_reverse(tenant, "deals:portal_deal_register")
    statements_tenant = statements["tenant"]
    finance = statements["finance"]
    with tenant_context(statements_tenant):
        pdf_ids = list(
            Statement.objects.filter(tenant=statements_tenant, number__gt="")
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
    return {
        "origin": origin,
        "session_cookie": "__Host-sessionid",
        "csrf_cookie": "__Host-csrftoken",
        "deal_prefix": DEAL_PREFIX,
        "staff": [{"session": _session(bench.manager.user), "pages": staff_pages}],
        "reps": [
            {
                "session": _session(rep.membership.user),
                "library": library,
                "assets": asset_urls,
                "register": register,
            }
            for rep in reps
        ],
        "finance": [
            {
                "session": _session(finance),
                "list": tenant_reverse(statements_tenant, "payouts:statement_list"),
                "pdfs": [
                    tenant_reverse(statements_tenant, "payouts:statement_pdf", statement_id=pk)
                    for pk in pdf_ids
                ],
            }
        ],
    }


def _production_env(port: int, media: str) -> dict:
    return {
        **os.environ,
        "PRM_ENV": "production",
        # The bench's sessions are signed with this process's key.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "DATABASE_URL": database_url(),
        "PRM_MEDIA_ROOT": media,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


@contextmanager
def _process(argv: list[str], env: dict, log: Path):
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own servers
            argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_serving(port: int, *, workers: int, timeout_s: float = 120) -> None:
    """gunicorn listens before its workers have loaded the app: ask for the sign-in page (as
    the compose file's health check does) until every worker has answered once, so the
    measured minutes start with a server that serves."""
    url = f"http://127.0.0.1:{port}/accounts/login/"
    start, answered = time.monotonic(), 0
    while answered < 2 * workers:
        if time.monotonic() - start > timeout_s:
            raise RuntimeError(f"gunicorn did not serve on {port} in {timeout_s:.0f} s")
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                answered += response.status == 200
        except OSError:
            time.sleep(0.2)  # another process starting, not a test waiting for time


def _counts(bench, statements_tenant) -> dict:
    with tenant_context(bench.tenant):
        deals = Deal.objects.filter(tenant=bench.tenant, customer_name__startswith=DEAL_PREFIX)
        registered = deals.count()
        doubled = deals.values("customer_name").annotate(n=Count("pk")).filter(n__gt=1).count()
    totals = {}
    for tenant in (bench.tenant, statements_tenant):
        with tenant_context(tenant):
            rows = Statement.objects.filter(tenant=tenant)
            totals[tenant.slug] = {
                "statements": rows.count(),
                "doubled": rows.values("partner", "period", "revision")
                .annotate(n=Count("pk"))
                .filter(n__gt=1)
                .count(),
            }
    return {"deals": registered, "deals_doubled": doubled, "statements": totals}


def _failures(workdir: Path) -> list[dict]:
    """What failed, as locust counted it (empty on a good run)."""
    path = workdir / "load_failures.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as failures:
        return [
            {"name": row["Name"], "error": row["Error"], "occurrences": int(row["Occurrences"])}
            for row in csv.DictReader(failures)
        ]


def _number(text: str) -> float:
    """locust writes N/A for a name without a response."""
    try:
        return float(text)
    except ValueError:
        return 0.0


def measure_load(bench, statements: dict, *, users: int, seconds: int, out) -> dict:
    port = _free_port()
    origin = f"https://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="prm-bench-load-"))
    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(load_plan(bench, statements, origin=origin)), "utf-8")
    env = _production_env(port, str(settings.MEDIA_ROOT))
    python = sys.executable
    subprocess.run(  # noqa: S603 - our own command
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    before = _counts(bench, statements["tenant"])
    web_workers = str(max(2, (os.cpu_count() or 1) * 2 + 1))
    with ExitStack() as stack:
        stack.enter_context(
            _process(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "prm.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    web_workers,
                    "--access-logfile",
                    "/dev/null",
                ],
                env,
                workdir / "gunicorn.log",
            )
        )
        stack.enter_context(
            _process(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "prm",
                    "worker",
                    "--concurrency",
                    "2",
                    "-n",
                    f"bench-load-{port}@localhost",
                    "--loglevel",
                    "WARNING",
                ],
                env,
                workdir / "worker.log",
            )
        )
        stack.enter_context(
            _process(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "prm",
                    "beat",
                    "--loglevel",
                    "WARNING",
                    "--schedule",
                    str(workdir / "beat-schedule"),
                ],
                env,
                workdir / "beat.log",
            )
        )
        _wait_until_serving(port, workers=int(web_workers))
        out.write(f"load: {users} users for {seconds} s against gunicorn on port {port}…")
        locust = subprocess.run(  # noqa: S603 - our own command
            [
                python,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(max(1, users // 10)),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(workdir / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_LOAD_PLAN": str(plan_path)},
            capture_output=True,
            text=True,
            check=False,
        )
    after = _counts(bench, statements["tenant"])
    pages, total, failed = [], {}, 0
    with (workdir / "load_stats.csv").open(encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            entry = {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": _number(row["Median Response Time"]),
                "p95_ms": _number(row["95%"]),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                pages.append(entry)
                failed += entry["failures"]
    registered = next(
        (p["requests"] - p["failures"] for p in pages if p["name"].startswith("rep: register")), 0
    )
    new_deals = after["deals"] - before["deals"]
    # Beat may make statements during the run (a period that came due): none may go, and
    # none may be made twice.
    statements_kept = all(
        after["statements"][slug]["statements"] >= counts["statements"]
        and after["statements"][slug]["doubled"] == 0
        for slug, counts in before["statements"].items()
    )
    intact = new_deals == registered and after["deals_doubled"] == 0 and statements_kept
    return {
        "users": users,
        "seconds": seconds,
        "web_workers": int(web_workers),
        "pages": pages,
        "total": total,
        "failed_requests": failed,
        "deals_registered": registered,
        "deals_written": new_deals,
        "statements_before": before["statements"],
        "statements_after": after["statements"],
        "intact": intact,
        "locust_exit": locust.returncode,
        "locust_output": (locust.stdout + locust.stderr)[-2000:],
        "failures": _failures(workdir),
        "met": failed == 0 and intact and total.get("requests", 0) > 0,
    }
