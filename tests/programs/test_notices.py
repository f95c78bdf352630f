"""The written-terms notice (取引条件の明示, Freelance Act): issued once per contract for
individuals and one-person companies, as data and as a Japanese PDF with its font embedded,
acknowledged once by the partner admin; the contract's start issues it through the task."""

import datetime
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.pdf import OfflineURLFetcher, render_pdf
from accounts.roles import Role
from partners.choices import EntityKind
from programs.models import ContractStatus, WrittenTermsNotice
from programs.services.contracts import contract_activate
from programs.services.notices import written_notice_acknowledge, written_notice_issue
from programs.tasks.notices import written_notice_issue_task
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    PartnerContractFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db

STARTS = datetime.date(2026, 4, 1)


def make_contract(tenant, entity_kind=EntityKind.INDIVIDUAL, **contract_fields):
    """A contract at a tier whose rule set had 10 % from January and 20 % from June: the
    notice states the version in force on the contract's first day (April)."""
    program = ProgramFactory(tenant=tenant, name="紹介プログラム", partner_role="introduces")
    rule_set = CommissionRuleSetFactory(program=program, name="標準手数料")
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=1,
        effective_from=datetime.date(2026, 1, 1),
        rules=[
            {"kind": "percentage", "rate": "10", "cap": None},
            {"kind": "recurring", "rate": "5", "months": 12},
        ],
        holding_days=30,
        clawback_days=90,
    )
    CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        number=2,
        effective_from=datetime.date(2026, 6, 1),
        rules=[{"kind": "percentage", "rate": "20", "cap": None}],
    )
    tier = TierFactory(program=program, name="Gold", rule_set=rule_set)
    partner = PartnerFactory(tenant=tenant, legal_name="山田 太郎", entity_kind=entity_kind)
    fields = {"starts_on": STARTS, **contract_fields}
    return PartnerContractFactory(partner=partner, tier=tier, **fields)


def notices(tenant):
    with scopes_disabled():
        return list(WrittenTermsNotice.objects.filter(tenant=tenant))


def issue(tenant, in_tenant, contract):
    with in_tenant(tenant):
        return written_notice_issue(tenant=tenant, contract=contract)


@pytest.fixture
def ja_tenant(db):
    return TenantFactory(slug="gamma", name="株式会社ガンマ", default_language="ja")


def test_a_company_gets_no_notice(tenant, in_tenant):
    contract = make_contract(tenant, EntityKind.COMPANY)

    assert issue(tenant, in_tenant, contract) is None
    assert notices(tenant) == []


@pytest.mark.parametrize("kind", [EntityKind.INDIVIDUAL, EntityKind.ONE_PERSON_COMPANY])
def test_individuals_and_one_person_companies_get_the_terms_as_data(tenant, in_tenant, kind):
    contract = make_contract(tenant, kind)

    notice = issue(tenant, in_tenant, contract)

    content = notice.content
    assert content["partner"] == {"name": "山田 太郎", "entity_kind": kind}
    assert content["vendor"]["name"] == tenant.name
    assert content["program"] == {"name": "紹介プログラム", "partner_role": "introduces"}
    assert content["term"] == {
        "starts_on": "2026-04-01",
        "ends_on": "2027-04-01",
        "auto_renew": True,
    }
    # The version in force on 2026-04-01 (v1), not the later 20 % one.
    assert content["fee"]["version"] == 1
    assert content["fee"]["rules"][0] == {"kind": "percentage", "rate": "10", "cap": None}
    assert content["fee"]["rules"][1]["months"] == 12
    assert (content["fee"]["holding_days"], content["fee"]["clawback_days"]) == (30, 90)
    assert content["fee"]["currency"] == "JPY"
    assert content["payment_terms"]["rule"] == "month_end_close_next_month_end"
    assert content["payment_terms"]["max_days"] == 60
    assert content["payment_method"] == {
        "method": "bank_transfer",
        "transfer_fee_borne_by": "vendor",
    }
    assert datetime.date.fromisoformat(content["date"])
    assert notice.pdf.name.endswith("notice.pdf")


def test_a_tier_without_rules_says_no_fee_rule_applies(tenant, in_tenant):
    partner = PartnerFactory(tenant=tenant, entity_kind=EntityKind.INDIVIDUAL)
    contract = PartnerContractFactory(
        partner=partner, tier=TierFactory(program=ProgramFactory(tenant=tenant))
    )

    notice = issue(tenant, in_tenant, contract)

    assert notice.content["fee"]["rules"] == []
    assert notice.content["fee"]["rule_set"] is None


def test_issuing_twice_keeps_one_notice_and_one_pdf(tenant, in_tenant):
    contract = make_contract(tenant)

    first = issue(tenant, in_tenant, contract)
    second = issue(tenant, in_tenant, contract)

    assert [n.pk for n in notices(tenant)] == [first.pk]
    assert second.pdf.name == first.pdf.name
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="written_notice.issued").count() == 1


def test_the_task_retried_issues_one_notice(tenant):
    contract = make_contract(tenant)

    first = written_notice_issue_task.delay(tenant_id=tenant.pk, contract_id=contract.pk).get()
    again = written_notice_issue_task.delay(tenant_id=tenant.pk, contract_id=contract.pk).get()

    assert first == again == notices(tenant)[0].pk
    assert len(notices(tenant)) == 1


def test_the_database_refuses_a_second_notice_for_a_contract(tenant, in_tenant):
    # What makes two concurrent issues end with one row: the unique key, not a Python check.
    contract = make_contract(tenant)
    issue(tenant, in_tenant, contract)

    with in_tenant(tenant), pytest.raises(IntegrityError), transaction.atomic():
        WrittenTermsNotice.objects.create(tenant=tenant, contract=contract)


