"""Export machinery every exporter shares: writing CSV (BOM, every cell quoted, the formula
rule), and the export job (asked for on a page, written by the worker with progress,
downloaded by the person who asked, deleted after EXPIRES_AFTER).

An app registers an `Exporter` for each list it exports (partners, reps; deals later) and keeps
only its filters, columns and rows, or a `DocumentExporter` for a document it renders (a
partner's QBR as a PDF); everything here is generic. The job stores the list's
filters as a query string and the worker validates them again, with the permissions the
person's membership has when the file is written, not when it was asked for.
"""

import csv
import io
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from django.core.cache import cache
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.csv_cells import neutralise
from accounts.imports import BOM
from accounts.models import ExportJob, Membership, Tenant, User
from accounts.roles import role_has_perm
from accounts.transactions import service

logger = logging.getLogger(__name__)

# How long a finished file can be downloaded; the hourly sweep deletes it (and its job) then.
EXPIRES_AFTER = timedelta(hours=24)
# A job claimed this long ago and still running was lost with its worker (the task's hard time
# limit is 11 minutes): a redelivered task may claim it again.
STALE_AFTER = timedelta(minutes=15)
MAX_QUERY_LENGTH = 2000
WRITE_BATCH = 500

# --- Writing CSV ----------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _writer(target) -> Any:
    # Every cell quoted, so a ";" inside it never splits it in a locale that splits on ";".
    return csv.writer(target, lineterminator="\r\n", quoting=csv.QUOTE_ALL)


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text line by line: BOM first for Excel, formula starts neutralised."""
    writer = _writer(_Echo())
    yield BOM + writer.writerow(map(neutralise, header))
    for row in rows:
        yield writer.writerow(map(neutralise, row))


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    return "".join(csv_lines(header, rows))


def csv_write(
    target: io.TextIOBase,
    header: Iterable[str],
    rows: Iterable[Iterable],
    *,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Write the same text as csv_lines() into an open text file; returns the rows written.

    Rows go to the csv module a batch at a time (one writerows call per WRITE_BATCH rows),
    and progress is reported once per batch."""
    target.write(BOM)
    writer = _writer(target)
    writer.writerow(map(neutralise, header))
    done = 0
    batch: list[list[str]] = []
    for row in rows:
        batch.append(list(map(neutralise, row)))
        if len(batch) >= WRITE_BATCH:
            writer.writerows(batch)
            done += len(batch)
            batch = []
            progress(done)
    writer.writerows(batch)
    done += len(batch)
    progress(done)
    return done


# --- Exporters ------------------------------------------------------------------------------


