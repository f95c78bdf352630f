"""The benchmark tenant: one tenant of a chosen scale, bulk-written and reproducible from a seed.

`build_bench_tenant(scale="small", seed=7)` writes people, programs, partners with their reps
(2:6:2 within each partner), engagement, the content library and its view log, target
accounts with their milestone history, deals across registration statuses (and direct ones),
and a year of the ledger with monthly periods and issued statements. The big tables go in by
COPY (bench/data_base.py); small ones by bulk_create. All randomness comes from one
`random.Random(seed)`, so the same seed gives the same data but for ids, slugs and "now".

Analysing the written tables is the caller's job (the measuring code runs VACUUM ANALYZE);
the denormalised fields pages read (partners' last contact, suggested priorities, the asset
views' daily roll-up) are refreshed here.
"""

from __future__ import annotations

import datetime
import random
import secrets
import time
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Membership, Tenant
from accounts.tenancy import tenant_context
from bench import data_deals, data_payouts, data_people
from bench.data_base import Ctx
from deals.models import Deal, RegistrationStatus, StageCode
from deals.services.targets import suggested_priorities_refresh
from partners.models import Partner
from partners.services.engagement import partner_last_contact_refresh
from payouts.models import PayoutPeriod
from programs.services.asset_views import asset_view_days_refresh

SCALES: dict[str, dict[str, int]] = {
    "tiny": {
        "partners": 5,
        "reps": 40,
        "deals": 300,
        "views": 3_000,
        "targets": 1_000,
        "activities": 500,
        "prospects": 50,
    },
    "small": {
        "partners": 100,
        "reps": 2_000,
        "deals": 30_000,
        "views": 300_000,
        "targets": 100_000,
        "activities": 50_000,
        "prospects": 500,
    },
    "large": {
        "partners": 1_000,
        "reps": 20_000,
        "deals": 300_000,
        "views": 3_000_000,
        "targets": 1_000_000,
        "activities": 500_000,
        "prospects": 5_000,
    },
}


@dataclass
class BenchTenant:
    tenant: Tenant
    scale: str
    seed: int
    counts: dict
    admin: Membership
    manager: Membership
    finance: Membership
    big_partner: Partner
    portal_admin: Membership
    portal_rep: Membership
    deal_to_win: Deal
    closed_period: PayoutPeriod | None
    # Wall-clock seconds the build took.
    elapsed: float = 0.0


def build_bench_tenant(*, scale: str, seed: int = 7, out=None) -> BenchTenant:
    """Build one benchmark tenant of `scale` (a key of SCALES); `out` gets progress lines."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    started = time.perf_counter()
    # Benchmark data, not secrets: one seeded generator makes the whole tenant.
    rng = random.Random(seed)  # noqa: S311
    slug = f"bench-{scale}-{secrets.token_hex(3)}"
    tenant = Tenant.objects.create(slug=slug, name=f"Bench {scale}", default_language="ja")
    ctx = Ctx(
        tenant=tenant,
        sizes=SCALES[scale],
        rng=rng,
        today=timezone.localdate(),
        now=timezone.now(),
        out=out,
    )
    ctx.say(f"bench tenant /{slug}/ ({scale}, seed {seed})")
    with tenant_context(tenant):
        data_people.build_staff(ctx)
        data_people.build_programs(ctx)
        data_people.build_partners(ctx)
        data_people.build_reps(ctx)
        data_people.accept_terms(ctx)
        data_people.build_sign_ins(ctx)
        data_people.build_activities(ctx)
        data_people.build_library(ctx)
        data_people.build_views(ctx)
        data_people.build_prospects(ctx)
        data_deals.build_targets(ctx)
        data_deals.build_deals(ctx)
        data_payouts.build_payouts(ctx)
        step = time.perf_counter()
        # Written around the services: the stored figures pages read are set as they would.
        partner_last_contact_refresh(tenant=tenant)
        suggested_priorities_refresh(tenant=tenant)
        asset_view_days_refresh(tenant=tenant, since=ctx.today - datetime.timedelta(days=366))
        ctx.say(f"  last contacts, priorities, view days: {time.perf_counter() - step:.1f} s")
        big = ctx.partners[0]
        big.refresh_from_db()
        deal_to_win = Deal.objects.get(
            tenant=tenant,
            pk=ctx.extra["deal_ids"][0],
            partner=big,
            registration_status=RegistrationStatus.APPROVED,
            won_on__isnull=True,
            stage__code=StageCode.PROPOSAL,
        )
    elapsed = round(time.perf_counter() - started, 1)
    ctx.say(f"built /{slug}/ in {elapsed:.1f} s")
    return BenchTenant(
        tenant=tenant,
        scale=scale,
        seed=seed,
        counts=ctx.counts,
        admin=ctx.admin,
        manager=ctx.managers[0],
        finance=ctx.finance,
        big_partner=big,
        portal_admin=ctx.extra["portal_admin"],
        portal_rep=ctx.extra["portal_rep"],
        deal_to_win=deal_to_win,
        closed_period=ctx.extra["closed_period"],
        elapsed=elapsed,
    )
