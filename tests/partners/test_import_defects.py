"""The defects the 140-file CSV corpus found (issue 7 §1, issue 6 §3), one test each, through
the pages a person uses: upload, preview, confirm, export."""

import csv
import io
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from stdnum.jp import cn

from accounts.roles import Role
from partners.models import Partner, PartnerRep
from tests.factories.partners import PartnerFactory
from tests.partners.exporting import export_csv


def valid_cn(base: str) -> str:
    return cn.calc_check_digit(base) + base


CN1 = valid_cn("123456789012")
CN2 = valid_cn("700110005901")
CN3 = valid_cn("010401089234")
FULL_WIDTH = str.maketrans("0123456789T-", "０１２３４５６７８９Ｔ－")


def url(tenant, name="partner_import", **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


def upload(client, tenant, text: str, name="partner_import", encoding="utf-8"):
    data = SimpleUploadedFile("p.csv", text.encode(encoding), "text/csv")
    return client.post(url(tenant, name), {"file": data}, follow=True)


def job_of(response):
    assert response.status_code in (200, 400), response.status_code
    return response.context.get("job")


def row_errors(response) -> dict[tuple[int, str], str]:
    job = job_of(response)
    assert job is not None, "no preview: " + refusal(response)
    return {(row, column): message for row, column, message in job.errors}


def refusal(response) -> str:
    form = response.context.get("form")
    return " ".join(form.errors.get("file", [])) if form is not None else ""


def confirm_token(response) -> str:
    job = job_of(response)
    assert job is not None and job.state == "checked" and not job.errors, row_errors(response)
    return job.token


def confirm(client, tenant, token, name="partner_import"):
    return client.post(url(tenant, name), {"token": token}, follow=True)


def partners_of(tenant, unscoped):
    with unscoped():
        return list(Partner.objects.filter(tenant=tenant).order_by("legal_name"))


@pytest.fixture
def manager(tenant, manager_member, client_for):
    return client_for(manager_member)


# --- server errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", ["①", "²", "10²", "٣"])
def test_employee_count_that_is_a_digit_to_isdigit_is_a_row_error_not_a_500(tenant, manager, count):
    response = upload(manager, tenant, f"legal_name,employee_count\r\nサクラ,{count}\r\n")

    errors = row_errors(response)
    assert list(errors) == [(2, "employee_count")]


def test_full_width_employee_count_is_read_as_a_number(tenant, manager, unscoped):
    response = upload(manager, tenant, "legal_name,employee_count\r\nサクラ,１，２００\r\n")
    confirm(manager, tenant, confirm_token(response))

    assert [p.employee_count for p in partners_of(tenant, unscoped)] == [1200]


def test_a_nul_in_a_cell_is_a_row_error_in_the_preview(tenant, manager, unscoped):
    response = upload(manager, tenant, "legal_name,city\r\nサクラ,千代\x00田区\r\n")

    errors = row_errors(response)
    assert list(errors) == [(2, "city")]
    assert partners_of(tenant, unscoped) == []


# --- confirming twice ---------------------------------------------------------------------------


def test_five_concurrent_confirms_with_one_token_import_the_file_once(
    transactional_db, tenant, manager_member, fresh_client_for, unscoped
):
    text = "legal_name\r\nサクラ\r\nモミジ\r\nカエデ\r\n"
    first = fresh_client_for(manager_member)
    token = confirm_token(upload(first, tenant, text))
    clients = [fresh_client_for(manager_member) for _ in range(5)]
    start = threading.Barrier(len(clients))
    statuses = []

    def post(client):
        try:
            start.wait()
            statuses.append(client.post(url(tenant), {"token": token}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(statuses) == [302] * 5
    assert [p.legal_name for p in partners_of(tenant, unscoped)] == ["カエデ", "サクラ", "モミジ"]


# --- normalisation ------------------------------------------------------------------------------


def test_full_width_corporate_number_t_number_and_postal_code_are_stored_normalised(
    tenant, manager, unscoped
):
    text = (
        "legal_name,corporate_number,registration_number,postal_code\r\n"
        f"サクラ,{CN1.translate(FULL_WIDTH)},{('T' + CN1).translate(FULL_WIDTH)},"
        f"{'100-0001'.translate(FULL_WIDTH)}\r\n"
    )
    confirm(manager, tenant, confirm_token(upload(manager, tenant, text)))

    [sakura] = partners_of(tenant, unscoped)
    assert (sakura.corporate_number, sakura.registration_number, sakura.postal_code) == (
        CN1,
        "T" + CN1,
        "100-0001",
    )


def test_full_width_corporate_number_is_caught_by_the_duplicate_check(tenant, manager):
    PartnerFactory(tenant=tenant, corporate_number=CN1)
    text = f"legal_name,corporate_number\r\nサクラ,{CN1.translate(FULL_WIDTH)}\r\n"

    errors = row_errors(upload(manager, tenant, text))

    assert "already exists" in errors[(2, "corporate_number")]


# --- the structure of the file ------------------------------------------------------------------


def test_an_unterminated_quote_is_refused_naming_the_row(tenant, manager, unscoped):
    text = 'legal_name,city\r\nサクラ,千代田区\r\n"モミジ,大阪市\r\nカエデ,京都市\r\n'

    response = upload(manager, tenant, text)

    assert job_of(response) is None
    assert "row 3" in refusal(response).lower() and "quot" in refusal(response)
    assert partners_of(tenant, unscoped) == []


def test_rows_are_counted_as_records_after_a_cell_with_line_breaks(tenant, manager):
    text = (
        "legal_name,notes,priority\r\n"
        'サクラ,"one\r\ntwo\r\nthree",A\r\n'  # row 2, lines 2-4
        "モミジ,,Z\r\n"  # row 3, line 5
    )

    errors = row_errors(upload(manager, tenant, text))

    assert list(errors) == [(3, "priority")]


@pytest.mark.parametrize(
    ("separator", "name"), [(";", "semicolon"), ("\t", "tab")], ids=["semicolon", "tab"]
)
def test_a_semicolon_or_tab_separated_file_is_refused_naming_the_separator(
    tenant, manager, separator, name
):
    text = separator.join(["legal_name", "city"]) + "\r\n" + separator.join(["サクラ", "x"])

    message = refusal(upload(manager, tenant, text + "\r\n"))

    assert name in message and "legal_name" not in message


def test_a_huge_cell_is_a_row_error_naming_the_column_in_japanese(
    tenant, manager_member, client_for
):
    manager_member.user.language = "ja"
    manager_member.user.save()
    text = "legal_name,city\r\nサクラ," + "x" * 140_000 + "\r\n"

    errors = row_errors(upload(client_for(manager_member), tenant, text))

    assert list(errors) == [(2, "city")]
    assert "131072" not in errors[(2, "city")]
    assert re.search("[ぁ-んァ-ヶ一-龯]", errors[(2, "city")])


# --- formulas ----------------------------------------------------------------------------------


def test_phone_numbers_and_a_dash_placeholder_are_not_formulas(tenant, manager, unscoped):
    PartnerFactory(tenant=tenant, corporate_number=CN1)
    text = (
        "partner_corporate_number,full_name,phone,department\r\n"
        f"{CN1},山田 太郎,+81-3-1234-5678,-\r\n"
        f"{CN1},佐藤 花子,-,営業部\r\n"
    )
    confirm(
        manager, tenant, confirm_token(upload(manager, tenant, text, "rep_import")), "rep_import"
    )

    with unscoped():
        phones = sorted(PartnerRep.objects.filter(tenant=tenant).values_list("phone", flat=True))
    assert phones == ["", "+81-3-1234-5678"]


@pytest.mark.parametrize(
    "cell", ["=1+1", "＝1+1", ";=1+1", "x;=1+1", "@SUM(A1)", "+cmd|'/c calc'!A0"]
)
def test_formula_cells_are_refused_on_import(tenant, manager, cell):
    errors = row_errors(upload(manager, tenant, f'legal_name,city\r\nサクラ,"{cell}"\r\n'))

    assert list(errors) == [(2, "city")]


@pytest.mark.parametrize("cell", ["=1+1", "＝1+1", ";=1+1", "@x", "-2+3", "+81-3-1234"])
def test_export_prefixes_every_formula_start_with_an_apostrophe(tenant, manager, cell):
    PartnerFactory(tenant=tenant, legal_name="サクラ", city=cell)

    _response, body = export_csv(manager, tenant)

    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0]["city"] == "'" + cell


# --- export and re-import -----------------------------------------------------------------------


def test_the_partner_export_re_imports_into_another_tenant(
    tenant, other_tenant, manager, member_factory, fresh_client_for, unscoped
):
    PartnerFactory(
        tenant=tenant,
        legal_name="株式会社サクラ",
        corporate_number=CN1,
        city="+81",  # exported as '+81, comes back as +81
        industries=["retail"],
        prefectures=["13", "14"],
        postal_code="100-0001",
    )
    PartnerFactory(tenant=tenant, legal_name="モミジ", corporate_number=CN2, notes="line\nbreak")
    _response, exported = export_csv(manager, tenant)
    other = fresh_client_for(member_factory(other_tenant, Role.PARTNER_MANAGER))

    response = upload(other, other_tenant, exported.lstrip("\ufeff"))
    confirm(other, other_tenant, confirm_token(response))

    fields = ("legal_name", "corporate_number", "city", "industries", "prefectures", "notes")
    before = [tuple(getattr(p, f) for f in fields) for p in partners_of(tenant, unscoped)]
    after = [tuple(getattr(p, f) for f in fields) for p in partners_of(other_tenant, unscoped)]
    assert after == before


def test_the_rep_export_re_imports(tenant, manager, unscoped):
    partner = PartnerFactory(tenant=tenant, corporate_number=CN1)
    from tests.factories.partners import PartnerRepFactory

    PartnerRepFactory(partner=partner, full_name="山田 太郎", phone="+81-3-1234-5678")
    response, exported = export_csv(manager, tenant, what="reps")
    assert response["Content-Disposition"].startswith('attachment; filename="partner-reps-')
    exported = exported.lstrip("\ufeff")
    with unscoped():
        PartnerRep.objects.filter(tenant=tenant).update(email="")
        PartnerRep.objects.filter(tenant=tenant).delete()

    token = confirm_token(upload(manager, tenant, exported, "rep_import"))
    confirm(manager, tenant, token, "rep_import")

    with unscoped():
        assert list(PartnerRep.objects.filter(tenant=tenant).values_list("full_name", "phone")) == [
            ("山田 太郎", "+81-3-1234-5678")
        ]
