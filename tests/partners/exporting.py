"""Exporting as a person does: POST the list's export form, let the job run, download."""

from django.test import TestCase
from django.urls import reverse


def export_url(tenant, query: str = "") -> str:
    url = reverse("partner_export", kwargs={"tenant_slug": tenant.slug})
    return f"{url}?{query}" if query else url


def export_csv(client, tenant, query: str = "", what: str = "partners"):
    """POST the export (the list's query string), run its task when the request's transaction
    commits (Celery's eager mode in tests), follow to the job page and download the file.
    Returns (download response, decoded text with its BOM)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = client.post(export_url(tenant, query), {"what": what})
    assert posted.status_code == 302, posted
    page = client.get(posted["Location"])
    assert page.status_code == 200
    download = page.context["download_url"]
    response = client.get(download)
    assert response.status_code == 200, page.content.decode()[:2000]
    return response, b"".join(response.streaming_content).decode("utf-8")
