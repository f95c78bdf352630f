"""Rep analytics: reps placed in quadrants by material views against results, the 2:6:2
bands per partner, headroom, the filters, the CSV files and a flat query count.

The hand-built set, fiscal Q1 2026. Partner "Bank One" (type Bank, owner Aiko):
  a: 10 views, 1 registered, 1 won  -> results 2
  b:  6 views, nothing              -> results 0
  c:  1 view,  1 registered         -> results 1
  d:  0 views, nothing
  e:  4 views, nothing
Partner "Tele Two" (type Telecom, owner Bunta):
  f:  8 views, 1 registered, 2 won  -> results 3
  g:  0 views, nothing
Views of the reps with any: 1, 4, 6, 8, 10: the lower median is 6, the motivation threshold.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from insights.forms import KpiFilterForm
from insights.selectors.reps import (
    BOTTOM,
    MIDDLE,
    NEITHER,
    PERFORMING,
    SUPPORT,
    TOP,
    WITHOUT_MATERIAL,
    band_size,
    rep_analytics,
    views_threshold,
)
from insights.selectors.snapshots import KpiFilter
from tests.factories.partners import PartnerFactory, PartnerRepFactory, PartnerTypeFactory
from tests.insights.builders import Q1, partner_row, rep_row

pytestmark = pytest.mark.django_db

QUARTER = KpiFilter(period_kind="quarter", period_start=Q1)


@pytest.fixture
def world(tenant, member_factory):
    aiko = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Aiko Owner")
    bunta = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Bunta Owner")
    bank = PartnerTypeFactory(tenant=tenant, name="Bank")
    telecom = PartnerTypeFactory(tenant=tenant, name="Telecom")
    one = PartnerFactory(tenant=tenant, display_name="Bank One", partner_type=bank, owner=aiko)
    two = PartnerFactory(
        tenant=tenant, display_name="Tele Two", partner_type=telecom, owner=bunta, priority="A"
    )
    reps = {}
    for partner, name, views, registered, won in (
        (one, "a", 10, 1, 1),
        (one, "b", 6, 0, 0),
        (one, "c", 1, 1, 0),
        (one, "d", 0, 0, 0),
        (one, "e", 4, 0, 0),
        (two, "f", 8, 1, 2),
        (two, "g", 0, 0, 0),
    ):
        reps[name] = PartnerRepFactory(partner=partner, full_name=f"Rep {name}")
        rep_row(reps[name], views=views, registered=registered, won=won)
    partner_row(one, reps_known=5, reps_producing=2, asset_views=21)
    partner_row(two, reps_known=2, reps_producing=1, asset_views=8)
    return {
        "tenant": tenant,
        "one": one,
        "two": two,
        "bank": bank,
        "telecom": telecom,
        "aiko": aiko,
        "bunta": bunta,
        "reps": reps,
    }


def placed(analytics) -> dict[str, tuple[str, str]]:
    return {rep.name: (rep.quadrant, rep.band) for rep in analytics.distribution.reps}


def test_threshold_is_the_lower_median_of_reps_with_views():
    assert views_threshold([0, 1, 4, 6, 8, 10]) == 6
    assert views_threshold([0, 3, 5]) == 3  # even count: the lower of the middle two
    assert views_threshold([0, 0]) == 1  # nobody opened anything: nobody is motivated


def test_band_size_is_a_fifth_rounded_half_up():
    assert [band_size(n) for n in (1, 2, 3, 5, 7, 8, 10)] == [0, 0, 1, 1, 1, 2, 2]


def test_quadrants_and_bands_of_the_hand_built_set(world, in_tenant):
    with in_tenant(world["tenant"]):
        analytics = rep_analytics(tenant=world["tenant"], kpi_filter=QUARTER)

    assert analytics.distribution.views_threshold == 6
    assert placed(analytics) == {
        # Bank One, 5 reps: one in the top band (the best with a result), one at the bottom.
        "Rep a": (PERFORMING, TOP),
        "Rep b": (SUPPORT, MIDDLE),
        "Rep c": (WITHOUT_MATERIAL, MIDDLE),
        "Rep d": (NEITHER, BOTTOM),
        "Rep e": (NEITHER, MIDDLE),
        # Tele Two, 2 reps: 20 % of two rounds to none, so both are the middle.
        "Rep f": (PERFORMING, MIDDLE),
        "Rep g": (NEITHER, MIDDLE),
    }
    counts = {q.key: q.count for q in analytics.distribution.quadrants}
    assert counts == {PERFORMING: 2, SUPPORT: 1, WITHOUT_MATERIAL: 1, NEITHER: 3}
    bands = {b.name: (b.reps, b.top, b.middle, b.bottom) for b in analytics.distribution.bands}
    assert bands == {"Bank One": (5, 1, 3, 1), "Tele Two": (2, 0, 2, 0)}
    # Key people: performing with the best results first; the owner comes with the partner.
    performing = analytics.distribution.performing
    assert [(r.name, r.partner_name, r.owner) for r in performing] == [
        ("Rep f", "Tele Two", "Bunta Owner"),
        ("Rep a", "Bank One", "Aiko Owner"),
    ]
    assert [r.name for r in analytics.distribution.support] == ["Rep b"]


def test_headroom_per_partner_is_known_minus_producing(world, in_tenant):
    with in_tenant(world["tenant"]):
        analytics = rep_analytics(tenant=world["tenant"], kpi_filter=QUARTER)
    rows = [(h.name, h.producing, h.known, h.headroom) for h in analytics.headroom]
    assert rows == [("Bank One", 2, 5, 3), ("Tele Two", 1, 2, 1)]
    total = analytics.headroom_total
    assert (total.producing, total.known, total.headroom) == (3, 7, 4)


def test_a_partner_type_filter_keeps_that_type_s_reps_only(world, in_tenant):
    kpi_filter = KpiFilter(period_kind="quarter", period_start=Q1, partner_type_id=world["bank"].pk)
    with in_tenant(world["tenant"]):
        analytics = rep_analytics(tenant=world["tenant"], kpi_filter=kpi_filter)
    assert {rep.partner_name for rep in analytics.distribution.reps} == {"Bank One"}
    # Views 1, 4, 6, 10 among Bank One's reps: the threshold drops to 4, so e is motivated.
    assert analytics.distribution.views_threshold == 4
    assert placed(analytics)["Rep e"] == (SUPPORT, MIDDLE)
    assert [h.name for h in analytics.headroom] == ["Bank One"]


def test_an_owner_filter_keeps_that_owner_s_partners_only(world, in_tenant):
    kpi_filter = KpiFilter(period_kind="quarter", period_start=Q1, owner_id=world["bunta"].pk)
    with in_tenant(world["tenant"]):
        analytics = rep_analytics(tenant=world["tenant"], kpi_filter=kpi_filter)
    assert sorted(placed(analytics)) == ["Rep f", "Rep g"]


def test_another_tenant_s_reps_never_show(world, other_tenant, in_tenant):
    stranger = PartnerRepFactory(
        partner=PartnerFactory(tenant=other_tenant, display_name="Other Co"), full_name="Intruder"
    )
    rep_row(stranger, views=50, won=5, registered=5)
    with in_tenant(world["tenant"]):
        analytics = rep_analytics(tenant=world["tenant"], kpi_filter=QUARTER)
    assert "Intruder" not in placed(analytics)
    assert analytics.distribution.views_threshold == 6


def test_the_filter_form_builds_a_filter_and_drops_what_is_not_the_tenant_s(
    world, other_tenant, in_tenant
):
    foreign_type = PartnerTypeFactory(tenant=other_tenant, name="Foreign")
    with in_tenant(world["tenant"]):
        form = KpiFilterForm(
            {
                "period": "month",
                "start": "2026-05-17",
                "partner_type": str(foreign_type.pk),
                "owner": str(world["aiko"].pk),
                "priority": "A",
            },
            tenant=world["tenant"],
        )
        kpi_filter = form.kpi_filter()
    # A date inside the period snaps to its start; another tenant's type is no choice.
    assert kpi_filter.period_kind == "month"
    assert kpi_filter.period_start.isoformat() == "2026-05-01"
    assert kpi_filter.partner_type_id is None
    assert kpi_filter.owner_id == world["aiko"].pk
    assert kpi_filter.priority == "A"


def page_url(tenant, query=""):
    url = reverse("insights:rep_analytics", kwargs={"tenant_slug": tenant.slug})
    return f"{url}?period=quarter&start={Q1.isoformat()}{query}"


def test_the_page_shows_quadrants_key_people_bands_and_headroom(world, manager_member, client_for):
    response = client_for(manager_member).get(page_url(world["tenant"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="insights-chart-data"' in html
    assert 'data-quadrant="support"' in html
    assert 'data-testid="support-table"' in html
    assert "Rep b" in html and "Aiko Owner" in html
    assert "6 views or more" in html  # the rule, with this view's threshold
    assert 'data-testid="headroom-table"' in html


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_each_table_exports_as_csv(world, manager_member, client_for):
    client = client_for(manager_member)
    support = read_csv(client.get(page_url(world["tenant"], "&export=support")))
    assert support[0][:3] == ["Rep", "Partner", "Owner"]
    assert support[1][:6] == ["Rep b", "Bank One", "Aiko Owner", "6", "0", "0"]
    assert len(support) == 2

    headroom = read_csv(client.get(page_url(world["tenant"], "&export=headroom")))
    assert headroom[1] == ["Bank One", "Aiko Owner", "5", "2", "3", "40.0"]

    bands = read_csv(client.get(page_url(world["tenant"], "&export=bands")))
    assert bands[1] == ["Bank One", "Aiko Owner", "5", "1", "3", "1"]

    quadrants = read_csv(client.get(page_url(world["tenant"], "&export=quadrants")))
    assert [row[1] for row in quadrants[1:]] == ["2", "1", "1", "3"]

    # The export keeps the filter: Telecom's reps only.
    reps = read_csv(
        client.get(page_url(world["tenant"], f"&partner_type={world['telecom'].pk}&export=reps"))
    )
    assert [row[0] for row in reps[1:]] == ["Rep f", "Rep g"]

    assert client.get(page_url(world["tenant"], "&export=nothing")).status_code == 404


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_partner_with_reps(tenant, n: int, index: int) -> None:
    partner = PartnerFactory(tenant=tenant)
    partner_row(partner, reps_known=n, reps_producing=1)
    for i in range(n):
        rep = PartnerRepFactory(partner=partner)
        rep_row(rep, views=i + index, registered=1 if i == 0 else 0, won=i % 2)


def test_the_page_makes_the_same_queries_with_3_and_9_reps(
    tenant, manager_member, fresh_client_for
):
    client = fresh_client_for(manager_member)
    add_partner_with_reps(tenant, 3, 0)
    small = count_queries(client, page_url(tenant))
    for index in range(1, 3):
        add_partner_with_reps(tenant, 3, index)
    assert count_queries(client, page_url(tenant)) == small
    assert count_queries(client, page_url(tenant, "&export=reps")) <= small


def test_the_unbound_form_offers_the_default_period_kind(tenant, in_tenant):
    with in_tenant(tenant):
        form = KpiFilterForm(tenant=tenant)
    # Submitting the page's form unchanged keeps quarters (the first choice is months).
    assert 'value="quarter" selected' in str(form["period"])


def test_shares_round_half_up():
    from insights.templatetags.insights_tags import kpi_format, share

    assert share(Decimal(2) / Decimal(7)) == "29 %"
    assert kpi_format(Decimal("0.12345"), "percent") == "12.3 %"
    assert kpi_format(1234567, "count") == "1,234,567"
    assert kpi_format(None, "percent") == "–"
