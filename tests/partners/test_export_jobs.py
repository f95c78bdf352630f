"""Exports of the partner list run as a job: a real Celery worker writes the file, the page polls
its progress, the person who asked downloads it, the file is what the streamed export was."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from accounts import exports
from accounts.csv_cells import FORMULA_CHARS, formula_start, neutralise
from accounts.models import AuditEvent, ExportJob, Membership
from accounts.roles import Perm, Role
from accounts.tasks import export_expire_task, export_run_task
from partners.services import imports
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the fixture
from tests.factories.accounts import ExportJobFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, PartnerTypeFactory
from tests.partners.exporting import export_csv, export_url

# --- the writer: the same text as the streamed export, faster -----------------------------------

_SEPARATORS = re.compile("[;\t；]")


def reference_formula_start(text: str) -> bool:
    """The rule as the streamed export applied it: split into parts, look at each start."""
    parts = [text, *_SEPARATORS.split(text)[1:]]
    return bool(text) and any(part[:1] in FORMULA_CHARS for part in parts)


def reference_csv_text(header, rows) -> str:
    """What the streamed export (accounts/imports.py csv_lines before the job) produced."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)

    def cell(value):
        text = "" if value is None else str(value)
        return "'" + text if reference_formula_start(text) else text

    out.write("\ufeff")
    writer.writerow([cell(c) for c in header])
    for row in rows:
        writer.writerow([cell(c) for c in row])
    return out.getvalue()


CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab1 ;\t；=+-@\r＝＋－＠'\"\nサ")), max_size=8)


@given(CELL_TEXT)
def test_the_fast_formula_rule_agrees_with_the_parts_rule(text):
    assert formula_start(text) == reference_formula_start(text)
    assert neutralise(text) == ("'" + text if reference_formula_start(text) else text)


@given(st.lists(st.lists(st.one_of(CELL_TEXT, st.integers(), st.none()), min_size=3, max_size=3)))
def test_the_file_writer_writes_what_the_stream_wrote(rows):
    header = ["name", "=note", "n"]
    written = io.StringIO(newline="")

    count = exports.csv_write(written, header, rows)

    assert count == len(rows)
    assert written.getvalue() == reference_csv_text(header, rows)
    assert exports.csv_text(header, rows) == written.getvalue()


def test_export_query_keeps_only_the_lists_filters_in_one_order():
    exporter = exports.exporter_for("partners")
    query = QueryDict("page=3&sort=-name&q=%E3%81%95&per_page=100&status=&what=reps")

    assert exports.export_query(exporter, query) == "q=%E3%81%95&sort=-name"


# --- the job in the real worker -----------------------------------------------------------------


@pytest.fixture
def directory(tenant, manager_member):
    bank = PartnerTypeFactory(tenant=tenant, name="Regional bank")
    sakura = PartnerFactory(
        tenant=tenant,
        legal_name="株式会社サクラ",
        legal_name_kana="サクラ",
        partner_type=bank,
        priority="A",
        city="=HYPERLINK(1)",
        bank_name="さくら銀行",
        account_number="7654321",
        industries=["retail", "it"],
    )
    momiji = PartnerFactory(tenant=tenant, legal_name="モミジ合同会社", priority="B")
    PartnerRepFactory(partner=sakura, full_name="山田 太郎", phone="+81-3-1234-5678")
    PartnerRepFactory(partner=sakura, full_name="@佐藤", department="営業;=1+1")
    PartnerRepFactory(partner=momiji, full_name="鈴木 花子")
    return {"sakura": sakura, "momiji": momiji}


def expected_text(tenant, kind: str, query: str, *, finance: bool, unscoped) -> str:
    """The streamed export's text for the same list, built the way its view built it."""
    from partners.csv_io import _list_filters
    from partners.selectors import directory as selectors

    with unscoped():
        filters = _list_filters(tenant=tenant, query=QueryDict(query))
        partners = selectors.partner_list_filtered(tenant=tenant, **filters)
        if kind == "reps":
            reps = selectors.reps_for_export(tenant=tenant, partners=partners)
            return reference_csv_text(imports.REP_COLUMNS, list(imports.rep_export_rows(reps)))
        columns = imports.partner_export_columns(may_see_finance=finance)
        return reference_csv_text(columns, list(imports.partner_export_rows(partners, columns)))


def request_export(tenant, member, kind: str, query: str = "") -> ExportJob:
    with translation.override("en"):
        return exports.export_job_request(
            tenant=tenant,
            actor=member.user,
            kind=kind,
            params=QueryDict(query),
            language="en",
        )


