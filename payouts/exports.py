"""What finance downloads for a period, read from the statements as they stand: the Zengin
transfer file for the bank, CSV of the statements and of their lines for the accounting
system, and per individual partner the year's totals for the annual payment report (支払調書).

A period's files hold hundreds of rows, not millions, so they are written while the request
waits (well under a second); the CSV streams row by row all the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from accounts.exports import csv_lines
from accounts.models import Tenant
from partners.choices import EntityKind
from payouts.models import (
    ISSUED_STATUSES,
    PayoutPeriod,
    Statement,
    StatementLine,
    StatementStatus,
)
from payouts.selectors import payout_settings
from payouts.zengin import Originator, Transfer, zengin_file


def _not_corrected(tenant: Tenant) -> Exists:
    return ~Exists(Statement.objects.filter(tenant=tenant, corrects=OuterRef("pk")))


def period_transfers(*, tenant: Tenant, period: PayoutPeriod) -> QuerySet[Statement]:
    """The statements the period's bank file pays: approved or issued, not paid yet, with
    no correction (the correction is paid instead, once approved), and something to pay."""
    return (
        Statement.objects.filter(
            tenant=tenant,
            period=period,
            status__in=(StatementStatus.APPROVED, StatementStatus.ISSUED),
        )
        .filter(_not_corrected(tenant), net_payable__gt=F("settled_before"))
        .select_related("partner")
        .order_by("partner__legal_name_kana", "partner__legal_name", "pk")
    )


def period_zengin_file(*, tenant: Tenant, period: PayoutPeriod) -> bytes:
    """The period's 総合振込 file, paid on its payment date from the tenant's account. A
    ValidationError names every partner and field the bank would refuse."""
    settings_row = payout_settings(tenant=tenant)
    originator = Originator(
        consignor_code=settings_row.transfer_consignor_code,
        name_kana=settings_row.transfer_consignor_name,
        bank_code=settings_row.transfer_bank_code,
        branch_code=settings_row.transfer_branch_code,
        account_type=settings_row.transfer_account_type,
        account_number=settings_row.transfer_account_number,
    )
    transfers = [
        Transfer(
            label=statement.partner.name,
            bank_code=statement.partner.bank_code,
            branch_code=statement.partner.branch_code,
            account_type=statement.partner.account_type,
            account_number=statement.partner.account_number,
            account_holder_kana=statement.partner.account_holder_kana,
            amount=statement.transfer_amount,
            customer_code=statement.number,
        )
        for statement in period_transfers(tenant=tenant, period=period)
    ]
    return zengin_file(originator, transfers, period.pays_on)


def zengin_filename(period: PayoutPeriod) -> str:
    return f"zengin-{period.pays_on:%Y%m%d}.txt"


# --- CSV for the accounting system ------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value, "f")


def statements_csv(*, tenant: Tenant, period: PayoutPeriod) -> Iterator[str]:
    """One row per statement of the period (every revision), its figures as stored."""
    header = [
        _("Statement number"),
        _("Revision"),
        _("Corrects"),
        _("Status"),
        _("Partner"),
        _("Registration number"),
        _("Period from"),
        _("Period to"),
        _("Payment date"),
        _("Currency"),
        _("Amount before tax"),
        _("Consumption tax"),
        _("Amount with tax"),
        _("Withholding tax"),
        _("Carried from before"),
        _("Net payable"),
        _("Paid on the corrected statement"),
        _("Amount to be paid"),
        _("Carried forward"),
        _("Issue date"),
        _("Paid on"),
        _("Bank reference"),
    ]
    statements = (
        Statement.objects.filter(tenant=tenant, period=period)
        .select_related("partner", "corrects")
        .order_by("partner__legal_name", "revision", "pk")
    )
    rows = (
        [
            statement.number,
            statement.revision,
            statement.corrects.number if statement.corrects else "",
            statement.get_status_display(),
            statement.partner.legal_name,
            statement.recipient_registration_number,
            period.starts_on.isoformat(),
            period.ends_on.isoformat(),
            period.pays_on.isoformat(),
            statement.currency,
            _amount(statement.subtotal),
            _amount(statement.tax),
            _amount(statement.gross),
            _amount(statement.withholding),
            _amount(statement.carried_in),
            _amount(statement.net_payable),
            _amount(statement.settled_before),
            _amount(statement.transfer_amount),
            _amount(statement.carried_out),
            statement.issued_on.isoformat() if statement.issued_on else "",
            statement.paid_on.isoformat() if statement.paid_on else "",
            statement.payment_reference,
        ]
        for statement in statements.iterator(chunk_size=1000)
    )
    return csv_lines(header, rows)


def statement_lines_csv(*, tenant: Tenant, period: PayoutPeriod) -> Iterator[str]:
    """One row per ledger line on the period's statements, with its statement's number."""
    header = [
        _("Statement number"),
        _("Partner"),
        _("Line"),
        _("Kind"),
        _("Accrual date"),
        _("Deal"),
        _("Rep"),
        _("Description"),
        _("Currency"),
        _("Amount"),
        _("Tax rate"),
    ]
    lines = (
        StatementLine.objects.filter(tenant=tenant, statement__period=period)
        .select_related("statement__partner", "ledger_line__deal", "ledger_line__rep")
        .order_by("statement__partner__legal_name", "ledger_line__accrued_on", "ledger_line_id")
    )
    rows = (
        [
            item.statement.number,
            item.statement.partner.legal_name,
            item.ledger_line_id,
            item.ledger_line.get_kind_display(),
            item.ledger_line.accrued_on.isoformat(),
            item.ledger_line.deal.customer_name if item.ledger_line.deal else "",
            item.ledger_line.rep.full_name if item.ledger_line.rep else "",
            item.ledger_line.description,
            item.ledger_line.currency,
            _amount(item.ledger_line.amount),
            _amount(item.tax_rate),
        ]
        for item in lines.iterator(chunk_size=2000)
    )
    return csv_lines(header, rows)


# --- The annual payment report (支払調書) -------------------------------------------------------


@dataclass(frozen=True)
class AnnualTotal:
    partner_id: int
    legal_name: str
    registration_number: str
    statements: int
    gross: Decimal
    withholding: Decimal


def annual_payment_totals(*, tenant: Tenant, year: int) -> list[AnnualTotal]:
    """Per individual partner, what the statements paid in `year` (by their periods' payment
    date) came to: the amount with tax and the income tax withheld, the two figures of the
    支払調書. A corrected statement counts through its correction only. One query."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = (
        Statement.objects.filter(
            tenant=tenant,
            status__in=ISSUED_STATUSES,
            period__pays_on__range=(start, end),
            partner__entity_kind=EntityKind.INDIVIDUAL,
        )
        .filter(
            ~Exists(
                Statement.objects.filter(
                    tenant=tenant, corrects=OuterRef("pk"), status__in=ISSUED_STATUSES
                )
            )
        )
        .values("partner_id", "partner__legal_name", "partner__registration_number")
        .annotate(count=Count("id"), gross=Sum("gross"), withholding=Sum("withholding"))
        .order_by("partner__legal_name", "partner_id")
    )
    return [
        AnnualTotal(
            partner_id=row["partner_id"],
            legal_name=row["partner__legal_name"],
            registration_number=row["partner__registration_number"],
            statements=row["count"],
            gross=row["gross"] or Decimal(0),
            withholding=row["withholding"] or Decimal(0),
        )
        for row in rows
    ]


def annual_payment_csv(*, tenant: Tenant, year: int) -> Iterator[str]:
    header = [
        _("Partner"),
        _("Registration number"),
        _("Statements"),
        _("Amount paid (with tax)"),
        _("Income tax withheld"),
    ]
    rows = (
        [
            total.legal_name,
            total.registration_number,
            total.statements,
            _amount(total.gross),
            _amount(total.withholding),
        ]
        for total in annual_payment_totals(tenant=tenant, year=year)
    )
    return csv_lines(header, rows)
