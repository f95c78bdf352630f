"""CSV import of partners and reps: every refusal, every row error, and all or nothing."""

import csv
import io

import pytest
from django.urls import reverse
from stdnum.jp import cn

from accounts import imports as kernel
from accounts.models import AuditEvent, ImportJob
from accounts.roles import Role
from partners.models import Partner, PartnerRep, PartnerStatusChange
from partners.services import imports
from partners.validators import search_key
from tests.factories.partners import PartnerFactory, PartnerTypeFactory


def valid_cn(base: str) -> str:
    return cn.calc_check_digit(base) + base


CN1 = valid_cn("123456789012")
CN2 = valid_cn("700110005901")
CN3 = valid_cn("010401089234")
BAD_CN = ("1" if CN1[0] != "1" else "2") + CN1[1:]

HEADER = "legal_name,legal_name_kana,corporate_number,partner_type,priority,status,prefecture"


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join((header, *rows)) + "\r\n"


def good_text() -> str:
    return csv_of(
        f"株式会社サクラ,サクラ,{CN1},Distributor,A,active,13",
        f"モミジ合同会社,モミジ,{CN2},,b,prospect,Osaka",
    )


@pytest.fixture
def distributor(tenant):
    return PartnerTypeFactory(tenant=tenant, name="Distributor")


def preview(tenant, text, kind="partners"):
    return kernel.import_check(tenant=tenant, kind=kind, text=text)


def commit(tenant, actor, text, kind="partners") -> ImportJob:
    """Upload and confirm through the job services, as the pages do."""
    job = kernel.import_job_create(
        tenant=tenant, actor=actor, kind=kind, filename="p.csv", data=text.encode(), language="en"
    )
    assert job.state == ImportJob.State.CHECKED
    claimed = kernel.import_job_confirm(tenant=tenant, actor=actor, kind=kind, token=job.token)
    job.refresh_from_db()
    assert claimed is not None or job.state != ImportJob.State.CHECKED
    return job


def errors_of(result):
    return {(e.row, e.column) for e in result.errors}


# --- decoding ---------------------------------------------------------------------------------


def test_utf8_with_and_without_bom_and_shift_jis_are_read():
    text = good_text()
    assert kernel.decode(text.encode("utf-8")) == text
    assert kernel.decode(("\ufeff" + text).encode("utf-8")) == text
    assert kernel.decode(text.encode("shift_jis")) == text
    assert kernel.decode(text.encode("cp932")) == text


@pytest.mark.parametrize(
    "data",
    [
        "株式会社サクラ,サクラ".encode("utf-16"),
        bytes([0x80, 0xA0, 0xFD, 0xFE, 0xFF]) * 10,  # invalid in UTF-8 and in CP932
        "legal_name\nCafé Müller GmbH,Straße 5\n".encode("latin-1"),
    ],
    ids=["utf-16", "invalid-bytes", "latin-1"],
)
def test_other_encodings_are_refused_with_a_clear_message(data):
    with pytest.raises(kernel.ImportRefused) as raised:
        kernel.decode(data)
    assert "UTF-8" in raised.value.message and "Shift_JIS" in raised.value.message