@pytest.mark.parametrize(("kind", "query"), [("partners", "priority=A"), ("reps", "sort=-name")])
def test_the_worker_writes_the_same_file_the_stream_did(
    real_worker,  # noqa: F811
    tenant,
    manager_member,
    directory,
    unscoped,
    in_tenant,
    kind,
    query,
):
    with in_tenant(tenant):
        job = request_export(tenant, manager_member, kind, query)
    real_worker.wait()  # the request sent the task at its commit; the worker ran it
    assert list(real_worker.states.values()) == ["SUCCESS"]
    with unscoped():
        job.refresh_from_db()
        assert (job.state, job.failure) == (ExportJob.State.DONE, "")
        content = job.file.read().decode("utf-8")
        assert job.file.name.startswith(f"exports/{tenant.pk}/")
        audit = AuditEvent.objects.get(tenant=tenant, object_id=str(job.pk))

    assert content == expected_text(tenant, kind, query, finance=False, unscoped=unscoped)
    assert job.row_count == (1 if kind == "partners" else 3)
    assert audit.changes["count"] == job.row_count
    assert timedelta(hours=23) < job.expires_at - job.finished_at <= timedelta(hours=24)
    # A redelivered task finds the job done and writes nothing more.
    assert real_worker.run(export_run_task, tenant_id=tenant.pk, export_id=job.pk) == "SUCCESS"
    with unscoped():
        assert AuditEvent.objects.filter(tenant=tenant, object_id=str(job.pk)).count() == 1


def post_export(client, tenant, query: str = "", what: str = "partners"):
    """POST the export and hold back the task it sends (it leaves at commit), so the test can
    change the world before the task runs; returns (response, send)."""
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(export_url(tenant, query), {"what": what})

    def send():
        for callback in callbacks:
            callback()

    return response, send


def test_finance_columns_follow_the_membership_when_the_file_is_written(
    tenant, finance_member, fresh_client_for, directory, unscoped
):
    client = fresh_client_for(finance_member)
    _response, send = post_export(client, tenant)
    # Finance becomes a partner manager after the click, before the task runs.
    with unscoped():
        Membership.objects.filter(pk=finance_member.pk).update(role=Role.PARTNER_MANAGER)
    send()

    with unscoped():
        job = ExportJob.objects.get(tenant=tenant)
        header = next(csv.reader(io.StringIO(job.file.read().decode("utf-8-sig"))))
    assert job.state == ExportJob.State.DONE
    assert "legal_name" in header and "account_number" not in header and "bank_code" not in header
    assert job.perms == []


def test_finance_sees_bank_columns_and_loses_the_download_with_the_permission(
    tenant, finance_member, fresh_client_for, directory, unscoped
):
    client = fresh_client_for(finance_member)
    response, text = export_csv(client, tenant)
    assert "7654321" in text and "account_number" in text
    with unscoped():
        job = ExportJob.objects.get(tenant=tenant)
        Membership.objects.filter(pk=finance_member.pk).update(role=Role.PARTNER_MANAGER)
    assert job.perms == [Perm.FINANCE_FIELDS_VIEW]

    download = reverse(
        "partner_export_download", kwargs={"tenant_slug": tenant.slug, "export_id": job.pk}
    )
    assert client.get(download).status_code == 404


def test_a_member_removed_after_asking_gets_a_failed_job_and_no_file(
    tenant, manager_member, fresh_client_for, directory, unscoped
):
    client = fresh_client_for(manager_member)
    _response, send = post_export(client, tenant, what="reps")
    with unscoped():
        Membership.objects.filter(pk=manager_member.pk).update(is_active=False)
    send()

    with unscoped():
        job = ExportJob.objects.get(tenant=tenant)
    assert job.state == ExportJob.State.FAILED
    assert job.failure == "You may no longer export this list; nothing was exported."
    assert not job.file


def test_the_failure_is_written_in_the_language_of_the_person_who_asked(
    tenant, manager_member, directory, unscoped, in_tenant
):
    job = ExportJobFactory(
        tenant=tenant, created_by=manager_member.user, state="queued", language="ja", file=""
    )
    with unscoped():
        Membership.objects.filter(pk=manager_member.pk).update(is_active=False)

    with in_tenant(tenant):
        exports.export_job_run(tenant=tenant, export_id=job.pk)

    with unscoped():
        job.refresh_from_db()
    assert job.failure == "この一覧をエクスポートする権限がなくなりました。何も出力していません。"


# --- the pages ------------------------------------------------------------------------------


def test_a_double_click_creates_one_job(
    tenant, manager_member, fresh_client_for, directory, unscoped
):
    client = fresh_client_for(manager_member)
    with TestCase.captureOnCommitCallbacks(execute=False):
        first = client.post(export_url(tenant, "priority=A&page=2"), {"what": "reps"})
        second = client.post(export_url(tenant, "priority=A"), {"what": "reps"})
        other_list = client.post(export_url(tenant, "priority=B"), {"what": "reps"})

    assert first["Location"] == second["Location"] != other_list["Location"]
    with unscoped():
        assert ExportJob.objects.filter(tenant=tenant).count() == 2


