"""Measure the partners pages at 1× and 10×: queries per page and server time, against a
trivial staff page measured in the same run.

    manage.py partners_bench                 # 1× and 10× in a throwaway database
    manage.py partners_bench --scales 1,10 --runs 9 --keep

By default it builds its data in a database of its own (`<name>_bench`, created with Django's
test-database machinery and dropped afterwards), so the configured database is never touched.
`--in-place` uses the current database instead (the test suite's smoke test does, at a tiny
scale, inside its own transaction).
"""

import os
import statistics
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from accounts import exports
from accounts.models import ExportJob, Tenant
from accounts.tenancy import tenant_context
from partners.management.bench_data import BenchTenant, build_tenant
from prm.celery import app as celery_app

BENCH_URLCONF = "partners.management.bench_urls"


@dataclass(frozen=True)
class Page:
    label: str
    audience: str  # "staff" or "portal": whose client requests it
    route: str
    kwargs: tuple = ()
    query: str = ""
    # POST pages send `post` and answer a redirect (an export creates its job and goes to it).
    post: tuple = ()


TRIVIAL = Page("trivial staff page (baseline)", "staff", "bench_trivial")
PAGES = (
    Page("partner list", "staff", "partner_list"),
    Page("partner list, search", "staff", "partner_list", query="q=%E3%81%95"),
    Page("partner list, by last contact", "staff", "partner_list", query="sort=last_contact"),
    Page("partner detail (big partner)", "staff", "partner_detail", (("partner_id", "big"),)),
    Page("activity list (big partner)", "staff", "partner_activities", (("partner_id", "big"),)),
    # What a person waits for: the click that creates the job, and the job page. The file is
    # written by the worker (its throughput is printed below the table).
    Page("partners CSV export (POST)", "staff", "partner_export", post=(("what", "partners"),)),
    Page("reps CSV export (POST)", "staff", "partner_export", post=(("what", "reps"),)),
    Page("export job page", "staff", "partner_export_job", (("export_id", "export"),)),
    Page(
        "export progress poll",
        "staff",
        "partner_export_job_progress",
        (("export_id", "export"),),
    ),
    Page("due for contact (all)", "staff", "contact_due_list", query="owner=all"),
    Page("due for contact (mine)", "staff", "contact_due_list"),
    Page("prospects by fit", "staff", "recruitment_home", query="view=table&sort=-fit"),
    Page("prospects table", "staff", "recruitment_home", query="view=table"),
    Page("prospects search", "staff", "recruitment_home", query="view=table&q=%E3%82%A2"),
    Page("recruitment board", "staff", "recruitment_home"),
    Page("recruitment report", "staff", "recruitment_report"),
    Page("portal home", "portal", "portal_home"),
    Page("portal company", "portal", "portal_company"),
    Page("portal reps", "portal", "portal_reps"),
    Page("API partners", "staff", "api_partner_list"),
    Page("API reps", "staff", "api_rep_list"),
    Page("API prospects", "staff", "api_prospect_list"),
    Page("API activities", "staff", "api_activity_list"),
)


# The finished export each bench tenant's job page shows (made in measure()).
EXPORT_IDS: dict[int, int] = {}


def page_url(page: Page, bench: BenchTenant) -> str:
    kwargs = {"tenant_slug": bench.tenant.slug}
    for name, value in page.kwargs:
        kwargs[name] = {"big": bench.big_partner.pk, "export": EXPORT_IDS.get(bench.tenant.pk)}.get(
            value, value
        )
    url = reverse(page.route, kwargs=kwargs)
    return f"{url}?{page.query}" if page.query else url


def clients_for(bench: BenchTenant) -> dict[str, Client]:
    staff, portal = Client(), Client()
    staff.force_login(bench.manager.user)
    portal.force_login(bench.portal_admin.user)
    return {"staff": staff, "portal": portal}


