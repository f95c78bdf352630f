"""The QBR as a PDF is a job for the worker (the kernel's export job): one POST makes one job,
the page shows its progress, the PDF it renders is real and names the partner and quarter,
and only the person who asked downloads it."""

import subprocess

import pytest
from django.test import TestCase
from django.urls import reverse

from accounts.models import AuditEvent, ExportJob
from accounts.roles import Role
from tests.factories.accounts import ExportJobFactory
from tests.factories.partners import PartnerFactory
from tests.insights.test_scorecard import (  # noqa: F401 - the fixture
    NAME,
    QUARTER_QUERY,
    partner,
    url,
)

pytestmark = pytest.mark.django_db


def ask(client, partner, query=QUARTER_QUERY):  # noqa: F811
    """POST for the PDF and hold back the task it sends; returns (response, send)."""
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(url("insights:partner_qbr_pdf", partner, query))

    def send():
        for callback in callbacks:
            callback()

    return response, send


def job_url(tenant, job):
    return reverse("insights:qbr_job", kwargs={"tenant_slug": tenant.slug, "export_id": job.pk})


def test_the_worker_renders_a_real_pdf_naming_the_partner_and_quarter(
    partner,  # noqa: F811
    manager_member,
    fresh_client_for,
    unscoped,
    tmp_path,
):
    client = fresh_client_for(manager_member)
    response, send = ask(client, partner)
    send()

    with unscoped():
        job = ExportJob.objects.get(tenant=partner.tenant)
        audited = AuditEvent.objects.filter(
            tenant=partner.tenant, action="insights.qbr_exported", object_id=str(job.pk)
        ).count()
    assert response["Location"] == job_url(partner.tenant, job)
    assert (job.kind, job.state, job.filename) == (
        "partner_qbr",
        "done",
        f"qbr-{partner.pk}-202604.pdf",
    )
    assert job.row_count >= 1  # its pages
    assert audited == 1
    download = client.get(response["Location"] + "download/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    path = tmp_path / "qbr.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert NAME in flat
    assert "FY2026Q1" in flat
    assert "Quarterlybusinessreview" in flat


def test_the_pdf_is_written_in_the_language_of_the_person_who_asked(
    partner,  # noqa: F811
    manager_member,
    fresh_client_for,
    unscoped,
    tmp_path,
):
    manager_member.user.language = "ja"
    manager_member.user.save(update_fields=["language"])
    client = fresh_client_for(manager_member)
    _response, send = ask(client, partner)
    send()
    with unscoped():
        job = ExportJob.objects.get(tenant=partner.tenant)
    assert job.language == "ja"
    path = tmp_path / "qbr.pdf"
    path.write_bytes(
        b"".join(client.get(job_url(partner.tenant, job) + "download/").streaming_content)
    )
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert "四半期ビジネスレビュー" in "".join(text.stdout.split())


def test_a_double_click_makes_one_job_and_another_quarter_another(
    partner,  # noqa: F811
    manager_member,
    fresh_client_for,
    unscoped,
):
    client = fresh_client_for(manager_member)
    first, _ = ask(client, partner)
    second, _ = ask(client, partner)
    other, _ = ask(client, partner, "?period=quarter&start=2026-07-01")

    assert first["Location"] == second["Location"] != other["Location"]
    with unscoped():
        assert ExportJob.objects.filter(tenant=partner.tenant, kind="partner_qbr").count() == 2
    # Each job's page lists the other under the person's recent QBR PDFs.
    page = client.get(first["Location"]).content.decode()
    assert 'data-testid="export-recent"' in page
    assert f"qbr-{partner.pk}-202607.pdf" in page


def test_the_job_page_shows_progress_then_starts_the_download(
    partner,  # noqa: F811
    manager_member,
    fresh_client_for,
):
    client = fresh_client_for(manager_member)
    response, send = ask(client, partner)
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="queued"' in page and "Waiting for a worker…" in page
    assert 'hx-trigger="every 1s"' in page
    assert NAME in page  # the heading and the breadcrumb name the partner

    send()
    fragment = client.get(
        response["Location"] + "progress/", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-state="done"' in fragment and "data-autostart-download" in fragment
    assert "The PDF is ready" in fragment
    # Opened later, the page offers the file without starting it again.
    assert "data-autostart-download" not in client.get(response["Location"]).content.decode()


def test_a_quarter_that_is_not_a_date_is_refused_with_a_message(
    partner,  # noqa: F811
    manager_member,
    fresh_client_for,
    unscoped,
):
    client = fresh_client_for(manager_member)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            url("insights:partner_qbr_pdf", partner, "?period=quarter&start=soon"), follow=True
        )
    assert "The quarter asked for is not valid." in response.content.decode()
    assert response.redirect_chain[-1][0] == url("insights:partner_scorecard", partner, "")
    with unscoped():
        assert not ExportJob.objects.filter(tenant=partner.tenant).exists()


def test_asking_needs_a_post(partner, manager_member, fresh_client_for):  # noqa: F811
    assert (
        fresh_client_for(manager_member).get(url("insights:partner_qbr_pdf", partner)).status_code
        == 405
    )


def test_idor_another_person_s_pdf_and_another_kind_of_job_answer_404(
    partner,  # noqa: F811
    manager_member,
    member_factory,
    fresh_client_for,
    other_tenant,
):
    tenant = partner.tenant
    colleague = member_factory(tenant, Role.PARTNER_MANAGER)
    query = f"partner={partner.pk}&period=quarter&start=2026-04-01"
    theirs = ExportJobFactory(
        tenant=tenant, created_by=colleague.user, kind="partner_qbr", query=query
    )
    mine = ExportJobFactory(
        tenant=tenant, created_by=manager_member.user, kind="partner_qbr", query=query
    )
    a_partner_list = ExportJobFactory(tenant=tenant, created_by=manager_member.user)
    client = fresh_client_for(manager_member)
    for suffix in ("", "progress/", "download/"):
        assert client.get(job_url(tenant, theirs) + suffix).status_code == 404
        assert client.get(job_url(tenant, a_partner_list) + suffix).status_code == 404
        assert client.get(job_url(tenant, mine) + suffix).status_code == 200  # control
    # Another tenant's partner: nothing is asked for.
    elsewhere = PartnerFactory(tenant=other_tenant)
    with TestCase.captureOnCommitCallbacks(execute=False):
        assert client.post(url("insights:partner_qbr_pdf", elsewhere)).status_code == 404
