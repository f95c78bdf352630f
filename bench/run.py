"""`make bench`: build the benchmark tenants, measure them, print the table, write the JSON.

Every target is a ratio measured side by side in one run (architecture.md, issue #13): the
engine against its floor, a page against the trivial page, `large` against `small`.
"""

import json
import os
import platform
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Tenant, User
from bench import kpi as bench_kpi
from bench.data import build_bench_tenant
from bench.load import measure_load
from bench.memory import measure_worker_memory
from bench.pages import measure_pages
from bench.statements import (
    SCALING_TARGET,
    STATEMENT_RATIO_TARGET,
    issued_statements_tenant,
    measure_statements,
)
from prm.celery import app as celery_app

RESULTS_DIR = Path(settings.BASE_DIR) / "bench" / "results"


def machine() -> dict:
    """What the figures were measured on."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory_gb = round(total_kb / 1024 / 1024, 1)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
    }


def settle_database(out) -> float:
    """VACUUM ANALYZE the freshly bulk-written tables, as autovacuum does a live database soon
    after such a load: without statistics the planner takes every table for a few rows."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - start
    out.write(f"vacuumed and analysed in {elapsed:.1f} s")
    return elapsed


@contextmanager
def bench_environment():
    """The bench's own URLs (the trivial page), the test client's host, e-mail kept in
    memory, files in a temporary folder, and tasks sent to a queue of this run that is
    emptied at the end (a won deal asks for a KPI refresh: the bench times it itself)."""
    media = tempfile.TemporaryDirectory(prefix="prm-bench-media-")
    bench_settings = override_settings(
        ROOT_URLCONF="bench.urls",
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # The statements' PDFs (and any file) go to a folder of this run, deleted after.
        MEDIA_ROOT=media.name,
    )
    previous_queue = celery_app.conf.task_default_queue
    queue = f"prm-bench-{os.getpid()}"
    celery_app.conf.task_default_queue = queue
    try:
        with bench_settings:
            yield
    finally:
        media.cleanup()
        celery_app.conf.task_default_queue = previous_queue
        if not celery_app.conf.task_always_eager:
            with celery_app.connection_for_write() as conn:
                conn.default_channel.queue_purge(queue)


def run(
    *,
    scales: list[str],
    runs: int,
    seed: int,
    out,
    settle: bool = True,
    memory: bool = True,
    statements: int = 1000,
    load_users: int = 50,
    load_seconds: int = 300,
) -> dict:
    """Build one tenant per scale (smallest first), then measure. Returns the figures."""
    started = timezone.now()
    benches, built = {}, {}
    for scale in scales:
        start = time.perf_counter()
        benches[scale] = build_bench_tenant(scale=scale, seed=seed, out=out)
        built[scale] = {
            "seconds": round(time.perf_counter() - start, 1),
            "counts": benches[scale].counts,
        }
        out.write(f"built {scale} in {built[scale]['seconds']} s")
    vacuum_s = settle_database(out) if settle else 0.0
    largest = scales[-1]
    results = {
        "started_at": started.isoformat(),
        "machine": machine(),
        "seed": seed,
        "runs": runs,
        "build": built,
        "vacuum_s": round(vacuum_s, 1),
        "recompute": {},
    }
    for scale, bench in benches.items():
        out.write(f"KPI recompute at {scale} ({runs} runs, engine and floor in turns)…")
        results["recompute"][scale] = bench_kpi.measure_recompute(bench, runs=runs)
    bench_kpi.win_deal(benches[largest])
    results["incremental"] = bench_kpi.measure_incremental(
        benches[largest], full_s=results["recompute"][largest]["full_s"], runs=runs
    )
    if "small" in benches and "large" in benches:
        results["growth"] = bench_kpi.growth(
            results["recompute"]["small"]["full_s"], results["recompute"]["large"]["full_s"]
        )
    out.write(f"pages and API ({runs} timed requests each at {largest})…")
    results["pages"] = measure_pages(benches, runs=runs)
    if statements:
        out.write(f"{statements} payout statements…")
        results["statements"] = measure_statements(count=statements, seed=seed, out=out)
    if memory:
        out.write(f"worker memory during the {largest} recompute…")
        results["memory"] = measure_worker_memory(benches[largest])
    if load_users:
        if statements:
            figures = results["statements"]
            statements_tenant = Tenant.objects.get(pk=figures["tenant_id"])
            finance = User.objects.get(pk=figures["finance_user_id"])
        else:
            statements_tenant, finance = issued_statements_tenant(count=20, seed=seed, out=out)
        results["load"] = measure_load(
            benches[largest],
            {"tenant": statements_tenant, "finance": finance},
            users=load_users,
            seconds=load_seconds,
            out=out,
        )
    results["finished_at"] = timezone.now().isoformat()
    return results


