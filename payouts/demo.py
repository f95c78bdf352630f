"""Demo data of the ledger: the demo deals booked by the same handlers as real ones (the
reconciliation finds every won deal, meeting, change and clawback without its lines), and
one manual adjustment, so the ledger pages have something true to show; the payout periods
since the first line, the past ones closed."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone, translation

from accounts.models import Tenant
from accounts.tenancy import tenant_context
from payouts.models import LedgerLine, LineKind
from payouts.services.ledger import ledger_adjustment_create, ledger_reconcile
from payouts.services.periods import periods_close_due, periods_ensure


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
        count = LedgerLine.objects.filter(tenant=tenant).count()
        if stdout is not None:
            stdout.write(
                f"  {tenant.slug}: {count} ledger lines "
                f"({booked['won']} won deals, {booked['clawbacks']} clawbacks booked)"
            )
        return count
