"""An export in a real browser: filter the partner list, export, the job page a real Celery
worker completes, the download that starts by itself, and the file's content."""

import csv
import io

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import ExportJob
from accounts.roles import Role
from partners.choices import Priority
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the fixture
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.browser


def test_the_filtered_list_exports_through_a_job_and_downloads(
    page,
    server,
    login,
    tenant,
    member_factory,
    screenshot,
    real_worker,  # noqa: F811
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")
    for index in range(6):
        PartnerFactory(
            tenant=tenant,
            legal_name=f"株式会社エー{index}",
            priority=Priority.A,
            city="=1+1" if index == 0 else "札幌市",
        )
    PartnerFactory(tenant=tenant, legal_name="株式会社ビー", priority=Priority.B)
    login(page, manager.user)
    page.goto(server + reverse("partner_list", kwargs={"tenant_slug": tenant.slug}))
    page.get_by_test_id("partner-filters").get_by_label("Priority").select_option("A")
    page.get_by_test_id("filter-submit").click()
    expect(page.get_by_test_id("result-count")).to_have_text("6 partners")

    with page.expect_download() as downloading:
        page.get_by_test_id("export-partners").click()
        expect(page.get_by_test_id("export-job")).to_be_visible()
        screenshot(page, "export-job", share=True)
        expect(page.get_by_test_id("export-done")).to_contain_text("6 rows exported.")
    download = downloading.value

    screenshot(page, "export-job-done", share=True)
    assert download.suggested_filename.startswith("partners-")
    text = open(download.path(), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["legal_name"] for row in rows) == [f"株式会社エー{i}" for i in range(6)]
    assert "'=1+1" in [row["city"] for row in rows]
    assert "bank_code" not in rows[0]
    with scopes_disabled():
        job = ExportJob.objects.get(tenant=tenant)
    assert (job.state, job.row_count) == ("done", 6)
    assert "priority=A" in job.query.split("&")
