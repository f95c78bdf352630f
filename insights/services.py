"""Writes of insights: recomputing the KPI snapshots of a tenant, or of one partner's periods.

Both are one transaction: readers see the old snapshots until the new ones are complete, and
a failed run leaves the old ones. Both are idempotent (the rows are deleted and written again
from the source tables inside the transaction, on the snapshot key), so a retried or doubled
task changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from insights import kpi
from insights.models import InsightsSettings, KpiSnapshot, SubjectKind

register_action_labels({"insights.settings_updated": gettext_lazy("KPI targets changed")})


@service
def kpi_recompute(*, tenant: Tenant, now: datetime.datetime | None = None) -> int:
    """Every snapshot of the tenant, from all of its history; returns the rows written."""
    scope = kpi.Scope(tenant=tenant, now=now or timezone.now())
    KpiSnapshot.objects.filter(tenant=tenant).delete()
    return kpi.full_recompute(scope)


@service
def kpi_refresh_partner(
    *,
    tenant: Tenant,
    partner_id: int | None,
    day: datetime.date,
    families: tuple[str, ...] | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """After an event of `day`: the day, month, fiscal quarter and fiscal year holding it,
    for the partner (its rows and its reps'), then the tenant's and programs' rows of those
    periods. `partner_id=None`: a direct deal, so only the tenant rows' direct figures.

    `families` (names of kpi.FAMILIES): only the figures the event can change (a won deal:
    deals and commission), which keeps the refresh a small share of a full recompute; None:
    every family, the partner's rows rewritten."""
    periods = kpi.periods_of(tenant, day)
    scope = kpi.Scope(
        tenant=tenant, partner_id=partner_id, periods=periods, now=now or timezone.now()
    )
    if partner_id is None:
        return kpi.direct_zero(scope) + kpi.direct_family(scope)
    if families is None:
        in_periods = reduce(
            or_, (Q(period_kind=kind, period_start=start) for kind, start in periods)
        )
        KpiSnapshot.objects.filter(
            in_periods,
            tenant=tenant,
            partner_id=partner_id,
            subject_kind__in=[SubjectKind.PARTNER, SubjectKind.REP],
        ).delete()
    else:
        columns = tuple(c for name in families for c in kpi.FAMILIES[name][1])
        kpi.partner_zero(scope, columns)
    written = kpi.run_families(scope, families)
    kpi.rollups_zero(scope)
    written += kpi.tenant_rollup(scope) + kpi.program_rollup(scope)
    return written


@service
def insights_settings_update(
    *, tenant: Tenant, actor: User | None, partner_share_target: Decimal
) -> InsightsSettings:
    """Set the tenant's target partner share of revenue (a percentage, 0 to 100); audited."""
    if partner_share_target is None or not (0 <= partner_share_target <= 100):
        raise ValidationError(
            {"partner_share_target": _("Enter a share between 0 and 100 per cent.")}
        )
    row, _created = InsightsSettings.objects.select_for_update().get_or_create(tenant=tenant)
    old = row.partner_share_target
    row.partner_share_target = partner_share_target
    row.updated_at = timezone.now()
    row.save(update_fields=["partner_share_target", "updated_at"])
    if old != partner_share_target or _created:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="insights.settings_updated",
            target=row,
            changes={"partner_share_target": [str(old), str(partner_share_target)]},
        )
    return row
