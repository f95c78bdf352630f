"""The benchmark tenant builder (bench/data.py) at its tiny scale: counts, reproducibility, the
KPI families it feeds, and the pages its people open."""

import io
import random

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import SignInDay
from accounts.roles import Role
from accounts.tenancy import tenant_context
from bench.data import SCALES, build_bench_tenant
from bench.data_base import Ctx, copy_rows
from deals.models import Deal, DealStage, RegistrationStatus, StageCode, TargetAccount
from deals.services.pipeline import VENDOR, deal_move
from insights.models import KpiSnapshot
from insights.services import kpi_recompute
from partners.models import Activity, Partner, PartnerRep
from payouts.models import LedgerLine, PeriodStatus, Statement, StatementLine, StatementStatus
from payouts.services.ledger import ledger_reconcile
from programs.models import AssetView, PartnerContract
from tests.conftest import AppRoleClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    return build_bench_tenant(scale="tiny", seed=7)


def _count(model, tenant):
    with scopes_disabled():
        return model.objects.filter(tenant=tenant).count()


def test_tiny_build_writes_its_scale(tiny):
    size = SCALES["tiny"]
    tenant = tiny.tenant
    assert _count(Partner, tenant) == size["partners"] == tiny.counts["partners"]
    assert _count(PartnerRep, tenant) == size["reps"] == tiny.counts["reps"]
    assert _count(Deal, tenant) == size["deals"] == tiny.counts["deals"]
    assert _count(AssetView, tenant) == size["views"] == tiny.counts["asset views"]
    assert _count(TargetAccount, tenant) == size["targets"] == tiny.counts["target accounts"]
    assert _count(Activity, tenant) == size["activities"] == tiny.counts["activities"]
    assert _count(PartnerContract, tenant) == size["partners"]
    for model, label in (
        (SignInDay, "sign-in days"),
        (LedgerLine, "ledger lines"),
        (Statement, "statements"),
        (StatementLine, "statement lines"),
    ):
        assert _count(model, tenant) == tiny.counts[label] > 0, label


