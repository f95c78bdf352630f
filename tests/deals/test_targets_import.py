"""CSV import of a partner's target accounts: UTF-8 and CP932, row errors naming row and
column, all or nothing, confirmed once, a second import of the same file creates nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.imports import import_check
from accounts.models import ImportJob
from deals.models import Milestone, TargetAccount, TargetAccountChange
from deals.services.target_imports import kind_for, target_importer
from deals.tasks.targets import target_import_run_task
from tests.factories.partners import PartnerFactory, portal_membership_for

pytestmark = pytest.mark.django_db

GOOD = (
    "company_name,corporate_number,industry,prefecture,size,contact_name,contact_email,"
    "contact_phone,notes\n"
    "株式会社アクメ,,,13,,山田 太郎,yamada@acme.co.jp,03-1234-5678,紹介済み\n"
    "ベータ商事,,,Tokyo,,,,,\n"
)


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.fixture
def rep_client(client_for, partner):
    membership, _rep = portal_membership_for(partner)
    return client_for(membership)


def portal_url(tenant, name="portal_target_import", **kwargs):
    return reverse(f"deals:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def _upload(client, tenant, text: str, encoding="utf-8", name="list.csv"):
    return client.post(
        portal_url(tenant),
        {"file": SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")},
    )


def _confirm(client, tenant, job):
    return client.post(portal_url(tenant) + f"?job={job.pk}", {"token": job.token})


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_portal_import_previews_then_writes_every_row(tenant, rep_client, partner, encoding):
    response = _upload(rep_client, tenant, GOOD, encoding)
    assert response.status_code == 302
    with scopes_disabled():
        job = ImportJob.objects.get()
    assert (job.state, job.error_count, job.total_rows) == ("checked", 0, 2)
    with scopes_disabled():
        assert not TargetAccount.objects.exists()  # nothing before the confirm
    preview = rep_client.get(response["Location"])
    assert "import-confirm" in preview.content.decode()
    _confirm(rep_client, tenant, job)
    _confirm(rep_client, tenant, job)  # a double submit imports nothing twice
    with scopes_disabled():
        accounts = {a.company_name: a for a in TargetAccount.objects.filter(partner=partner)}
        assert set(accounts) == {"株式会社アクメ", "ベータ商事"}
        assert accounts["ベータ商事"].prefecture == "13"
        assert accounts["株式会社アクメ"].company_name_key == "アクメ"
        assert {a.milestone for a in accounts.values()} == {Milestone.LISTED}
        assert TargetAccountChange.objects.filter(to_milestone=Milestone.LISTED).count() == 2
        job.refresh_from_db()
        partner.refresh_from_db()
    assert (job.state, job.created_count) == ("done", 2)
    assert partner.suggested_priority == "B"


def test_row_errors_name_row_and_column_and_nothing_is_written(tenant, rep_client, partner):
    text = (
        "company_name,corporate_number,industry,prefecture,contact_email\n"
        "アクメ,123,,13,ok@acme.co.jp\n"
        "ベータ,,nonsense,,\n"
        "株式会社アクメ,,,,\n"
        ",,,,not-an-address\n"
    )
    _upload(rep_client, tenant, text)
    with scopes_disabled():
        job = ImportJob.objects.get()
    errors = {(row, column) for row, column, _message in job.errors}
    assert (2, "corporate_number") in errors
    assert (3, "industry") in errors
    assert (4, "company_name") in errors  # the same company as row 2
    assert (5, "company_name") in errors and (5, "contact_email") in errors
    messages = {(row, column): message for row, column, message in job.errors}
    assert "row 2" in messages[(4, "company_name")]
    assert _confirm(rep_client, tenant, job).status_code == 302
    with scopes_disabled():
        assert not TargetAccount.objects.exists()


def test_reimporting_the_same_file_creates_nothing_twice(tenant, rep_client, partner):
    _upload(rep_client, tenant, GOOD)
    with scopes_disabled():
        job = ImportJob.objects.get()
    _confirm(rep_client, tenant, job)
    _upload(rep_client, tenant, GOOD)
    with scopes_disabled():
        second = ImportJob.objects.exclude(pk=job.pk).get()
    assert second.error_count == 2
    assert "already lists this company" in second.errors[0][2]
    _confirm(rep_client, tenant, second)
    with scopes_disabled():
        assert TargetAccount.objects.count() == 2


def test_an_unknown_column_refuses_the_file(tenant, rep_client):
    response = _upload(rep_client, tenant, "company_name,partner\nアクメ,1\n")
    assert response.status_code == 400
    assert "Unknown columns: partner" in response.content.decode()


def test_another_partners_job_is_not_found_from_the_portal(tenant, client_for, rep_client, partner):
    _upload(rep_client, tenant, GOOD)
    with scopes_disabled():
        job = ImportJob.objects.get()
    other, _rep = portal_membership_for(PartnerFactory(tenant=tenant))
    stranger = client_for(other)
    url = portal_url(tenant) + f"?job={job.pk}"
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"token": job.token}).status_code in (302, 404)
    with scopes_disabled():
        assert not TargetAccount.objects.exists()


def test_staff_import_for_a_partner(tenant, client_for, manager_member, partner):
    client = client_for(manager_member)
    upload = reverse(
        "deals:staff_target_import", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk}
    )
    response = client.post(
        upload, {"file": SimpleUploadedFile("l.csv", GOOD.encode(), content_type="text/csv")}
    )
    assert response.status_code == 302
    with scopes_disabled():
        job = ImportJob.objects.get()
    assert job.kind == kind_for(partner)
    client.post(response["Location"], {"token": job.token})
    with scopes_disabled():
        assert TargetAccount.objects.filter(partner=partner).count() == 2


def test_worker_task_registers_the_partners_importer(tenant, partner, manager_member, in_tenant):
    """A worker process that never saw the upload finds the partner's importer from the job."""
    from accounts import imports

    with in_tenant(tenant):
        target_importer(partner)
        job = imports.import_job_create(
            tenant=tenant,
            actor=manager_member.user,
            kind=kind_for(partner),
            filename="l.csv",
            data=GOOD.encode(),
            language="en",
        )
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
    imports._IMPORTERS.pop(kind_for(partner))
    target_import_run_task.apply(kwargs={"tenant_id": tenant.pk, "import_id": job.pk})
    with scopes_disabled():
        job.refresh_from_db()
        assert job.state == "done"
        assert TargetAccount.objects.filter(partner=partner).count() == 2


