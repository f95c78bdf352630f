"""Large imports run as a job: a real Celery worker checks and writes them, the page polls a
progress fragment, and a failed job writes nothing and says why."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from stdnum.jp import cn

from accounts import imports as kernel
from accounts.models import ImportJob
from partners.models import Partner
from partners.tasks import import_run_task
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the fixture
from tests.factories.partners import PartnerFactory


def number(n: int) -> str:
    base = f"{n + 1:012d}"
    return cn.calc_check_digit(base) + base


def rows(count: int) -> str:
    return "legal_name,corporate_number,priority\r\n" + "".join(
        f"株式会社テスト{n},{number(n)},B\r\n" for n in range(count)
    )


@pytest.fixture
def small_inline_limit(monkeypatch):
    # Three rows count as "large": the job path without a large file.
    monkeypatch.setattr(kernel, "INLINE_ROWS", 2)


def test_a_large_upload_is_checked_and_written_by_the_worker(
    real_worker,  # noqa: F811
    tenant,
    manager_member,
    unscoped,
    in_tenant,
    small_inline_limit,
):
    with in_tenant(tenant):
        job = kernel.import_job_create(
            tenant=tenant,
            actor=manager_member.user,
            kind="partners",
            filename="big.csv",
            data=rows(3).encode(),
            language="en",
        )
    assert job.state == ImportJob.State.CHECKING

    assert real_worker.run(import_run_task, tenant_id=tenant.pk, import_id=job.pk) == "SUCCESS"
    with unscoped():
        job.refresh_from_db()
    assert (job.state, job.error_count) == (ImportJob.State.CHECKED, 0)

    with in_tenant(tenant):
        claimed = kernel.import_job_confirm(
            tenant=tenant, actor=manager_member.user, kind="partners", token=job.token
        )
        again = kernel.import_job_confirm(
            tenant=tenant, actor=manager_member.user, kind="partners", token=job.token
        )
    assert claimed is not None and again is None
    assert real_worker.run(import_run_task, tenant_id=tenant.pk, import_id=job.pk) == "SUCCESS"
    # A redelivered task finds the job done and writes nothing more.
    assert real_worker.run(import_run_task, tenant_id=tenant.pk, import_id=job.pk) == "SUCCESS"

    with unscoped():
        job.refresh_from_db()
        assert (job.state, job.created_count, job.text) == (ImportJob.State.DONE, 3, "")
        assert Partner.objects.filter(tenant=tenant).count() == 3


def test_a_job_that_fails_in_the_worker_writes_nothing_and_says_why(
    real_worker,  # noqa: F811
    tenant,
    manager_member,
    unscoped,
    in_tenant,
    small_inline_limit,
):
    with in_tenant(tenant):
        job = kernel.import_job_create(
            tenant=tenant,
            actor=manager_member.user,
            kind="partners",
            filename="big.csv",
            data=rows(3).encode(),
            language="en",
        )
    real_worker.run(import_run_task, tenant_id=tenant.pk, import_id=job.pk)
    with in_tenant(tenant):
        kernel.import_job_confirm(
            tenant=tenant, actor=manager_member.user, kind="partners", token=job.token
        )
        PartnerFactory(tenant=tenant, corporate_number=number(1))  # added meanwhile
    assert real_worker.run(import_run_task, tenant_id=tenant.pk, import_id=job.pk) == "SUCCESS"

    with unscoped():
        job.refresh_from_db()
        assert job.state == ImportJob.State.FAILED
        assert "row 3" in job.failure and "nothing was imported" in job.failure
        assert Partner.objects.filter(tenant=tenant).count() == 1


def test_the_page_polls_a_progress_fragment_until_the_job_is_done(
    tenant,
    manager_member,
    client_for,
    unscoped,
    small_inline_limit,
    django_capture_on_commit_callbacks,
):
    client = client_for(manager_member)
    url = reverse("partner_import", kwargs={"tenant_slug": tenant.slug})
    file = SimpleUploadedFile("big.csv", rows(3).encode(), "text/csv")
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, {"file": file})
    assert len(queued) == 1  # the check task, sent once the upload is committed
    page = client.get(response["Location"]).content.decode()
    with unscoped():
        job = ImportJob.objects.get(tenant=tenant)
    progress_url = reverse(
        "partner_import_job_progress", kwargs={"tenant_slug": tenant.slug, "import_id": job.pk}
    )
    assert f'hx-get="{progress_url}"' in page and 'data-testid="import-progress"' in page

    import_run_task.apply(kwargs={"tenant_id": tenant.pk, "import_id": job.pk})
    fragment = client.get(progress_url).content.decode()
    assert 'data-state="checked"' in fragment and "hx-get" not in fragment

    with django_capture_on_commit_callbacks() as queued:
        client.post(url, {"token": job.token})
    assert len(queued) == 1  # the write task
    assert 'data-state="queued"' in client.get(progress_url).content.decode()
    import_run_task.apply(kwargs={"tenant_id": tenant.pk, "import_id": job.pk})
    fragment = client.get(progress_url).content.decode()
    assert 'data-testid="import-done"' in fragment and "3 partners imported." in fragment