def test_another_tenants_contract_is_refused(tenant, other_tenant, in_tenant):
    contract = make_contract(other_tenant)

    with pytest.raises(ValidationError):
        issue(tenant, in_tenant, contract)
    assert notices(other_tenant) == []


def test_contract_start_issues_the_notice_through_the_task(
    tenant, in_tenant, django_capture_on_commit_callbacks
):
    """contract_activate sends contract_started on commit; its receiver queues the task, which
    (Celery eager, as in every test) renders the PDF with WeasyPrint."""
    contract = make_contract(tenant, status=ContractStatus.DRAFT)

    with django_capture_on_commit_callbacks(execute=True), in_tenant(tenant):
        contract_activate(tenant=tenant, actor=None, contract=contract)

    [notice] = notices(tenant)
    assert notice.contract_id == contract.pk
    assert notice.pdf.open("rb").read(5) == b"%PDF-"


def test_a_company_contract_starting_issues_nothing(
    tenant, in_tenant, django_capture_on_commit_callbacks
):
    contract = make_contract(tenant, EntityKind.COMPANY, status=ContractStatus.DRAFT)

    with django_capture_on_commit_callbacks(execute=True), in_tenant(tenant):
        contract_activate(tenant=tenant, actor=None, contract=contract)

    assert notices(tenant) == []


# --- the PDF ------------------------------------------------------------------------------------


def _pdf_path(notice):
    return notice.pdf.path


def test_the_pdf_is_japanese_with_the_fee_formula_and_the_payment_rule(ja_tenant, in_tenant):
    contract = make_contract(ja_tenant)

    notice = issue(ja_tenant, in_tenant, contract)

    text = subprocess.run(
        ["pdftotext", "-layout", _pdf_path(notice), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Table cells wrap anywhere in Japanese: compare without whitespace.
    flat = "".join(text.split())
    for expected in (
        "取引条件明示書",
        "山田太郎様",
        "受注金額の10%",  # the fee formula of v1 (受注金額の 10 %), in Japanese
        "月額の5%を12か月",
        "翌月末日までに支払います",
        "締め日（その月の末日、当日を含む）から60日以内",
        "振込手数料は株式会社ガンマが負担します",
        "1/1",  # the page number in the margin box
    ):
        assert expected in flat, expected
    assert "受注金額の20%" not in flat  # the later version is not the one in force


def test_the_pdf_embeds_a_noto_cjk_font(ja_tenant, in_tenant):
    notice = issue(ja_tenant, in_tenant, make_contract(ja_tenant))

    fonts = subprocess.run(
        ["pdffonts", _pdf_path(notice)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]

    cjk = [line for line in fonts if "Noto-Sans-CJK-JP" in line]
    assert cjk, fonts
    # Columns: name, type, encoding, emb, sub, uni, object id.
    assert all(line.split()[-5] == "yes" for line in cjk)


def test_rendering_fetches_nothing_from_the_network():
    fetcher = OfflineURLFetcher()

    for url in ("http://example.test/logo.png", "https://example.test/a.css", "file:///etc/hosts"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_render_pdf_makes_a_pdf_in_the_language_asked(settings):
    pdf = render_pdf(
        "programs/notices/notice_pdf.html",
        {"notice": {"partner": {"name": "Taro"}, "fee": {}, "term": {}}},
        language="en",
    )

    assert pdf.startswith(b"%PDF-")


# --- acknowledging ------------------------------------------------------------------------------


def test_acknowledging_records_who_and_when_once(tenant, in_tenant):
    contract = make_contract(tenant)
    notice = issue(tenant, in_tenant, contract)
    admin, _rep = portal_membership_for(contract.partner, role=Role.PARTNER_ADMIN)
    other_admin, _rep = portal_membership_for(contract.partner, role=Role.PARTNER_ADMIN)

    with in_tenant(tenant):
        first = written_notice_acknowledge(
            tenant=tenant, actor=admin.user, partner=contract.partner, notice=notice
        )
        again = written_notice_acknowledge(
            tenant=tenant, actor=other_admin.user, partner=contract.partner, notice=notice
        )

    assert first.acknowledged_by == admin.user
    assert first.acknowledged_at is not None
    assert (again.acknowledged_by, again.acknowledged_at) == (admin.user, first.acknowledged_at)
    with scopes_disabled():
        events = AuditEvent.objects.filter(action="written_notice.acknowledged")
        assert [e.actor_id for e in events] == [admin.user.pk]


def test_acknowledging_another_partners_notice_is_refused(tenant, in_tenant):
    contract = make_contract(tenant)
    notice = issue(tenant, in_tenant, contract)
    intruder_partner = PartnerFactory(tenant=tenant)
    intruder, _rep = portal_membership_for(intruder_partner, role=Role.PARTNER_ADMIN)

    with in_tenant(tenant), pytest.raises(ValidationError):
        written_notice_acknowledge(
            tenant=tenant, actor=intruder.user, partner=intruder_partner, notice=notice
        )

    notice.refresh_from_db()
    assert notice.acknowledged_at is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_make_one_notice(tenant):
    """Two workers at once: each in its own connection and transaction; the unique key makes
    the later insert wait for the first and then find its row."""
    import threading

    from django.db import connection
    from django_scopes import scope

    contract = make_contract(tenant)
    start = threading.Barrier(2)
    results, errors = [], []

    def work():
        try:
            start.wait()
            with scope(tenant=tenant):
                results.append(written_notice_issue(tenant=tenant, contract=contract).pk)
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
    assert len(results) == 2 and results[0] == results[1]
    assert [n.pk for n in notices(tenant)] == [results[0]]
