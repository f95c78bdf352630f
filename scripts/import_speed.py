"""Measure the CSV import's speed in rows per second, through the same job services the
pages and the worker use (upload and parse, check, confirm, write with its re-check of what
the database decides).

    DATABASE_URL=postgres://…/some_migrated_db .venv/bin/python scripts/import_speed.py \
        [--rows 20000] [--reps-per-partner 2]

Measure as the application role, which row-level security applies to (as in production),
not as the owner. For a database of your own: create it as the owner, then
`PRM_DB_AS_OWNER=1 DATABASE_URL=<owner url of it> manage.py migrate` and
`... manage.py db_roles --app-url <app-role url of it>`, and run this with DATABASE_URL set
to that app-role URL (`scripts/services.py --json` prints the URLs of the machine's or the
embedded PostgreSQL).

Everything runs in one transaction that is rolled back at the end: the database is left as
it was. Prints one line per phase and the rows/s of the whole import (upload to done).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")


class Rollback(Exception):
    pass


def partner_csv(rows: int) -> str:
    from stdnum.jp import cn

    header = (
        "legal_name,legal_name_kana,corporate_number,entity_kind,priority,status,prefecture,"
        "postal_code,city,street_address,website,employee_count,industries,regions,notes"
    )
    lines = [header]
    for n in range(rows):
        base = f"{n + 1:012d}"
        number = cn.calc_check_digit(base) + base
        lines.append(
            f"株式会社テスト{n},テスト{n},{number},company,B,active,13,１００-０００１,千代田区,"
            f"千代田1-{n},example{n}.co.jp,{n % 900 + 10},manufacturing;retail,13;14,note {n}"
        )
    return "\r\n".join(lines) + "\r\n"


def rep_csv(rows: int, per_partner: int) -> str:
    from stdnum.jp import cn

    lines = ["partner_corporate_number,full_name,full_name_kana,email,phone,department,reachable"]
    for n in range(rows):
        base = f"{n // per_partner + 1:012d}"
        number = cn.calc_check_digit(base) + base
        lines.append(
            f"{number},山田 太郎{n},ヤマダ タロウ,rep{n}@example.test,+81-3-1234-{n % 10000:04d},"
            "営業部,yes"
        )
    return "\r\n".join(lines) + "\r\n"


def timed(label: str, rows: int, step):
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {rows:>7} rows {seconds:7.2f} s {rows / seconds:9.0f} rows/s")
    return result, seconds


def run_kind(tenant, actor, kind: str, text: str, rows: int) -> None:
    from accounts import imports
    from accounts.models import ImportJob

    job, parse_s = timed(
        f"{kind}: upload (decode, parse, store)",
        rows,
        lambda: imports.import_job_create(
            tenant=tenant,
            actor=actor,
            kind=kind,
            filename=f"{kind}.csv",
            data=text.encode("utf-8"),
            language="en",
        ),
    )
    _, check_s = timed(
        f"{kind}: check (the preview)",
        rows,
        lambda: imports.import_job_run(tenant=tenant, import_id=job.pk),
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED and job.error_count == 0, job.errors[:3]
    claimed = imports.import_job_confirm(tenant=tenant, actor=actor, kind=kind, token=job.token)
    assert claimed is not None
    _, write_s = timed(
        f"{kind}: write job (re-check + bulk)",
        rows,
        lambda: imports.import_job_run(tenant=tenant, import_id=job.pk),
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.failure
    total = parse_s + check_s + write_s
    print(f"{kind}: whole import, upload to done: {rows / total:.0f} rows/s ({total:.2f} s)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--reps-per-partner", type=int, default=2)
    options = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import transaction

    from accounts import imports
    from accounts.models import Membership, Tenant, User
    from accounts.roles import Role
    from accounts.tenancy import tenant_context

    # The job path (worker-sized files); the inline limit only decides who runs it.
    imports.INLINE_ROWS = 0
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(slug="import-speed", name="Import speed")
            actor = User.objects.create_user(email="import-speed@example.test", password=None)
            with tenant_context(tenant):
                Membership.objects.create(tenant=tenant, user=actor, role=Role.VENDOR_ADMIN)
                run_kind(tenant, actor, "partners", partner_csv(options.rows), options.rows)
                reps = options.rows * options.reps_per_partner
                run_kind(tenant, actor, "reps", rep_csv(reps, options.reps_per_partner), reps)
            raise Rollback
    except Rollback:
        print("rolled back: nothing was left in the database")
    return 0


if __name__ == "__main__":
    sys.exit(main())
