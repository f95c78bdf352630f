"""CSV import of one partner's target accounts, through the kernel's import machinery
(accounts/imports.py: UTF-8 or CP932, preview, row errors naming row and column, confirm once,
all or nothing, big files in the worker with progress).

Every file is imported for one partner (a rep's own company in the portal, the partner staff
chose). The kernel's ImportJob knows only its `kind`, so the partner is part of the kind:
"target_accounts:<partner id>", one importer per partner, registered on first use in each
process (`target_importer`); the worker's task registers it from the job's kind before running
the job. A second partner's job can never be confirmed or shown for the first one, since every
job lookup filters by kind.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.imports import (
    CheckResult,
    ParsedFile,
    Progress,
    RowError,
    batched,
    fold_code,
    fold_width,
    importer_for,
    insert_rows,
    register_importer,
)
from accounts.models import ImportJob, Tenant, User
from deals.models import Milestone, TargetAccount, TargetAccountChange
from deals.names import company_name_key
from partners.choices import CustomerSegment, Industry, Prefecture
from partners.models import Partner
from partners.services.imports import _Choices, _RowChecker
from partners.validators import validate_corporate_number

KIND_PREFIX = "target_accounts:"
BATCH_SIZE = 2000

# The columns, in the order of the template; the import accepts them in any order.
TARGET_COLUMNS = (
    "company_name",
    "corporate_number",
    "industry",
    "prefecture",
    "size",
    "contact_name",
    "contact_email",
    "contact_phone",
    "notes",
)
TARGET_REQUIRED = ("company_name",)
_TEXT = ("company_name", "contact_name", "contact_phone", "notes")


def kind_for(partner: Partner) -> str:
    return f"{KIND_PREFIX}{partner.pk}"


def partner_id_of(kind: str) -> int | None:
    if not kind.startswith(KIND_PREFIX):
        return None
    try:
        return int(kind[len(KIND_PREFIX) :])
    except ValueError:
        return None


def _limit(name: str) -> int | None:
    field = TargetAccount._meta.get_field(name)
    return field.max_length


class TargetAccountImporter:
    columns = TARGET_COLUMNS
    required = TARGET_REQUIRED
    audit_action = "target_account.imported"

    def __init__(self, partner_id: int):
        self.partner_id = partner_id
        self.kind = f"{KIND_PREFIX}{partner_id}"

    @property
    def task(self):
        from deals.tasks.targets import target_import_run_task

        return target_import_run_task

    def check(
        self,
        *,
        tenant: Tenant,
        parsed: ParsedFile,
        progress: Progress,
        cells_checked: bool = False,
    ) -> CheckResult:
        """Every rule, or with `cells_checked` (the write) only what the database decides: the
        partner still there, each company not listed by it yet, not twice in the file."""
        if not Partner.objects.filter(tenant=tenant, pk=self.partner_id).exists():
            return CheckResult(
                rows=[],
                errors=[RowError(1, "company_name", _("The partner no longer exists."))],
                bad_rows=len(parsed.records),
            )
        choices = {
            "industry": _Choices(Industry),
            "prefecture": _Choices(Prefecture),
            "size": _Choices(CustomerSegment),
        }
        existing = dict(
            TargetAccount.objects.filter(tenant=tenant, partner_id=self.partner_id).values_list(
                "company_name_key", "company_name"
            )
        )
        seen: dict[str, int] = {}
        rows: list[dict[str, Any]] = []
        errors: list[RowError] = []
        bad_rows = 0
        email_validator = EmailValidator()
        for done, record in enumerate(parsed.records, 1):
            row, cells = record.row, record.cells
            row_errors = list(record.errors)
            check = _RowChecker(row, row_errors, cells_checked=cells_checked)
            fields: dict[str, Any] = {}
            for name in _TEXT:
                check.text(cells, name, _limit(name) or 2000, fields)
            name = fields.get("company_name", "")
            key = company_name_key(name)
            if not key:
                check.error("company_name", _("Enter the company's name."))
            elif key in existing:
                check.error(
                    "company_name",
                    _("The partner already lists this company (as “%(name)s”).")
                    % {"name": existing[key]},
                )
            elif key in seen:
                check.error(
                    "company_name",
                    _("The same company is already in row %(row)d.") % {"row": seen[key]},
                )
            else:
                seen[key] = row
            fields["company_name_key"] = key
            number = fold_code(cells.get("corporate_number", ""))
            if number and check.validated("corporate_number", number, validate_corporate_number):
                fields["corporate_number"] = number
            for column, chooser in choices.items():
                code = chooser.code(cells.get(column, ""), column, row_errors, row)
                fields[column] = code or ""
            email = fold_width(cells.get("contact_email", ""))
            if email and check.validated("contact_email", email, email_validator):
                fields["contact_email"] = email
            if row_errors:
                bad_rows += 1
                errors += row_errors
            else:
                rows.append(fields)
            progress(done)
        errors.sort(key=lambda e: (e.row, e.column))
        return CheckResult(rows=rows, errors=errors, bad_rows=bad_rows)

    def write(
        self, *, tenant: Tenant, actor: User | None, rows: list[dict], progress: Progress
    ) -> dict[str, Any]:
        from deals.services.targets import _priority_refresh

        partner = Partner.objects.select_for_update().get(tenant=tenant, pk=self.partner_id)
        now = timezone.now()
        done = 0
        for batch in batched(rows, BATCH_SIZE):
            ids = insert_rows(
                TargetAccount,
                [
                    dict(
                        fields,
                        tenant=tenant,
                        partner=partner,
                        milestone=Milestone.LISTED,
                        milestone_at=now,
                        created_at=now,
                        created_by=actor,
                    )
                    for fields in batch
                ],
            )
            # The funnel's first step of each (milestone_record_listing, in bulk).
            insert_rows(
                TargetAccountChange,
                [
                    {
                        "tenant": tenant,
                        "target_account": pk,
                        "from_milestone": "",
                        "to_milestone": Milestone.LISTED,
                        "changed_at": now,
                        "changed_by": actor,
                    }
                    for pk in ids
                ],
            )
            done += len(batch)
            progress(done)
        _priority_refresh(tenant, partner)
        return {"count": done}


def target_importer(partner: Partner | int) -> TargetAccountImporter:
    """The importer of one partner's files, registered with the kernel (once per process)."""
    partner_id = partner if isinstance(partner, int) else partner.pk
    kind = f"{KIND_PREFIX}{partner_id}"
    try:
        importer = importer_for(kind)
    except KeyError:
        importer = TargetAccountImporter(partner_id)
        register_importer(importer)
    return importer


def target_importer_for_job(job: ImportJob) -> TargetAccountImporter:
    partner_id = partner_id_of(job.kind)
    if partner_id is None:
        raise ValidationError(_("This import is not a target-account list."))
    return target_importer(partner_id)
