"""The CSV import page of the deals app, one for every kind of file it imports (a partner's
target accounts, the vendor's direct deals): upload (checked at once or by the worker), the
check's errors or the confirm button, then the progress; confirmed once however often it is
posted. The job is `?job=<id>` on the same address, found only among jobs of the importer's
kind, so another kind's (or another partner's) job answers 404."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from accounts import imports as import_jobs
from accounts.models import ImportJob
from deals.forms.targets import TargetImportUploadForm


@dataclass(frozen=True)
class ImportPage:
    """What differs between the import pages."""

    importer: import_jobs.Importer
    upload_url: str
    list_url: str
    base_template: str
    nav: str
    title: str
    columns_help: str
    subtitle: str = ""


def csv_import_page(request, page: ImportPage, *, done_message: Callable[[int], str]):
    tenant = request.tenant
    importer = page.importer

    def job_url(job):
        return f"{page.upload_url}?job={job.pk}"

    job_id = request.GET.get("job", "")
    import_id = int(job_id) if job_id.isdigit() and len(job_id) < 12 else None
    if job_id and import_id is None:
        raise Http404
    form = TargetImportUploadForm()
    job = None
    if import_id is not None:
        try:
            job = import_jobs.import_job_get(tenant=tenant, import_id=import_id, kind=importer.kind)
        except ImportJob.DoesNotExist as error:
            raise Http404 from error
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        claimed = import_jobs.import_job_confirm(
            tenant=tenant, actor=request.user, kind=importer.kind, token=token
        )
        if claimed is None:
            claimed = import_jobs.import_job_find(
                tenant=tenant, actor=request.user, kind=importer.kind, token=token
            )
            if claimed is None or claimed.state == ImportJob.State.CHECKED:
                messages.error(request, _("The upload has expired; choose the file again."))
                return redirect(page.upload_url)
        return redirect(job_url(claimed))
    if request.method == "POST":
        form = TargetImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > import_jobs.MAX_BYTES:
                    raise import_jobs.ImportRefused(
                        _("The file is larger than %(limit)s MB; split it into smaller files.")
                        % {"limit": import_jobs.MAX_BYTES // (1024 * 1024)}
                    )
                created = import_jobs.import_job_create(
                    tenant=tenant,
                    actor=request.user,
                    kind=importer.kind,
                    filename=upload.name,
                    data=upload.read(),
                    language=translation.get_language() or "ja",
                )
            except import_jobs.ImportRefused as error:
                form.add_error("file", error.message)
            else:
                return redirect(job_url(created))
    context = {
        "nav": page.nav,
        "base_template": page.base_template,
        "title": page.title,
        "subtitle": page.subtitle,
        "columns_help": page.columns_help,
        "form": form,
        "job": job,
        "done_message": done_message(job.created_count) if job else "",
        "progress": import_jobs.progress_get(job) if job else None,
        "may_confirm": job is not None and job.created_by_id == request.user.pk,
        "action_url": page.upload_url,
        "progress_url": job_url(job) if job else "",
        "columns": importer.columns,
        "required": importer.required,
        "max_rows": import_jobs.MAX_ROWS,
        "max_mb": import_jobs.MAX_BYTES // (1024 * 1024),
        "list_url": page.list_url,
    }
    if job is not None and request.htmx:
        running = job.state in (ImportJob.State.CHECKING, ImportJob.State.QUEUED)
        if not running:
            return HttpResponseClientRefresh()
        return render(request, "deals/imports/_job_status.html", context)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "deals/imports/import.html", context, status=status)