class ExportRefused(ValueError):
    """The export cannot be made: one clear, translated message (a filter, a permission)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ExportTable:
    header: Sequence[str]
    rows: Iterable[Iterable]
    total: int  # for the progress bar; the file holds what `rows` yields
    # Permissions the content needed beyond the exporter's own (finance columns included).
    perms: Sequence[str] = field(default_factory=tuple)


class Exporter(Protocol):
    """What an app provides for one exported list."""

    kind: str
    perm: str  # needed to export at all: asked when the job is requested and when it runs
    filename_prefix: str  # "partners" -> partners-20261202.csv
    parameters: tuple[str, ...]  # the query-string keys its filters read
    audit_action: str

    def filters(self, *, tenant: Tenant, query: QueryDict) -> Any:
        """The validated filters, or ExportRefused naming the filter that is wrong."""

    def table(self, *, tenant: Tenant, filters: Any, may: Callable[[str], bool]) -> ExportTable:
        """Header and rows; `may(perm)` answers for the requesting person, now."""


@dataclass
class ExportDocument:
    content: bytes
    pages: int = 1  # what the job page reports instead of rows
    perms: Sequence[str] = field(default_factory=tuple)


class DocumentExporter(Protocol):
    """What an app provides for one document the worker renders (a PDF): the same filters and
    permission as a list's exporter, a file name of its own and the document's bytes."""

    kind: str
    perm: str
    parameters: tuple[str, ...]
    audit_action: str
    content_type: str

    def filters(self, *, tenant: Tenant, query: QueryDict) -> Any: ...

    def filename(self, *, tenant: Tenant, filters: Any, stamp: str) -> str: ...

    def document(
        self, *, tenant: Tenant, filters: Any, may: Callable[[str], bool], language: str
    ) -> ExportDocument: ...


_EXPORTERS: dict[str, Exporter | DocumentExporter] = {}


def register_exporter(exporter: Exporter | DocumentExporter) -> None:
    _EXPORTERS[exporter.kind] = exporter


def exporter_for(kind: str) -> Exporter | DocumentExporter:
    return _EXPORTERS[kind]


def _is_document(exporter: Exporter | DocumentExporter) -> bool:
    return hasattr(exporter, "document")


def export_content_type(job: ExportJob) -> str:
    """The download's Content-Type: the document exporter's, or CSV."""
    exporter = exporter_for(job.kind)
    return exporter.content_type if _is_document(exporter) else "text/csv; charset=utf-8"


def export_query(exporter: Exporter, params: QueryDict) -> str:
    """The filters of a list page's query string, one way of writing them: the exporter's keys
    only (no page, no page size), empty values dropped, in a fixed order, so the same list asked
    twice is the same job."""
    kept = QueryDict(mutable=True)
    for key in sorted(set(exporter.parameters) & set(params)):
        values = sorted(value for value in params.getlist(key) if value != "")
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


def _permissions_of(tenant: Tenant, user: User | None) -> Callable[[str], bool]:
    """What the person may do in the tenant at this moment (an inactive person or membership
    may do nothing)."""
    membership = None
    if user is not None and user.is_active:
        membership = Membership.objects.filter(tenant=tenant, user=user, is_active=True).first()
    return lambda perm: membership is not None and role_has_perm(membership.role, perm)


# --- Progress (Redis: read by the page's poll; the job row changes only at start and end) ---


def _progress_key(job: ExportJob) -> str:
    return f"export-progress:{job.tenant_id}:{job.pk}"


def progress_set(job: ExportJob, *, done: int, total: int) -> None:
    cache.set(_progress_key(job), {"done": done, "total": total}, 60 * 60)


def progress_get(job: ExportJob) -> dict[str, int]:
    """{"done", "total", "percent"} of the job (0 % while it waits for a worker)."""
    if job.state == ExportJob.State.DONE:
        return {"done": job.row_count, "total": job.row_count, "percent": 100}
    value = cache.get(_progress_key(job)) or {"done": 0, "total": job.total_rows}
    total = max(value["total"], 1)
    return {**value, "percent": min(100, round(100 * value["done"] / total))}


def _progress(job: ExportJob, total: int) -> Callable[[int], None]:
    """Redis is told at most twice a second (the page asks once a second) and at the end."""
    last = [0.0]

    def report(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            progress_set(job, done=done, total=total)

    return report


# --- The job's services ---------------------------------------------------------------------


def _in_flight(*, tenant: Tenant, actor: User, kind: str, query: str) -> ExportJob | None:
    return ExportJob.objects.filter(
        tenant=tenant, created_by=actor, kind=kind, query=query, state__in=ExportJob.IN_FLIGHT
    ).first()


@service
def export_job_request(
    *, tenant: Tenant, actor: User, kind: str, params: QueryDict, language: str
) -> ExportJob:
    """Ask for an export of a list (its page's query string): a new job for the worker, or the
    same person's identical job still waiting or running (a double click, a second tab).

    Refuses (ExportRefused) filters that are not valid, naming the filter, and a person without
    the exporter's permission."""
    exporter = exporter_for(kind)
    with translation.override(language):
        if not _permissions_of(tenant, actor)(exporter.perm):
            raise ExportRefused(_("You may not export this list."))
        query = export_query(exporter, params)
        if len(query) > MAX_QUERY_LENGTH:
            raise ExportRefused(
                _("The filters are too long to export (at most %(limit)d characters).")
                % {"limit": MAX_QUERY_LENGTH}
            )
        filters = exporter.filters(tenant=tenant, query=QueryDict(query))
    existing = _in_flight(tenant=tenant, actor=actor, kind=kind, query=query)
    if existing is not None:
        return existing
    stamp = f"{timezone.localdate():%Y%m%d}"
    if _is_document(exporter):
        filename = exporter.filename(tenant=tenant, filters=filters, stamp=stamp)
    else:
        filename = f"{exporter.filename_prefix}-{stamp}.csv"
    try:
        # A savepoint: of two identical requests at the same moment the partial unique key
        # lets one insert; the other waits for it, fails here and returns that job.
        with transaction.atomic():
            job = ExportJob.objects.create(
                tenant=tenant,
                kind=kind,
                created_by=actor,
                language=language,
                query=query,
                filename=filename,
            )
    except IntegrityError:
        existing = _in_flight(tenant=tenant, actor=actor, kind=kind, query=query)
        if existing is None:
            raise
        return existing
    from accounts.tasks import export_run_task  # the tasks module imports this one

    # TenantTask sends it when this transaction commits: the worker finds the row.
    export_run_task.delay(tenant_id=tenant.pk, export_id=job.pk)
    return job


def export_job_run(*, tenant: Tenant, export_id: int) -> ExportJob | None:
    """Write one job's file. The claim is a conditional UPDATE (queued, or running but lost
    with its worker, to running): a redelivered or duplicated task finds nothing to do."""
    now = timezone.now()
    claimed = (
        ExportJob.objects.filter(tenant=tenant, pk=export_id)
        .filter(
            Q(state=ExportJob.State.QUEUED)
            | Q(state=ExportJob.State.RUNNING, started_at__lt=now - STALE_AFTER)
        )
        .update(state=ExportJob.State.RUNNING, started_at=now)
    )
    job = ExportJob.objects.filter(tenant=tenant, pk=export_id).select_related("created_by").first()
    if not claimed or job is None:
        return job
    with translation.override(job.language):
        try:
            _write(job)
        except ExportRefused as refused:
            _fail(job, refused.message)
        except Exception:  # a bug or the database or storage failing: say so, keep no file
            logger.exception("export %s failed", export_id)
            _fail(job, _("An unexpected error stopped the export; please try again."))
    job.refresh_from_db()
    return job


def _write(job: ExportJob) -> None:
    exporter = exporter_for(job.kind)
    # SECURITY(tenant): the person's permissions now, not when they clicked: a membership
    # removed or a role changed since then decides what the file holds.
    may = _permissions_of(job.tenant, job.created_by)
    if not may(exporter.perm):
        raise ExportRefused(_("You may no longer export this list; nothing was exported."))
    filters = exporter.filters(tenant=job.tenant, query=QueryDict(job.query))
    with tempfile.TemporaryFile() as raw:
        if _is_document(exporter):
            count, perms = _write_document(job, exporter, filters, may, raw)
        else:
            count, perms = _write_table(job, exporter, filters, may, raw)
        raw.seek(0)
        name = job.file.storage.save(job.file.field.generate_filename(job, job.filename), raw)
    try:
        _finish(job=job, exporter=exporter, name=name, count=count, perms=list(perms))
    except Exception:
        job.file.storage.delete(name)
        raise


def _write_table(job: ExportJob, exporter: Exporter, filters, may, raw) -> tuple[int, Sequence]:
    table = exporter.table(tenant=job.tenant, filters=filters, may=may)
    ExportJob.objects.filter(tenant=job.tenant, pk=job.pk).update(total_rows=table.total)
    progress_set(job, done=0, total=table.total)
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    count = csv_write(text, table.header, table.rows, progress=_progress(job, table.total))
    text.flush()
    text.detach()
    return count, table.perms


def _write_document(
    job: ExportJob, exporter: DocumentExporter, filters, may, raw
) -> tuple[int, Sequence]:
    # A document renders in one step: the page shows "rendering" until it is stored.
    progress_set(job, done=0, total=1)
    document = exporter.document(tenant=job.tenant, filters=filters, may=may, language=job.language)
    raw.write(document.content)
    return document.pages, document.perms


@service
def _finish(
    *, job: ExportJob, exporter: Exporter | DocumentExporter, name: str, count: int, perms: list
) -> None:
    from accounts.audit import audit_record

    now = timezone.now()
    written = ExportJob.objects.filter(
        tenant=job.tenant, pk=job.pk, state=ExportJob.State.RUNNING
    ).update(
        state=ExportJob.State.DONE,
        file=name,
        row_count=count,
        perms=perms,
        finished_at=now,
        expires_at=now + EXPIRES_AFTER,
    )
    if not written:  # the sweep deleted the job meanwhile
        raise RuntimeError(f"export {job.pk} vanished while it was written")
    audit_record(
        tenant=job.tenant,
        actor=job.created_by,
        action=exporter.audit_action,
        target=job,
        changes={"count": count, "filters": job.query, "file": job.filename},
    )


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(tenant=job.tenant, pk=job.pk).update(
        state=ExportJob.State.FAILED,
        failure=message,
        finished_at=timezone.now(),
        expires_at=timezone.now() + EXPIRES_AFTER,
    )


def export_job_get(
    *, tenant: Tenant, actor: User, export_id: int, kind_in: Iterable[str]
) -> ExportJob:
    """The person's own job of one of the page's kinds, or ExportJob.DoesNotExist (views
    answer 404: another kind's job is not this page's to show).

    SECURITY(tenant): only the person who asked: the file holds what their filters and their
    permissions produced, so a colleague asks for their own."""
    return ExportJob.objects.get(
        tenant=tenant, created_by=actor, pk=export_id, kind__in=list(kind_in)
    )


def export_job_recent(
    *,
    tenant: Tenant,
    actor: User,
    kind_in: Iterable[str],
    exclude: ExportJob | None = None,
    limit: int = 5,
):
    jobs = ExportJob.objects.filter(tenant=tenant, created_by=actor, kind__in=list(kind_in))
    if exclude is not None:
        jobs = jobs.exclude(pk=exclude.pk)
    return jobs.order_by("-created_at", "-pk")[:limit]


def export_is_downloadable(job: ExportJob) -> bool:
    return job.state == ExportJob.State.DONE and bool(job.file) and not export_is_expired(job)


def export_is_expired(job: ExportJob) -> bool:
    return job.expires_at is not None and job.expires_at <= timezone.now()


def export_file_open(*, tenant: Tenant, actor: User, job: ExportJob) -> File | None:
    """The finished file, opened for reading, or None: not done, expired, deleted, or needing a
    permission the person no longer has."""
    if not export_is_downloadable(job):
        return None
    may = _permissions_of(tenant, actor)
    if not all(may(perm) for perm in (exporter_for(job.kind).perm, *job.perms)):
        return None
    try:
        return job.file.open("rb")
    except FileNotFoundError:
        return None


def export_jobs_expire(*, tenant: Tenant) -> int:
    """Delete the tenant's expired jobs and their files (beat, hourly); returns how many.

    A job waiting or running a whole EXPIRES_AFTER was lost and goes too."""
    now = timezone.now()
    expired = ExportJob.objects.filter(tenant=tenant).filter(
        Q(expires_at__lte=now)
        | Q(state__in=ExportJob.IN_FLIGHT, created_at__lte=now - EXPIRES_AFTER)
    )
    count = 0
    for job in expired.only("pk", "file", "tenant_id"):
        if job.file:
            job.file.storage.delete(job.file.name)
        job.delete()
        count += 1
    return count
