"""Demo data of the ledger: the demo deals booked by the same handlers as real ones (the
reconciliation finds every won deal, meeting, change and clawback without its lines), and
one manual adjustment, so the ledger pages have something true to show; the payout periods
since the first line, the past ones closed; the statements of the last two closed periods, the
older period's issued (real PDFs) and paid, the latest period's approved, for review."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone, translation

from accounts.models import Membership, Tenant
from accounts.roles import Role
from accounts.tenancy import tenant_context
from payouts.models import LedgerLine, LineKind, PayoutPeriod, PeriodStatus, StatementStatus
from payouts.services import statements
from payouts.services.ledger import ledger_adjustment_create, ledger_reconcile
from payouts.services.periods import periods_close_due, periods_ensure

# Statements of the last closed periods only: each issue renders a PDF (about a second), and
# the worker makes the older periods' statements after the demo is loaded.
STATED_PERIODS = 2


def load_ledger_demo(tenant: Tenant, *, stdout=None) -> int:
    """Book the demo tenant's ledger; returns how many lines it holds (0 when it had some)."""
    with tenant_context(tenant), translation.override(tenant.default_language):
        if LedgerLine.objects.filter(tenant=tenant).exists():
            return 0
        today = timezone.localdate()
        booked = ledger_reconcile(tenant=tenant, today=today)
        first = (
            LedgerLine.objects.filter(tenant=tenant, kind=LineKind.ACCRUAL)
            .select_related("partner")
            .order_by("accrued_on", "id")
            .first()
        )
        if first is not None:
            ledger_adjustment_create(
                tenant=tenant,
                actor=None,
                partner=first.partner,
                amount=Decimal(10000),
                currency=first.currency,
                reason=translation.gettext("Bonus for the joint seminar"),
                token=f"demo-{tenant.pk}",
                accrued_on=today,
            )
        # The periods since the first line, every one but the current closed (as the hourly
        # job leaves them).
        earliest = (
            LedgerLine.objects.filter(tenant=tenant)
            .order_by("booked_on")
            .values_list("booked_on", flat=True)
            .first()
        )
        periods_ensure(tenant=tenant, through=today, since=earliest or today)
        periods_close_due(tenant=tenant, today=today)
        _statements_demo(tenant, today)
        count = LedgerLine.objects.filter(tenant=tenant).count()
        if stdout is not None:
            stdout.write(
                f"  {tenant.slug}: {count} ledger lines "
                f"({booked['won']} won deals, {booked['clawbacks']} clawbacks booked)"
            )
        return count


def _statements_demo(tenant: Tenant, today) -> None:
    finance = (
        Membership.objects.filter(tenant=tenant, role=Role.FINANCE, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if finance is None:
        return
    latest = list(
        PayoutPeriod.objects.filter(tenant=tenant, status=PeriodStatus.CLOSED).order_by(
            "-starts_on"
        )[:STATED_PERIODS]
    )
    for age, period in enumerate(reversed(latest)):
        made = [
            statement
            for partner_id in statements.partners_to_pay(tenant=tenant, period_id=period.pk)
            if (
                statement := statements.statement_generate(
                    tenant=tenant, period_id=period.pk, partner_id=partner_id
                )
            )
            is not None
        ]
        drafts = [s.pk for s in made if s.status == StatementStatus.DRAFT]
        # The demo's one finance person approves alone: above the second-approval amount a
        # statement stays waiting for a second approver, as it would.
        small = [
            s.pk for s in made if s.pk in drafts and not statements.needs_second_approval(tenant, s)
        ]
        if small:
            statements.statements_approve(tenant=tenant, actor=finance.user, statement_ids=small)
        if age == len(latest) - 1:
            continue  # the latest period's statements wait for review
        issued = [
            statements.statement_issue(tenant=tenant, statement_id=pk, actor_id=finance.user_id)
            for pk in small
        ]
        if issued:
            statements.statements_mark_paid(
                tenant=tenant,
                actor=finance.user,
                statement_ids=[s.pk for s in issued],
                paid_on=min(period.pays_on, today),
                reference=f"FB-{period.pays_on:%Y%m%d}",
            )