@pytest.mark.parametrize("data", [b"", b"   \r\n"], ids=["empty", "blank"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(kernel.ImportRefused) as raised:
        kernel.decode(data)
    assert "empty" in raised.value.message


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(kernel, "MAX_BYTES", 2 * 1024 * 1024)
    with pytest.raises(kernel.ImportRefused) as raised:
        kernel.decode(b"a" * (kernel.MAX_BYTES + 1))
    assert "2 MB" in raised.value.message


# --- the header -------------------------------------------------------------------------------


def test_header_only_is_refused(tenant, in_tenant):
    with in_tenant(tenant), pytest.raises(kernel.ImportRefused) as raised:
        preview(tenant, HEADER + "\r\n")
    assert "no rows" in raised.value.message


def test_missing_required_columns_are_named(tenant, in_tenant):
    with in_tenant(tenant), pytest.raises(kernel.ImportRefused) as raised:
        preview(tenant, csv_of("サクラ,1", header="legal_name_kana,priority"))
    assert "legal_name" in raised.value.message


def test_unknown_columns_are_named(tenant, in_tenant):
    with in_tenant(tenant), pytest.raises(kernel.ImportRefused) as raised:
        preview(tenant, csv_of("X,1,2", header="legal_name,fax,bank"))
    assert "Unknown columns: fax, bank." in raised.value.message


def test_more_rows_than_the_cap_is_refused(tenant, in_tenant, monkeypatch):
    assert kernel.MAX_ROWS == 100_000
    monkeypatch.setattr(kernel, "MAX_ROWS", 5)
    rows = [f"Company {n}" for n in range(kernel.MAX_ROWS + 1)]
    with in_tenant(tenant), pytest.raises(kernel.ImportRefused) as raised:
        preview(tenant, csv_of(*rows, header="legal_name"))
    assert "more than 5 rows" in raised.value.message


# --- row errors -------------------------------------------------------------------------------


def test_a_good_file_previews_without_errors(tenant, in_tenant, distributor):
    with in_tenant(tenant):
        result = preview(tenant, good_text())
    assert result.errors == []
    assert (result.total, len(result.rows), result.ok) == (2, 2, True)
    assert result.rows[0]["partner_type"] == distributor
    assert result.rows[1]["priority"] == "B"
    assert result.rows[1]["prefecture"] == "27"


def test_row_errors_name_the_row_and_the_column(tenant, in_tenant, distributor):
    PartnerFactory(tenant=tenant, corporate_number=CN3)
    text = csv_of(
        f"Good Co,グッド,{CN1},Distributor,A,active,13",  # row 2
        f"Bad number,,{BAD_CN},,A,active,13",  # row 3
        f"Taken,,{CN3},,A,active,13",  # row 4: already in the tenant
        f"Twin,,{CN1},,A,active,13",  # row 5: same number as row 2
        "Good Co,,,,A,active,13",  # row 6: same name as row 2
        "Enum,,,Nope,Z,alive,Atlantis",  # row 7
        '=HYPERLINK("x"),,,,A,active,13',  # row 8
        "Kana,さくら,,,A,active,13",  # row 9: reading not katakana
    )
    with in_tenant(tenant):
        result = preview(tenant, text)
    found = errors_of(result)
    assert (3, "corporate_number") in found
    assert (4, "corporate_number") in found
    assert (5, "corporate_number") in found
    assert (6, "legal_name") in found
    assert {(7, "partner_type"), (7, "priority"), (7, "status"), (7, "prefecture")} <= found
    assert (8, "legal_name") in found
    assert (9, "legal_name_kana") in found
    assert len(result.rows) == 1
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "A, B, C, D" in messages[(7, "priority")]
    assert "prospect" in messages[(7, "status")]
    assert "Nope" in messages[(7, "partner_type")]
    assert "row 2" in messages[(5, "corporate_number")]
    assert "formula" in messages[(8, "legal_name")]


@pytest.mark.parametrize("cell", ["+A1", "-1+cmd", "@SUM(A1)", "=1+1"])
def test_formula_cells_are_refused(tenant, in_tenant, cell):
    with in_tenant(tenant):
        result = preview(tenant, csv_of(f"Company,{cell}", header="legal_name,city"))
    assert errors_of(result) == {(2, "city")}


# --- commit: all or nothing -------------------------------------------------------------------


def test_commit_imports_every_row(tenant, admin_member, in_tenant, distributor):
    with in_tenant(tenant):
        job = commit(tenant, admin_member.user, good_text())
        assert (job.state, job.created_count) == (ImportJob.State.DONE, 2)
        sakura = Partner.objects.get(tenant=tenant, corporate_number=CN1)
        assert sakura.partner_type == distributor
        assert sakura.search_text == search_key("株式会社サクラ", "サクラ", "", CN1)
        assert sakura.status == "active"
        assert PartnerStatusChange.objects.filter(partner=sakura, status="active").count() == 1


def test_an_import_is_audited_as_one_summary_event(tenant, admin_member, in_tenant, distributor):
    with in_tenant(tenant):
        job = commit(tenant, admin_member.user, good_text())
        events = list(AuditEvent.objects.filter(tenant=tenant))
    assert [(e.action, e.object_id, e.changes) for e in events] == [
        ("partner.imported", str(job.pk), {"count": 2, "file": "p.csv"})
    ]


def test_one_bad_row_writes_no_partner_at_all(tenant, admin_member, in_tenant, distributor):
    text = good_text() + f"Bad,,{BAD_CN},,A,active,13\r\n"
    with in_tenant(tenant):
        job = kernel.import_job_create(
            tenant=tenant,
            actor=admin_member.user,
            kind="partners",
            filename="p.csv",
            data=text.encode(),
            language="en",
        )
        claimed = kernel.import_job_confirm(
            tenant=tenant, actor=admin_member.user, kind="partners", token=job.token
        )
        assert claimed is None
        assert Partner.objects.filter(tenant=tenant).count() == 0


def test_a_failure_while_writing_rolls_every_row_back(
    tenant, admin_member, in_tenant, distributor, monkeypatch
):
    """A failure after the first batch is in the database leaves nothing behind, and the job
    says why."""
    monkeypatch.setattr(imports, "BATCH_SIZE", 1)
    real_insert_rows = imports.insert_rows
    calls = []

    def second_batch_fails(model, objects, **kwargs):
        calls.append(model)
        if len(calls) == 3:  # partner 1 and its status change are written, partner 2 fails
            raise RuntimeError("the disk is full")
        return real_insert_rows(model, objects, **kwargs)

    monkeypatch.setattr(imports, "insert_rows", second_batch_fails)
    with in_tenant(tenant):
        job = commit(tenant, admin_member.user, good_text())
        assert calls == [Partner, PartnerStatusChange, Partner]
        assert job.state == ImportJob.State.FAILED
        assert "nothing was written" in job.failure
        assert Partner.objects.filter(tenant=tenant).count() == 0
        assert not AuditEvent.objects.filter(action="partner.imported").exists()


def test_rows_that_became_invalid_since_the_preview_fail_the_job(
    tenant, admin_member, in_tenant, distributor
):
    with in_tenant(tenant):
        job = kernel.import_job_create(
            tenant=tenant,
            actor=admin_member.user,
            kind="partners",
            filename="p.csv",
            data=good_text().encode(),
            language="en",
        )
        PartnerFactory(tenant=tenant, corporate_number=CN2)  # added meanwhile
        kernel.import_job_confirm(
            tenant=tenant, actor=admin_member.user, kind="partners", token=job.token
        )
        job.refresh_from_db()
        assert job.state == ImportJob.State.FAILED
        assert "row 3" in job.failure and "corporate_number" in job.failure
        assert Partner.objects.filter(tenant=tenant).count() == 1


# --- reps -------------------------------------------------------------------------------------


REP_HEADER = "partner_corporate_number,partner_legal_name,full_name,email,reachable"


def test_rep_import_finds_partners_by_number_or_exact_name(tenant, admin_member, in_tenant):
    sakura = PartnerFactory(tenant=tenant, corporate_number=CN1, legal_name="株式会社サクラ")
    momiji = PartnerFactory(tenant=tenant, legal_name="モミジ合同会社")
    text = csv_of(
        f"{CN1},,山田 太郎,yamada@example.test,yes",
        ",モミジ合同会社,佐藤 花子,sato@example.test,no",
        header=REP_HEADER,
    )
    with in_tenant(tenant):
        job = commit(tenant, admin_member.user, text, kind="reps")
        assert job.state == ImportJob.State.DONE
        created = PartnerRep.objects.filter(tenant=tenant).order_by("pk")
        assert [(r.partner, r.is_reachable) for r in created] == [(sakura, True), (momiji, False)]


def test_rep_import_row_errors(tenant, in_tenant):
    partner = PartnerFactory(tenant=tenant, corporate_number=CN1, legal_name="株式会社サクラ")
    PartnerRep.objects.model  # noqa: B018 - keep the import used
    from tests.factories.partners import PartnerRepFactory

    PartnerRepFactory(partner=partner, email="taken@example.test")
    text = csv_of(
        f"{CN2},,Unknown number,,yes",  # row 2
        ",株式会社ウメ,Unknown name,,yes",  # row 3
        f"{CN1},,Taken,taken@example.test,yes",  # row 4
        f"{CN1},,Twin,twin@example.test,yes",  # row 5
        f"{CN1},,Twin again,twin@example.test,maybe",  # row 6
        f"{CN1},,,x@example.test,yes",  # row 7
        ",,Nobody,,yes",  # row 8
        header=REP_HEADER,
    )
    with in_tenant(tenant):
        result = preview(tenant, text, kind="reps")
    found = errors_of(result)
    assert (2, "partner_corporate_number") in found
    assert (3, "partner_legal_name") in found
    assert (4, "email") in found
    assert (6, "email") in found and (6, "reachable") in found
    assert (7, "full_name") in found
    assert (8, "partner_corporate_number") in found
    assert len(result.rows) == 1


def test_rep_import_needs_a_partner_column(tenant, in_tenant):
    with in_tenant(tenant), pytest.raises(kernel.ImportRefused) as raised:
        preview(tenant, csv_of("X", header="full_name"), kind="reps")
    assert "partner_corporate_number" in raised.value.message


# --- the pages --------------------------------------------------------------------------------


def import_url(tenant, name="partner_import"):
    return reverse(name, kwargs={"tenant_slug": tenant.slug})


def upload(client, tenant, data: bytes, name="partner_import"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        import_url(tenant, name), {"file": SimpleUploadedFile("p.csv", data, "text/csv")}
    )


def test_upload_preview_confirm_imports(tenant, manager_member, client_for, unscoped, distributor):
    client = client_for(manager_member)
    response = upload(client, tenant, good_text().encode("cp932"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    job = response.context["job"]
    assert (job.state, job.good_count) == ("checked", 2)
    assert 'name="token"' in response.content.decode()
    with unscoped():
        assert not Partner.objects.filter(tenant=tenant).exists()
    response = client.post(import_url(tenant), {"token": job.token})
    assert response.status_code == 302
    with unscoped():
        assert Partner.objects.filter(tenant=tenant).count() == 2
    assert 'data-testid="import-done"' in client.get(response["Location"]).content.decode()
    # The token is used up: a second confirm imports nothing more.
    client.post(import_url(tenant), {"token": job.token})
    with unscoped():
        assert Partner.objects.filter(tenant=tenant).count() == 2


def test_preview_page_lists_errors_and_offers_no_confirm(tenant, manager_member, client_for):
    client = client_for(manager_member)
    response = upload(client, tenant, csv_of(f"Bad,,{BAD_CN},,A,active,13").encode())
    body = client.get(response["Location"]).content.decode()
    assert 'data-row="2" data-column="corporate_number"' in body
    assert 'name="token"' not in body


def test_a_token_is_bound_to_the_person(
    tenant, manager_member, member_factory, fresh_client_for, unscoped, distributor
):
    upload(fresh_client_for(manager_member), tenant, good_text().encode())
    with unscoped():
        token = ImportJob.objects.get(tenant=tenant).token
    other = fresh_client_for(member_factory(tenant, Role.PARTNER_MANAGER))
    response = other.post(import_url(tenant), {"token": token})
    assert response.status_code == 302
    with unscoped():
        assert not Partner.objects.filter(tenant=tenant).exists()


def test_refusals_show_on_the_upload_form(tenant, manager_member, client_for):
    client = client_for(manager_member)
    response = upload(client, tenant, "x,y".encode("utf-16"))
    assert response.status_code == 400
    assert "Shift_JIS" in response.content.decode()


def test_viewers_cannot_import(tenant, viewer_member, client_for):
    assert client_for(viewer_member).get(import_url(tenant)).status_code == 403


def test_the_template_lists_every_column(tenant, manager_member, client_for):
    response = client_for(manager_member).get(import_url(tenant, "partner_import_template"))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert header == [c for c in imports.PARTNER_COLUMNS if c not in imports.READ_ONLY_COLUMNS]
    assert response.content.startswith("\ufeff".encode())
