"""Issuing a statement: a gap-free number, the PDF rendered by WeasyPrint and frozen with its
SHA-256, and nothing of it changing afterwards (the database refuses). The PDF's text
(pdftotext) holds every item domain.md §5 asks for, its Japanese font is embedded (pdffonts),
a long table breaks across pages with its header repeated and "1 / 2" page numbers."""

import datetime
import hashlib
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django_scopes import scopes_disabled

from accounts.tenancy import tenant_context
from accounts.urls_helpers import tenant_reverse
from partners.choices import EntityKind
from payouts.models import Statement, StatementLine, StatementStatus
from payouts.services import statements as services
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory, PayoutPeriodFactory, StatementFactory

D = Decimal


@pytest.fixture
def ja_tenant(db):
    return TenantFactory(
        slug="gamma",
        name="ガンマ",
        default_language="ja",
        issuer_legal_name="株式会社ガンマ",
        issuer_address="東京都千代田区丸の内1-1-1",
        issuer_registration_number="T2010001008846",
    )


def approved(tenant, *, lines=1, **partner_fields):
    partner = PartnerFactory(
        tenant=tenant,
        legal_name=partner_fields.pop("legal_name", "株式会社ミナト商事"),
        postal_code="100-0005",
        city="千代田区",
        street_address="丸の内2-2-2",
        bank_code="0001",
        bank_name="みずほ銀行",
        branch_code="001",
        branch_name="東京営業部",
        account_type="ordinary",
        account_number="1234567",
        account_holder_kana="ﾐﾅﾄｼｮｳｼﾞ",
        **partner_fields,
    )
    ledger = [
        LedgerLineFactory(
            partner=partner,
            amount=D(10000),
            # March: before the closed period, whose lock refuses new lines.
            accrued_on=datetime.date(2026, 3, 1 + index % 28),
            description=f"紹介料 {index + 1}",
        )
        for index in range(lines)
    ]
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    total = D(10000) * lines
    statement = StatementFactory(
        partner=partner,
        period=period,
        status=StatementStatus.APPROVED,
        subtotal=total,
        taxes=[{"rate": "10", "base": str(total), "tax": str(total / 10)}],
        tax=total / 10,
        gross=total * D("1.1"),
        net_payable=total * D("1.1"),
        recipient_registration_number=partner.registration_number,
    )
    with scopes_disabled():
        for line in ledger:
            StatementLine.objects.create(
                tenant=tenant, statement=statement, ledger_line=line, tax_rate=D(10)
            )
    return statement


def issue(tenant, statement):
    with tenant_context(tenant):
        return services.statement_issue(tenant=tenant, statement_id=statement.pk)


