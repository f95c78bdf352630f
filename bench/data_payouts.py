"""A year of the commission ledger, monthly payout periods and issued statements.

The append-only triggers (payouts migrations 0002, 0004, 0005) shape the order: every line is
inserted while all periods are still open (a line may not be booked into a closed period),
then the past periods are closed, then the statements are inserted already issued (or paid)
with their lines: the triggers guard updates and deletes, and nothing here updates a line or
an issued statement.
"""

from __future__ import annotations

import datetime
import json
from decimal import ROUND_DOWN, Decimal

from django.db import connection

from bench.data_base import Ctx, copy_rows, ids_of
from payouts.models import PartnerPayoutProfile, PayoutPeriod, PayoutSettings
from payouts.services.periods import periods_ensure
from programs.models import ContractKind

# Per contract kind, as the programs' rules (bench/data_people.py PROGRAMS) say: the
# percentage of the deal (rate, cap, its rule index), the recurring share's rule index, and
# the fixed fee per meeting held (amount, its rule index).
RATES = {
    ContractKind.REFERRAL: (Decimal(10), Decimal(500_000), 1, None, (Decimal(30_000), 0)),
    ContractKind.AGENCY: (Decimal(15), None, 0, None, None),
    ContractKind.RESELLER: (Decimal(20), None, 0, 1, None),
}
RECURRING_MONTHS = 3
TAX_RATE = Decimal(10)
# PayoutSettings.second_approval_over as the builder leaves it (the default).
SECOND_APPROVAL_OVER = Decimal(1_000_000)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _explanation(version, role, rule_index, base_kind, base, rate, amount, day, month=None):
    kind = {"deal_amount": "percentage", "mrr": "recurring", "event": "fixed"}[base_kind]
    return {
        "rule_set_id": version.rule_set_id,
        "rule_set_name": version.rule_set.name,
        "version_id": version.pk,
        "version_number": version.number,
        "effective_from": version.effective_from.isoformat(),
        "rule_index": rule_index,
        "kind": kind,
        "event_kind": "meeting_held" if kind == "fixed" else "deal_won",
        "currency": "JPY",
        "base_kind": base_kind,
        "base": None if kind == "fixed" else format(base, "f"),
        "rate": None if kind == "fixed" else format(rate, "f"),
        "fixed_amount": format(amount, "f") if kind == "fixed" else None,
        "month": month,
        "months": RECURRING_MONTHS if month else None,
        "unrounded": format(amount, "f"),
        "rule_amount": format(amount, "f"),
        # The main partner's role in the program (the calculator's first role).
        "role": role,
        "payable_on": day.isoformat(),
    }


