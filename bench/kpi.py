"""Targets 1 to 3: the KPI engine against its floor, the incremental refresh against the full
recompute, and the growth of the full recompute from `small` to `large`.

The floor is the engine's own aggregates as plain SELECT statements (insights.kpi with
`aggregate_only`: each statement's SELECT runs to its end under EXPLAIN ANALYZE and writes
nothing). The full recompute is the service the nightly task runs (delete the tenant's rows,
write them again, in one transaction). Runs alternate, engine then floor, so the machine's
load weighs on both alike; each figure is the median of the runs."""

import statistics
import time

from django.utils import timezone

from accounts.tenancy import tenant_context
from deals.models import DealStage, StageKind
from deals.services.pipeline import VENDOR, deal_move
from insights import kpi
from insights.models import KpiSnapshot
from insights.services import kpi_recompute, kpi_refresh_partner

FLOOR_RATIO_TARGET = 2.0
INCREMENTAL_SHARE_TARGET = 0.01
GROWTH_TARGET = 12.0


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def measure_recompute(bench, *, runs: int) -> dict:
    tenant = bench.tenant
    engine, floor = [], []
    with tenant_context(tenant):
        kpi_recompute(tenant=tenant)  # warm: the first run also fills the snapshot table
        for _ in range(runs):
            engine.append(_seconds(lambda: kpi_recompute(tenant=tenant)))
            scope = kpi.Scope(tenant=tenant, aggregate_only=True)
            floor.append(_seconds(lambda scope=scope: kpi.full_recompute(scope)))
        rows = KpiSnapshot.objects.filter(tenant=tenant).count()
    engine_s, floor_s = statistics.median(engine), statistics.median(floor)
    ratio = engine_s / floor_s if floor_s else 0.0
    return {
        "snapshot_rows": rows,
        "full_s": round(engine_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(ratio, 2),
        "met": ratio <= FLOOR_RATIO_TARGET,
        "runs": runs,
    }


def win_deal(bench) -> None:
    """The event: the bench's open approved deal is won by staff (the deals service, as the
    pipeline page does). Its refresh task goes to the bench's own queue, which no worker
    reads; the refresh it asks for is timed by measure_incremental."""
    tenant = bench.tenant
    with tenant_context(tenant):
        won = DealStage.objects.filter(tenant=tenant, kind=StageKind.WON).order_by("position")
        deal_move(
            tenant=tenant,
            actor=bench.manager.user,
            deal=bench.deal_to_win,
            stage=won.first(),
            by=VENDOR,
        )


def measure_incremental(bench, *, full_s: float, runs: int) -> dict:
    """The refresh the won deal's task runs (insights.receivers): the deals and commission
    figures of the partner's rows (and its reps') of the day, month, quarter and year, then
    the tenant's and programs' rows of those periods."""
    tenant = bench.tenant
    partner_id = bench.deal_to_win.partner_id
    day = timezone.localdate()
    times = []
    with tenant_context(tenant):
        for _ in range(runs):
            times.append(
                _seconds(lambda: kpi_refresh_partner(tenant=tenant, partner_id=partner_id, day=day))
            )
    refresh_s = statistics.median(times)
    share = refresh_s / full_s if full_s else 0.0
    return {
        "refresh_s": round(refresh_s, 4),
        "share_of_full": round(share, 4),
        "met": share <= INCREMENTAL_SHARE_TARGET,
        "runs": runs,
    }


def growth(small_full_s: float, large_full_s: float) -> dict:
    ratio = large_full_s / small_full_s if small_full_s else 0.0
    return {"ratio": round(ratio, 2), "met": ratio <= GROWTH_TARGET}
