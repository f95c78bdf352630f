"""The KPI engine against a small data set computed by hand.

Tenant on Tokyo time, fiscal year from April; "today" is 15 June 2026. Partner P1 (priority
B: a contact every 30 days) has reps r1 (reachable) and r2 (not reachable, signs in); P2 has
r3, who left on 20 April. The figures in the assertions are worked out in the comments.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import SignInDay
from accounts.tenancy import tenant_context
from deals.models import Deal, DealEvent, Milestone, TargetAccountChange
from insights.kpi import Scope, full_recompute, periods_of
from insights.models import MEASURES, KpiSnapshot
from insights.services import kpi_recompute, kpi_refresh_partner
from partners.choices import PartnerStatus, Priority
from payouts.models import StatementLine
from programs.models import AssetView
from tests.factories.accounts import MembershipFactory, TenantFactory
from tests.factories.deals import DealFactory, TargetAccountFactory
from tests.factories.partners import ActivityFactory, PartnerFactory, PartnerRepFactory
from tests.factories.payouts import LedgerLineFactory, StatementFactory
from tests.factories.programs import AssetFactory, PartnerContractFactory, TierFactory

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=TOKYO)
MAY = datetime.date(2026, 5, 1)
JUNE = datetime.date(2026, 6, 1)
Q1 = datetime.date(2026, 4, 1)  # fiscal Q1 2026: April to June
FY2026 = datetime.date(2026, 4, 1)
FY2025 = datetime.date(2025, 4, 1)


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), TOKYO)


def steps(account, *moves):
    """The account's milestone history: (milestone, when) in order, listing first."""
    previous = ""
    for milestone, when in moves:
        TargetAccountChange.objects.create(
            tenant=account.tenant,
            target_account=account,
            from_milestone=previous,
            to_milestone=milestone,
            changed_at=when,
        )
        previous = milestone


