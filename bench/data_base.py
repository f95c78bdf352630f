"""What the benchmark builder's parts share: the build context, COPY and progress lines."""

from __future__ import annotations

import bisect
import datetime
import random
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from accounts.models import Membership, Tenant, User


@dataclass
class Ctx:
    """One build: the tenant, its seeded randomness, today's date and what earlier steps made."""

    tenant: Tenant
    sizes: dict
    rng: random.Random
    today: datetime.date
    now: datetime.datetime
    out: object | None = None
    counts: dict = field(default_factory=dict)
    # Filled by the steps, in order (people, programs, partners, reps, ...).
    admin: Membership | None = None
    finance: Membership | None = None
    managers: list[Membership] = field(default_factory=list)
    manager_users: list[User] = field(default_factory=list)
    partners: list = field(default_factory=list)
    partner_program: dict = field(default_factory=dict)  # partner id -> Program
    rep_ids: list[int] = field(default_factory=list)
    rep_partner: dict = field(default_factory=dict)  # rep id -> partner id
    rep_rank: dict = field(default_factory=dict)  # rep id -> "top" / "middle" / "idle"
    rep_membership: dict = field(default_factory=dict)  # rep id -> membership id
    rep_user: dict = field(default_factory=dict)  # rep id -> user id
    reps_by_partner: dict = field(default_factory=dict)  # partner id -> [rep id]
    stages: dict = field(default_factory=dict)  # code -> DealStage
    extra: dict = field(default_factory=dict)

    def say(self, line: str) -> None:
        if self.out is not None:
            self.out.write(line + "\n" if not line.endswith("\n") else line)
            flush = getattr(self.out, "flush", None)
            if flush is not None:
                flush()


RANK_WEIGHT = {"top": 12.0, "middle": 1.0, "idle": 0.0}


class Weighted:
    """Fast repeated weighted choice from fixed options (cumulative weights, bisect)."""

    def __init__(self, options: list, weights: list[float]):
        self.options = options
        self.cum = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.options[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


# Tables that have triggers of their own (the payouts ledger's append-only and open-period
# guards): always written with every trigger firing.
_OWN_TRIGGERS = ("payouts_ledgerline", "payouts_statement", "payouts_statementline")


def copy_rows(ctx: Ctx, table: str, columns: tuple[str, ...], rows, label: str = "") -> int:
    """COPY the rows into `table` (psycopg 3); returns how many, and prints a progress line.

    Foreign keys: checking them row by row (PostgreSQL's RI triggers, one query per key per
    row) costs more than the COPY itself at a million rows. When the build runs as a
    superuser, the COPY runs with `session_replication_role = replica` (no RI triggers) and
    every foreign key of the table is then checked at once, set-based, for the tenant's rows
    (check_foreign_keys): a dangling reference still fails the build. Check and unique
    constraints are enforced as always; tables with triggers of their own never skip them."""
    started = time.perf_counter()
    written = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    fast = table not in _OWN_TRIGGERS and ctx.extra.setdefault("superuser", _is_superuser())
    with transaction.atomic(), connection.cursor() as cursor:
        if fast:
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            with cursor.connection.cursor() as copy_cursor, copy_cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        finally:
            if fast:
                # SET LOCAL outlives a savepoint: put the triggers back at once.
                cursor.execute("SET LOCAL session_replication_role = origin")
        if fast:
            check_foreign_keys(ctx, table)
    ctx.counts[label or table] = ctx.counts.get(label or table, 0) + written
    ctx.say(f"  {label or table}: {written:,} rows in {time.perf_counter() - started:.1f} s")
    return written


def _needed(keys: list) -> list:
    """The keys worth checking: a key whose column pairs are all part of another key to the
    same table holds when that one does (the tenant-composite keys imply the plain ones), and
    the tenant's own key holds (the rows checked are this tenant's, which exists)."""
    pairs = [
        (referenced, set(zip(cols, ref_cols, strict=True)))
        for _n, referenced, cols, ref_cols in keys
    ]
    needed = []
    for index, (name, referenced, cols, ref_cols) in enumerate(keys):
        if referenced == "accounts_tenant" and list(cols) == ["tenant_id"]:
            continue
        mine = pairs[index][1]
        if any(
            other_index != index and other_referenced == referenced and mine < other
            for other_index, (other_referenced, other) in enumerate(pairs)
        ):
            continue
        needed.append((name, referenced, cols, ref_cols))
    return needed


def check_foreign_keys(ctx: Ctx, table: str) -> None:
    """Every foreign key of `table` holds for the tenant's rows: one anti-join per key."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, c.confrelid::regclass::text,
                   array_agg(a.attname ORDER BY k.ord), array_agg(fa.attname ORDER BY k.ord)
            FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, fcol, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fcol
            WHERE c.conrelid = %s::regclass AND c.contype = 'f'
            GROUP BY c.conname, c.confrelid
            """,
            [table],
        )
        keys = cursor.fetchall()
        for name, referenced, cols, ref_cols in _needed(keys):
            present = " AND ".join(f"t.{col} IS NOT NULL" for col in cols)
            match = " AND ".join(
                f"r.{rc} = t.{col}" for col, rc in zip(cols, ref_cols, strict=True)
            )
            cursor.execute(
                f"SELECT count(*) FROM {table} t WHERE t.tenant_id = %s AND {present} "
                f"AND NOT EXISTS (SELECT 1 FROM {referenced} r WHERE {match})",
                [ctx.tenant.pk],
            )
            dangling = cursor.fetchone()[0]
            if dangling:
                raise IntegrityError(f"{table}: {dangling} rows break foreign key {name}")


def ids_of(ctx: Ctx, table: str, where: str = "") -> list[int]:
    """The ids of the tenant's rows of `table` in insertion (id) order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE tenant_id = %s {where} ORDER BY id", [ctx.tenant.pk]
        )
        return [row[0] for row in cursor.fetchall()]


def timed(ctx: Ctx, label: str, count: int, started: float) -> None:
    ctx.counts[label] = ctx.counts.get(label, 0) + count
    ctx.say(f"  {label}: {count:,} rows in {time.perf_counter() - started:.1f} s")


def moment(ctx: Ctx, days_ago: float) -> datetime.datetime:
    """A time `days_ago` days before now (fractions are hours of the day)."""
    return ctx.now - datetime.timedelta(days=days_ago)
