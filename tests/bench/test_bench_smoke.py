"""The benchmark's code at a tiny scale, so it cannot rot (`make bench` itself is too long for
the suite): every figure is measured and written, against no target. A transactional test:
the memory figure comes from a real Celery worker process, which must see the tenant."""

import json

import pytest

from bench import run as bench_run
from bench.pages import PAGES

pytestmark = pytest.mark.django_db(transaction=True)


class Lines:
    def __init__(self):
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)


def test_a_tiny_bench_measures_every_figure_and_writes_them(tmp_path):
    out = Lines()
    with bench_run.bench_environment():
        results = bench_run.run(
            scales=["tiny"],
            runs=1,
            seed=7,
            out=out,
            memory=True,
            statements=16,
            load_users=4,
            load_seconds=8,
        )

    recompute = results["recompute"]["tiny"]
    assert recompute["snapshot_rows"] > 0
    assert recompute["full_s"] > 0 and recompute["floor_s"] > 0
    assert results["incremental"]["refresh_s"] > 0
    assert [row["page"] for row in results["pages"]][1:] == [page.label for page in PAGES]
    assert all(row["queries"]["tiny"] > 0 and row["median_ms"] > 0 for row in results["pages"])
    assert results["memory"]["child_peak_mb"] > 0
    statements = results["statements"]
    assert statements["issued"] == 16 and statements["most_pages"] >= 1
    assert statements["weasyprint_ms"] > 0 and statements["per_statement_ms"] > 0
    assert statements["one_process_per_s"] > 0 and statements["two_processes_per_s"] > 0
    assert results["build"]["tiny"]["counts"]
    load = results["load"]
    assert load["total"]["requests"] > 0 and load["failed_requests"] == 0, load["failures"]
    # Whether deals and statements stayed intact is a figure here (a target of `make bench`,
    # judged on the full run); a run of 8 s on a loaded machine decides nothing.
    assert isinstance(load["intact"], bool)
    assert load["deals_written"] >= 0 and load["statements_after"]
    assert any(page["name"] == "staff: partner list" for page in load["pages"]) or load["pages"]
    report = bench_run.format_report(results)
    assert all(page.label in report for page in PAGES)
    assert "1. KPI full recompute at tiny" in report
    assert "5. two worker processes against one" in report
    path = bench_run.write_results(results, tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))["pages"] == results["pages"]
    assert (tmp_path / "latest.json").read_text(encoding="utf-8") == path.read_text(
        encoding="utf-8"
    )