@pytest.fixture
def data():
    with scopes_disabled():
        tenant = TenantFactory(fiscal_year_start_month=4, time_zone="Asia/Tokyo")
        created = at("2026-01-10")
        p1 = PartnerFactory(
            tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.B, created_at=created
        )
        p2 = PartnerFactory(
            tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.D, created_at=created
        )
        r1 = PartnerRepFactory(partner=p1, is_reachable=True, created_at=created)
        r2_member = MembershipFactory(tenant=tenant, role="partner_rep")
        r2 = PartnerRepFactory(
            partner=p1, is_reachable=False, membership=r2_member, created_at=created
        )
        r3 = PartnerRepFactory(
            partner=p2,
            is_reachable=True,
            is_active=False,
            left_on=datetime.date(2026, 4, 20),
            created_at=created,
        )

        # Funnel. Account a (P1, r1): listed 2 Apr, requested 5 Apr (3 days), agreed 10 Apr
        # (5), action done 1 May (21), meeting held 11 May (10). Account b (P2, r3): listed
        # 30 Mar (fiscal 2025), requested 1 Apr (2 days).
        a = TargetAccountFactory(partner=p1, rep=r1)
        steps(
            a,
            (Milestone.LISTED, at("2026-04-02")),
            (Milestone.REQUESTED, at("2026-04-05")),
            (Milestone.AGREED, at("2026-04-10")),
            (Milestone.ACTION_DONE, at("2026-05-01")),
            (Milestone.MEETING_HELD, at("2026-05-11")),
        )
        b = TargetAccountFactory(partner=p2, rep=r3)
        steps(b, (Milestone.LISTED, at("2026-03-30")), (Milestone.REQUESTED, at("2026-04-01")))

        # Deals. d1 (P1, r1): registered 15 Apr, approved 16 Apr, won 20 May, ¥1,000,000 +
        # ¥50,000 a month (35 days). d2 (P1, r2): registered 2 May, lost 25 May. d3 (P2, r3):
        # registered 3 Apr, won 30 Apr, ¥300,000 (27 days). d4: direct, won 10 May,
        # ¥2,000,000. d5 (P1, r1): in dollars, registered 1 May, won 21 May (20 days): a win,
        # but no yen revenue.
        d1 = DealFactory(
            partner=p1,
            rep=r1,
            registered_at=at("2026-04-15"),
            won_on=datetime.date(2026, 5, 20),
            amount_one_time=1_000_000,
            amount_monthly=50_000,
        )
        DealEvent.objects.create(tenant=tenant, deal=d1, kind="approved", at=at("2026-04-16"))
        DealFactory(
            partner=p1, rep=r2, registered_at=at("2026-05-02"), lost_on=datetime.date(2026, 5, 25)
        )
        DealFactory(
            partner=p2,
            rep=r3,
            registered_at=at("2026-04-03"),
            won_on=datetime.date(2026, 4, 30),
            amount_one_time=300_000,
        )
        DealFactory(
            tenant=tenant,
            partner=None,
            registration_status="direct",
            registered_at=at("2026-05-01"),
            won_on=datetime.date(2026, 5, 10),
            amount_one_time=2_000_000,
        )
        DealFactory(
            partner=p1,
            rep=r1,
            currency="USD",
            amount_one_time=1000,
            registered_at=at("2026-05-01"),
            won_on=datetime.date(2026, 5, 21),
        )

        # Material: r1 twice on 3 May (late evening in Tokyo, still 3 May) and once on 1
        # June; r2 once on 3 May. Sign-ins: r2 on 2 June.
        asset = AssetFactory(tenant=tenant)
        for rep, when in (
            (r1, at("2026-05-03", 9)),
            (r1, at("2026-05-03", 23)),
            (r1, at("2026-06-01")),
            (r2, at("2026-05-03")),
        ):
            AssetView.objects.create(
                tenant=tenant, asset=asset, partner=p1, rep=rep, action="view", viewed_at=when
            )
        SignInDay.objects.create(tenant=tenant, membership=r2_member, day=datetime.date(2026, 6, 2))

        # Commission: ¥100,000 for P1 (r1) accrued 20 May, paid on a statement on 10 June;
        # ¥10,000 for P2 accrued 30 April, unpaid.
        line = LedgerLineFactory(
            partner=p1,
            rep=r1,
            amount=Decimal(100_000),
            accrued_on=datetime.date(2026, 5, 20),
        )
        LedgerLineFactory(partner=p2, amount=Decimal(10_000), accrued_on=datetime.date(2026, 4, 30))
        statement = StatementFactory(partner=p1, paid_on=datetime.date(2026, 6, 10))
        StatementLine.objects.create(
            tenant=tenant, statement=statement, ledger_line=line, tax_rate=Decimal(10)
        )

        # Cadence: P1 was contacted on 15 May only.
        ActivityFactory(partner=p1, occurred_on=datetime.date(2026, 5, 15))

        # A program with P1's contract (April 2026 to March 2027).
        tier = TierFactory(program__tenant=tenant)
        PartnerContractFactory(tier=tier, partner=p1, starts_on=datetime.date(2026, 4, 1))

    return {"tenant": tenant, "p1": p1, "p2": p2, "r1": r1, "r2": r2, "r3": r3, "tier": tier}


def recompute(tenant):
    with tenant_context(tenant):
        kpi_recompute(tenant=tenant, now=NOW)


def row(tenant, subject_kind, subject_id, period_kind, start) -> dict:
    with scopes_disabled():
        found = KpiSnapshot.objects.filter(
            tenant=tenant,
            subject_kind=subject_kind,
            subject_id=subject_id,
            period_kind=period_kind,
            period_start=start,
        ).values(*MEASURES)
        assert len(found) == 1, f"no {subject_kind} {period_kind} row for {start}"
        return {name: value for name, value in found[0].items() if value}


def test_partner_month(data):
    recompute(data["tenant"])
    may = row(data["tenant"], "partner", data["p1"].pk, "month", MAY)
    assert may == {
        "actions_done": 1,
        "actions_done_lead_days": Decimal(21),
        "actions_done_lead_n": 1,
        "meetings_held": 1,
        "meetings_held_lead_days": Decimal(10),
        "meetings_held_lead_n": 1,
        # d2 and d5 registered in May; d1 and d5 won, d2 lost; yen revenue of d1 only.
        "deals_registered": 2,
        "deals_won": 2,
        "deals_lost": 1,
        "revenue_one_time": Decimal(1_000_000),
        "revenue_recurring": Decimal(50_000),
        # d1: 15 Apr to 20 May = 35 days; d5: 1 May to 21 May = 20 days.
        "won_lead_days": Decimal(55),
        "won_lead_n": 2,
        "commission_accrued": Decimal(100_000),
        "asset_views": 3,
        "asset_viewers": 2,
        # r1 and r2 known; r1 reachable; both opened material; both registered a deal.
        "reps_known": 2,
        "reps_reachable": 1,
        "reps_active": 2,
        "reps_producing": 2,
        # 31 days of May, one 30-day interval due, and the contact of 15 May in it.
        "contacts_due": 1,
        "contacts_on_time": 1,
    }