def test_import_check_without_a_job(tenant, partner, in_tenant):
    with in_tenant(tenant):
        result = import_check(tenant=tenant, kind=target_importer(partner).kind, text=GOOD)
    assert result.ok and len(result.rows) == 2


def test_a_large_file_goes_to_the_worker_and_the_page_polls_its_progress(
    tenant, rep_client, partner, monkeypatch, django_capture_on_commit_callbacks
):
    from accounts import imports as kernel

    monkeypatch.setattr(kernel, "INLINE_ROWS", 1)  # two rows count as "large" here
    with django_capture_on_commit_callbacks() as queued:
        response = _upload(rep_client, tenant, GOOD)
    assert len(queued) == 1  # the check, sent to the worker once the upload commits
    with scopes_disabled():
        job = ImportJob.objects.get()
    assert job.state == "checking"
    page = rep_client.get(response["Location"]).content.decode()
    assert f'hx-get="{response["Location"]}"' in page
    assert 'data-testid="import-progress"' in page
    fragment = rep_client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()

    target_import_run_task.apply(kwargs={"tenant_id": tenant.pk, "import_id": job.pk})
    done_checking = rep_client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert done_checking.headers.get("HX-Refresh") == "true"  # the page reloads: confirm shows
    with django_capture_on_commit_callbacks() as queued:
        _confirm(rep_client, tenant, job)
    assert len(queued) == 1  # the write, in the worker too
    target_import_run_task.apply(kwargs={"tenant_id": tenant.pk, "import_id": job.pk})
    page = rep_client.get(response["Location"]).content.decode()
    assert 'data-testid="import-done"' in page and "2 target accounts imported." in page
    with scopes_disabled():
        assert TargetAccount.objects.filter(partner=partner).count() == 2