def fetch(client: Client, url: str, post: tuple = ()):
    if post:
        response = client.post(url, dict(post))
        if response.status_code != 302:
            raise CommandError(f"POST {url} answered {response.status_code}")
        return response, 0
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    # Streaming responses are consumed too: their cost is part of the page.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, len(body)


def count_queries(client: Client, url: str, post: tuple = ()) -> int:
    # An execute wrapper, not CaptureQueriesContext: that one stops counting at 9,000.
    executed = 0

    def counter(execute, sql, params, many, context):
        nonlocal executed
        executed += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        fetch(client, url, post)
    settle_exports()
    return executed


def timed_ms(client: Client, url: str, post: tuple = ()) -> float:
    start = time.perf_counter()
    fetch(client, url, post)
    elapsed = (time.perf_counter() - start) * 1000
    settle_exports()
    return elapsed


def settle_exports() -> None:
    """Fail the jobs an export POST left waiting (no worker runs here): the next POST of the
    same list then creates a job again instead of finding this one in flight."""
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            ExportJob.objects.filter(tenant=tenant, state__in=ExportJob.IN_FLIGHT).update(
                state=ExportJob.State.FAILED
            )


def export_throughput(bench: BenchTenant, kind: str, runs: int) -> tuple[int, float]:
    """(rows, median seconds) of the export task's work (exports.export_job_run) for `kind`."""
    times, rows = [], 0
    with tenant_context(bench.tenant):
        for _ in range(runs):
            job = exports.export_job_request(
                tenant=bench.tenant,
                actor=bench.manager.user,
                kind=kind,
                params=QueryDict(""),
                language="en",
            )
            start = time.perf_counter()
            job = exports.export_job_run(tenant=bench.tenant, export_id=job.pk)
            times.append(time.perf_counter() - start)
            rows = job.row_count
    return rows, statistics.median(times)


def median_pair_ms(page: tuple, trivial: tuple[Client, str], runs: int):
    """Median time of the page and of the trivial page, requested in turns: the machine's load
    (other processes) then weighs on both alike, so their ratio stays meaningful."""
    _response, size = fetch(*page)  # warm caches (templates, translations, sessions)
    fetch(*trivial)
    page_times, trivial_times = [], []
    for _ in range(runs):
        trivial_times.append(timed_ms(*trivial))
        page_times.append(timed_ms(*page))
    return statistics.median(page_times), statistics.median(trivial_times), size