def test_partner_june_so_far(data):
    recompute(data["tenant"])
    june = row(data["tenant"], "partner", data["p1"].pk, "month", JUNE)
    # r1 opened material, r2 signed in: both active; nobody registered a deal; 15 days of
    # June have passed, less than one interval, so no contact is due yet.
    assert june == {
        "commission_paid": Decimal(100_000),
        "asset_views": 1,
        "asset_viewers": 1,
        "sign_in_days": 1,
        "reps_known": 2,
        "reps_reachable": 1,
        "reps_active": 2,
    }


def test_rep_rows(data):
    recompute(data["tenant"])
    r1_may = row(data["tenant"], "rep", data["r1"].pk, "month", MAY)
    assert r1_may["asset_views"] == 2
    assert r1_may["asset_viewers"] == 1
    assert r1_may["deals_won"] == 2
    assert r1_may["commission_accrued"] == Decimal(100_000)
    assert (r1_may["reps_known"], r1_may["reps_active"], r1_may["reps_producing"]) == (1, 1, 1)
    # A rep who left on 20 April is still known in April's quarter, not in May.
    r3_q1 = row(data["tenant"], "rep", data["r3"].pk, "quarter", Q1)
    assert r3_q1["reps_known"] == 1 and r3_q1["deals_won"] == 1
    with scopes_disabled():
        assert not KpiSnapshot.objects.filter(
            subject_kind="rep", subject_id=data["r3"].pk, period_kind="month", period_start=MAY
        ).exists()
        # Reps have no day rows; partners do.
        assert not KpiSnapshot.objects.filter(subject_kind="rep", period_kind="day").exists()
        assert KpiSnapshot.objects.filter(subject_kind="partner", period_kind="day").exists()


def test_tenant_quarter_and_years(data):
    tenant = data["tenant"]
    recompute(tenant)
    q1 = row(tenant, "tenant", 0, "quarter", Q1)
    # Listed: a (2 Apr); b was listed on 30 March, in the previous fiscal year.
    assert q1["accounts_listed"] == 1
    # Requests: a (3 days) and b (2 days).
    assert (q1["requests"], q1["requests_lead_days"], q1["requests_lead_n"]) == (2, 5, 2)
    # d1, d2, d3, d5 registered; d1, d3, d5 won; d2 lost; yen: d1 + d3.
    assert (q1["deals_registered"], q1["deals_won"], q1["deals_lost"]) == (4, 3, 1)
    assert q1["deals_approved"] == 1  # d1, on 16 April
    assert q1["revenue_one_time"] == Decimal(1_300_000)
    assert (q1["direct_deals_won"], q1["direct_revenue_one_time"]) == (1, Decimal(2_000_000))
    # Known in the quarter: r1, r2 and r3 (who left on 20 April).
    assert q1["reps_known"] == 3
    assert q1["commission_accrued"] == Decimal(110_000)
    # P1: 76 days from 1 April to today, two intervals due, one with a contact.
    assert (q1["contacts_due"], q1["contacts_on_time"]) == (2, 1)
    # Fiscal 2025 ended on 31 March: b's listing, the three reps joined on 10 January (r1
    # and r3 reachable) and P1's two whole intervals from 10 January (81 days), no contact.
    fy2025 = row(tenant, "tenant", 0, "year", FY2025)
    assert fy2025 == {
        "accounts_listed": 1,
        "reps_known": 3,
        "reps_reachable": 2,
        "contacts_due": 2,
    }
    assert row(tenant, "tenant", 0, "year", FY2026)["deals_won"] == 3


