"""The deals demo: loaded through the demo_data command's app hook, once, with the shape the
issue asks for (a narrowing funnel, about 40 % partner revenue, conflicts, expired protections,
direct deals)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import Tenant
from deals.demo import demo_deal_counts
from deals.models import (
    MILESTONE_ORDER,
    Deal,
    DealConflict,
    DealStageChange,
    Milestone,
    RegistrationStatus,
    TargetAccountChange,
)
from partners.models import Partner

pytestmark = pytest.mark.django_db


def _sakura(unscoped):
    with unscoped():
        return Tenant.objects.get(slug="sakura")


def test_demo_loads_once_with_accounts_deals_and_direct_deals(demo_once, unscoped):
    sakura = _sakura(unscoped)
    first = demo_deal_counts(sakura)
    call_command("demo_data", stdout=io.StringIO())

    assert demo_deal_counts(sakura) == first
    assert first["accounts"] > 200
    assert first["partner_deals"] > 30
    assert first["direct_deals"] > 20
    assert first["expired"] >= 1
    assert first["pending"] >= 5
    with unscoped():
        suggested = set(
            Partner.objects.filter(tenant=sakura)
            .exclude(suggested_priority="")
            .values_list("suggested_priority", flat=True)
        )
        assert {"A", "B"} <= suggested
        # The conflicting new registrations are matched, as registration matches them.
        assert (
            DealConflict.objects.filter(
                tenant=sakura, deal__registration_status=RegistrationStatus.PENDING
            ).count()
            >= 5
        )


def test_demo_funnel_narrows_step_by_step(demo_once, unscoped):
    sakura = _sakura(unscoped)
    with unscoped():
        reached = dict(
            TargetAccountChange.objects.filter(tenant=sakura)
            .values_list("to_milestone")
            .annotate(n=Count("target_account", distinct=True))
        )
    counts = [reached.get(step, 0) for step in (*MILESTONE_ORDER, Milestone.CONVERTED)]
    assert all(later < earlier for earlier, later in zip(counts, counts[1:], strict=False)), counts


def test_demo_partner_share_of_won_revenue_is_near_forty_percent(demo_once, unscoped):
    sakura = _sakura(unscoped)
    with unscoped():
        won = list(
            Deal.objects.filter(tenant=sakura, won_on__isnull=False).values_list(
                "partner_id", "amount_one_time", "amount_monthly"
            )
        )
    revenue = {True: Decimal(0), False: Decimal(0)}
    for partner_id, one_time, monthly in won:
        revenue[partner_id is not None] += one_time + 12 * monthly
    share = revenue[True] / (revenue[True] + revenue[False])
    assert Decimal("0.33") <= share <= Decimal("0.47"), share


def test_demo_history_is_consistent_with_each_deal(demo_once, unscoped):
    sakura = _sakura(unscoped)
    with unscoped():
        deals = list(Deal.objects.filter(tenant=sakura).select_related("stage"))
        last_stage = {}
        for change in DealStageChange.objects.filter(tenant=sakura).order_by("changed_at", "id"):
            last_stage[change.deal_id] = change.to_stage_id
    assert all(last_stage[d.pk] == d.stage_id for d in deals)
    assert all((d.won_on is not None) == (d.stage.kind == "won") for d in deals)
    assert all(
        d.protected_until is not None
        for d in deals
        if d.registration_status in (RegistrationStatus.APPROVED, RegistrationStatus.EXPIRED)
    )