def test_tiny_build_has_its_people_and_objects(tiny):
    with scopes_disabled():
        assert tiny.admin.role == Role.VENDOR_ADMIN
        assert tiny.finance.role == Role.FINANCE
        assert tiny.manager.role == Role.PARTNER_MANAGER
        by_partner = list(
            Deal.objects.filter(tenant=tiny.tenant, partner__isnull=False)
            .values("partner")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
        reps = list(
            PartnerRep.objects.filter(tenant=tiny.tenant)
            .values("partner")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
        assert by_partner[0]["partner"] == reps[0]["partner"] == tiny.big_partner.pk
        assert PartnerRep.objects.get(membership=tiny.portal_admin).partner == tiny.big_partner
        assert PartnerRep.objects.get(membership=tiny.portal_rep).partner == tiny.big_partner
        assert tiny.portal_admin.role == Role.PARTNER_ADMIN
        assert tiny.portal_rep.role == Role.PARTNER_REP
        assert Deal.objects.filter(tenant=tiny.tenant, partner__isnull=True).exists()
        duplicates = Deal.objects.filter(
            tenant=tiny.tenant, registration_status=RegistrationStatus.DUPLICATE
        )
        assert duplicates.exists()
        assert not duplicates.filter(duplicate_of__isnull=True).exists()
        assert tiny.closed_period.status == PeriodStatus.CLOSED
        assert Statement.objects.filter(
            period=tiny.closed_period, status__in=[StatementStatus.ISSUED, StatementStatus.PAID]
        ).exists()
        # Every partner is the owner's or another manager's; the manager owns the most.
        owners = list(
            Partner.objects.filter(tenant=tiny.tenant)
            .values("owner")
            .annotate(n=Count("id"))
            .order_by("-n", "owner")
        )
        assert owners[0]["owner"] == tiny.manager.pk
        assert Partner.objects.filter(tenant=tiny.tenant, last_contact_on__isnull=False).exists()


def _fingerprint(bench):
    tenant = bench.tenant
    with scopes_disabled():
        deals = Deal.objects.filter(tenant=tenant)
        rep_order = {
            rep_id: index
            for index, rep_id in enumerate(
                PartnerRep.objects.filter(tenant=tenant).order_by("id").values_list("id", flat=True)
            )
        }
        views = sorted(
            (rep_order[row["rep"]], row["n"])
            for row in AssetView.objects.filter(tenant=tenant).values("rep").annotate(n=Count("id"))
        )
        return {
            "statuses": sorted(
                deals.values_list("registration_status").annotate(n=Count("id")).order_by()
            ),
            "amounts": deals.aggregate(one=Sum("amount_one_time"), monthly=Sum("amount_monthly")),
            "won_days": sorted(
                str(d) for d in deals.filter(won_on__isnull=False).values_list("won_on", flat=True)
            ),
            "milestones": sorted(
                TargetAccount.objects.filter(tenant=tenant)
                .values_list("milestone")
                .annotate(n=Count("id"))
                .order_by()
            ),
            "views_per_rep": views,
            "ledger": LedgerLine.objects.filter(tenant=tenant).aggregate(s=Sum("amount"))["s"],
            "statements": Statement.objects.filter(tenant=tenant).count(),
            "names": sorted(deals.values_list("customer_name", flat=True))[:20],
        }


def test_the_same_seed_builds_the_same_data(tiny):
    again = build_bench_tenant(scale="tiny", seed=7)
    other = build_bench_tenant(scale="tiny", seed=8)
    assert again.tenant.pk != tiny.tenant.pk
    assert _fingerprint(again) == _fingerprint(tiny)
    assert _fingerprint(other) != _fingerprint(tiny)


def test_the_data_feeds_every_kpi_family(tiny):
    with tenant_context(tiny.tenant):
        assert kpi_recompute(tenant=tiny.tenant) > 0
        years = KpiSnapshot.objects.filter(
            tenant=tiny.tenant, subject_kind="tenant", period_kind="year"
        )
        # The last twelve months span one or two fiscal years: their rows together.
        totals = years.aggregate(
            won=Sum("deals_won"),
            revenue=Sum("revenue_one_time"),
            meetings=Sum("meetings_held"),
            accrued=Sum("commission_accrued"),
            paid=Sum("commission_paid"),
            views=Sum("asset_views"),
            producing=Sum("reps_producing"),
            due=Sum("contacts_due"),
            sign_ins=Sum("sign_in_days"),
            direct=Sum("direct_deals_won"),
        )
        programs = KpiSnapshot.objects.filter(
            tenant=tiny.tenant, subject_kind="program", period_kind="year", deals_won__gt=0
        )
        assert programs.exists()
    assert all(value and value > 0 for value in totals.values()), totals


def test_the_deal_to_win_is_won_through_the_deals_service(tiny, django_capture_on_commit_callbacks):
    deal = tiny.deal_to_win
    assert deal.registration_status == RegistrationStatus.APPROVED
    with tenant_context(tiny.tenant):
        won = DealStage.objects.get(tenant=tiny.tenant, code=StageCode.WON)
        with django_capture_on_commit_callbacks(execute=True):
            deal_move(tenant=tiny.tenant, actor=tiny.manager.user, deal=deal, stage=won, by=VENDOR)
        deal.refresh_from_db()
        assert deal.won_on is not None
        # The win books its commission in the current, open period.
        assert LedgerLine.objects.filter(tenant=tiny.tenant, deal=deal).exists()


def test_its_people_open_their_home_pages(tiny, app_db_role):
    # As the application's database role: row-level security sees the tenant's rows.
    client = AppRoleClient()
    slug = tiny.tenant.slug
    pages = (
        (tiny.manager, reverse("partner_list", kwargs={"tenant_slug": slug})),
        (tiny.admin, reverse("partner_list", kwargs={"tenant_slug": slug})),
        (tiny.finance, reverse("staff_dashboard", kwargs={"tenant_slug": slug})),
        (tiny.portal_admin, reverse("portal_home", kwargs={"tenant_slug": slug})),
        (tiny.portal_rep, reverse("portal_home", kwargs={"tenant_slug": slug})),
    )
    for membership, url in pages:
        client.force_login(membership.user)
        response = client.get(url)
        assert response.status_code == 200, (membership.role, url)
        if membership == tiny.manager:
            # The rows are there for the app role, not only for the superuser.
            assert tiny.big_partner.display_name in response.content.decode()
        client.logout()


def test_the_command_builds_and_reports():
    out = io.StringIO()
    call_command("bench_data", "--scale", "tiny", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "deals: 300 rows" in text
    assert "elapsed" in text
    with scopes_disabled():
        assert Deal.objects.filter(tenant__slug__startswith="bench-tiny-").count() == 300


def test_a_dangling_reference_fails_the_build(tiny):
    """Bulk writes skip the per-row foreign-key triggers where they can; the set-based check
    that replaces them (or the triggers themselves) still refuses a dangling row."""
    ctx = Ctx(
        tenant=tiny.tenant,
        sizes=SCALES["tiny"],
        rng=random.Random(1),
        today=timezone.localdate(),
        now=timezone.now(),
    )
    with scopes_disabled():
        rep = PartnerRep.objects.filter(tenant=tiny.tenant).order_by("id").first()
        missing = Activity.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows(
            ctx,
            "partners_activityrepattendee",
            ("tenant_id", "activity_id", "rep_id"),
            [(tiny.tenant.pk, missing, rep.pk)],
        )
        connection.check_constraints()


def test_the_ledger_is_complete_for_the_reconciliation(tiny):
    """The bulk-written ledger has every source the handlers would have written: the daily
    reconciliation finds no won deal, meeting or recurring month left to book."""
    with tenant_context(tiny.tenant):
        before = LedgerLine.objects.filter(tenant=tiny.tenant).count()
        booked = ledger_reconcile(tenant=tiny.tenant, today=timezone.localdate())
        assert LedgerLine.objects.filter(tenant=tiny.tenant).count() == before
    assert booked == {"won": 0, "changes": 0, "clawbacks": 0, "meetings": 0, "recurring": 0}