def test_program_row_sums_its_partners(data):
    tenant = data["tenant"]
    recompute(tenant)
    program_id = data["tier"].program_id
    program_may = row(tenant, "program", program_id, "month", MAY)
    partner_may = row(tenant, "partner", data["p1"].pk, "month", MAY)
    assert program_may == partner_may
    # P2 has no contract: the program's quarter holds P1's figures only.
    assert row(tenant, "program", program_id, "quarter", Q1)["deals_won"] == 2


def test_day_rows_follow_the_tenants_clock(data):
    recompute(data["tenant"])
    # The view at 23:00 in Tokyo on 3 May is 14:00 UTC: still 3 May.
    day = row(data["tenant"], "partner", data["p1"].pk, "day", datetime.date(2026, 5, 3))
    assert day == {"asset_views": 3, "asset_viewers": 2}


def snapshot_values(tenant) -> list[tuple]:
    with scopes_disabled():
        return list(
            KpiSnapshot.objects.filter(tenant=tenant)
            .order_by("subject_kind", "subject_id", "period_kind", "period_start")
            .values_list("subject_kind", "subject_id", "period_kind", "period_start", *MEASURES)
        )


def figures(tenant) -> list[tuple]:
    """The rows that hold a figure: what every reader sees (a row of zeros reads as none)."""
    return [values for values in snapshot_values(tenant) if any(values[4:])]


def test_a_rerun_changes_nothing(data):
    tenant = data["tenant"]
    recompute(tenant)
    first = snapshot_values(tenant)
    recompute(tenant)
    assert snapshot_values(tenant) == first
    assert len(first) > 50


def test_the_aggregates_alone_run_every_statement_and_write_nothing(data):
    """The benchmark's floor (bench/kpi.py) runs each statement's SELECT with nothing written:
    every family's SQL is valid on its own and the snapshots stay as they were."""
    tenant = data["tenant"]
    recompute(tenant)
    before = snapshot_values(tenant)
    with tenant_context(tenant), CaptureQueriesContext(connection) as queries:
        written = full_recompute(Scope(tenant=tenant, now=NOW, aggregate_only=True))
    assert written == 0
    assert snapshot_values(tenant) == before
    explained = [q["sql"] for q in queries if q["sql"].lstrip().startswith("EXPLAIN")]
    assert len(explained) == 10  # 5 event families, reps, cadence, 2 roll-ups, direct
    assert not any("INSERT" in sql for sql in explained)


def test_each_snapshot_row_is_written_once_per_phase(data):
    """The families stage their parts; the snapshot table gets one upsert per phase (event
    families, then reps and cadence), then the tenant, program and direct rows."""
    tenant = data["tenant"]
    with tenant_context(tenant), CaptureQueriesContext(connection) as queries:
        kpi_recompute(tenant=tenant, now=NOW)
    writes = [
        q["sql"]
        for q in queries
        if "INSERT INTO insights_kpisnapshot" in " ".join(q["sql"].split())
    ]
    staged = [q["sql"] for q in queries if "INSERT INTO insights_kpi_stage" in q["sql"]]
    assert len(writes) == 5
    assert len(staged) == 7  # one per family


def test_a_partner_refresh_matches_a_full_recompute(data):
    """An event's refresh writes what the nightly run would: change the data, refresh only
    the partner's periods of the events' days (registered 3 June, won 12 June), compare with
    a full recompute."""
    tenant = data["tenant"]
    recompute(tenant)
    with scopes_disabled():
        DealFactory(
            partner=data["p1"],
            rep=data["r2"],
            registered_at=at("2026-06-03"),
            won_on=datetime.date(2026, 6, 12),
            amount_one_time=500_000,
        )
    with tenant_context(tenant):
        for day in (datetime.date(2026, 6, 3), datetime.date(2026, 6, 12)):
            kpi_refresh_partner(tenant=tenant, partner_id=data["p1"].pk, day=day, now=NOW)
    refreshed = snapshot_values(tenant)
    june = row(tenant, "tenant", 0, "month", JUNE)
    assert (june["deals_won"], june["revenue_one_time"]) == (1, Decimal(500_000))
    assert row(tenant, "partner", data["p1"].pk, "month", JUNE)["reps_producing"] == 1
    recompute(tenant)
    assert refreshed == snapshot_values(tenant)


