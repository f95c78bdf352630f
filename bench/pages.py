"""Target 4: the busiest pages and endpoints, each requested as its real user, at two scales.

Per page: the SQL statements it issues at each scale (they must be the same number) and its
median server time at the largest scale against the trivial staff page, requested in turns
in the same run (the ratio must stay ≤ PAGE_RATIO_TARGET)."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.urls import reverse

PAGE_RATIO_TARGET = 5.0


@dataclass(frozen=True)
class Page:
    label: str
    user: str  # a BenchTenant membership: "manager", "finance", "portal_admin", "portal_rep"
    route: str
    kwargs: tuple = ()  # (URL argument, BenchTenant attribute naming the object)
    query: str = ""


TRIVIAL = Page("trivial staff page (baseline)", "manager", "bench_trivial")
PAGES = (
    Page("partner list", "manager", "partner_list"),
    Page(
        "partner detail (big partner)",
        "manager",
        "partner_detail",
        (("partner_id", "big_partner"),),
    ),
    Page("due for contact", "manager", "contact_due_list", query="owner=all"),
    Page("prospects table, by fit", "manager", "recruitment_home", query="view=table&sort=-fit"),
    Page("recruitment board", "manager", "recruitment_home"),
    Page("recruitment report", "manager", "recruitment_report"),
    Page("deal review queue", "manager", "deals:review_queue"),
    Page("pipeline", "manager", "deals:pipeline_list"),
    Page("pipeline board", "manager", "deals:pipeline_board"),
    Page("funnel board", "manager", "deals:funnel_board"),
    Page("rep analytics", "manager", "insights:rep_analytics"),
    Page("insights overview", "manager", "insights:overview"),
    Page("payout statements", "finance", "payouts:statement_list"),
    Page("portal home", "portal_admin", "portal_home"),
    Page("portal company", "portal_admin", "portal_company"),
    Page("portal reps", "portal_admin", "portal_reps"),
    Page("portal deals", "portal_rep", "deals:portal_deals"),
    Page("portal statements", "portal_admin", "payouts:portal_statements"),
    Page("portal library", "portal_rep", "programs:portal_library"),
    Page("portal results", "portal_admin", "insights:portal_results"),
    Page("API partners", "manager", "api_partner_list"),
    Page("API reps", "manager", "api_rep_list"),
    Page("API activities", "manager", "api_activity_list"),
    Page("API prospects", "manager", "api_prospect_list"),
    Page("API deals", "manager", "deals:api_deal_list"),
    Page("API target accounts", "manager", "deals:api_target_list"),
    Page("API asset views", "manager", "programs:api_asset_views"),
    Page("API ledger lines", "finance", "payouts:api_ledger_line_list"),
    Page("API statements", "finance", "payouts:api_statement_list"),
    Page("API KPI snapshots", "manager", "insights:api_kpi_snapshot_list"),
)
USERS = ("manager", "finance", "portal_admin", "portal_rep")


def page_url(page: Page, bench) -> str:
    kwargs = {"tenant_slug": bench.tenant.slug}
    for name, attribute in page.kwargs:
        kwargs[name] = getattr(bench, attribute).pk
    url = reverse(page.route, kwargs=kwargs)
    return f"{url}?{page.query}" if page.query else url


def clients_for(bench) -> dict[str, Client]:
    """One signed-in client per person (force_login: the bench people have no password; the
    roles that need a second factor have an authenticator, bench/data.py)."""
    clients = {}
    for user in USERS:
        client = Client()
        client.force_login(getattr(bench, user).user)
        clients[user] = client
    return clients


def fetch(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    # A streamed body is part of the page's cost.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body)


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


def _timed_ms(client: Client, url: str) -> float:
    start = time.perf_counter()
    fetch(client, url)
    return (time.perf_counter() - start) * 1000


def median_pair_ms(target: tuple[Client, str], trivial: tuple[Client, str], runs: int):
    """Median times of the page and of the trivial page, requested in turns: the machine's
    load weighs on both alike, so their ratio stays meaningful."""
    size = fetch(*target)  # warm caches (templates, translations, sessions)
    fetch(*trivial)
    page_times, trivial_times = [], []
    for _ in range(runs):
        trivial_times.append(_timed_ms(*trivial))
        page_times.append(_timed_ms(*target))
    return statistics.median(page_times), statistics.median(trivial_times), size


def measure_pages(benches: dict, *, runs: int, pages=PAGES) -> list[dict]:
    """`benches`: scale name -> BenchTenant, smallest first. Queries at every scale; time at
    the last (largest)."""
    scales = list(benches)
    largest = scales[-1]
    clients = {scale: clients_for(bench) for scale, bench in benches.items()}
    trivial = (clients[largest][TRIVIAL.user], page_url(TRIVIAL, benches[largest]))
    rows = []
    for page in (TRIVIAL, *pages):
        queries = {
            scale: count_queries(clients[scale][page.user], page_url(page, benches[scale]))
            for scale in scales
        }
        target = (clients[largest][page.user], page_url(page, benches[largest]))
        ms, trivial_ms, size = median_pair_ms(target, trivial, runs)
        ratio = ms / trivial_ms if trivial_ms else 0.0
        rows.append(
            {
                "page": page.label,
                "user": page.user,
                "queries": queries,
                "flat": len(set(queries.values())) == 1,
                "median_ms": round(ms, 2),
                "trivial_ms": round(trivial_ms, 2),
                "ratio": round(ratio, 2),
                "kb": round(size / 1024, 1),
                "met": len(set(queries.values())) == 1 and ratio <= PAGE_RATIO_TARGET,
            }
        )
    return rows