def build_payouts(ctx: Ctx) -> None:
    tenant, today = ctx.tenant, ctx.today
    PayoutSettings.objects.create(tenant=tenant)
    PartnerPayoutProfile.objects.bulk_create(
        PartnerPayoutProfile(tenant=tenant, partner=partner) for partner in ctx.partners
    )
    periods_ensure(tenant=tenant, through=today, since=today - datetime.timedelta(days=365))
    periods = list(PayoutPeriod.objects.filter(tenant=tenant).order_by("starts_on"))
    ctx.counts["payout periods"] = len(periods)
    first_day = periods[0].starts_on
    versions = ctx.extra["versions"]
    won = ctx.extra["won"]
    sources = []
    lines = []  # (key, kind, partner, rep, deal, amount, version, explanation, day)
    for deal_id, partner_id, rep_id, won_on, one_time, monthly, program in won:
        if won_on < first_day:
            continue
        rate, cap, rule_index, recurring_index, _fee = RATES[program.contract_type.code]
        version = versions[program.pk]
        key = f"deal:{deal_id}:won"
        count = 0
        amount = (one_time * rate / 100).quantize(Decimal(1), ROUND_DOWN)
        if cap is not None:
            amount = min(amount, cap)
        if amount:
            explanation = _explanation(
                version,
                program.partner_role,
                rule_index,
                "deal_amount",
                one_time,
                rate,
                amount,
                won_on,
            )
            lines.append(
                (
                    f"{key}:r{rule_index}:{program.partner_role}",
                    "accrual",
                    partner_id,
                    rep_id,
                    deal_id,
                    amount,
                    version.pk,
                    explanation,
                    won_on,
                )
            )
            count += 1
        if monthly and recurring_index is not None:
            share = (monthly * rate / 100).quantize(Decimal(1), ROUND_DOWN)
            for month in range(1, RECURRING_MONTHS + 1):
                day = _add_months(won_on, month - 1)
                if day > today or not share:
                    break
                explanation = _explanation(
                    version,
                    program.partner_role,
                    recurring_index,
                    "mrr",
                    monthly,
                    rate,
                    share,
                    day,
                    month,
                )
                lines.append(
                    (
                        f"{key}:r{recurring_index}:{program.partner_role}:m{month}",
                        "recurring",
                        partner_id,
                        rep_id,
                        deal_id,
                        share,
                        version.pk,
                        explanation,
                        day,
                    )
                )
                count += 1
        sources.append(
            (
                tenant.pk,
                key,
                deal_id,
                won_on,
                "lines" if count else "nothing_due",
                "",
                count,
                ctx.now,
            )
        )
    # The first meeting held of every partner deal: a fee where the program pays one.
    for deal_id, partner_id, rep_id, held_on, program in ctx.extra["held"]:
        if held_on < first_day:
            continue
        fee = RATES[program.contract_type.code][4]
        key = f"deal:{deal_id}:meeting_held"
        if fee is not None:
            amount, rule_index = fee
            explanation = _explanation(
                versions[program.pk],
                program.partner_role,
                rule_index,
                "event",
                None,
                None,
                amount,
                held_on,
            )
            lines.append(
                (
                    f"{key}:r{rule_index}:{program.partner_role}",
                    "accrual",
                    partner_id,
                    rep_id,
                    deal_id,
                    amount,
                    versions[program.pk].pk,
                    explanation,
                    held_on,
                )
            )
        outcome = "lines" if fee is not None else "nothing_due"
        sources.append(
            (tenant.pk, key, deal_id, held_on, outcome, "", int(fee is not None), ctx.now)
        )
    copy_rows(
        ctx,
        "payouts_ledgersource",
        (
            "tenant_id",
            "key",
            "deal_id",
            "event_on",
            "outcome",
            "message",
            "line_count",
            "processed_at",
        ),
        sources,
        "ledger sources",
    )
    source_id = dict(zip((s[1] for s in sources), ids_of(ctx, "payouts_ledgersource"), strict=True))

    def line_rows():
        for key, kind, partner_id, rep_id, deal_id, amount, version_id, explanation, day in lines:
            yield (
                tenant.pk,
                key,
                kind,
                partner_id,
                rep_id,
                deal_id,
                source_id[key.rsplit(":r", 1)[0]],
                amount,
                "JPY",
                version_id,
                json.dumps(explanation),
                "",
                day,
                day,
                day,
                ctx.now,
            )

    copy_rows(
        ctx,
        "payouts_ledgerline",
        (
            "tenant_id",
            "key",
            "kind",
            "partner_id",
            "rep_id",
            "deal_id",
            "source_id",
            "amount",
            "currency",
            "rule_set_version_id",
            "explanation",
            "description",
            "accrued_on",
            "booked_on",
            "payable_from",
            "created_at",
        ),
        line_rows(),
        "ledger lines",
    )
    line_ids = ids_of(ctx, "payouts_ledgerline")

    # Close every period whose closing date has passed (as the daily job would).
    closed = [p for p in periods if p.ends_on < today]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payouts_payoutperiod SET status = 'closed', "
            "closed_at = ends_on + interval '1 day 2 hours', closed_by_id = %s, "
            "statements_requested_at = ends_on + interval '1 day 3 hours' "
            "WHERE tenant_id = %s AND ends_on < %s",
            [ctx.finance.user_id, tenant.pk, today],
        )
    # One statement per partner and closed period, with that period's lines.
    by_statement: dict[tuple[int, int], list[tuple[int, Decimal]]] = {}
    for line_id, line in zip(line_ids, lines, strict=True):
        day, partner_id, amount = line[8], line[2], line[5]
        for period in closed:
            if period.starts_on <= day <= period.ends_on:
                by_statement.setdefault((period.pk, partner_id), []).append((line_id, amount))
                break
    period_of = {p.pk: p for p in closed}
    order = sorted(by_statement, key=lambda k: (period_of[k[0]].starts_on, k[1]))
    finance = ctx.finance.user_id

    def statement_rows():
        for number, (period_id, partner_id) in enumerate(order, start=1):
            period = period_of[period_id]
            subtotal = sum(
                (amount for _id, amount in by_statement[(period_id, partner_id)]), Decimal(0)
            )
            tax = (subtotal * TAX_RATE / 100).quantize(Decimal(1), ROUND_DOWN)
            gross = subtotal + tax
            issued_on = min(today, period.ends_on + datetime.timedelta(days=5))
            issued_at = datetime.datetime.combine(
                issued_on, datetime.time(10), tzinfo=ctx.now.tzinfo
            )
            paid = period.pays_on <= today
            yield (
                tenant.pk,
                partner_id,
                period_id,
                0,
                "paid" if paid else "issued",
                "JPY",
                subtotal,
                json.dumps(
                    [
                        {
                            "rate": format(TAX_RATE, "f"),
                            "base": format(subtotal, "f"),
                            "tax": format(tax, "f"),
                        }
                    ]
                ),
                tax,
                gross,
                Decimal(0),
                "none",
                Decimal(0),
                gross,
                Decimal(0),
                "",
                issued_at,
                issued_at,
                finance,
                f"{number:06d}",
                issued_on,
                issued_at,
                finance,
                "ja",
                "",
                "",
                "",
                Decimal(0),
                period.pays_on if paid else None,
                f"FB-{period.pays_on:%Y%m%d}" if paid else "",
                issued_at if paid else None,
                finance if paid else None,
                "deemed" if paid else "",
                issued_at if paid else None,
                "",
                # Above the second-approval amount a second person approved it too.
                issued_at if gross > SECOND_APPROVAL_OVER else None,
                ctx.admin.user_id if gross > SECOND_APPROVAL_OVER else None,
            )

    copy_rows(
        ctx,
        "payouts_statement",
        (
            "tenant_id",
            "partner_id",
            "period_id",
            "revision",
            "status",
            "currency",
            "subtotal",
            "taxes",
            "tax",
            "gross",
            "withholding",
            "withholding_category",
            "carried_in",
            "net_payable",
            "carried_out",
            "recipient_registration_number",
            "generated_at",
            "approved_at",
            "approved_by_id",
            "number",
            "issued_on",
            "issued_at",
            "issued_by_id",
            "language",
            "pdf",
            "pdf_sha256",
            "correction_reason",
            "settled_before",
            "paid_on",
            "payment_reference",
            "paid_at",
            "paid_by_id",
            "response",
            "responded_at",
            "response_comment",
            "second_approved_at",
            "second_approved_by_id",
        ),
        statement_rows(),
        "statements",
    )
    statement_ids = ids_of(ctx, "payouts_statement")
    PayoutSettings.objects.filter(tenant=tenant).update(last_statement_number=len(order))

    def statement_line_rows():
        for statement_id, key in zip(statement_ids, order, strict=True):
            for line_id, _amount in by_statement[key]:
                yield tenant.pk, statement_id, line_id, TAX_RATE

    copy_rows(
        ctx,
        "payouts_statementline",
        ("tenant_id", "statement_id", "ledger_line_id", "tax_rate"),
        statement_line_rows(),
        "statement lines",
    )
    stated = [p for p in closed if any(k[0] == p.pk for k in order)]
    ctx.extra["closed_period"] = PayoutPeriod.objects.get(pk=stated[-1].pk) if stated else None