def _mark(met: bool) -> str:
    return "met" if met else "MISSED"


def format_report(results: dict) -> str:
    scales = list(results["build"])
    largest = scales[-1]
    m = results["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, "
        f"PostgreSQL {m['postgresql']}, Python {m['python']}",
        "",
        "| scale | build s | rows written |",
        "|---|---|---|",
    ]
    for scale, built in results["build"].items():
        rows = sum(n for n in built["counts"].values() if isinstance(n, int))
        lines.append(f"| {scale} | {built['seconds']} | {rows:,} |")
    lines += ["", "| target | figure | limit | |", "|---|---|---|---|"]
    for scale, figures in results["recompute"].items():
        lines.append(
            f"| 1. KPI full recompute at {scale}: {figures['full_s']} s against its floor "
            f"{figures['floor_s']} s | {figures['ratio']}× | ≤ {bench_kpi.FLOOR_RATIO_TARGET}× "
            f"| {_mark(figures['met'])} |"
        )
    inc = results["incremental"]
    lines.append(
        f"| 2. refresh after a won deal at {largest}: {inc['refresh_s']} s | "
        f"{inc['share_of_full'] * 100:.2f} % of the full | "
        f"≤ {bench_kpi.INCREMENTAL_SHARE_TARGET * 100:.0f} % | {_mark(inc['met'])} |"
    )
    if "growth" in results:
        g = results["growth"]
        lines.append(
            f"| 3. full recompute, large against small | {g['ratio']}× | "
            f"≤ {bench_kpi.GROWTH_TARGET:.0f}× | {_mark(g['met'])} |"
        )
    if "statements" in results:
        st = results["statements"]
        lines.append(
            f"| 5. a statement made and issued: {st['per_statement_ms']} ms against WeasyPrint "
            f"alone {st['weasyprint_ms']} ms ({st['statements']} statements) | {st['ratio']}× | "
            f"≤ {STATEMENT_RATIO_TARGET}× | {_mark(st['ratio'] <= STATEMENT_RATIO_TARGET)} |"
        )
        lines.append(
            f"| 5. two worker processes against one: {st['two_processes_per_s']} against "
            f"{st['one_process_per_s']} statements/s | {st['scaling']}× | ≥ {SCALING_TARGET}× "
            f"| {_mark(st['scaling'] >= SCALING_TARGET)} |"
        )
    if "memory" in results:
        mem = results["memory"]
        lines.append(
            f"| 6. worker peak memory during the {largest} recompute | "
            f"{mem['child_peak_mb']} MB | ≤ 300 MB | {_mark(mem['met'])} |"
        )
    if "load" in results:
        load = results["load"]
        lines.append(
            f"| 7. load: {load['users']} users for {load['seconds']} s, "
            f"{load['total'].get('requests', 0)} requests; {load['deals_registered']} deals "
            f"registered, {load['deals_written']} written | {load['failed_requests']} failed | "
            f"0, and nothing lost or doubled | {_mark(load['met'])} |"
        )
    head = ["page (user)", *[f"queries {s}" for s in scales], f"median ms {largest}"]
    lines += ["", "| " + " | ".join([*head, "× trivial", ""]) + " |"]
    lines.append("|" + "---|" * (len(head) + 2))
    for row in results["pages"]:
        cells = [
            f"{row['page']} ({row['user']})",
            *[str(row["queries"][s]) for s in scales],
            f"{row['median_ms']:.1f}",
            f"{row['ratio']:.1f}",
            _mark(row["met"]) if row["page"] != results["pages"][0]["page"] else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if "load" in results:
        lines += [
            "",
            "| under load | requests | failed | median ms | p95 ms |",
            "|---|---|---|---|---|",
        ]
        for page in results["load"]["pages"]:
            lines.append(
                f"| {page['name']} | {page['requests']} | {page['failures']} | "
                f"{page['median_ms']:.0f} | {page['p95_ms']:.0f} |"
            )
    lines.append(
        f"(medians of {results['runs']} runs; a page's time is paired with a request of the "
        "trivial page in turns; 4. asks for the same queries at every scale and ≤ 5× trivial)"
    )
    return "\n".join(lines)


def write_results(results: dict, directory: Path = RESULTS_DIR) -> Path:
    """bench/results/bench-<time>.json, and latest.json (the copy the README links to)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    path = directory / f"bench-{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    return path


def all_met(results: dict) -> bool:
    checks = [figures["met"] for figures in results["recompute"].values()]
    checks.append(results["incremental"]["met"])
    keys = ("growth", "memory", "statements", "load")
    checks += [results[key]["met"] for key in keys if key in results]
    checks += [row["met"] for row in results["pages"][1:]]
    return all(checks)
