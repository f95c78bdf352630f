"""The ledger's staff pages: the list with its totals and filters, a line's explanation, a
manual adjustment (finance only, once per form), the partner page's tab; query counts flat."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.urls_helpers import tenant_reverse
from payouts.models import LedgerLine, LineKind
from payouts.services import ledger as services
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory
from tests.payouts.conftest import make_book


@pytest.fixture
def booked(tenant):
    """A won deal booked by the handler, and an adjustment of another partner."""
    from accounts.tenancy import tenant_context

    book = make_book(tenant)
    deal = book.deal(customer_name="株式会社ミナト商事")
    with tenant_context(tenant):
        services.ledger_deal_won(tenant=tenant, deal_id=deal.pk, today=datetime.date(2026, 6, 15))
    other = LedgerLineFactory(partner=PartnerFactory(tenant=tenant), amount=Decimal(-3000))
    return book, deal, other


def test_the_ledger_lists_lines_with_totals_and_filters(tenant, booked, finance_member, client_for):
    book, deal, other = booked
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:ledger_list")

    page = client.get(url).content.decode()
    filtered = client.get(url, {"partner": book.partner.pk, "kind": "accrual"}).content.decode()

    assert "株式会社ミナト商事" in page and page.count('data-testid="ledger-row"') == 2
    # ¥100,000 − ¥3,000, every line past its holding period by now.
    assert "¥97,000" in page
    assert filtered.count('data-testid="ledger-row"') == 1 and "¥100,000" in filtered


def test_an_empty_ledger_says_where_lines_come_from(tenant, finance_member, client_for):
    page = client_for(finance_member).get(tenant_reverse(tenant, "payouts:ledger_list"))

    assert 'data-testid="empty-state"' in page.content.decode()


def test_a_line_shows_its_explanation(tenant, booked, manager_member, client_for):
    _book, deal, _other = booked
    with scopes_disabled():
        line = LedgerLine.objects.get(deal=deal)

    page = client_for(manager_member).get(
        tenant_reverse(tenant, "payouts:ledger_line", line_id=line.pk)
    )

    html = page.content.decode()
    assert "10 % of the deal amount ¥1,000,000" in html
    assert "may be clawed back until" in html


def test_finance_books_an_adjustment_once_however_often_the_form_is_sent(
    tenant, booked, finance_member, client_for
):
    book, _deal, _other = booked
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:adjustment_create")
    body = {
        "partner": book.partner.pk,
        "amount": "-2500",
        "currency": "JPY",
        "accrued_on": "2026-06-30",
        "reason": "Wrong referral fee in May",
        "token": "one-form",
    }

    first = client.post(url, body)
    second = client.post(url, body)

    with scopes_disabled():
        lines = list(LedgerLine.objects.filter(kind=LineKind.ADJUSTMENT, partner=book.partner))
        assert AuditEvent.objects.filter(action="ledger_adjustment.created").count() == 1
    assert first.status_code == second.status_code == 302
    assert [line.amount for line in lines] == [Decimal(-2500)]
    assert first["Location"] == tenant_reverse(tenant, "payouts:ledger_line", line_id=lines[0].pk)


def test_a_bad_adjustment_shows_the_field_error_and_books_nothing(
    tenant, booked, finance_member, client_for
):
    book, _deal, _other = booked
    response = client_for(finance_member).post(
        tenant_reverse(tenant, "payouts:adjustment_create"),
        {
            "partner": book.partner.pk,
            "amount": "0",
            "currency": "JPY",
            "accrued_on": "2026-06-30",
            "reason": "Nothing",
            "token": "t-0",
        },
    )

    assert response.status_code == 200
    assert 'data-field="amount"' in response.content.decode()
    with scopes_disabled():
        assert not LedgerLine.objects.filter(
            kind=LineKind.ADJUSTMENT, partner=book.partner
        ).exists()


def test_another_tenants_partner_cannot_be_credited(
    tenant, other_tenant, finance_member, client_for
):
    stranger = PartnerFactory(tenant=other_tenant)

    response = client_for(finance_member).post(
        tenant_reverse(tenant, "payouts:adjustment_create"),
        {
            "partner": stranger.pk,
            "amount": "1000",
            "currency": "JPY",
            "accrued_on": "2026-06-30",
            "reason": "Steal",
            "token": "t-x",
        },
    )

    assert response.status_code == 200
    assert 'data-field="partner"' in response.content.decode()
    with scopes_disabled():
        assert not LedgerLine.objects.exists()


def test_a_partner_manager_reads_the_ledger_but_books_nothing(
    tenant, manager_member, viewer_member, client_for
):
    client = client_for(manager_member)

    assert client.get(tenant_reverse(tenant, "payouts:ledger_list")).status_code == 200
    assert client.get(tenant_reverse(tenant, "payouts:adjustment_create")).status_code in (403, 404)
    viewer = client_for(viewer_member)
    assert viewer.get(tenant_reverse(tenant, "payouts:ledger_list")).status_code in (403, 404)


def test_the_partner_tab_shows_the_partners_lines_only(tenant, booked, manager_member, client_for):
    book, _deal, _other = booked

    html = (
        client_for(manager_member)
        .get(
            tenant_reverse(tenant, "payouts:partner_ledger", partner_id=book.partner.pk),
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )

    assert html.count('data-testid="partner-ledger-row"') == 1
    assert "-¥3,000" not in html


@pytest.mark.parametrize("route", ["payouts:ledger_list", "payouts:partner_ledger"])
def test_the_ledger_pages_run_the_same_queries_at_two_sizes(
    tenant, finance_member, client_for, route
):
    partner = PartnerFactory(tenant=tenant)
    client = client_for(finance_member)
    kwargs = {"partner_id": partner.pk} if route == "payouts:partner_ledger" else {}
    url = tenant_reverse(tenant, route, **kwargs)

    def lines(count):
        for _ in range(count):
            LedgerLineFactory(partner=partner, rep=None)

    lines(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    lines(15)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert html.count("ledger-row") >= 17
    assert len(large) == len(small)