def settle_database(out) -> None:
    """VACUUM ANALYZE the freshly bulk-written tables, as autovacuum does a live database soon
    after such a load: without planner statistics PostgreSQL takes every table for one row
    (nested loops over 1,000 partners), and without a visibility map every index-only scan
    visits the heap. Measuring that state would measure no database anyone runs."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    out.write(f"vacuumed and analysed in {time.perf_counter() - start:.1f} s")


def measure(*, scales: list[float], runs: int, seed: int, out, settle: bool = True) -> list[dict]:
    """Build one tenant per scale, then measure every page. Timing runs at the largest."""
    benches = {}
    for scale in scales:
        start = time.perf_counter()
        benches[scale] = build_tenant(scale=scale, seed=seed, label=f"{scale:g}x")
        out.write(
            f"built {scale:g}× in {time.perf_counter() - start:.1f} s: "
            + ", ".join(f"{k} {v}" for k, v in benches[scale].counts.items())
        )
    if settle:
        settle_database(out)
    largest = max(scales)
    for bench in benches.values():
        # One finished export for the job page to show.
        with tenant_context(bench.tenant):
            _rows, _seconds = export_throughput(bench, "partners", 1)
            EXPORT_IDS[bench.tenant.pk] = (
                ExportJob.objects.filter(tenant=bench.tenant).latest("pk").pk
            )
    clients = {scale: clients_for(bench) for scale, bench in benches.items()}
    trivial = (clients[largest]["staff"], page_url(TRIVIAL, benches[largest]))
    rows = []
    for page in (TRIVIAL, *PAGES):
        queries = {
            scale: count_queries(
                clients[scale][page.audience], page_url(page, benches[scale]), page.post
            )
            for scale in scales
        }
        target = (clients[largest][page.audience], page_url(page, benches[largest]), page.post)
        ms, trivial_ms, size = median_pair_ms(target, trivial, runs)
        rows.append(
            {
                "page": page.label,
                "queries": queries,
                "ms": ms,
                "trivial_ms": trivial_ms,
                "kb": size / 1024,
                "ratio": ms / trivial_ms if trivial_ms else 0.0,
            }
        )
    for kind in ("reps", "partners"):
        count, seconds = export_throughput(benches[largest], kind, runs=min(runs, 3))
        out.write(
            f"export task, {kind} at {largest:g}×: {count} rows in {seconds * 1000:.0f} ms"
            f" = {count / seconds if seconds else 0:,.0f} rows/s (median of {min(runs, 3)})"
        )
    return rows


def format_table(rows: list[dict], scales: list[float], runs: int) -> str:
    largest = max(scales)
    head = [
        "page",
        *[f"queries {s:g}×" for s in scales],
        f"median ms {largest:g}×",
        "trivial ms",
        f"KB {largest:g}×",
        "× trivial",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [
            row["page"],
            *[str(row["queries"][s]) for s in scales],
            f"{row['ms']:.1f}",
            f"{row['trivial_ms']:.1f}",
            f"{row['kb']:.0f}",
            f"{row['ratio']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(
        f"(median of {runs} requests per page through Django's test client, each run paired"
        " with a request of the trivial page; × trivial = page median / trivial median)"
    )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Measure the partners pages at 1× and 10× against a trivial page (queries, time)."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="1,10", help="comma-separated, e.g. 1,10")
        parser.add_argument("--runs", type=int, default=7, help="timed requests per page")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="build in the configured database instead of a throwaway one",
        )
        parser.add_argument("--keep", action="store_true", help="keep the throwaway database")

    def handle(self, *args, **options):
        scales = sorted(float(s) for s in options["scales"].split(",") if s.strip())
        if not scales:
            raise CommandError("--scales needs at least one number")
        runs = max(1, options["runs"])
        creation = connection.creation
        old_name = None
        if not options["in_place"]:
            test_settings = settings.DATABASES["default"].setdefault("TEST", {})
            test_settings["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench"
            self.stdout.write(f"creating database {test_settings['NAME']} (migrations run)…")
            old_name = connection.settings_dict["NAME"]
            creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False, keepdb=options["keep"]
            )
        # Not setup_test_environment(): it instruments template rendering (a signal and a copy
        # of the context per template), which would weigh on pages with many rows and partials
        # and not on the trivial page. The test client's host and locmem e-mail are enough.
        bench_settings = override_settings(
            ROOT_URLCONF=BENCH_URLCONF,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        # Export POSTs send their task to a queue of this run, which no worker reads and which
        # is emptied at the end: the bench runs the export work itself and times it apart.
        previous_queue = celery_app.conf.task_default_queue
        celery_app.conf.task_default_queue = f"prm-bench-{os.getpid()}"
        try:
            with bench_settings:
                # VACUUM cannot run inside a transaction (the test suite's --in-place run is one).
                rows = measure(
                    scales=scales,
                    runs=runs,
                    seed=options["seed"],
                    out=self.stdout,
                    settle=not options["in_place"],
                )
        finally:
            queue, celery_app.conf.task_default_queue = (
                celery_app.conf.task_default_queue,
                previous_queue,
            )
            if not celery_app.conf.task_always_eager:
                with celery_app.connection_for_write() as conn:
                    conn.default_channel.queue_purge(queue)
            if old_name is not None:
                creation.destroy_test_db(old_name, verbosity=0, keepdb=options["keep"])
        self.stdout.write(format_table(rows, scales, runs))
