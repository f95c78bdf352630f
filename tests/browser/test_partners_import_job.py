"""A large import in a real browser: upload, a row error, the fixed file, confirm, the progress
bar a real Celery worker fills, and the partners in the list."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect
from stdnum.jp import cn

from accounts import imports as kernel
from accounts.models import ImportJob
from accounts.roles import Role
from partners.models import Partner
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
ROWS = 40


def number(n: int) -> str:
    base = f"{n + 1:012d}"
    return cn.calc_check_digit(base) + base


@pytest.fixture
def worker_queue(real_worker, monkeypatch):  # noqa: F811
    """Jobs go to the test's own worker (its own queue), not to whatever else listens."""
    monkeypatch.setattr(kernel, "INLINE_ROWS", 5)

    def enqueue(job):
        task = kernel.importer_for(job.kind).task
        kwargs = {"tenant_id": job.tenant_id, "import_id": job.pk}
        kernel.transaction.on_commit(
            lambda: task.apply_async(kwargs=kwargs, queue=real_worker.queue)
        )

    monkeypatch.setattr(kernel, "_enqueue", enqueue)
    return real_worker


def test_a_large_import_shows_its_progress_and_lands_in_the_list(
    page, server, login, tenant, member_factory, screenshot, tmp_path, worker_queue
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")
    lines = [f"株式会社テスト{n:02d},{number(n)},B" for n in range(ROWS)]
    lines[6] = "株式会社テスト06,1234,B"  # row 8: a corporate number that is too short
    bad = tmp_path / "partners.csv"
    bad.write_text("legal_name,corporate_number,priority\r\n" + "\r\n".join(lines) + "\r\n")
    login(page, manager.user)
    page.goto(server + reverse("partner_import", kwargs={"tenant_slug": tenant.slug}))
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_test_id("import-upload").click()

    # Checked by the worker while the page polls.
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator('tr[data-row="8"][data-column="corporate_number"]')).to_be_visible()
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
    screenshot(page, "import-job-errors", share=True)

    fixed = tmp_path / "partners-fixed.csv"
    fixed.write_text(bad.read_text().replace(",1234,", f",{number(6)},"))
    page.get_by_label("CSV file").set_input_files(str(fixed))
    page.get_by_test_id("import-upload").click()
    expect(page.get_by_test_id("import-summary")).to_have_text(
        f"{ROWS} of {ROWS} rows can be imported."
    )
    screenshot(page, "import-job-preview", share=True)
    page.get_by_test_id("import-confirm").click()

    # The bar may already be full: 40 rows take the worker a fraction of a second.
    screenshot(page, "import-job-progress", share=True)
    expect(page.get_by_test_id("import-done")).to_contain_text(f"{ROWS} partners imported.")
    screenshot(page, "import-job-done", share=True)
    page.get_by_test_id("import-done").get_by_role("link").click()
    expect(page.get_by_test_id("result-count")).to_have_text(f"{ROWS} partners")
    with scopes_disabled():
        assert Partner.objects.filter(tenant=tenant).count() == ROWS
        assert ImportJob.objects.get(tenant=tenant, state="done").created_count == ROWS