def test_the_job_page_shows_progress_then_the_download(
    tenant, manager_member, fresh_client_for, directory, in_tenant
):
    client = fresh_client_for(manager_member)
    posted, send = post_export(client, tenant)
    page = client.get(posted["Location"]).content.decode()
    assert 'data-state="queued"' in page and 'data-testid="export-progress"' in page
    assert 'hx-trigger="every 1s"' in page

    send()
    job_url = posted["Location"]
    fragment = client.get(job_url + "progress/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-state="done"' in fragment
    assert "data-autostart-download" in fragment and "2 rows exported." in fragment
    # Opened later, the page offers the file without starting it again.
    assert "data-autostart-download" not in client.get(job_url).content.decode()


def test_the_download_is_the_file_with_todays_name(
    tenant, manager_member, fresh_client_for, directory
):
    response, text = export_csv(fresh_client_for(manager_member), tenant, what="reps")

    stamp = f"{timezone.localdate():%Y%m%d}"
    assert response["Content-Disposition"] == f'attachment; filename="partner-reps-{stamp}.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith('\ufeff"partner_corporate_number"')
    assert '"\'@佐藤"' in text and '"営業;\'=1+1"' not in text and '"\'営業;=1+1"' in text


def test_an_invalid_filter_is_refused_naming_it(
    tenant, manager_member, fresh_client_for, directory, unscoped
):
    client = fresh_client_for(manager_member)
    response = client.post(export_url(tenant, "owner=999999"), {"what": "partners"}, follow=True)

    assert "The filter “Owner” is not valid" in response.content.decode()
    with unscoped():
        assert not ExportJob.objects.filter(tenant=tenant).exists()


def test_the_failure_reason_is_in_japanese_for_a_japanese_reader(
    tenant, member_factory, fresh_client_for, unscoped
):
    member = member_factory(tenant, Role.PARTNER_MANAGER)
    client = fresh_client_for(member)
    job = ExportJobFactory(tenant=tenant, created_by=member.user, state="failed")
    with translation.override("ja"):
        with unscoped():
            exports._fail(
                job,
                str(
                    translation.gettext("You may no longer export this list; nothing was exported.")
                ),
            )
    page = client.get(
        reverse("partner_export_job", kwargs={"tenant_slug": tenant.slug, "export_id": job.pk}),
        headers={"Accept-Language": "ja"},
    )
    assert "You may no longer" not in page.content.decode()


def test_idor_another_persons_job_answers_404(
    tenant, manager_member, member_factory, fresh_client_for
):
    colleague = member_factory(tenant, Role.VENDOR_ADMIN)
    job = ExportJobFactory(tenant=tenant, created_by=manager_member.user)
    client = fresh_client_for(colleague)

    for name in ("partner_export_job", "partner_export_job_progress", "partner_export_download"):
        url = reverse(name, kwargs={"tenant_slug": tenant.slug, "export_id": job.pk})
        assert client.get(url).status_code == 404, name
    own = reverse(
        "partner_export_download", kwargs={"tenant_slug": tenant.slug, "export_id": job.pk}
    )
    assert fresh_client_for(manager_member).get(own).status_code == 200


# --- expiry ---------------------------------------------------------------------------------


def test_the_sweep_deletes_expired_files_and_their_jobs_only(
    tenant, other_tenant, manager_member, member_factory, unscoped
):
    expired = ExportJobFactory(
        tenant=tenant,
        created_by=manager_member.user,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    fresh = ExportJobFactory(tenant=tenant, created_by=manager_member.user)
    stranger = member_factory(other_tenant, Role.PARTNER_MANAGER)
    elsewhere = ExportJobFactory(
        tenant=other_tenant,
        created_by=stranger.user,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    expired_name = expired.file.name

    assert export_expire_task(tenant_id=tenant.pk) == 1

    assert not default_storage.exists(expired_name)
    assert default_storage.exists(fresh.file.name) and default_storage.exists(elsewhere.file.name)
    with unscoped():
        assert set(ExportJob.objects.values_list("pk", flat=True)) == {fresh.pk, elsewhere.pk}


def test_the_job_page_lists_the_persons_other_exports_but_not_itself(
    tenant, member_factory, fresh_client_for
):
    member = member_factory(tenant, Role.PARTNER_MANAGER)
    earlier = ExportJobFactory(tenant=tenant, created_by=member.user, filename="earlier.csv")
    current = ExportJobFactory(tenant=tenant, created_by=member.user, filename="current.csv")
    colleague = member_factory(tenant, Role.PARTNER_MANAGER)
    ExportJobFactory(tenant=tenant, created_by=colleague.user, filename="colleague.csv")

    page = (
        fresh_client_for(member)
        .get(
            reverse(
                "partner_export_job",
                kwargs={"tenant_slug": tenant.slug, "export_id": current.pk},
            )
        )
        .content.decode()
    )

    recent = page[page.index('data-testid="export-recent"') :]
    assert earlier.filename in recent
    # The job itself is drawn above, kept current by the poll; a second, stale row would disagree.
    assert current.filename not in recent
    assert "colleague.csv" not in page