def test_a_refresh_of_the_deal_families_matches_a_full_recompute(data):
    """A won deal refreshes only the deals and commission figures (the share of a full run
    the benchmark holds to 1 %): a deal won, then reopened, each refreshed, reads what the
    nightly run writes, and the partner's other figures stay."""
    tenant = data["tenant"]
    with scopes_disabled():
        deal = DealFactory(
            partner=data["p1"],
            rep=data["r2"],
            registered_at=at("2026-05-20"),
            amount_one_time=300_000,
        )
    recompute(tenant)
    june_12 = datetime.date(2026, 6, 12)
    for won_on in (june_12, None):
        with scopes_disabled():
            Deal.objects.filter(pk=deal.pk).update(won_on=won_on)
        with tenant_context(tenant):
            kpi_refresh_partner(
                tenant=tenant,
                partner_id=data["p1"].pk,
                day=june_12,
                families=("deals", "commission"),
                now=NOW,
            )
        refreshed = figures(tenant)
        june = row(tenant, "partner", data["p1"].pk, "month", JUNE)
        assert june.get("deals_won", 0) == (1 if won_on else 0)
        assert june["asset_views"] > 0  # another family's figure, kept
        recompute(tenant)
        # Reopened, the day of the win keeps a row of zeros the nightly run does not write.
        assert refreshed == figures(tenant)


def test_a_direct_deal_refresh(data):
    tenant = data["tenant"]
    recompute(tenant)
    with scopes_disabled():
        DealFactory(
            tenant=tenant,
            partner=None,
            registration_status="direct",
            registered_at=at("2026-06-01"),
            won_on=datetime.date(2026, 6, 5),
            amount_one_time=700_000,
        )
    with tenant_context(tenant):
        kpi_refresh_partner(tenant=tenant, partner_id=None, day=datetime.date(2026, 6, 5), now=NOW)
    assert row(tenant, "tenant", 0, "quarter", Q1)["direct_revenue_one_time"] == Decimal(2_700_000)
    refreshed = snapshot_values(tenant)
    recompute(tenant)
    assert refreshed == snapshot_values(tenant)


def test_periods_of_a_day_are_fiscal():
    tenant = TenantFactory.build(fiscal_year_start_month=4)
    assert periods_of(tenant, datetime.date(2026, 3, 15)) == [
        ("day", datetime.date(2026, 3, 15)),
        ("month", datetime.date(2026, 3, 1)),
        ("quarter", datetime.date(2026, 1, 1)),
        ("year", datetime.date(2025, 4, 1)),
    ]
    january = TenantFactory.build(fiscal_year_start_month=1)
    assert periods_of(january, datetime.date(2026, 8, 31))[2:] == [
        ("quarter", datetime.date(2026, 7, 1)),
        ("year", datetime.date(2026, 1, 1)),
    ]


def test_other_tenants_are_untouched(data, other_tenant):
    """A recompute of one tenant neither reads nor deletes another's snapshots."""
    with scopes_disabled():
        PartnerFactory(tenant=other_tenant, created_at=at("2026-01-10"))
    recompute(other_tenant)
    theirs = snapshot_values(other_tenant)
    recompute(data["tenant"])
    assert snapshot_values(other_tenant) == theirs


def test_derived_metrics_are_ratios_of_sums(data):
    from insights.metrics import derive

    recompute(data["tenant"])
    q1 = derive(row(data["tenant"], "tenant", 0, "quarter", Q1))
    # Won 3 of 4 decided (d1, d3, d5 won; d2 lost).
    assert q1["win_rate"] == Decimal(3) / Decimal(4)
    # Partner first-year revenue: 1,300,000 + 12 x 50,000 = 1,900,000; direct 2,000,000.
    assert q1["revenue"] == Decimal(1_900_000)
    assert q1["partner_share"] == Decimal(1_900_000) / Decimal(3_900_000)
    assert q1["new_customers"] == 4
    # Requests: (3 + 2) / 2 days; registration to won: (35 + 27 + 20) / 3 days.
    assert q1["requests_lead"] == Decimal("2.5")
    assert q1["won_lead"] == Decimal(82) / Decimal(3)
    assert q1["cadence_compliance"] == Decimal("0.5")
    may = derive(row(data["tenant"], "partner", data["p1"].pk, "month", MAY))
    assert may["activation_rate"] == 1 and may["producing_coverage"] == 1
    # A row without a denominator has no ratio.
    assert derive(None)["win_rate"] is None
