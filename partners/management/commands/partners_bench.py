"""Measure the partners pages at 1× and 10×: queries per page and server time, against a
trivial staff page measured in the same run.

    manage.py partners_bench                 # 1× and 10× in a throwaway database
    manage.py partners_bench --scales 1,10 --runs 9 --keep

By default it builds its data in a database of its own (`<name>_bench`, created with Django's
test-database machinery and dropped afterwards), so the configured database is never touched.
`--in-place` uses the current database instead (the test suite's smoke test does, at a tiny
scale, inside its own transaction).
"""

import statistics
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from partners.management.bench_data import BenchTenant, build_tenant

BENCH_URLCONF = "partners.management.bench_urls"


@dataclass(frozen=True)
class Page:
    label: str
    audience: str  # "staff" or "portal": whose client requests it
    route: str
    kwargs: tuple = ()
    query: str = ""


TRIVIAL = Page("trivial staff page (baseline)", "staff", "bench_trivial")
PAGES = (
    Page("partner list", "staff", "partner_list"),
    Page("partner list, search", "staff", "partner_list", query="q=%E3%81%95"),
    Page("partner list, by last contact", "staff", "partner_list", query="sort=last_contact"),
    Page("partner detail (big partner)", "staff", "partner_detail", (("partner_id", "big"),)),
    Page("activity list (big partner)", "staff", "partner_activities", (("partner_id", "big"),)),
    Page("partners CSV export", "staff", "partner_export"),
    Page("reps CSV export", "staff", "partner_export", query="what=reps"),
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


def page_url(page: Page, bench: BenchTenant) -> str:
    kwargs = {"tenant_slug": bench.tenant.slug}
    for name, value in page.kwargs:
        kwargs[name] = bench.big_partner.pk if value == "big" else value
    url = reverse(page.route, kwargs=kwargs)
    return f"{url}?{page.query}" if page.query else url


def clients_for(bench: BenchTenant) -> dict[str, Client]:
    staff, portal = Client(), Client()
    staff.force_login(bench.manager.user)
    portal.force_login(bench.portal_admin.user)
    return {"staff": staff, "portal": portal}


def fetch(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    # Streaming responses are consumed too: their cost is part of the page.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, len(body)


def count_queries(client: Client, url: str) -> int:
    # An execute wrapper, not CaptureQueriesContext: that one stops counting at 9,000.
    executed = 0

    def counter(execute, sql, params, many, context):
        nonlocal executed
        executed += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        fetch(client, url)
    return executed


def timed_ms(client: Client, url: str) -> float:
    start = time.perf_counter()
    fetch(client, url)
    return (time.perf_counter() - start) * 1000


def median_pair_ms(page: tuple[Client, str], trivial: tuple[Client, str], runs: int):
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
    clients = {scale: clients_for(bench) for scale, bench in benches.items()}
    trivial = (clients[largest]["staff"], page_url(TRIVIAL, benches[largest]))
    rows = []
    for page in (TRIVIAL, *PAGES):
        queries = {
            scale: count_queries(clients[scale][page.audience], page_url(page, benches[scale]))
            for scale in scales
        }
        target = (clients[largest][page.audience], page_url(page, benches[largest]))
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
            if old_name is not None:
                creation.destroy_test_db(old_name, verbosity=0, keepdb=options["keep"])
        self.stdout.write(format_table(rows, scales, runs))
