"""The portal's "My results" page: the partner admin reads the company's figures and its reps',
a rep reads their own only, another partner's figures and names never appear, the tables
export as CSV exactly as shown, and the page makes as many queries with 6 reps as with 2.

The snapshot rows are written directly with distinct numbers (the engine that writes them is
tested in test_kpi_engine.py), so every figure on the page can be traced to one row.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from accounts.roles import Role
from accounts.urls_helpers import tenant_reverse
from insights.models import KpiSnapshot
from insights.services import kpi_recompute
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory

pytestmark = pytest.mark.django_db

MAY = datetime.date(2026, 5, 1)
APRIL = datetime.date(2026, 4, 1)
Q1 = datetime.date(2026, 4, 1)  # the default fiscal year starts in April


def snapshot(partner, *, kind="month", start=MAY, rep=None, **measures):
    with scopes_disabled():
        return KpiSnapshot.objects.create(
            tenant=partner.tenant,
            partner=partner,
            subject_kind="rep" if rep else "partner",
            subject_id=rep.pk if rep else partner.pk,
            period_kind=kind,
            period_start=start,
            **measures,
        )


@pytest.fixture
def world(tenant):
    """Minato (its admin, reps Hana and Ken) and Kita (its admin, rep Goro), with figures
    for May 2026 and for April (the previous month) that differ on every side."""
    with scopes_disabled():
        tenant.fiscal_year_start_month = 4
        tenant.save(update_fields=["fiscal_year_start_month"])
    minato = PartnerFactory(tenant=tenant, legal_name="株式会社ミナト商事", display_name="Minato")
    admin, _admin_rep = portal_membership_for(minato, role=Role.PARTNER_ADMIN, full_name="Aiko")
    hana, hana_rep = portal_membership_for(minato, full_name="Hana Sato")
    _ken, ken_rep = portal_membership_for(minato, full_name="Ken Ito")
    kita = PartnerFactory(tenant=tenant, legal_name="北商事株式会社", display_name="Kita")
    kita_admin, _kita_admin_rep = portal_membership_for(kita, role=Role.PARTNER_ADMIN)
    _goro, goro_rep = portal_membership_for(kita, full_name="Goro Kitano")

    snapshot(
        minato,
        deals_registered=7,
        deals_won=3,
        deals_lost=1,
        revenue_one_time=Decimal(1_234_000),
        meetings_held=5,
        commission_accrued=Decimal(123_400),
        commission_paid=Decimal(55_500),
        asset_views=41,
        reps_known=3,
        reps_active=2,
        reps_producing=1,
        contacts_due=4,
        contacts_on_time=1,
    )
    snapshot(minato, start=APRIL, deals_registered=2, deals_won=1)
    snapshot(
        minato,
        rep=hana_rep,
        deals_registered=4,
        deals_won=2,
        deals_lost=1,
        revenue_one_time=Decimal(876_000),
        asset_views=17,
        sign_in_days=9,
        reps_known=1,
        reps_active=1,
        reps_producing=1,
    )
    snapshot(
        minato,
        rep=ken_rep,
        deals_registered=3,
        deals_won=1,
        revenue_one_time=Decimal(358_000),
        asset_views=24,
        sign_in_days=2,
        reps_known=1,
        reps_active=1,
    )
    snapshot(
        kita,
        deals_registered=91,
        deals_won=88,
        revenue_one_time=Decimal(9_876_543),
        asset_views=777,
    )
    snapshot(kita, rep=goro_rep, deals_registered=91, asset_views=777, sign_in_days=19)
    return {
        "tenant": tenant,
        "minato": minato,
        "admin": admin,
        "hana": hana,
        "hana_rep": hana_rep,
        "ken_rep": ken_rep,
        "kita": kita,
        "kita_admin": kita_admin,
        "goro_rep": goro_rep,
    }


def url(tenant, query="period=month&start=2026-05-01") -> str:
    return tenant_reverse(tenant, "insights:portal_results") + (f"?{query}" if query else "")


def cards(html: str) -> str:
    return html.split('data-testid="result-cards"')[1].split("</section>")[0]


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_partner_admin_sees_the_company_figures_and_its_reps(world, fresh_client_for):
    response = fresh_client_for(world["admin"]).get(url(world["tenant"]))

    assert response.status_code == 200
    html = response.content.decode()
    figures = cards(html)
    assert 'data-metric="deals_registered"' in figures
    assert "¥1,234,000" in figures  # first-year revenue
    assert "¥123,400" in figures and "¥55,500" in figures  # commission accrued and paid
    assert "75 %" in figures  # win rate: 3 won of 4 decided
    assert "66.7 %" in figures  # activation: 2 active of 3 known
    assert "33.3 %" in figures  # producing coverage: 1 of 3
    assert "Previous period: 2" in figures  # April's registrations beside May's
    assert "Hana Sato" in html and "Ken Ito" in html
    assert 'data-testid="tier-progress"' in html or 'data-testid="programs-link"' in html
    assert 'data-testid="commissions-link"' in html
    assert "May 2026" in html


def test_the_other_partners_figures_and_names_never_appear(world, fresh_client_for):
    client = fresh_client_for(world["admin"])
    html = client.get(url(world["tenant"])).content.decode()
    csv_body = client.get(
        url(world["tenant"], "period=month&start=2026-05-01&format=csv&table=reps")
    )

    for foreign in ("Goro Kitano", "北商事", "Kita", "9,876,543", "777", ">91<", ">88<"):
        assert foreign not in html, foreign
    assert "Goro Kitano" not in csv_body.content.decode()
    # The vendor's own view of the partner (its cadence) stays off the page.
    assert "cadence" not in html.lower()


def test_a_rep_sees_only_their_own_figures(world, fresh_client_for):
    html = fresh_client_for(world["hana"]).get(url(world["tenant"])).content.decode()

    figures = cards(html)
    assert "¥876,000" in figures  # Hana's own revenue, not the company's ¥1,234,000
    assert "¥1,234,000" not in html
    assert 'data-metric="sign_in_days"' in figures
    assert 'data-metric="activation_rate"' not in figures
    assert "Ken Ito" not in html and "Goro Kitano" not in html
    assert 'data-testid="reps-table"' not in html
    assert 'data-testid="tier-progress"' not in html


def test_a_rep_cannot_read_the_reps_table_as_csv(world, fresh_client_for):
    client = fresh_client_for(world["hana"])

    rows = read_csv(client.get(url(world["tenant"], "period=month&format=csv&table=reps")))

    # The trend of their own row answers instead: never the company's reps.
    assert rows[0][0] == "Period"
    assert all("Ken Ito" not in cell for row in rows for cell in row)


def test_quarter_and_year_read_the_rows_of_their_period(world, fresh_client_for):
    snapshot(world["minato"], kind="quarter", start=Q1, deals_registered=12, deals_won=4)
    snapshot(world["minato"], kind="year", start=Q1, deals_registered=45, deals_won=6)
    client = fresh_client_for(world["admin"])

    quarter = client.get(url(world["tenant"], "period=quarter&start=2026-05-17"))
    year = client.get(url(world["tenant"], "period=year&start=2026-05-17"))

    assert "FY2026 Q1" in quarter.content.decode()
    assert '<div class="results-value fw-semibold" data-testid="card-value">12</div>' in cards(
        quarter.content.decode()
    )
    assert "FY2026" in year.content.decode()
    assert '<div class="results-value fw-semibold" data-testid="card-value">45</div>' in cards(
        year.content.decode()
    )


def test_previous_and_next_links_move_one_period(world, fresh_client_for):
    html = fresh_client_for(world["admin"]).get(url(world["tenant"])).content.decode()

    assert '?period=month&amp;start=2026-04-01" data-testid="period-previous"' in html
    assert '?period=month&amp;start=2026-06-01" data-testid="period-next"' in html


def test_the_current_period_has_no_next_link_and_a_future_one_is_the_current(
    world, fresh_client_for
):
    client = fresh_client_for(world["admin"])

    html = client.get(url(world["tenant"], "period=month&start=2999-01-01")).content.decode()

    assert 'data-testid="period-next"' not in html
    assert "January 2999" not in html
    assert 'data-testid="period-previous"' in html


def test_reps_table_sorts_by_a_column(world, fresh_client_for):
    client = fresh_client_for(world["admin"])

    by_views = client.get(url(world["tenant"], "period=month&start=2026-05-01&sort=-asset_views"))
    by_name = client.get(url(world["tenant"], "period=month&start=2026-05-01&sort=name"))

    views_html, name_html = by_views.content.decode(), by_name.content.decode()
    assert views_html.index("Ken Ito") < views_html.index("Hana Sato")  # 24 views before 17
    assert name_html.index("Hana Sato") < name_html.index("Ken Ito")


def test_reps_csv_is_what_the_table_shows(world, fresh_client_for):
    client = fresh_client_for(world["admin"])

    response = client.get(
        url(
            world["tenant"], "period=month&start=2026-05-01&sort=-asset_views&format=csv&table=reps"
        )
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="results-month-202605-reps.csv"' in response["Content-Disposition"]
    assert read_csv(response) == [
        [
            "Rep",
            "Asset views",
            "Sign-in days",
            "Deals registered",
            "Deals won",
            "Revenue (first year)",
            "Active",
            "Producing",
        ],
        ["Ken Ito", "24", "2", "3", "1", "358000", "yes", "no"],
        ["Hana Sato", "17", "9", "4", "2", "876000", "yes", "yes"],
    ]


def test_trend_csv_lists_the_eight_periods_newest_first(world, fresh_client_for):
    client = fresh_client_for(world["admin"])

    rows = read_csv(client.get(url(world["tenant"], "period=month&start=2026-05-01&format=csv")))

    assert rows[0] == [
        "Period",
        "Starts on",
        "Registered",
        "Won",
        "Revenue",
        "Win rate (%)",
        "Meetings",
        "Commission",
        "Views",
    ]
    assert len(rows) == 1 + 8
    assert rows[1][:6] == ["May 2026", "2026-05-01", "7", "3", "1234000", "75.0"]
    assert rows[2][:4] == ["Apr 2026", "2026-04-01", "2", "1"]
    assert rows[8][1] == "2025-10-01"


def test_no_figures_yet_shows_the_empty_state(tenant, fresh_client_for):
    partner = PartnerFactory(tenant=tenant)
    admin, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)

    html = fresh_client_for(admin).get(url(tenant)).content.decode()

    assert 'data-testid="results-empty"' in html
    assert "Your results appear here once" in html
    assert 'data-testid="result-cards"' not in html


def test_partner_admin_sees_progress_to_the_next_tier(world, fresh_client_for):
    program = ProgramFactory(tenant=world["tenant"], name="Resellers")
    registered = TierFactory(program=program, name="Registered", position=0)
    TierFactory(program=program, name="Silver", position=1, min_won_deals=5)
    PartnerContractFactory(partner=world["minato"], tier=registered)
    client = fresh_client_for(world["admin"])

    html = client.get(url(world["tenant"])).content.decode()
    rep_html = fresh_client_for(world["hana"]).get(url(world["tenant"])).content.decode()

    progress = html.split('data-testid="tier-progress"')[1].split("</ul>")[0]
    assert "Resellers: Registered → Silver" in progress
    assert "Won deals" in progress and "/ 5" in progress
    assert '<progress class="results-progress" max="5"' in progress
    assert "Resellers" not in rep_html


def test_a_start_before_any_figures_is_read_from_2000_on(world, fresh_client_for):
    client = fresh_client_for(world["admin"])

    response = client.get(url(world["tenant"], "period=year&start=0001-01-01"))

    assert response.status_code == 200
    assert 'data-testid="period-label">FY1999' in response.content.decode()


def test_a_malformed_period_or_start_falls_back_to_this_month(world, fresh_client_for):
    client = fresh_client_for(world["admin"])

    response = client.get(url(world["tenant"], "period=day&start=not-a-date"))

    assert response.status_code == 200
    assert '<option value="month" selected>' in response.content.decode()


def test_the_page_reads_in_japanese_with_amounts_in_yen(world, fresh_client_for):
    world["admin"].user.language = "ja"
    world["admin"].user.save(update_fields=["language"])

    response = fresh_client_for(world["admin"]).get(url(world["tenant"]))

    assert response.status_code == 200
    figures = cards(response.content.decode())
    assert "1,234,000円" in figures
    assert "2026年5月" in response.content.decode()


def test_staff_get_404(world, fresh_client_for, member_factory):
    manager = member_factory(world["tenant"], Role.PARTNER_MANAGER)

    assert fresh_client_for(manager).get(url(world["tenant"])).status_code == 404


def test_figures_the_engine_computed_show_on_the_page(tenant, fresh_client_for):
    """End to end: a won deal, recomputed by the engine, is the rep's and the company's."""
    from tests.factories.deals import DealFactory

    partner = PartnerFactory(tenant=tenant)
    admin, _admin_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    rep_login, rep = portal_membership_for(partner, full_name="Rika Mori")
    with scopes_disabled():
        DealFactory(
            partner=partner,
            rep=rep,
            registered_at=datetime.datetime(2026, 5, 2, 10, tzinfo=datetime.UTC),
            won_on=datetime.date(2026, 5, 20),
            amount_one_time=432_100,
        )
    from accounts.tenancy import tenant_context

    with tenant_context(tenant):
        kpi_recompute(tenant=tenant, now=datetime.datetime(2026, 6, 15, 3, tzinfo=datetime.UTC))

    company = fresh_client_for(admin).get(url(tenant)).content.decode()
    own = fresh_client_for(rep_login).get(url(tenant)).content.decode()

    assert "¥432,100" in cards(company) and "Rika Mori" in company
    assert "¥432,100" in cards(own)


# The request's own queries (session, user, tenant, membership, row-level security), the
# rep the login is linked to, the series, and for the partner admin the reps and the tier
# progress (contracts, tiers and each contract's figures: none here); nothing per rep or row.
QUERIES = {"admin": 15, "hana": 13}


@pytest.mark.parametrize("who", ["admin", "hana"])
def test_queries_are_the_same_with_2_and_6_reps(
    world, fresh_client_for, django_assert_num_queries, who
):
    client = fresh_client_for(world[who])
    address = url(world["tenant"])
    client.get(address)  # the session is warm from here on
    with django_assert_num_queries(QUERIES[who]):
        assert client.get(address).status_code == 200

    for number in range(4):
        extra = PartnerRepFactory(partner=world["minato"], full_name=f"Extra {number}")
        snapshot(world["minato"], rep=extra, deals_registered=number, asset_views=number)
        snapshot(world["minato"], rep=extra, start=APRIL, deals_registered=number)
    with django_assert_num_queries(QUERIES[who]):
        response = client.get(address)

    assert response.status_code == 200
    assert ("Extra 3" in response.content.decode()) == (who == "admin")
