"""Statements made from the ledger, every figure computed by hand: one per partner and
period (two workers at once included), each line once, lines in their holding period left
for later, carry-forward and a clawback across periods, a split deal, a partner without a
T-number, withholding for an individual only; approval with a second approver, all or none."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from accounts.tenancy import tenant_context
from partners.choices import EntityKind
from payouts.figures import Withholding
from payouts.models import (
    LedgerLine,
    PartnerPayoutProfile,
    PayoutPeriod,
    Statement,
    StatementLine,
    StatementStatus,
)
from payouts.services import ledger, periods
from payouts.services import statements as services
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory
from tests.payouts.conftest import make_book

D = Decimal
APRIL = datetime.date(2026, 4, 1)


def line(partner, amount, day=datetime.date(2026, 4, 10), payable=None, **fields):
    return LedgerLineFactory(
        partner=partner, amount=D(amount), accrued_on=day, payable_from=payable or day, **fields
    )


def close(tenant, month):
    start = datetime.date(2026, month, 1)
    periods.periods_ensure(tenant=tenant, through=start, since=start)
    period = PayoutPeriod.objects.get(tenant=tenant, starts_on=start)
    periods.period_close(tenant=tenant, actor=None, period=period)
    return period


def generate(tenant, period, partner):
    return services.statement_generate(tenant=tenant, period_id=period.pk, partner_id=partner.pk)


def test_a_statement_states_the_periods_payable_lines_once(tenant, bound_tenant):
    partner = PartnerFactory(tenant=tenant, registration_number="T1234567890123")
    line(partner, 1005)
    line(partner, 1005, day=datetime.date(2026, 4, 30))
    held = line(partner, 50000, payable=datetime.date(2026, 5, 20))  # still in its holding period
    line(partner, 7000, day=datetime.date(2026, 5, 2))  # May's
    april = close(tenant, 4)

    statement = generate(tenant, april, partner)
    again = generate(tenant, april, partner)

    assert again.pk == statement.pk
    # ¥2,010, tax once on the whole: ¥201 (not ¥100 + ¥100).
    assert (statement.subtotal, statement.tax, statement.net_payable) == (D(2010), D(201), D(2211))
    assert statement.taxes == [{"rate": "10", "base": "2010.000", "tax": "201"}]
    assert statement.recipient_registration_number == "T1234567890123"
    assert StatementLine.objects.filter(statement=statement).count() == 2
    assert not StatementLine.objects.filter(ledger_line=held).exists()


def test_the_line_held_back_goes_on_the_next_statement(tenant, bound_tenant):
    partner = PartnerFactory(tenant=tenant)
    line(partner, 10000)
    line(partner, 50000, payable=datetime.date(2026, 5, 20))
    april = close(tenant, 4)
    first = generate(tenant, april, partner)
    may = close(tenant, 5)

    second = generate(tenant, may, partner)

    assert (first.subtotal, second.subtotal) == (D(10000), D(50000))
    assert StatementLine.objects.count() == 2


def test_a_clawback_in_the_next_period_is_carried_forward(tenant, bound_tenant):
    book = make_book(tenant)
    deal = book.deal(won_on=datetime.date(2026, 4, 5))
    with tenant_context(tenant):
        ledger.ledger_deal_won(tenant=tenant, deal_id=deal.pk, today=datetime.date(2026, 6, 1))
    april = close(tenant, 4)
    # The 10 % of ¥1,000,000 becomes payable after 30 days: on the May statement.
    assert generate(tenant, april, book.partner) is None
    ledger.ledger_deal_clawback(
        tenant=tenant, deal_id=deal.pk, reason="lost", on=datetime.date(2026, 6, 10)
    )
    may = close(tenant, 5)
    june = close(tenant, 6)
    line(book.partner, 20000, day=datetime.date(2026, 7, 3))
    july = close(tenant, 7)

    in_may = generate(tenant, may, book.partner)
    in_june = generate(tenant, june, book.partner)
    in_july = generate(tenant, july, book.partner)

    # May: ¥100,000 + ¥10,000 tax. June: −¥100,000 − ¥10,000 tax, carried.
    # July: ¥20,000 + ¥2,000 − ¥110,000 carried: still −¥88,000, carried again.
    assert in_may.net_payable == D(110000)
    assert (in_june.net_payable, in_june.carried_out) == (D(0), D(-110000))
    assert (in_july.carried_in, in_july.net_payable, in_july.carried_out) == (
        D(-110000),
        D(0),
        D(-88000),
    )


def test_a_split_deal_gives_each_partner_its_statement(tenant, bound_tenant):
    rules = [
        {"kind": "percentage", "rate": "10", "cap": None},
        {
            "kind": "split",
            "shares": [{"role": "introduces", "share": "70"}, {"role": "closes", "share": "30"}],
            "remainder_role": "closes",
        },
    ]
    book = make_book(tenant, rules=rules, holding_days=0)
    closer = PartnerFactory(tenant=tenant)
    deal = book.deal(
        won_on=datetime.date(2026, 4, 5),
        amount_one_time=D(333333),
        second_partner=closer,
        second_partner_role="closes",
    )
    with tenant_context(tenant):
        ledger.ledger_deal_won(tenant=tenant, deal_id=deal.pk, today=datetime.date(2026, 6, 1))
    april = close(tenant, 4)

    mine = generate(tenant, april, book.partner)
    theirs = generate(tenant, april, closer)

    # ¥23,333 + ¥2,333 tax; ¥10,000 + ¥1,000.
    assert (mine.net_payable, theirs.net_payable) == (D(25666), D(11000))


def test_a_partner_without_a_t_number_is_stated_as_such(tenant, bound_tenant):
    partner = PartnerFactory(tenant=tenant, registration_number="")
    line(partner, 30000)
    april = close(tenant, 4)

    statement = generate(tenant, april, partner)

    assert statement.recipient_registration_number == ""
    assert statement.net_payable == D(33000)


def test_an_individual_has_tax_withheld_and_a_company_never(tenant, bound_tenant):
    person = PartnerFactory(tenant=tenant, entity_kind=EntityKind.INDIVIDUAL)
    company = PartnerFactory(tenant=tenant, entity_kind=EntityKind.ONE_PERSON_COMPANY)
    for partner in (person, company):
        PartnerPayoutProfile.objects.create(
            tenant=tenant, partner=partner, withholding=Withholding.FEE
        )
        line(partner, 1500000)
    april = close(tenant, 4)

    paid_person = generate(tenant, april, person)
    paid_company = generate(tenant, april, company)

    # ¥1,650,000 − (¥102,100 + ¥102,100); the company is paid in full.
    assert (paid_person.withholding, paid_person.net_payable) == (D(204200), D(1445800))
    assert (paid_company.withholding, paid_company.net_payable) == (D(0), D(1650000))


def test_a_gaikoin_with_a_salary(tenant, bound_tenant):
    person = PartnerFactory(tenant=tenant, entity_kind=EntityKind.INDIVIDUAL)
    PartnerPayoutProfile.objects.create(
        tenant=tenant,
        partner=person,
        withholding=Withholding.GAIKOIN,
        monthly_salary=D(50000),
        adds_consumption_tax=False,
    )
    line(person, 300000)
    april = close(tenant, 4)

    statement = generate(tenant, april, person)

    # (¥300,000 − (¥120,000 − ¥50,000)) × 10.21 % = ¥23,483; no consumption tax.
    assert (statement.tax, statement.withholding, statement.net_payable) == (
        D(0),
        D(23483),
        D(276517),
    )


def test_an_open_period_has_no_statements(tenant, bound_tenant):
    partner = PartnerFactory(tenant=tenant)
    periods.periods_ensure(tenant=tenant, through=APRIL, since=APRIL)
    period = PayoutPeriod.objects.get()

    with pytest.raises(ValidationError, match="once the period is closed"):
        generate(tenant, period, partner)


def test_a_draft_is_made_again_and_an_approved_one_never(tenant, bound_tenant, finance_member):
    partner = PartnerFactory(tenant=tenant)
    first = line(partner, 10000)
    april = close(tenant, 4)
    draft = generate(tenant, april, partner)
    # A late line of April is booked in May, so the draft stays as it was.
    late = ledger.ledger_adjustment_create(
        tenant=tenant,
        actor=None,
        partner=partner,
        amount="5000",
        reason="x",
        token="late",
        accrued_on=datetime.date(2026, 4, 20),
    )
    remade = generate(tenant, april, partner)
    services.statements_approve(tenant=tenant, actor=finance_member.user, statement_ids=[draft.pk])
    kept = generate(tenant, april, partner)

    assert remade.pk == draft.pk and remade.subtotal == D(10000)
    assert late.booked_on == datetime.date(2026, 5, 1)
    assert kept.status == StatementStatus.APPROVED
    assert list(StatementLine.objects.values_list("ledger_line_id", flat=True)) == [first.pk]


def test_a_large_payment_needs_a_second_approver(tenant, bound_tenant, member_factory):
    from accounts.roles import Role

    one, two = member_factory(tenant, Role.FINANCE), member_factory(tenant, Role.FINANCE)
    partner = PartnerFactory(tenant=tenant)
    line(partner, 1000000)  # ¥1,100,000 with tax: above the default ¥1,000,000
    april = close(tenant, 4)
    statement = generate(tenant, april, partner)

    first = services.statements_approve(tenant=tenant, actor=one.user, statement_ids=[statement.pk])
    with pytest.raises(ValidationError, match="a second person"):
        services.statements_approve(tenant=tenant, actor=one.user, statement_ids=[statement.pk])
    second = services.statements_approve(
        tenant=tenant, actor=two.user, statement_ids=[statement.pk]
    )

    statement.refresh_from_db()
    assert (first, second) == ({"approved": 0, "first": 1}, {"approved": 1, "first": 0})
    assert statement.status == StatementStatus.APPROVED
    assert (statement.approved_by, statement.second_approved_by) == (one.user, two.user)


def test_bulk_approval_is_all_or_nothing(tenant, bound_tenant, finance_member):
    partners = [PartnerFactory(tenant=tenant) for _ in range(2)]
    for partner in partners:
        line(partner, 1000)
    april = close(tenant, 4)
    drafts = [generate(tenant, april, partner) for partner in partners]
    services.statements_approve(
        tenant=tenant, actor=finance_member.user, statement_ids=[drafts[1].pk]
    )

    with pytest.raises(ValidationError, match="not a draft"):
        services.statements_approve(
            tenant=tenant, actor=finance_member.user, statement_ids=[d.pk for d in drafts]
        )

    drafts[0].refresh_from_db()
    assert drafts[0].status == StatementStatus.DRAFT


@pytest.mark.django_db(transaction=True)
def test_two_workers_make_one_statement(tenant, app_db_role):
    partner = PartnerFactory(tenant=tenant)
    with tenant_context(tenant):
        for day in (3, 9, 27):
            line(partner, 4000, day=datetime.date(2026, 4, day))
        april = close(tenant, 4)
    start = threading.Barrier(2)
    errors = []

    def work():
        try:
            with tenant_context(tenant):
                start.wait()
                generate(tenant, april, partner)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with scopes_disabled():
        [statement] = Statement.objects.filter(partner=partner)
        assert statement.subtotal == D(12000)
        assert StatementLine.objects.filter(statement=statement).count() == 3


def test_the_ledger_equals_the_statements_plus_what_is_open(tenant, bound_tenant):
    partners = [PartnerFactory(tenant=tenant) for _ in range(3)]
    for index, partner in enumerate(partners):
        line(partner, 1000 * (index + 1))
        line(partner, -300)
        line(partner, 900, payable=datetime.date(2026, 6, 1))
    april = close(tenant, 4)
    for partner in partners:
        generate(tenant, april, partner)

    stated = sum(
        (sl.ledger_line.amount for sl in StatementLine.objects.select_related("ledger_line")), D(0)
    )
    still_open = sum(
        (
            ln.amount
            for ln in LedgerLine.objects.exclude(
                pk__in=StatementLine.objects.values("ledger_line_id")
            )
        ),
        D(0),
    )
    total = sum((ln.amount for ln in LedgerLine.objects.all()), D(0))
    assert stated + still_open == total
    assert stated == D(6000 - 900) and still_open == D(2700)
