"""What finance downloads: the period's Zengin file pays the right statements the right
amounts (the encoder's bytes are tested in test_zengin.py), the accounting CSVs hold every
statement and line, the annual totals per individual (支払調書) are computed by hand, and the
originator's details are checked as the bank would."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.roles import Role
from accounts.tenancy import tenant_context
from accounts.urls_helpers import tenant_reverse
from partners.choices import EntityKind
from payouts import exports
from payouts.models import PayoutSettings, StatementStatus
from payouts.services import periods
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import (
    IssuedStatementFactory,
    LedgerLineFactory,
    PayoutPeriodFactory,
    StatementFactory,
)

D = Decimal
BANK = {
    "bank_code": "0005",
    "branch_code": "001",
    "account_type": "ordinary",
    "account_number": "7654321",
}


@pytest.fixture
def originator(tenant):
    with tenant_context(tenant):
        return periods.transfer_originator_save(
            tenant=tenant,
            actor=None,
            transfer_consignor_code="1234567890",
            transfer_consignor_name="カ）アルファ",
            transfer_bank_code="0001",
            transfer_branch_code="001",
            transfer_account_type="ordinary",
            transfer_account_number="1234567",
        )


def records(content: bytes) -> list[str]:
    lines = content.decode("cp932").split("\r\n")
    assert lines[-1] == ""
    return lines[:-1]


def test_the_bank_file_pays_approved_and_issued_statements_not_yet_paid(
    tenant, bound_tenant, originator
):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    acme = PartnerFactory(tenant=tenant, account_holder_kana="ｱｸﾒ", **BANK)
    approved = StatementFactory(partner=acme, period=period, status=StatementStatus.APPROVED)
    issued = IssuedStatementFactory(
        partner=PartnerFactory(tenant=tenant, account_holder_kana="ﾍﾞｰﾀ", **BANK),
        period=period,
        net_payable=D(51060),
    )
    # Left out: a draft, a paid one, and an issued one whose correction is paid instead.
    StatementFactory(partner=PartnerFactory(tenant=tenant, **BANK), period=period)
    IssuedStatementFactory(
        partner=PartnerFactory(tenant=tenant, **BANK), period=period, status="paid"
    )
    corrected = IssuedStatementFactory(
        partner=PartnerFactory(tenant=tenant, account_holder_kana="ｶﾞﾝﾏ", **BANK), period=period
    )
    correction = StatementFactory(
        partner=corrected.partner,
        period=period,
        revision=1,
        corrects=corrected,
        status=StatementStatus.APPROVED,
        net_payable=D(12000),
        settled_before=D(0),
    )

    content = exports.period_zengin_file(tenant=tenant, period=period)

    header, *data, trailer, end = records(content)
    assert header[54:58] == "0601"  # the period's payment date (1 June 2026), MMDD
    paid = sorted((row[50:80].rstrip(), int(row[80:90]), row[91:101]) for row in data)
    assert paid == sorted(
        [
            ("ｱｸﾒ", 11000, "0000000000"),
            ("ﾍﾞ-ﾀ", 51060, issued.number.rjust(10, "0")),
            ("ｶﾞﾝﾏ", 12000, "0000000000"),
        ]
    )
    assert (int(trailer[1:7]), int(trailer[7:19])) == (3, 11000 + 51060 + 12000)
    assert end == "9" + " " * 119
    assert approved.pk and correction.pk


def test_the_bank_file_names_each_partner_the_bank_would_refuse(tenant, bound_tenant, originator):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    StatementFactory(
        partner=PartnerFactory(tenant=tenant, display_name="No Bank KK"),
        period=period,
        status=StatementStatus.APPROVED,
    )

    with pytest.raises(ValidationError) as error:
        exports.period_zengin_file(tenant=tenant, period=period)

    assert all(message.startswith("No Bank KK:") for message in error.value.messages)
    assert any("bank code" in message for message in error.value.messages)


def test_the_originator_is_checked_against_the_zengin_data_and_audited(tenant, bound_tenant):
    with pytest.raises(ValidationError) as error:
        periods.transfer_originator_save(
            tenant=tenant,
            actor=None,
            transfer_consignor_code="12345",
            transfer_consignor_name="ｱﾙﾌｧ",
            transfer_bank_code="9999",
            transfer_branch_code="001",
            transfer_account_type="ordinary",
            transfer_account_number="1234567",
        )
    assert any("consignor code" in message for message in error.value.messages)
    assert any("9999" in message for message in error.value.messages)
    assert not PayoutSettings.objects.filter(tenant=tenant).exists()

    saved = periods.transfer_originator_save(
        tenant=tenant,
        actor=None,
        transfer_consignor_code="1234567890",
        transfer_consignor_name="カ）アルファ",
        transfer_bank_code="0001",
        transfer_branch_code="001",
        transfer_account_type="ordinary",
        transfer_account_number="1234567",
    )

    assert saved.transfer_consignor_name == "ｶ)ｱﾙﾌｱ"
    assert AuditEvent.objects.filter(action="payout_settings.transfer_changed").count() == 1


def test_the_statements_csv_holds_every_revision_with_its_figures(tenant, bound_tenant):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社アクメ")
    original = IssuedStatementFactory(partner=partner, period=period, status="paid")
    StatementFactory(
        partner=partner,
        period=period,
        revision=1,
        corrects=original,
        net_payable=D(12100),
        settled_before=D(11000),
    )

    rows = list(
        csv.reader(
            io.StringIO(
                "".join(exports.statements_csv(tenant=tenant, period=period)).lstrip("\ufeff")
            )
        )
    )

    header, first, second = rows
    assert header[0] == "Statement number" and "Amount to be paid" in header
    column = {name: index for index, name in enumerate(header)}
    assert (first[column["Net payable"]], first[column["Amount to be paid"]]) == ("11000", "11000")
    assert (second[column["Corrects"]], second[column["Amount to be paid"]]) == (
        original.number,
        "1100",
    )


def test_the_lines_csv_holds_each_line_with_its_statement(tenant, bound_tenant):
    from payouts.models import StatementLine

    partner = PartnerFactory(tenant=tenant)
    line = LedgerLineFactory(partner=partner, amount=D(10000), accrued_on=datetime.date(2026, 3, 5))
    statement = IssuedStatementFactory(partner=partner)
    StatementLine.objects.create(
        tenant=tenant, statement=statement, ledger_line=line, tax_rate=D(10)
    )

    text = "".join(exports.statement_lines_csv(tenant=tenant, period=statement.period))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))

    assert len(rows) == 2
    assert rows[1][0] == statement.number and rows[1][2] == str(line.pk)
    assert rows[1][-2:] == ["10000", "10"]


def test_the_annual_totals_count_individuals_by_payment_year_and_corrections_once(
    tenant, bound_tenant
):
    person = PartnerFactory(
        tenant=tenant, entity_kind=EntityKind.INDIVIDUAL, legal_name="山田 太郎"
    )
    april = PayoutPeriodFactory(tenant=tenant, status="closed")  # paid 1 June 2026
    may = PayoutPeriodFactory(
        tenant=tenant,
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 5, 31),
        pays_on=datetime.date(2026, 6, 30),
        status="closed",
    )
    december = PayoutPeriodFactory(
        tenant=tenant,
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2026, 12, 31),
        pays_on=datetime.date(2027, 1, 29),
        status="closed",
    )
    # April: ¥110,000 gross, nothing withheld, then corrected to ¥10,210 withheld.
    wrong = IssuedStatementFactory(partner=person, period=april, gross=D(110000), withholding=0)
    IssuedStatementFactory(
        partner=person,
        period=april,
        revision=1,
        corrects=wrong,
        gross=D(110000),
        withholding=D(10210),
        net_payable=D(99790),
    )
    IssuedStatementFactory(partner=person, period=may, gross=D(55000), withholding=D(5105))
    IssuedStatementFactory(partner=person, period=december, gross=D(99999), withholding=D(1))
    StatementFactory(partner=person, period=may, revision=2, gross=D(1), withholding=D(1))
    IssuedStatementFactory(partner=PartnerFactory(tenant=tenant), period=april)  # a company

    (total,) = exports.annual_payment_totals(tenant=tenant, year=2026)

    assert (total.legal_name, total.statements) == ("山田 太郎", 2)
    assert (total.gross, total.withholding) == (D(165000), D(15315))


def test_the_period_downloads_answer_with_files(tenant, client_for, member_factory, originator):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    StatementFactory(
        partner=PartnerFactory(tenant=tenant, account_holder_kana="ｱｸﾒ", **BANK),
        period=period,
        status=StatementStatus.APPROVED,
    )
    client = client_for(member_factory(tenant, Role.FINANCE))

    zengin = client.get(tenant_reverse(tenant, "payouts:period_zengin", period_id=period.pk))
    statements = client.get(
        tenant_reverse(tenant, "payouts:period_statements_csv", period_id=period.pk)
    )
    annual = client.get(tenant_reverse(tenant, "payouts:annual_report") + "?year=2026")
    annual_csv = client.get(
        tenant_reverse(tenant, "payouts:annual_report") + "?year=2026&format=csv"
    )

    with scopes_disabled():
        event = AuditEvent.objects.get(tenant=tenant, action="payout_period.bank_file")
    assert (event.changes["transfers"], event.changes["total"]) == (1, "11000.000")
    assert zengin.status_code == 200 and zengin["Content-Type"].endswith("shift_jis")
    assert zengin.content.startswith(b"1210") and len(zengin.content) == 4 * 122
    assert b"".join(statements.streaming_content).decode().count("\r\n") == 2
    assert annual.status_code == 200 and b"annual-table" not in annual.content
    assert annual_csv["Content-Disposition"] == 'attachment; filename="annual-payments-2026.csv"'


def test_a_bank_file_the_bank_would_refuse_is_not_offered(tenant, client_for, member_factory):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    StatementFactory(
        partner=PartnerFactory(tenant=tenant, display_name="No Bank KK"),
        period=period,
        status=StatementStatus.APPROVED,
    )
    client = client_for(member_factory(tenant, Role.FINANCE))

    response = client.get(
        tenant_reverse(tenant, "payouts:period_zengin", period_id=period.pk), follow=True
    )

    assert response.redirect_chain[-1][0] == tenant_reverse(tenant, "payouts:period_list")
    assert b"No Bank KK:" in response.content
    assert response["Content-Type"].startswith("text/html")