def pdf_text(statement, *pages) -> str:
    options = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    text = subprocess.run(
        ["pdftotext", "-layout", *options, statement.pdf.path, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(text.split())  # Japanese wraps anywhere: compare without whitespace


def test_numbers_are_given_in_order_once(ja_tenant):
    first = issue(ja_tenant, approved(ja_tenant))
    second = issue(ja_tenant, approved(ja_tenant, legal_name="合同会社キタ"))
    again = issue(ja_tenant, first)

    assert (first.number, second.number, again.number) == ("000001", "000002", "000001")
    assert first.status == StatementStatus.ISSUED and first.issued_on is not None
    with open(first.pdf.path, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == first.pdf_sha256


def test_a_draft_is_not_issued(ja_tenant):
    draft = StatementFactory(partner=PartnerFactory(tenant=ja_tenant))

    with pytest.raises(ValidationError, match="approved"):
        issue(ja_tenant, draft)


def test_an_issued_statement_never_changes(ja_tenant):
    statement = issue(ja_tenant, approved(ja_tenant))

    with scopes_disabled():
        with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
            Statement.objects.filter(pk=statement.pk).update(net_payable=D(1))
        # Deleting it deletes its lines first (cascade): refused there already.
        with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
            Statement.objects.filter(pk=statement.pk).delete()
        with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
            StatementLine.objects.filter(statement=statement).delete()
        # Paying it stays possible.
        Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.PAID)
    with tenant_context(ja_tenant):
        remade = services.statement_generate(
            tenant=ja_tenant, period_id=statement.period_id, partner_id=statement.partner_id
        )
    assert remade.pk == statement.pk and remade.net_payable == D(11000)


def test_the_pdf_holds_every_required_item(ja_tenant):
    statement = issue(ja_tenant, approved(ja_tenant, registration_number="T1234567890123"))

    text = pdf_text(statement)

    for item in (
        "支払通知書",
        "番号000001",
        "株式会社ガンマ",  # issuer
        "登録番号:T2010001008846",
        "株式会社ミナト商事御中",  # recipient with its honorific
        "〒100-0005",
        "登録番号:T1234567890123",
        "2026年4月1日–2026年4月30日",  # the period
        "紹介料1",  # the line
        "10%対象額",
        "消費税10%",
        "1,000円",
        "源泉徴収税額",
        "差引支払額",
        "11,000円",
        "2026年6月1日",  # the payment date
        "みずほ銀行(0001)",
        "ﾐﾅﾄｼｮｳｼﾞ",
        "10日以内に異議のお申し出がない場合",
    ):
        assert item in text, item


def test_a_person_is_addressed_with_sama_and_an_unregistered_one_is_said_so(ja_tenant):
    statement = issue(
        ja_tenant,
        approved(
            ja_tenant,
            legal_name="山田太郎",
            entity_kind=EntityKind.INDIVIDUAL,
            registration_number="",
        ),
    )

    text = pdf_text(statement)

    assert "山田太郎様" in text
    assert "受領者は適格請求書発行事業者の登録番号を持っていません。" in text


def test_the_japanese_font_is_embedded(ja_tenant):
    statement = issue(ja_tenant, approved(ja_tenant))

    fonts = subprocess.run(
        ["pdffonts", statement.pdf.path], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]

    cjk = [line for line in fonts if "Noto-Sans-CJK-JP" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk)


def test_a_long_statement_repeats_its_header_on_every_page(ja_tenant):
    statement = issue(ja_tenant, approved(ja_tenant, lines=60))

    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", statement.pdf.path], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    last = pdf_text(statement, pages, pages)

    assert pages >= 2
    assert "案件・イベント" in pdf_text(statement, 2, 2)  # the table's header, again
    assert f"{pages}/{pages}" in last and "紹介料60" in pdf_text(statement)


def test_the_pdf_is_downloaded_as_issued_and_never_when_changed(
    ja_tenant, member_factory, client_for
):
    from accounts.roles import Role

    finance = member_factory(ja_tenant, Role.FINANCE)
    statement = issue(ja_tenant, approved(ja_tenant))
    url = tenant_reverse(ja_tenant, "payouts:statement_pdf", statement_id=statement.pk)
    client = client_for(finance)

    response = client.get(url)
    body = b"".join(response.streaming_content)
    with open(statement.pdf.path, "ab") as stored:
        stored.write(b"tampered")
    tampered = client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == statement.pdf_sha256
    assert tampered.status_code == 404


def test_the_issue_button_issues_in_the_worker(
    ja_tenant, member_factory, client_for, django_capture_on_commit_callbacks
):
    from accounts.roles import Role

    finance = member_factory(ja_tenant, Role.FINANCE)
    statement = approved(ja_tenant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(finance).post(
            tenant_reverse(ja_tenant, "payouts:statement_issue", statement_id=statement.pk)
        )

    assert response.status_code == 302
    with scopes_disabled():
        statement.refresh_from_db()
    assert statement.status == StatementStatus.ISSUED and statement.number == "000001"


def test_a_period_with_an_issued_statement_is_not_reopened(ja_tenant):
    from payouts.services import periods

    statement = issue(ja_tenant, approved(ja_tenant))

    with tenant_context(ja_tenant), pytest.raises(ValidationError, match="never changes"):
        periods.period_reopen(
            tenant=ja_tenant, actor=None, period=statement.period, reason="A late invoice"
        )


def test_the_correction_pdf_names_the_statement_it_replaces(ja_tenant, member_factory):
    from accounts.roles import Role

    finance = member_factory(ja_tenant, Role.FINANCE).user
    original = issue(ja_tenant, approved(ja_tenant))
    with tenant_context(ja_tenant):
        correction = services.statement_correct(
            tenant=ja_tenant, actor=finance, statement_id=original.pk, reason="登録番号の誤り"
        )
        services.statements_approve(tenant=ja_tenant, actor=finance, statement_ids=[correction.pk])
    correction = issue(ja_tenant, correction)

    text = pdf_text(correction)
    assert correction.number == "000002"
    assert "番号000001を訂正し、これに代わるものです。" in text
    assert "訂正内容:登録番号の誤り" in text
    # The same line as the statement it corrects: ¥10,000, ¥11,000 with tax.
    assert text.count("紹介料1") == 1 and "差引支払額11,000円" in text
