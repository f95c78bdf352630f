"""A partner's scorecard: its figures beside the previous period, the seed KPI of its
program's contract type, its reps, headroom, tier progress and cadence; the partner-page tab;
the QBR as a page (as a PDF: test_qbr_pdf.py); another tenant's partner answers 404 everywhere.

Partner 株式会社サクラ商事, fiscal Q1 2026 against Q4 2025:
  deals won 3 (lost 1) against 1 (lost 1): win rate 75 % against 50 %;
  one-time revenue ¥300,000 against ¥100,000; meetings held 6 in both;
  reps known 4, producing 1 (against 4 and 2); contacts due 2, on time 1.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.selectors.scorecard import partner_scorecard
from insights.selectors.snapshots import KpiFilter
from programs.models import ContractKind
from tests.factories.partners import PartnerFactory, PartnerRepFactory
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    TierFactory,
    built_in_contract_type,
)
from tests.insights.builders import Q1, Q4_PREVIOUS, partner_row, rep_row

pytestmark = pytest.mark.django_db

NAME = "株式会社サクラ商事"


@pytest.fixture
def partner(tenant):
    partner = PartnerFactory(tenant=tenant, legal_name=NAME, display_name="")
    partner_row(
        partner,
        deals_registered=4,
        deals_won=3,
        deals_lost=1,
        revenue_one_time=300_000,
        meetings_held=6,
        reps_known=4,
        reps_active=2,
        reps_producing=1,
        contacts_due=2,
        contacts_on_time=1,
        asset_views=12,
    )
    partner_row(
        partner,
        start=Q4_PREVIOUS,
        deals_won=1,
        deals_lost=1,
        revenue_one_time=100_000,
        meetings_held=6,
        reps_known=4,
        reps_producing=2,
    )
    for name, views, registered, won in (("Hana", 8, 1, 1), ("Jiro", 4, 0, 0), ("Kei", 0, 0, 0)):
        rep_row(
            PartnerRepFactory(partner=partner, full_name=name),
            views=views,
            registered=registered,
            won=won,
        )
    program = ProgramFactory(
        tenant=tenant,
        name="Referral program",
        contract_type=built_in_contract_type(tenant, ContractKind.REFERRAL),
    )
    bronze = TierFactory(program=program, name="Bronze", position=0)
    TierFactory(program=program, name="Gold", position=1, min_meetings_held=10)
    PartnerContractFactory(tier=bronze, partner=partner)
    return partner


QUARTER_QUERY = f"?period=quarter&start={Q1.isoformat()}"


def url(name, partner, query=QUARTER_QUERY):
    path = reverse(name, kwargs={"tenant_slug": partner.tenant.slug, "partner_id": partner.pk})
    return path + query


def test_figures_beside_the_previous_period_and_their_change(partner, in_tenant):
    with in_tenant(partner.tenant):
        scorecard = partner_scorecard(
            tenant=partner.tenant,
            partner=partner,
            kpi_filter=KpiFilter(period_kind="quarter", period_start=Q1),
        )
    assert scorecard.previous_start == Q4_PREVIOUS
    revenue = scorecard.figure("revenue")
    assert (revenue.value, revenue.previous, revenue.change) == (300_000, 100_000, 200_000)
    assert revenue.change_percent == 2  # +200 %
    win_rate = scorecard.figure("win_rate")
    assert (win_rate.value, win_rate.previous) == (Decimal("0.75"), Decimal("0.5"))
    assert win_rate.change == Decimal("0.25") and win_rate.change_percent is None  # points
    assert scorecard.figure("meetings_held").direction == "flat"
    assert scorecard.figure("producing_coverage").direction == "down"
    # A referral program is judged on meetings held.
    assert [f.code for f in scorecard.figures if f.is_seed] == ["meetings_held"]
    assert [(s.program, s.figure.code, s.figure.value) for s in scorecard.seeds] == [
        ("Referral program", "meetings_held", 6)
    ]
    # Reps: Hana performs, Jiro is motivated (4 views: the lower median of 4 and 8).
    quadrants = {rep.name: rep.quadrant for rep in scorecard.distribution.reps}
    assert quadrants == {"Hana": "performing", "Jiro": "support", "Kei": "neither"}
    assert (scorecard.headroom.known, scorecard.headroom.producing) == (4, 1)
    assert scorecard.headroom.headroom == 3
    assert scorecard.cadence == {"due": 2, "on_time": 1, "rate": Decimal("0.5")}
    # Tier progress: Gold needs 10 meetings over its window.
    (progress,) = scorecard.tier_progress
    assert progress.next_tier.name == "Gold"
    assert [(r.key, r.needed) for r in progress.requirements] == [("meetings_held", 10)]
    # The trend runs over eight quarters, oldest first, zeros where nothing happened.
    assert len(scorecard.trend) == 8
    assert scorecard.trend[-1].start == Q1 and scorecard.trend[0].kpi["deals_won"] == 0


def test_the_scorecard_page_shows_the_figures_and_the_trend(partner, manager_member, client_for):
    response = client_for(manager_member).get(url("insights:partner_scorecard", partner))
    assert response.status_code == 200
    html = response.content.decode()
    assert NAME in html
    assert "FY2026 Q1, compared with FY2025 Q4" in html
    assert 'data-kpi="meetings_held" class="seed"' in html
    assert "+¥200,000 (+200 %)" in html
    assert "+25.0 pt" in html
    assert 'data-testid="scorecard-trend-table"' in html
    assert "1 of 4 known reps registered a deal: headroom of 3 reps." in html
    assert "1 of 2 contacts due were on time (50.0 %)." in html


def test_the_scorecard_exports_its_trend_and_reps(partner, manager_member, client_for):
    client = client_for(manager_member)
    trend = client.get(url("insights:partner_scorecard", partner) + "&export=trend")
    assert trend["Content-Type"].startswith("text/csv")
    lines = trend.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert len(lines) == 9 and lines[-1].startswith('"FY2026 Q1","6","4","3"')
    reps = client.get(url("insights:partner_scorecard", partner) + "&export=reps")
    assert '"Hana","8","1","1","2","Performing","Top 20 %"' in reps.content.decode("utf-8")


def test_the_partner_page_tab_is_a_compact_fragment(partner, manager_member, client_for):
    client = client_for(manager_member)
    tab = url("insights:partner_scorecard_tab", partner, "")
    fragment = client.get(tab, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="partner-scorecard-tab"' in fragment
    assert "<html" not in fragment
    assert url("insights:partner_scorecard", partner, "") in fragment
    page = client.get(tab).content.decode()  # visited directly: a page around it
    assert "<html" in page and 'data-testid="partner-scorecard-tab"' in page


def test_the_qbr_page_is_printable(partner, manager_member, client_for):
    response = client_for(manager_member).get(
        url("insights:partner_qbr", partner, "?start=2026-05-20")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{NAME} — FY2026 Q1" in html
    assert "css/insights-qbr.css" in html
    assert 'class="staff-topbar' not in html  # no staff chrome on a document


@pytest.mark.parametrize(
    "name",
    [
        "insights:partner_scorecard",
        "insights:partner_scorecard_tab",
        "insights:partner_qbr",
    ],
)
def test_idor_another_tenant_s_partner_answers_404(
    name, partner, other_tenant, manager_member, client_for
):
    theirs = PartnerFactory(tenant=other_tenant)
    partner_row(theirs, deals_won=9)
    client = client_for(manager_member)
    assert client.get(url(name, theirs)).status_code == 404
    assert client.get(url(name, partner)).status_code == 200  # control


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_the_scorecard_makes_the_same_queries_with_3_and_9_reps(
    partner, manager_member, fresh_client_for
):
    client = fresh_client_for(manager_member)
    pages = [
        url(name, partner)
        for name in (
            "insights:partner_scorecard",
            "insights:partner_qbr",
            "insights:partner_scorecard_tab",
        )
    ]
    small = [count_queries(client, page) for page in pages]
    for i in range(6):
        rep_row(PartnerRepFactory(partner=partner), views=i, registered=i % 2)
    assert [count_queries(client, page) for page in pages] == small
