"""The KPI engine: set-based SQL that writes `KpiSnapshot` rows, one statement per family.

Why SQL here and not the ORM: each family is one `INSERT ... SELECT ... GROUP BY GROUPING
SETS ... ON CONFLICT DO UPDATE` over the source tables, expanded to the four period kinds with
a join, so the database aggregates a year of rows and writes the snapshots without a row ever
reaching Python (the worker's memory stays flat at any size), and a re-run overwrites the same
keys. The ORM can express neither grouping sets nor an insert from a select.

SECURITY(tenant): every statement names the tenant as a parameter on every table it reads,
and it runs inside a tenant task or service whose connection is bound to that tenant, so
row-level security is the second wall. Only fixed fragments of this module are formatted into
the SQL; every value is a parameter.

Order matters: the event families first (funnel, deals, commission, views, sign-ins), then the
reps and cadence families (reps read the rep rows the event families wrote), then the tenant
and program roll-ups (sums of partner rows), then the vendor's direct deals on tenant rows.
The families of each phase write their parts into a temporary stage, and one upsert per phase
writes each snapshot row once (run_families): a row updated once per family would leave a new
row version and index entries each time (the benchmark measured 2.3× the plain aggregates that
way, 1.6–1.8× staged, at the `small` tenant).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from accounts.models import Tenant
from insights.models import MEASURES, PeriodKind
from partners.selectors.engagement import ENGAGED_STATUSES, cadence_rules

TABLE = "insights_kpisnapshot"
KEY = "tenant_id, subject_kind, period_kind, period_start, subject_id"
KINDS_SQL = "(VALUES ('day'), ('month'), ('quarter'), ('year')) AS k(kind)"
LONG_KINDS_SQL = "(VALUES ('month'), ('quarter'), ('year')) AS k(kind)"
STEP_SQL = (
    "CASE k.kind WHEN 'month' THEN interval '1 month' WHEN 'quarter' THEN interval '3 months' "
    "ELSE interval '1 year' END"
)
DIRECT = ("direct_deals_won", "direct_revenue_one_time", "direct_revenue_recurring")
# What the tenant and program rows sum from the partner rows.
ROLLED = tuple(m for m in MEASURES if m not in DIRECT)


@dataclass
class Scope:
    """What one run recomputes: the whole tenant, or one partner in the periods of one day."""

    tenant: Tenant
    partner_id: int | None = None
    # (kind, start) of the periods to write; empty: every period.
    periods: list[tuple[str, datetime.date]] = field(default_factory=list)
    now: datetime.datetime = field(default_factory=timezone.now)
    # The benchmark's floor: each statement's SELECT runs to its end, nothing is written.
    aggregate_only: bool = False
    # Set by run_families(): the partner families write into the stage (see there).
    staging: bool = False

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def params(self) -> dict:
        base = self.tenant.base_currency
        params = {
            "tenant": self.tenant.pk,
            "tz": self.tenant.time_zone,
            "fy": self.tenant.fiscal_year_start_month - 1,
            "now": self.now,
            "today": self.today,
            "currency": base,
            "partner": self.partner_id,
            "period_kinds": [kind for kind, _start in self.periods],
            "period_starts": [start for _kind, start in self.periods],
        }
        for i, (kind, start) in enumerate(self.periods):
            params[f"period_kind_{i}"], params[f"period_start_{i}"] = kind, start
        return params

    def partner_filter(self, column: str) -> str:
        return f"AND {column} = %(partner)s" if self.partner_id is not None else ""

    def period_filter(self, kind: str, start: str) -> str:
        if not self.periods:
            return ""
        return (
            f"AND ({kind}, {start}) IN (SELECT * FROM unnest("
            "%(period_kinds)s::text[], %(period_starts)s::date[]))"
        )


def periods_of(tenant: Tenant, day: datetime.date) -> list[tuple[str, datetime.date]]:
    """The day, month, fiscal quarter and fiscal year that contain `day`."""
    offset = tenant.fiscal_year_start_month - 1
    month = day.replace(day=1)
    # Months since the fiscal year began, then the quarter's and the year's first month.
    into_year = (month.month - 1 - offset) % 12
    year_start = _months_before(month, into_year)
    quarter_start = _months_before(month, into_year % 3)
    return [
        (PeriodKind.DAY, day),
        (PeriodKind.MONTH, month),
        (PeriodKind.QUARTER, quarter_start),
        (PeriodKind.YEAR, year_start),
    ]


def _months_before(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _upsert(
    scope: Scope, *, ctes: str, columns: str, select: str, updates: str, params: dict
) -> int:
    """`WITH ctes INSERT INTO the snapshots (columns) select ON CONFLICT DO UPDATE updates`,
    or, while run_families() stages, the same rows into the stage.

    With `scope.aggregate_only` the same WITH and SELECT run under EXPLAIN ANALYZE instead:
    the database computes every row and column and discards them, which is what the
    benchmark measures the engine against (the aggregates alone, no write)."""
    with_sql = f"WITH {ctes}" if ctes else ""
    if scope.aggregate_only:
        _execute(f"EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) {with_sql} {select}", params)
        return 0
    target = STAGE if scope.staging else TABLE
    conflict = "" if scope.staging else f"ON CONFLICT ({KEY}) DO UPDATE SET {updates}"
    sql = f"""
        {with_sql}
        INSERT INTO {target} (tenant_id, period_kind, period_start, subject_kind, subject_id,
                              {columns}, computed_at)
        {select}
        {conflict}
    """
    return _execute(sql, params)


# --- The stage ------------------------------------------------------------------------------
# Each family yields its own columns of a snapshot row; written one family at a time, every
# row would be updated once per family (a new row version and index entries each time). The
# families of a phase write into a temporary table instead, and one statement writes each
# snapshot row once: the sums of its families' parts.

STAGE = "insights_kpi_stage"


def _stage_open(scope: Scope) -> None:
    """The transaction's stage, empty, with the snapshot table's key and measure columns."""
    _execute(
        f"""
        CREATE TEMP TABLE IF NOT EXISTS {STAGE} ON COMMIT DROP AS
            SELECT tenant_id, period_kind, period_start, subject_kind, subject_id, partner_id,
                   {", ".join(MEASURES)}, computed_at
            FROM {TABLE} WITH NO DATA
        """,
        {},
    )
    _execute(f"TRUNCATE {STAGE}", {})
    scope.staging = True


def _stage_write(scope: Scope, columns: tuple[str, ...]) -> int:
    """One upsert of the staged parts, summed per snapshot key; `columns`: what the staged
    families computed (a refresh of some families leaves the others' figures as they are)."""
    scope.staging = False
    sums = ", ".join(f"COALESCE(sum({c}), 0)" for c in columns)
    sql = f"""
        INSERT INTO {TABLE} (tenant_id, period_kind, period_start, subject_kind, subject_id,
                             partner_id, {", ".join(columns)}, computed_at)
        SELECT tenant_id, period_kind, period_start, subject_kind, subject_id,
               max(partner_id), {sums}, max(computed_at)
        FROM {STAGE}
        GROUP BY tenant_id, period_kind, period_start, subject_kind, subject_id
        ON CONFLICT ({KEY}) DO UPDATE SET {_updates(columns)}
    """
    return _execute(sql, {})


def _updates(columns) -> str:
    return ", ".join(f"{c} = EXCLUDED.{c}" for c in (*columns, "computed_at"))


# --- Event families -------------------------------------------------------------------------
# Each yields rows (partner_id, rep_id, d, ...) of one tenant, d the local date of the event;
# the template adds the period kinds and groups by partner and by rep. Reps get no day rows.


def _event_family(scope: Scope, events_sql: str, measures: dict[str, str]) -> int:
    ctes = f"""
        ev AS ({events_sql}),
        x AS (
            SELECT ev.*, k.kind, insights_period_start(k.kind, ev.d, %(fy)s) AS ps
            FROM ev CROSS JOIN {KINDS_SQL}
        )
    """
    select = f"""
        SELECT %(tenant)s, x.kind, x.ps,
               CASE WHEN GROUPING(x.rep_id) = 0 THEN 'rep' ELSE 'partner' END,
               CASE WHEN GROUPING(x.rep_id) = 0 THEN x.rep_id ELSE x.partner_id END,
               x.partner_id, {", ".join(measures.values())}, %(now)s
        FROM x
        WHERE TRUE {scope.period_filter("x.kind", "x.ps")}
        GROUP BY GROUPING SETS ((x.kind, x.ps, x.partner_id),
                                (x.kind, x.ps, x.partner_id, x.rep_id))
        HAVING GROUPING(x.rep_id) = 1 OR (x.rep_id IS NOT NULL AND x.kind <> 'day')
    """
    return _upsert(
        scope,
        ctes=ctes,
        columns=", ".join(("partner_id", *measures)),
        select=select,
        updates=_updates(measures),
        params=scope.params(),
    )


def _steps(step_of: dict[str, str]) -> dict[str, str]:
    measures = {}
    for column, step in step_of.items():
        measures[column] = f"count(*) FILTER (WHERE x.step = '{step}')"
    for column, step in step_of.items():
        if step == "listed":
            continue
        measures[f"{column}_lead_days"] = (
            f"COALESCE(sum(x.lead) FILTER (WHERE x.step = '{step}'), 0)"
        )
        measures[f"{column}_lead_n"] = f"count(x.lead) FILTER (WHERE x.step = '{step}')"
    return measures


FUNNEL_STEPS = {
    "accounts_listed": "listed",
    "requests": "requested",
    "actions_agreed": "agreed",
    "actions_done": "action_done",
    "meetings_held": "meeting_held",
    "accounts_converted": "converted",
}


FUNNEL_MEASURES = _steps(FUNNEL_STEPS)


def funnel_family(scope: Scope) -> int:
    """Accounts reaching each funnel step, and the days since the account's previous step."""
    events = f"""
        SELECT ta.partner_id, ta.rep_id, (c.changed_at AT TIME ZONE %(tz)s)::date AS d,
               c.to_milestone AS step,
               EXTRACT(EPOCH FROM c.changed_at - lag(c.changed_at) OVER (
                   PARTITION BY c.target_account_id ORDER BY c.changed_at, c.id)) / 86400.0
                   AS lead
        FROM deals_targetaccountchange c
        JOIN deals_targetaccount ta ON ta.id = c.target_account_id AND ta.tenant_id = c.tenant_id
        WHERE c.tenant_id = %(tenant)s {scope.partner_filter("ta.partner_id")}
    """
    return _event_family(scope, events, FUNNEL_MEASURES)


DEALS_MEASURES = {
    "deals_registered": "count(*) FILTER (WHERE x.ev = 'registered')",
    "deals_approved": "count(*) FILTER (WHERE x.ev = 'approved')",
    "deals_won": "count(*) FILTER (WHERE x.ev = 'won')",
    "deals_lost": "count(*) FILTER (WHERE x.ev = 'lost')",
    "revenue_one_time": "COALESCE(sum(x.one_time), 0)",
    "revenue_recurring": "COALESCE(sum(x.recurring), 0)",
    "won_lead_days": "COALESCE(sum(x.lead), 0)",
    "won_lead_n": "count(x.lead)",
}


def deals_family(scope: Scope) -> int:
    """Partner deals registered, approved, won and lost; revenue and registration-to-won days
    of the won ones (in the tenant's base currency: amounts in others are not added up)."""
    partner = scope.partner_filter("dl.partner_id")
    events = f"""
        SELECT dl.partner_id, dl.rep_id, (dl.registered_at AT TIME ZONE %(tz)s)::date AS d,
               'registered' AS ev, 0 AS one_time, 0 AS recurring, NULL::numeric AS lead
        FROM deals_deal dl
        WHERE dl.tenant_id = %(tenant)s AND dl.partner_id IS NOT NULL {partner}
        UNION ALL
        SELECT dl.partner_id, dl.rep_id, (e.at AT TIME ZONE %(tz)s)::date, 'approved', 0, 0, NULL
        FROM deals_dealevent e
        JOIN deals_deal dl ON dl.id = e.deal_id AND dl.tenant_id = e.tenant_id
        WHERE e.tenant_id = %(tenant)s AND e.kind = 'approved'
              AND dl.partner_id IS NOT NULL {partner}
        UNION ALL
        SELECT dl.partner_id, dl.rep_id, dl.won_on, 'won',
               CASE WHEN dl.currency = %(currency)s THEN dl.amount_one_time ELSE 0 END,
               CASE WHEN dl.currency = %(currency)s THEN dl.amount_monthly ELSE 0 END,
               -- A deal entered after it was won (a late registration) has no lead time.
               NULLIF(GREATEST(dl.won_on - (dl.registered_at AT TIME ZONE %(tz)s)::date, -1),
                      -1)::numeric
        FROM deals_deal dl
        WHERE dl.tenant_id = %(tenant)s AND dl.partner_id IS NOT NULL
              AND dl.won_on IS NOT NULL {partner}
        UNION ALL
        SELECT dl.partner_id, dl.rep_id, dl.lost_on, 'lost', 0, 0, NULL
        FROM deals_deal dl
        WHERE dl.tenant_id = %(tenant)s AND dl.partner_id IS NOT NULL
              AND dl.lost_on IS NOT NULL {partner}
    """
    return _event_family(scope, events, DEALS_MEASURES)


COMMISSION_MEASURES = {
    "commission_accrued": "COALESCE(sum(x.accrued), 0)",
    "commission_paid": "COALESCE(sum(x.paid), 0)",
}


def commission_family(scope: Scope) -> int:
    """Commission accrued (ledger lines by accrual date) and paid (lines on statements, by
    the statement's payment date), in the base currency."""
    events = f"""
        SELECT l.partner_id, l.rep_id, l.accrued_on AS d, l.amount AS accrued, 0 AS paid
        FROM payouts_ledgerline l
        WHERE l.tenant_id = %(tenant)s AND l.currency = %(currency)s
              {scope.partner_filter("l.partner_id")}
        UNION ALL
        SELECT l.partner_id, l.rep_id, s.paid_on, 0, l.amount
        FROM payouts_statementline sl
        JOIN payouts_statement s ON s.id = sl.statement_id AND s.tenant_id = sl.tenant_id
        JOIN payouts_ledgerline l ON l.id = sl.ledger_line_id AND l.tenant_id = sl.tenant_id
        WHERE sl.tenant_id = %(tenant)s AND s.paid_on IS NOT NULL
              AND l.currency = %(currency)s {scope.partner_filter("l.partner_id")}
    """
    return _event_family(scope, events, COMMISSION_MEASURES)


VIEWS_MEASURES = {"asset_views": "count(*)", "asset_viewers": "count(DISTINCT x.rep_id)"}


def views_family(scope: Scope) -> int:
    """Opens of material (views and downloads) and the distinct reps who opened any."""
    events = f"""
        SELECT v.partner_id, v.rep_id, (v.viewed_at AT TIME ZONE %(tz)s)::date AS d
        FROM programs_assetview v
        WHERE v.tenant_id = %(tenant)s {scope.partner_filter("v.partner_id")}
    """
    return _event_family(scope, events, VIEWS_MEASURES)


SIGN_IN_MEASURES = {"sign_in_days": "count(*)"}


def sign_ins_family(scope: Scope) -> int:
    """Days on which a partner's reps signed in (a rep's own row: their days)."""
    events = f"""
        SELECT r.partner_id, r.id AS rep_id, s.day AS d
        FROM accounts_signinday s
        JOIN partners_partnerrep r ON r.membership_id = s.membership_id
                                   AND r.tenant_id = s.tenant_id
        WHERE s.tenant_id = %(tenant)s {scope.partner_filter("r.partner_id")}
    """
    return _event_family(scope, events, SIGN_IN_MEASURES)


# --- State families: months, quarters and years from the first one to today -----------------


def _periods_cte(scope: Scope, first_sql: str) -> str:
    """periods(kind, ps, pe): every month, quarter and year from the one holding the date
    `first_sql` gives up to the one holding today (only the chosen ones for a partial run)."""
    return f"""
        periods AS (
            SELECT k.kind, gs::date AS ps, insights_period_end(k.kind, gs::date) AS pe
            FROM {LONG_KINDS_SQL}
            CROSS JOIN LATERAL generate_series(
                insights_period_start(k.kind, COALESCE(({first_sql}), %(today)s), %(fy)s),
                insights_period_start(k.kind, %(today)s, %(fy)s),
                {STEP_SQL}) AS gs
            WHERE TRUE {scope.period_filter("k.kind", "gs::date")}
        )
    """


REPS_COLUMNS = ("reps_known", "reps_reachable", "reps_active", "reps_producing")


def reps_family(scope: Scope) -> int:
    """Per period: reps known (joined by its end, not gone before its start), reachable,
    active (signed in or opened material in it) and producing (registered a deal in it).
    Active and producing read the rep rows the event families just wrote."""
    first = (
        "SELECT min((created_at AT TIME ZONE %(tz)s)::date) FROM partners_partnerrep "
        "WHERE tenant_id = %(tenant)s"
    )
    ctes = f"""
        {_periods_cte(scope, first)},
        rp AS (
            SELECT r.partner_id, r.id AS rep_id, p.kind, p.ps, r.is_reachable,
                   COALESCE(s.asset_views > 0 OR s.sign_in_days > 0, FALSE) AS active,
                   COALESCE(s.deals_registered > 0, FALSE) AS producing
            FROM partners_partnerrep r
            JOIN periods p ON (r.created_at AT TIME ZONE %(tz)s)::date <= p.pe
                          AND ((r.left_on IS NULL AND r.is_active) OR r.left_on >= p.ps)
            LEFT JOIN {TABLE} s ON s.tenant_id = %(tenant)s AND s.subject_kind = 'rep'
                               AND s.period_kind = p.kind AND s.period_start = p.ps
                               AND s.subject_id = r.id
            WHERE r.tenant_id = %(tenant)s {scope.partner_filter("r.partner_id")}
        )
    """
    select = """
        SELECT %(tenant)s, rp.kind, rp.ps,
               CASE WHEN GROUPING(rp.rep_id) = 0 THEN 'rep' ELSE 'partner' END,
               CASE WHEN GROUPING(rp.rep_id) = 0 THEN rp.rep_id ELSE rp.partner_id END,
               rp.partner_id, count(*), count(*) FILTER (WHERE rp.is_reachable),
               count(*) FILTER (WHERE rp.active), count(*) FILTER (WHERE rp.producing), %(now)s
        FROM rp
        GROUP BY GROUPING SETS ((rp.kind, rp.ps, rp.partner_id),
                                (rp.kind, rp.ps, rp.partner_id, rp.rep_id))
    """
    measures = REPS_COLUMNS
    return _upsert(
        scope,
        ctes=ctes,
        columns=", ".join(("partner_id", *measures)),
        select=select,
        updates=_updates(measures),
        params=scope.params(),
    )


CADENCE_COLUMNS = ("contacts_due", "contacts_on_time")


def cadence_family(scope: Scope) -> int:
    """Per engaged partner whose priority has a contact interval, and per period: contacts
    due (whole intervals in the part of the period the partner existed and that has passed)
    and on time (those intervals with at least one logged activity). The interval is the
    partner's priority's today: cadence history is not kept."""
    intervals = {
        priority: rule.contact_interval_days
        for priority, rule in cadence_rules(tenant=scope.tenant).items()
        if rule.contact_interval_days
    }
    if not intervals:
        return 0
    params = scope.params() | {
        "cad_priorities": list(intervals),
        "cad_days": list(intervals.values()),
        "engaged": list(ENGAGED_STATUSES),
    }
    first = (
        "SELECT min((created_at AT TIME ZONE %(tz)s)::date) FROM partners_partner "
        "WHERE tenant_id = %(tenant)s"
    )
    ctes = f"""
        {_periods_cte(scope, first)},
        cp AS (
            SELECT pa.id AS partner_id, p.kind, p.ps, cr.days,
                   GREATEST(p.ps, (pa.created_at AT TIME ZONE %(tz)s)::date) AS since,
                   LEAST(p.pe, %(today)s) AS until
            FROM partners_partner pa
            JOIN unnest(%(cad_priorities)s::text[], %(cad_days)s::int[]) AS cr(priority, days)
                 ON cr.priority = pa.priority
            JOIN periods p ON (pa.created_at AT TIME ZONE %(tz)s)::date <= p.pe
            WHERE pa.tenant_id = %(tenant)s AND pa.status = ANY(%(engaged)s::text[])
                  {scope.partner_filter("pa.id")}
        ),
        due AS (
            SELECT cp.*, (cp.until - cp.since + 1) / cp.days AS due FROM cp
        )
    """
    select = """
        SELECT %(tenant)s, due.kind, due.ps, 'partner', due.partner_id, due.partner_id, due.due,
               LEAST(due.due, (
                   SELECT count(DISTINCT (a.occurred_on - due.since) / due.days)
                   FROM partners_activity a
                   WHERE a.tenant_id = %(tenant)s AND a.partner_id = due.partner_id
                         AND a.occurred_on BETWEEN due.since AND due.until)),
               %(now)s
        FROM due
        WHERE due.due > 0
    """
    measures = CADENCE_COLUMNS
    return _upsert(
        scope,
        ctes=ctes,
        columns=", ".join(("partner_id", *measures)),
        select=select,
        updates=_updates(measures),
        params=params,
    )


# --- Roll-ups and the direct deals ----------------------------------------------------------


def rollups_zero(scope: Scope) -> int:
    """Before a partial roll-up: the tenant and program rows of the chosen periods forget
    their sums, so a period whose last partner row went away reads zero, not a stale sum."""
    updates = ", ".join(f"{c} = 0" for c in ROLLED)
    sql = f"""
        UPDATE {TABLE} SET {updates}, computed_at = %(now)s
        WHERE tenant_id = %(tenant)s AND subject_kind IN ('tenant', 'program')
              {scope.period_filter("period_kind", "period_start")}
    """
    return _execute(sql, scope.params())


def partner_zero(scope: Scope, columns: tuple[str, ...]) -> int:
    """Before a refresh of some families: the partner's and its reps' rows of the chosen
    periods forget those families' figures (an event that went away leaves no group to
    upsert), the other families' figures stay."""
    updates = ", ".join(f"{c} = 0" for c in columns)
    sql = f"""
        UPDATE {TABLE} SET {updates}, computed_at = %(now)s
        WHERE tenant_id = %(tenant)s AND partner_id = %(partner)s
              AND subject_kind IN ('partner', 'rep')
              {scope.period_filter("period_kind", "period_start")}
    """
    return _execute(sql, scope.params())


def _partner_rows(scope: Scope) -> str:
    """The CTE `rows`: the tenant's partner rows of the scope's periods. For a few periods
    each is looked up by the key's index (a lateral join per period): a filter on pairs made
    PostgreSQL read every partner row of the tenant, 2.7 % of a full recompute at the `large`
    bench tenant, for a refresh that reads a few thousand."""
    if not scope.periods:
        return f"""
            rows AS (
                SELECT s.* FROM {TABLE} s
                WHERE s.tenant_id = %(tenant)s AND s.subject_kind = 'partner'
            )
        """
    values = ", ".join(
        f"(%(period_kind_{i})s::text, %(period_start_{i})s::date)"
        for i in range(len(scope.periods))
    )
    return f"""
        rows AS (
            SELECT s.* FROM (VALUES {values}) AS p(kind, start)
            CROSS JOIN LATERAL (
                SELECT * FROM {TABLE} r
                WHERE r.tenant_id = %(tenant)s AND r.subject_kind = 'partner'
                      AND r.period_kind = p.kind AND r.period_start = p.start
                -- A fence: pulled up into a plain join, the lookup per period became one
                -- scan of every partner row again.
                OFFSET 0
            ) s
        )
    """


def tenant_rollup(scope: Scope) -> int:
    sums = ", ".join(f"sum(s.{c})" for c in ROLLED)
    select = f"""
        SELECT %(tenant)s, s.period_kind, s.period_start, 'tenant', 0, {sums}, %(now)s
        FROM rows s
        GROUP BY s.period_kind, s.period_start
    """
    return _upsert(
        scope,
        ctes=_partner_rows(scope),
        columns=", ".join(ROLLED),
        select=select,
        updates=_updates(ROLLED),
        params=scope.params(),
    )


def program_rollup(scope: Scope) -> int:
    """A program's row sums the rows of the partners with a contract in it (signed, any
    status but draft) overlapping the period; a partner counts once per program."""
    sums = ", ".join(f"sum(s.{c})" for c in ROLLED)
    select = f"""
        SELECT %(tenant)s, s.period_kind, s.period_start, 'program', pr.id, {sums}, %(now)s
        FROM rows s
        JOIN programs_program pr ON pr.tenant_id = s.tenant_id
        WHERE EXISTS (
                  SELECT 1 FROM programs_partnercontract c
                  WHERE c.tenant_id = %(tenant)s AND c.program_id = pr.id
                        AND c.partner_id = s.subject_id AND c.status <> 'draft'
                        AND c.starts_on <= insights_period_end(s.period_kind, s.period_start)
                        AND c.ends_on >= s.period_start)
        GROUP BY s.period_kind, s.period_start, pr.id
    """
    return _upsert(
        scope,
        ctes=_partner_rows(scope),
        columns=", ".join(ROLLED),
        select=select,
        updates=_updates(ROLLED),
        params=scope.params(),
    )


def direct_family(scope: Scope) -> int:
    """The vendor's own won deals (no partner), on the tenant's rows: the revenue mix."""
    ctes = f"""
        x AS (
            SELECT k.kind, insights_period_start(k.kind, dl.won_on, %(fy)s) AS ps,
                   CASE WHEN dl.currency = %(currency)s THEN dl.amount_one_time ELSE 0 END
                       AS one_time,
                   CASE WHEN dl.currency = %(currency)s THEN dl.amount_monthly ELSE 0 END
                       AS recurring
            FROM deals_deal dl CROSS JOIN {KINDS_SQL}
            WHERE dl.tenant_id = %(tenant)s AND dl.partner_id IS NULL AND dl.won_on IS NOT NULL
        )
    """
    select = f"""
        SELECT %(tenant)s, x.kind, x.ps, 'tenant', 0, count(*), sum(x.one_time),
               sum(x.recurring), %(now)s
        FROM x
        WHERE TRUE {scope.period_filter("x.kind", "x.ps")}
        GROUP BY x.kind, x.ps
    """
    return _upsert(
        scope,
        ctes=ctes,
        columns=", ".join(DIRECT),
        select=select,
        updates=_updates(DIRECT),
        params=scope.params(),
    )


def direct_zero(scope: Scope) -> int:
    updates = ", ".join(f"{c} = 0" for c in DIRECT)
    sql = f"""
        UPDATE {TABLE} SET {updates}, computed_at = %(now)s
        WHERE tenant_id = %(tenant)s AND subject_kind = 'tenant'
              {scope.period_filter("period_kind", "period_start")}
    """
    return _execute(sql, scope.params())


# The partner families by name, with the columns each writes, in the order they run. The
# event families run first; the state families (reps, cadence) after their rows are written,
# since the reps family reads the rep rows the event families wrote (active, producing).
FAMILIES: dict[str, tuple] = {
    "funnel": (funnel_family, tuple(FUNNEL_MEASURES)),
    "deals": (deals_family, tuple(DEALS_MEASURES)),
    "commission": (commission_family, tuple(COMMISSION_MEASURES)),
    "views": (views_family, tuple(VIEWS_MEASURES)),
    "sign_ins": (sign_ins_family, tuple(SIGN_IN_MEASURES)),
    "reps": (reps_family, REPS_COLUMNS),
    "cadence": (cadence_family, CADENCE_COLUMNS),
}
STATE_FAMILIES = ("reps", "cadence")


def run_families(scope: Scope, names: tuple[str, ...] | None = None) -> int:
    """The partner families `names` (None: all), in their order and in two phases (event
    families, then state families); each phase is staged and written in one upsert. Returns
    the snapshot rows written."""
    chosen = [name for name in FAMILIES if names is None or name in names]
    written = 0
    for phase in (
        [name for name in chosen if name not in STATE_FAMILIES],
        [name for name in chosen if name in STATE_FAMILIES],
    ):
        if not phase:
            continue
        if scope.aggregate_only:
            for name in phase:
                FAMILIES[name][0](scope)
            continue
        _stage_open(scope)
        for name in phase:
            FAMILIES[name][0](scope)
        written += _stage_write(scope, tuple(c for name in phase for c in FAMILIES[name][1]))
    return written


def full_recompute(scope: Scope) -> int:
    """Every family over all of the tenant's history, in order; returns the rows written (the
    caller deletes the tenant's old rows first). With `scope.aggregate_only`: the benchmark's
    floor, the same aggregates with nothing written."""
    written = run_families(scope)
    written += tenant_rollup(scope) + program_rollup(scope)
    return written + direct_family(scope)
