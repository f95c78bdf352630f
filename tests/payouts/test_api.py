"""The payouts API: ledger lines read by staff, by a partner admin (the company's only) and by
a partner rep (the lines crediting them only); another tenant's or partner's line answering
404; flat query counts; the paths in the OpenAPI schema."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.roles import Role
from accounts.tenancy import tenant_context
from accounts.urls_helpers import tenant_reverse
from payouts.models import LedgerLine, LineKind
from payouts.services import ledger as ledger_services
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.payouts import (
    LedgerLineFactory,
)

D = Decimal
JSON = {"content_type": "application/json"}


def url(tenant, name, **kwargs):
    return tenant_reverse(tenant, f"payouts:{name}", **kwargs)


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def fetch(model, pk):
    with scopes_disabled():
        return model.objects.get(pk=pk)


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.fixture
def other_partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.fixture
def partner_admin(partner):
    membership, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    return membership


@pytest.fixture
def partner_rep(partner):
    """(membership, rep) of a salesperson of `partner`."""
    return portal_membership_for(partner, role=Role.PARTNER_REP)


@pytest.fixture
def finance(finance_member, client_for):
    return client_for(finance_member)


# --- Ledger lines --------------------------------------------------------------------------------


def test_staff_list_every_line_and_filter_by_partner_kind_status_and_date(
    tenant, partner, other_partner, finance
):
    today = timezone.localdate()
    payable = {"payable_from": today - datetime.timedelta(days=1)}
    may = LedgerLineFactory(partner=partner, accrued_on=datetime.date(2026, 5, 1), **payable)
    june = LedgerLineFactory(
        partner=partner, accrued_on=datetime.date(2026, 6, 1), kind=LineKind.ACCRUAL, **payable
    )
    held = LedgerLineFactory(
        partner=other_partner,
        accrued_on=datetime.date(2026, 5, 20),
        payable_from=today + datetime.timedelta(days=30),
    )
    path = url(tenant, "api_ledger_line_list")

    assert ids(finance.get(path)) == {may.pk, june.pk, held.pk}
    assert ids(finance.get(path, {"partner": other_partner.pk})) == {held.pk}
    assert ids(finance.get(path, {"kind": "accrual"})) == {june.pk}
    assert ids(finance.get(path, {"status": "accrued"})) == {held.pk}
    assert ids(finance.get(path, {"status": "payable"})) == {may.pk, june.pk}
    window = {"accrued_from": "2026-05-10", "accrued_to": "2026-05-31"}
    assert ids(finance.get(path, window)) == {held.pk}
    refused = finance.get(path, {"status": "paid", "accrued_from": "May"})
    assert refused.status_code == 400 and {"status", "accrued_from"} <= set(refused.json())


def test_a_line_shows_the_stored_explanation_and_its_rule_set_version(
    tenant, book, finance_member, fresh_client_for
):
    membership, rep = portal_membership_for(book.partner, role=Role.PARTNER_REP)
    deal = book.deal(rep=rep)
    with tenant_context(tenant):
        ledger_services.ledger_deal_won(
            tenant=tenant, deal_id=deal.pk, today=datetime.date(2026, 6, 15)
        )
    with scopes_disabled():
        line = LedgerLine.objects.get(deal=deal, kind=LineKind.ACCRUAL)
    path = url(tenant, "api_ledger_line_detail", line_id=line.pk)

    staff = fresh_client_for(finance_member).get(path).json()
    own = fresh_client_for(membership).get(path).json()

    # 10 % of ¥1,000,000 (tests/payouts/conftest.py RULES).
    assert staff["amount"] == "100000.000" and staff["rep"] == rep.pk
    assert staff["explanation"]["kind"] == "percentage"
    assert staff["explanation"]["version_number"] == book.version.number
    assert staff["rule_set_version"] == book.version.pk
    assert staff["rule_set_version_detail"] == {
        "id": book.version.pk,
        "number": book.version.number,
        "effective_from": "2026-01-01",
        "rule_set": book.version.rule_set_id,
        "rule_set_name": book.version.rule_set.name,
    }
    assert staff["key"] and "created_by_email" in staff
    assert own["explanation"] == staff["explanation"]
    assert "key" not in own and "created_by_email" not in own


def test_a_partner_admin_reads_the_companys_lines_only_without_internal_fields(
    tenant, partner, other_partner, partner_admin, partner_rep, fresh_client_for
):
    _membership, rep = partner_rep
    company = LedgerLineFactory(partner=partner)
    reps = LedgerLineFactory(partner=partner, rep=rep)
    theirs = LedgerLineFactory(partner=other_partner)
    client = fresh_client_for(partner_admin)

    listed = client.get(url(tenant, "api_ledger_line_list"))
    # A partner id in the query names nothing outside the company.
    probing = client.get(url(tenant, "api_ledger_line_list"), {"partner": other_partner.pk})
    foreign = client.get(url(tenant, "api_ledger_line_detail", line_id=theirs.pk))

    assert ids(listed) == {company.pk, reps.pk}
    assert ids(probing) == set()
    assert foreign.status_code == 404
    for row in listed.json()["results"]:
        assert "created_by_email" not in row and "key" not in row


def test_a_partner_rep_reads_only_the_lines_crediting_them(
    tenant, partner, partner_rep, fresh_client_for
):
    membership, rep = partner_rep
    _colleague_membership, colleague = portal_membership_for(partner, role=Role.PARTNER_REP)
    mine = LedgerLineFactory(partner=partner, rep=rep)
    colleagues = LedgerLineFactory(partner=partner, rep=colleague)
    company = LedgerLineFactory(partner=partner)
    client = fresh_client_for(membership)

    assert ids(client.get(url(tenant, "api_ledger_line_list"))) == {mine.pk}
    for other in (colleagues, company):
        detail = client.get(url(tenant, "api_ledger_line_detail", line_id=other.pk))
        assert detail.status_code == 404
    assert client.get(url(tenant, "api_ledger_line_detail", line_id=mine.pk)).status_code == 200


def test_a_portal_login_linked_to_no_partner_reads_no_line(
    tenant, partner, partner_rep_member, fresh_client_for
):
    LedgerLineFactory(partner=partner)

    response = fresh_client_for(partner_rep_member).get(url(tenant, "api_ledger_line_list"))

    assert ids(response) == set()


def test_another_tenants_line_answers_404(tenant, other_tenant, finance):
    foreign = LedgerLineFactory(partner=PartnerFactory(tenant=other_tenant))

    response = finance.get(url(tenant, "api_ledger_line_detail", line_id=foreign.pk))
    listed = finance.get(url(tenant, "api_ledger_line_list"), {"partner": foreign.partner_id})

    assert response.status_code == 404 and "detail" in response.json()
    assert ids(listed) == set()


def test_a_viewer_without_payouts_view_is_refused(tenant, viewer_member, client_for):
    response = client_for(viewer_member).get(url(tenant, "api_ledger_line_list"))

    assert response.status_code == 403


def test_the_ledger_list_runs_the_same_queries_at_two_sizes(
    tenant, book, finance_member, fresh_client_for
):
    staff = fresh_client_for(finance_member)

    def count(client, lines):
        for _ in range(lines):
            LedgerLineFactory(
                partner=book.partner,
                rep=book.rep,
                deal=book.deal(),
                rule_set_version=book.version,
                created_by=finance_member.user,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(tenant, "api_ledger_line_list")).status_code == 200
        return len(queries)

    assert count(staff, 2) == count(staff, 12)
    admin, _rep = portal_membership_for(book.partner, role=Role.PARTNER_ADMIN)
    portal = fresh_client_for(admin)
    assert count(portal, 2) == count(portal, 12)


# --- The OpenAPI schema ---------------------------------------------------------------------------


def test_the_schema_documents_the_payouts_api(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/schema/?format=json")
    schema = response.json()
    prefix = "/{tenant_slug}/api/v1/"

    paths = {
        "ledger-lines/": {"get"},
        "ledger-lines/{line_id}/": {"get"},
    }
    for path, methods in paths.items():
        assert methods <= set(schema["paths"][prefix + path]), path
    components = schema["components"]["schemas"]
    # Fields partner users never get are not promised to them.
    assert "created_by_email" not in components["LedgerLineOut"].get("required", [])
    assert components["LedgerLineStatusEnum"]["enum"] == ["accrued", "payable"]
