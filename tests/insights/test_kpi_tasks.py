"""The snapshots follow events within a minute, the nightly run covers every tenant and
refreshes suggested priorities, a burst of events coalesces, and sign-ins are logged."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, SignInDay
from deals.models import Milestone, RegistrationStatus, StageCode
from deals.services import pipeline
from insights import tasks
from insights.models import KpiSnapshot
from partners.choices import Priority
from tests.factories.deals import DealFactory, TargetAccountFactory, stage_of
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import ProgramFactory

pytestmark = pytest.mark.django_db


def _partner_month(tenant, partner, day):
    with scopes_disabled():
        return KpiSnapshot.objects.filter(
            tenant=tenant,
            subject_kind="partner",
            subject_id=partner.pk,
            period_kind="month",
            period_start=day.replace(day=1),
        ).first()


def test_a_won_deal_refreshes_its_partners_month(
    tenant, in_tenant, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(tenant=tenant)
    deal = DealFactory(
        partner=partner,
        program=ProgramFactory(tenant=tenant),
        registration_status=RegistrationStatus.APPROVED,
        stage=stage_of(tenant, StageCode.APPROVED),
        amount_one_time=400_000,
    )
    with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True):
        pipeline.deal_move(
            tenant=tenant,
            actor=None,
            deal=deal,
            stage=stage_of(tenant, StageCode.WON),
            by="vendor",
        )
    today = timezone.localdate()
    month = _partner_month(tenant, partner, today)
    assert month is not None
    assert (month.deals_won, month.revenue_one_time) == (1, 400_000)
    with scopes_disabled():
        whole = KpiSnapshot.objects.get(
            tenant=tenant, subject_kind="tenant", period_kind="day", period_start=today
        )
    assert whole.deals_won == 1
    # The task gave its claim back: the next event queues a refresh of its own.
    assert (
        cache.get(tasks._claim_key(tenant.pk, partner.pk, today, ["commission", "deals"])) is None
    )


def test_a_meeting_held_refreshes_the_funnel(tenant, in_tenant, django_capture_on_commit_callbacks):
    from deals.services.milestones import milestone_move

    account = TargetAccountFactory(
        partner=PartnerFactory(tenant=tenant), milestone=Milestone.ACTION_DONE
    )
    with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True):
        milestone_move(
            tenant=tenant,
            actor=None,
            target_account=account,
            to_milestone=Milestone.MEETING_HELD,
        )
    month = _partner_month(tenant, account.partner, timezone.localdate())
    assert month is not None and month.meetings_held == 1


def test_events_of_a_partner_and_day_coalesce(tenant):
    partner = PartnerFactory(tenant=tenant)
    today = timezone.localdate()
    deals = tasks.DEAL_FAMILIES
    key = tasks._claim_key(tenant.pk, partner.pk, today, sorted(deals))
    # A refresh of the same figures is already waiting: a second event queues nothing.
    cache.add(key, 1, timeout=60)
    assert (
        tasks.kpi_refresh_soon(tenant=tenant, partner_id=partner.pk, day=today, families=deals)
        is False
    )
    with scopes_disabled():
        assert not KpiSnapshot.objects.filter(tenant=tenant).exists()
    # An event that changes other figures is not swallowed by that claim.
    assert (
        tasks.kpi_refresh_soon(
            tenant=tenant, partner_id=partner.pk, day=today, families=tasks.FUNNEL_FAMILIES
        )
        is True
    )
    cache.delete(key)
    assert (
        tasks.kpi_refresh_soon(tenant=tenant, partner_id=partner.pk, day=today, families=deals)
        is True
    )


def test_the_nightly_run_covers_every_tenant_and_refreshes_priorities(tenant, other_tenant):
    listing = PartnerFactory(tenant=tenant, suggested_priority="")
    for _n in range(20):
        TargetAccountFactory(partner=listing)
    DealFactory(partner=listing)
    quiet = PartnerFactory(tenant=other_tenant, suggested_priority=Priority.C)
    assert tasks.kpi_recompute_fanout_task() >= 2
    with scopes_disabled():
        assert KpiSnapshot.objects.filter(tenant=tenant, subject_kind="tenant").exists()
        listing.refresh_from_db()
        quiet.refresh_from_db()
        # 20 open accounts make an A; an unchanged suggestion is neither written nor audited.
        assert listing.suggested_priority == Priority.A
        assert quiet.suggested_priority == Priority.C
        actions = list(
            AuditEvent.objects.filter(action="partner.suggested_priority_set").values_list(
                "tenant_id", flat=True
            )
        )
    assert actions == [tenant.pk]


def test_a_sign_in_is_logged_once_a_day_per_tenant(tenant, other_tenant, client):
    membership, _rep = portal_membership_for(PartnerFactory(tenant=tenant))
    with scopes_disabled():
        from accounts.models import Membership

        Membership.objects.create(tenant=other_tenant, user=membership.user, role="viewer")
    client.force_login(membership.user)
    client.logout()
    client.force_login(membership.user)
    with scopes_disabled():
        days = sorted(SignInDay.objects.values_list("tenant_id", "day"))
    today = timezone.localdate(timezone=datetime.timezone(datetime.timedelta(hours=9)))
    assert days == sorted([(tenant.pk, today), (other_tenant.pk, today)])


def test_partners_whose_reps_opened_material_lately_are_refreshed(tenant):
    import datetime as dt

    from programs.models import AssetView
    from tests.factories.partners import PartnerRepFactory
    from tests.factories.programs import AssetFactory

    asset = AssetFactory(tenant=tenant)
    now = timezone.now()
    fresh, stale = PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    with scopes_disabled():
        for partner, when in ((fresh, now), (stale, now - dt.timedelta(minutes=30))):
            rep = PartnerRepFactory(partner=partner)
            AssetView.objects.create(
                tenant=tenant, asset=asset, partner=partner, rep=rep, action="view", viewed_at=when
            )
    assert tasks.kpi_refresh_viewers_task.apply(kwargs={"tenant_id": tenant.pk}).get() == 1
    with scopes_disabled():
        refreshed = set(
            KpiSnapshot.objects.filter(tenant=tenant, subject_kind="partner").values_list(
                "subject_id", flat=True
            )
        )
    assert refreshed == {fresh.pk}
