"""The KPI snapshot API: staff read every row of the tenant; a partner admin their partner's
row and its reps' rows; a rep their own rep rows; nobody on the partner side reads the
tenant's, a program's or another partner's rows (absent from lists, 404 on the detail).
Filters and metric selection, and queries flat with the number of rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from insights.metrics import METRICS
from insights.models import KpiSnapshot
from tests.factories.partners import PartnerFactory, portal_membership_for

pytestmark = pytest.mark.django_db

MAY = datetime.date(2026, 5, 1)
APRIL = datetime.date(2026, 4, 1)


def row(tenant, subject_kind, subject_id=0, *, partner=None, kind="month", start=MAY, **measures):
    with scopes_disabled():
        return KpiSnapshot.objects.create(
            tenant=tenant,
            subject_kind=subject_kind,
            subject_id=subject_id,
            partner=partner,
            period_kind=kind,
            period_start=start,
            **measures,
        )


@pytest.fixture
def world(tenant, other_tenant):
    minato = PartnerFactory(tenant=tenant)
    kita = PartnerFactory(tenant=tenant)
    admin, _admin_rep = portal_membership_for(minato, role=Role.PARTNER_ADMIN)
    hana, hana_rep = portal_membership_for(minato)
    _ken, ken_rep = portal_membership_for(minato)
    _goro, goro_rep = portal_membership_for(kita)
    rows = {
        "tenant": row(tenant, "tenant", deals_won=50, direct_deals_won=5),
        "program": row(tenant, "program", 77, deals_won=20),
        "minato": row(tenant, "partner", minato.pk, partner=minato, deals_won=3, deals_lost=1),
        "minato_april": row(tenant, "partner", minato.pk, partner=minato, start=APRIL, deals_won=1),
        "minato_quarter": row(
            tenant, "partner", minato.pk, partner=minato, kind="quarter", start=APRIL
        ),
        "hana": row(tenant, "rep", hana_rep.pk, partner=minato, deals_won=2, asset_views=9),
        "ken": row(tenant, "rep", ken_rep.pk, partner=minato, deals_won=1),
        "kita": row(tenant, "partner", kita.pk, partner=kita, deals_won=40),
        "goro": row(tenant, "rep", goro_rep.pk, partner=kita, deals_won=40),
        "foreign": row(other_tenant, "tenant", deals_won=99),
    }
    return {
        "tenant": tenant,
        "admin": admin,
        "hana": hana,
        "minato": minato,
        "rows": rows,
    }


def list_url(tenant, query: str = "") -> str:
    url = reverse("insights:api_kpi_snapshot_list", kwargs={"tenant_slug": tenant.slug})
    return f"{url}?{query}" if query else url


def detail_url(tenant, snapshot) -> str:
    return reverse(
        "insights:api_kpi_snapshot_detail",
        kwargs={"tenant_slug": tenant.slug, "snapshot_id": snapshot.pk},
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def keys(world, *names) -> set[int]:
    return {world["rows"][name].pk for name in names}


def test_staff_read_every_row_of_the_tenant(world, fresh_client_for, manager_member):
    client = fresh_client_for(manager_member)

    found = ids(client.get(list_url(world["tenant"])))

    assert found == keys(
        world,
        "tenant",
        "program",
        "minato",
        "minato_april",
        "minato_quarter",
        "hana",
        "ken",
        "kita",
        "goro",
    )


def test_partner_admin_reads_the_partners_and_its_reps_rows_only(world, fresh_client_for):
    client = fresh_client_for(world["admin"])

    found = ids(client.get(list_url(world["tenant"])))

    assert found == keys(world, "minato", "minato_april", "minato_quarter", "hana", "ken")


def test_rep_reads_their_own_rep_rows_only(world, fresh_client_for):
    client = fresh_client_for(world["hana"])

    found = ids(client.get(list_url(world["tenant"])))

    assert found == keys(world, "hana")


@pytest.mark.parametrize("who", ["admin", "hana"])
@pytest.mark.parametrize("name", ["tenant", "program", "kita", "goro", "foreign"])
def test_partner_users_get_404_for_rows_they_may_not_read(world, fresh_client_for, who, name):
    client = fresh_client_for(world[who])

    response = client.get(detail_url(world["tenant"], world["rows"][name]))

    assert response.status_code == 404


def test_rep_gets_404_for_a_colleagues_row_and_the_company_row(world, fresh_client_for):
    client = fresh_client_for(world["hana"])

    assert client.get(detail_url(world["tenant"], world["rows"]["ken"])).status_code == 404
    assert client.get(detail_url(world["tenant"], world["rows"]["minato"])).status_code == 404
    assert client.get(detail_url(world["tenant"], world["rows"]["hana"])).status_code == 200


def test_partner_admin_cannot_filter_their_way_to_another_partner(world, fresh_client_for):
    client = fresh_client_for(world["admin"])
    kita = world["rows"]["kita"]

    # The kind too: a rep of one's own may have the same number as another partner.
    query = f"subject_kind=partner&subject_id={kita.subject_id}"
    by_subject = ids(client.get(list_url(world["tenant"], query)))
    tenant_rows = ids(client.get(list_url(world["tenant"], "subject_kind=tenant")))

    assert by_subject == set()
    assert tenant_rows == set()


def test_filters_by_subject_period_and_range(world, fresh_client_for, manager_member):
    client = fresh_client_for(manager_member)
    tenant, minato = world["tenant"], world["minato"]

    partner_months = ids(
        client.get(
            list_url(tenant, f"subject_kind=partner&subject_id={minato.pk}&period_kind=month")
        )
    )
    april = ids(client.get(list_url(tenant, "period_start=2026-04-01")))
    ranged = ids(client.get(list_url(tenant, "from=2026-04-15&to=2026-05-31&subject_kind=rep")))

    assert partner_months == keys(world, "minato", "minato_april")
    assert april == keys(world, "minato_april", "minato_quarter")
    assert ranged == keys(world, "hana", "ken", "goro")


def test_metric_selection_returns_only_those_codes(world, fresh_client_for, manager_member):
    client = fresh_client_for(manager_member)
    minato = world["rows"]["minato"]

    body = client.get(detail_url(world["tenant"], minato) + "?metric=win_rate,deals_won").json()

    assert body["metrics"] == {"win_rate": 0.75, "deals_won": 3}
    assert body["subject_kind"] == "partner" and body["partner"] == world["minato"].pk
    assert body["period_start"] == "2026-05-01"


def test_every_metric_by_default(world, fresh_client_for, manager_member):
    client = fresh_client_for(manager_member)

    body = client.get(detail_url(world["tenant"], world["rows"]["tenant"])).json()

    assert set(body["metrics"]) == set(METRICS)
    assert body["metrics"]["new_customers"] == 55
    assert body["metrics"]["win_rate"] == 1.0  # 50 won, none lost
    assert body["metrics"]["activation_rate"] is None  # no rep known: no denominator


def test_an_unknown_metric_is_refused(world, fresh_client_for, manager_member):
    client = fresh_client_for(manager_member)

    response = client.get(list_url(world["tenant"], "metric=win_rate,bogus"))

    assert response.status_code == 400
    assert "bogus" in str(response.json())


def test_partner_users_get_no_cadence_metrics(world, fresh_client_for):
    client = fresh_client_for(world["admin"])
    minato = world["rows"]["minato"]

    default = client.get(detail_url(world["tenant"], minato)).json()
    asked = client.get(detail_url(world["tenant"], minato) + "?metric=cadence_compliance")

    assert "cadence_compliance" not in default["metrics"]
    assert "contacts_due" not in default["metrics"]
    assert default["metrics"]["deals_won"] == 3
    assert asked.status_code == 400


def test_money_reads_as_a_number_in_the_base_currency(world, fresh_client_for, manager_member):
    snapshot = row(
        world["tenant"],
        "partner",
        world["minato"].pk,
        partner=world["minato"],
        start=datetime.date(2026, 3, 1),
        revenue_one_time=Decimal(1_000_000),
        revenue_recurring=Decimal(50_000),
    )
    client = fresh_client_for(manager_member)

    body = client.get(detail_url(world["tenant"], snapshot) + "?metric=revenue").json()

    assert body["metrics"] == {"revenue": 1_600_000.0}


def test_pages_like_the_other_lists(world, fresh_client_for, manager_member):
    body = fresh_client_for(manager_member).get(list_url(world["tenant"])).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 9


def test_anonymous_is_refused(world, client):
    assert client.get(list_url(world["tenant"])).status_code in {401, 403}


@pytest.mark.parametrize("who", ["staff", "admin", "hana"])
def test_queries_are_the_same_with_few_and_many_rows(
    world, fresh_client_for, manager_member, django_assert_num_queries, who
):
    member = manager_member if who == "staff" else world[who]
    client = fresh_client_for(member)
    url = list_url(world["tenant"])
    client.get(url)  # the session and the membership are warm from here on
    expected = {"staff": QUERIES_STAFF, "admin": QUERIES_PORTAL, "hana": QUERIES_PORTAL}[who]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200

    rep = world["rows"]["hana"]
    for month in range(1, 13):
        for kind in ("partner", "rep"):
            row(
                world["tenant"],
                kind,
                rep.subject_id if kind == "rep" else world["minato"].pk,
                partner=world["minato"],
                start=datetime.date(2025, month, 1),
                deals_won=month,
            )
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


# The request's own (session, user, tenant, membership, the second factor, the row-level
# security binding) and the list's count and page; a partner user adds the rep their login is
# linked to. Nothing grows with the rows.
QUERIES_STAFF = 10
QUERIES_PORTAL = 11
