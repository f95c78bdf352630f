"""CSV import and export of partners and reps: their columns and row rules.

Reading, normalising, the formula rule, the job (check, confirm once, write all or nothing,
progress) are the kernel's (accounts/imports.py). One list of columns per kind serves the
import, the export and the template, so an export always imports again.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.imports import (
    CheckResult,
    ImportRefused,
    ParsedFile,
    Progress,
    RowError,
    batched,
    fold_code,
    fold_width,
    insert_rows,
    register_importer,
)
from accounts.models import Tenant, User
from partners.choices import (
    BankAccountType,
    CustomerSegment,
    EntityKind,
    Industry,
    PartnerStatus,
    Prefecture,
    Priority,
)
from partners.models import (
    COMPANY_FIELDS,
    FINANCE_ONLY_FIELDS,
    Partner,
    PartnerRep,
    PartnerStatusChange,
    PartnerType,
)
from partners.services import directory
from partners.validators import (
    KATAKANA_READING,
    POSTAL_CODE,
    ZENGIN_KANA,
    search_key,
    validate_corporate_number,
    validate_registration_number,
)

__all__ = ["ImportRefused"]

BATCH_SIZE = 2000


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    # Exported for reading (computed or kept by the product); the import accepts and ignores it.
    read_only: bool = False


# A company field's column is named as the field, except the prefectures it sells in.
COMPANY_COLUMN_NAMES = {name: {"prefectures": "regions"}.get(name, name) for name in COMPANY_FIELDS}


def _company_columns(*fields: str) -> tuple[Column, ...]:
    """Columns of CompanyProfile fields, placed where the export has always had them (people's
    spreadsheets follow that order); a name outside COMPANY_FIELDS is a KeyError at import."""
    return tuple(Column(COMPANY_COLUMN_NAMES[field]) for field in fields)


PARTNER_CSV = (
    Column("legal_name", required=True),
    Column("legal_name_kana"),
    Column("display_name"),
    *_company_columns("corporate_number", "entity_kind"),
    Column("partner_type"),
    Column("priority"),
    Column("suggested_priority", read_only=True),
    Column("status"),
    Column("status_since"),
    Column("prefecture"),
    Column("postal_code"),
    Column("city"),
    Column("street_address"),
    Column("building"),
    *_company_columns("website", "employee_count", "sales_headcount"),
    Column("other_vendor_products_count"),
    *_company_columns("products_handled", "industries", "customer_segments", "prefectures"),
    Column("registration_number"),
    Column("owner_email"),
    Column("notes"),
    Column("active_reps", read_only=True),
    # SECURITY(finance): bank details, read and written only by people who may see them.
    *(Column(name) for name in FINANCE_ONLY_FIELDS),
)
REP_CSV = (
    Column("partner_corporate_number"),
    Column("partner_legal_name"),
    Column("full_name", required=True),
    Column("full_name_kana"),
    Column("email"),
    Column("phone"),
    Column("department"),
    Column("title"),
    Column("reachable"),
    Column("active", read_only=True),
    Column("left_on", read_only=True),
    Column("portal_login", read_only=True),
)
PARTNER_COLUMNS = tuple(c.name for c in PARTNER_CSV)
PARTNER_REQUIRED = tuple(c.name for c in PARTNER_CSV if c.required)
REP_COLUMNS = tuple(c.name for c in REP_CSV)
REP_REQUIRED = tuple(c.name for c in REP_CSV if c.required)
REP_PARTNER_KEYS = ("partner_corporate_number", "partner_legal_name")
READ_ONLY_COLUMNS = frozenset(c.name for c in (*PARTNER_CSV, *REP_CSV) if c.read_only)

INTEGER_COLUMNS = {
    "employee_count": 2_147_483_647,
    "sales_headcount": 2_147_483_647,
    "other_vendor_products_count": 32_767,
}
# Multi-value cells: values separated by ";" (or "|").
LIST_SEPARATOR = re.compile(r"[;|；]")
TRUE_WORDS = {"yes", "y", "true", "1", "はい", "可", "○"}
FALSE_WORDS = {"no", "n", "false", "0", "いいえ", "不可", "×"}
_validate_url = URLValidator(schemes=["http", "https"])
_validate_email = EmailValidator()


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


class _Choices:
    """A choice typed as its code, its English label or its Japanese label: one dict lookup."""

    def __init__(self, choices):
        self.allowed = ", ".join(str(c) for c in choices.values)
        self.codes: dict[str, str] = {}
        for code, label in choices.choices:
            with override("en"):
                english = str(label)
            with override("ja"):
                japanese = str(label)
            for key in (str(code), english, japanese):
                self.codes[fold_width(key).casefold()] = code

    def code(self, value: str, column: str, errors: list, row: int) -> str | None:
        if not value:
            return None
        code = self.codes.get(fold_width(value).casefold())
        if code is None:
            errors.append(
                RowError(
                    row,
                    column,
                    _("“%(value)s” is not allowed; use one of: %(allowed)s.")
                    % {"value": value, "allowed": self.allowed},
                )
            )
        return code

    def codes_of(self, value: str, column: str, errors: list, row: int) -> list[str]:
        result = []
        for part in LIST_SEPARATOR.split(value or ""):
            code = self.code(part.strip(), column, errors, row)
            if code is not None and code not in result:
                result.append(code)
        return result


class _RowChecker:
    """Per-row helpers sharing one row's error list.

    `cells_checked`: the cell rules already passed on this very file (the write phase re-reads
    the job's stored text, which the check passed and nothing changes): the rules that look at
    a cell alone are skipped, since they are pure and would pass again; only what the
    database can have changed since is checked (see Importer.check). The values are converted
    exactly as in the check.
    """

    def __init__(self, row: int, errors: list[RowError], *, cells_checked: bool = False):
        self.row = row
        self.errors = errors
        self.cells_checked = cells_checked

    def error(self, column: str, message: str) -> None:
        # One problem per cell: a cell refused while reading (formula, control character) is
        # empty now, and "enter the legal name" would only repeat it.
        if not any(e.column == column for e in self.errors):
            self.errors.append(RowError(self.row, column, message))

    def text(self, cells: dict, column: str, limit: int | None, target: dict, name=None) -> str:
        value = cells.get(column, "")
        if not self.cells_checked and limit is not None and len(value) > limit:
            self.error(
                column,
                _("At most %(limit)d characters (this cell has %(count)d).")
                % {"limit": limit, "count": len(value)},
            )
            return ""
        if column in cells:
            target[name or column] = value
        return value

    def validated(self, column: str, value: str, validator) -> bool:
        if self.cells_checked:
            return True
        try:
            validator(value)
        except ValidationError as error:
            for message in error.messages:
                self.error(column, message)
            return False
        return True

    def integer(self, cells: dict, column: str, maximum: int, target: dict) -> None:
        value = fold_width(cells.get(column, "")).replace(",", "")
        if not value:
            return
        if re.fullmatch(r"[0-9]{1,10}", value) and int(value) <= maximum:
            target[column] = int(value)
        else:
            self.error(column, _("Enter a whole number (0 or more)."))

    def date(self, cells: dict, column: str, target: dict) -> None:
        import datetime

        value = fold_code(cells.get(column, "")).replace("/", "-")
        if not value:
            return
        try:
            target[column] = datetime.date.fromisoformat(value)
        except ValueError:
            self.error(column, _("Enter a date as 2024-04-01."))


def _kana(checker: _RowChecker, column: str, value: str) -> None:
    if value and not checker.cells_checked and not KATAKANA_READING.match(value):
        checker.error(column, _("Write the reading in katakana."))


# --- Partners -------------------------------------------------------------------------------


_PARTNER_TEXT = (
    "legal_name",
    "legal_name_kana",
    "display_name",
    "city",
    "street_address",
    "building",
    "products_handled",
    "bank_name",
    "branch_name",
)
_NOTES_LIMIT = 10_000
# Translated when a cell breaks the rule, not for every row.
_BANK_DIGITS = (
    ("bank_code", re.compile(r"[0-9]{4}"), gettext_lazy("A bank code has 4 digits.")),
    ("branch_code", re.compile(r"[0-9]{3}"), gettext_lazy("A branch code has 3 digits.")),
    ("account_number", re.compile(r"[0-9]{7}"), gettext_lazy("An account number has 7 digits.")),
)


class PartnerImporter:
    kind = "partners"
    columns = PARTNER_COLUMNS
    required = PARTNER_REQUIRED
    audit_action = "partner.imported"

    @property
    def task(self):
        from partners.tasks import import_run_task

        return import_run_task

    def check(
        self,
        *,
        tenant: Tenant,
        parsed: ParsedFile,
        progress: Progress,
        cells_checked: bool = False,
    ) -> CheckResult:
        """Every rule (the preview), or with `cells_checked` only what the database decides:
        the corporate number already taken, the partner type and the owner still there and
        allowed."""
        choices = {
            "entity_kind": _Choices(EntityKind),
            "priority": _Choices(Priority),
            "status": _Choices(PartnerStatus),
            "prefecture": _Choices(Prefecture),
            "account_type": _Choices(BankAccountType),
        }
        lists = {
            "industries": ("industries", _Choices(Industry)),
            "customer_segments": ("customer_segments", _Choices(CustomerSegment)),
            "regions": ("prefectures", choices["prefecture"]),
        }
        limits = {name: _max_length(Partner, name) for name in _PARTNER_TEXT}
        types = {t.name.casefold(): t for t in PartnerType.objects.filter(tenant=tenant)}
        owners = {m.user.email.casefold(): m for m in directory.owner_queryset(tenant)}
        used_numbers = set(
            Partner.objects.filter(tenant=tenant)
            .exclude(corporate_number="")
            .values_list("corporate_number", flat=True)
        )
        seen_numbers: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        rows: list[dict[str, Any]] = []
        errors: list[RowError] = []
        bad_rows = 0
        for done, record in enumerate(parsed.records, 1):
            row, cells = record.row, record.cells
            row_errors = list(record.errors)
            check = _RowChecker(row, row_errors, cells_checked=cells_checked)
            fields: dict[str, Any] = {}
            for name in _PARTNER_TEXT:
                check.text(cells, name, limits[name], fields)
            check.text(cells, "notes", _NOTES_LIMIT, fields)
            if not cells_checked and not cells.get("legal_name"):
                check.error("legal_name", _("Enter the legal name."))
            _kana(check, "legal_name_kana", fields.get("legal_name_kana", ""))
            for name, maximum in INTEGER_COLUMNS.items():
                check.integer(cells, name, maximum, fields)
            for name, chooser in choices.items():
                code = chooser.code(cells.get(name, ""), name, row_errors, row)
                if code is not None:
                    fields[name] = code
            for name, (target, chooser) in lists.items():
                if cells.get(name):
                    fields[target] = chooser.codes_of(cells[name], name, row_errors, row)
            check.date(cells, "status_since", fields)
            self._codes(check, cells, fields)
            type_name = cells.get("partner_type", "")
            if type_name:
                fields["partner_type"] = types.get(type_name.casefold())
                if fields["partner_type"] is None:
                    check.error(
                        "partner_type",
                        _("There is no partner type “%(name)s”; add it under Settings first.")
                        % {"name": type_name},
                    )
            owner_email = fold_width(cells.get("owner_email", ""))
            if owner_email:
                fields["owner"] = owners.get(owner_email.casefold())
                if fields["owner"] is None:
                    check.error(
                        "owner_email",
                        _("%(email)s is no active vendor admin or partner manager here.")
                        % {"email": owner_email},
                    )
            number = fields.get("corporate_number", "")
            if number:
                if number in used_numbers:
                    check.error(
                        "corporate_number",
                        _("A partner with this corporate number already exists."),
                    )
                elif cells_checked:
                    pass  # the same number twice in the file: the check refused it already
                elif number in seen_numbers:
                    check.error(
                        "corporate_number",
                        _("The same corporate number is already in row %(row)d.")
                        % {"row": seen_numbers[number]},
                    )
                else:
                    seen_numbers[number] = row
            name = cells.get("legal_name", "")
            if name and not cells_checked:
                key = name.casefold()
                if key in seen_names:
                    check.error(
                        "legal_name",
                        _("The same legal name is already in row %(row)d.")
                        % {"row": seen_names[key]},
                    )
                else:
                    seen_names[key] = row
            if row_errors:
                bad_rows += 1
                errors += row_errors
            else:
                rows.append(fields)
            progress(done)
        errors.sort(key=lambda e: (e.row, e.column))
        return CheckResult(rows=rows, errors=errors, bad_rows=bad_rows)

    def _codes(self, check: _RowChecker, cells: dict, fields: dict) -> None:
        """Codes people type in full width or with other dashes: normalised, then validated,
        so the duplicate check compares like with like."""
        for name, validator in (
            ("corporate_number", validate_corporate_number),
            ("registration_number", validate_registration_number),
        ):
            value = fold_code(cells.get(name, "")).upper()
            if value and check.validated(name, value, validator):
                fields[name] = value
            elif name in cells:
                fields[name] = ""
        postal = fold_code(cells.get("postal_code", ""))
        if len(postal) == 7 and postal.isdigit():
            postal = f"{postal[:3]}-{postal[3:]}"
        if postal and not check.cells_checked and not POSTAL_CODE.match(postal):
            check.error("postal_code", _("Enter the postal code as 123-4567."))
        elif "postal_code" in cells:
            fields["postal_code"] = postal
        website = fold_width(cells.get("website", ""))
        if website:
            if "://" not in website:
                website = "https://" + website
            if len(website) <= 200 and check.validated("website", website, _validate_url):
                fields["website"] = website
            elif len(website) > 200:
                check.error("website", _("At most %(limit)d characters.") % {"limit": 200})
        for name, pattern, message in _BANK_DIGITS:
            value = fold_code(cells.get(name, ""))
            if value and not check.cells_checked and not pattern.fullmatch(value):
                check.error(name, str(message))
            elif name in cells:
                fields[name] = value
        holder = cells.get("account_holder_kana", "")
        if holder and not check.cells_checked and not ZENGIN_KANA.match(holder):
            check.error(
                "account_holder_kana",
                _("Write the account holder in half-width katakana as the bank shows it."),
            )
        elif "account_holder_kana" in cells:
            fields["account_holder_kana"] = holder

    def write(
        self, *, tenant: Tenant, actor: User | None, rows: list[dict], progress: Progress
    ) -> dict[str, Any]:
        today = timezone.localdate()
        now = timezone.now()
        changed_by = actor if actor is not None and actor.is_authenticated else None
        done = 0
        bank_details = 0
        for batch in batched(rows, BATCH_SIZE):
            partners = []
            for fields in batch:
                fields = dict(fields, tenant=tenant, created_at=now, updated_at=now)
                fields["status"] = fields.get("status") or PartnerStatus.PROSPECT
                fields["status_since"] = fields.get("status_since") or today
                if any(fields.get(name) for name in FINANCE_ONLY_FIELDS):
                    bank_details += 1
                fields["search_text"] = search_key(
                    fields.get("legal_name", ""),
                    fields.get("legal_name_kana", ""),
                    fields.get("display_name", ""),
                    fields.get("corporate_number", ""),
                )
                partners.append(fields)
            ids = insert_rows(Partner, partners)
            insert_rows(
                PartnerStatusChange,
                [
                    {
                        "tenant": tenant,
                        "partner": partner_id,
                        "status": fields["status"],
                        "changed_on": fields["status_since"],
                        "changed_by": changed_by,
                    }
                    for partner_id, fields in zip(ids, partners, strict=True)
                ],
            )
            done += len(batch)
            progress(done)
        summary: dict[str, Any] = {"count": done}
        if bank_details:
            summary["bank_details"] = bank_details  # which ones: the values are never logged
        return summary


# --- Reps -----------------------------------------------------------------------------------


def _truthy(check: _RowChecker, value: str) -> bool:
    word = fold_width(value or "").strip().casefold()
    if not word or word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    check.error("reachable", _("Write yes or no (“%(value)s” given).") % {"value": value})
    return True


_REP_TEXT = ("full_name", "full_name_kana", "phone", "department", "title")


class RepImporter:
    kind = "reps"
    columns = REP_COLUMNS
    required = REP_REQUIRED
    audit_action = "partner_rep.imported"

    @property
    def task(self):
        from partners.tasks import import_run_task

        return import_run_task

    def check(
        self,
        *,
        tenant: Tenant,
        parsed: ParsedFile,
        progress: Progress,
        cells_checked: bool = False,
    ) -> CheckResult:
        """Every rule (the preview), or with `cells_checked` only what the database decides:
        the partner still there (and the only one of its name), its rep with this e-mail
        address not there yet. The same rep twice in the file is looked for again too: which
        partner a row names is the database's answer."""
        if not any(key in parsed.header for key in REP_PARTNER_KEYS):
            raise ImportRefused(
                _("Required columns are missing: %(columns)s.")
                % {"columns": " / ".join(REP_PARTNER_KEYS)}
            )
        limits = {name: _max_length(PartnerRep, name) for name in _REP_TEXT}
        by_number: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        for pk, number, legal_name in Partner.objects.filter(tenant=tenant).values_list(
            "pk", "corporate_number", "legal_name"
        ):
            if number:
                by_number[number] = pk
            by_name.setdefault(legal_name, []).append(pk)
        existing_emails = {
            (partner_id, email.casefold())
            for partner_id, email in PartnerRep.objects.filter(tenant=tenant)
            .exclude(email="")
            .values_list("partner_id", "email")
        }
        seen: dict[tuple, int] = {}
        rows: list[dict[str, Any]] = []
        errors: list[RowError] = []
        bad_rows = 0
        for done, record in enumerate(parsed.records, 1):
            row, cells = record.row, record.cells
            row_errors = list(record.errors)
            check = _RowChecker(row, row_errors, cells_checked=cells_checked)
            partner_id = None
            number = fold_code(cells.get("partner_corporate_number", ""))
            legal_name = cells.get("partner_legal_name", "")
            if number:
                partner_id = by_number.get(number)
                if partner_id is None:
                    check.error(
                        "partner_corporate_number",
                        _("No partner has the corporate number %(number)s.") % {"number": number},
                    )
            elif legal_name:
                matches = by_name.get(legal_name, [])
                if len(matches) == 1:
                    partner_id = matches[0]
                elif not matches:
                    check.error(
                        "partner_legal_name",
                        _("No partner has exactly this legal name: %(name)s.")
                        % {"name": legal_name},
                    )
                else:
                    check.error(
                        "partner_legal_name",
                        _("Several partners have this legal name; use the corporate number."),
                    )
            else:
                check.error(
                    "partner_corporate_number",
                    _("Name the partner by corporate number or legal name."),
                )
            fields: dict[str, Any] = {}
            for name in _REP_TEXT:
                check.text(cells, name, limits[name], fields)
            fields["full_name"] = fields.get("full_name", "")
            if not cells_checked and not fields["full_name"]:
                check.error("full_name", _("Enter the rep's name."))
            _kana(check, "full_name_kana", fields.get("full_name_kana", ""))
            email = fold_width(cells.get("email", ""))
            if email:
                if len(email) <= 254 and check.validated("email", email, _validate_email):
                    fields["email"] = email
                elif len(email) > 254:
                    check.error("email", _("Enter a valid email address."))
            fields["is_reachable"] = _truthy(check, cells.get("reachable", ""))
            key = (partner_id, email.casefold())
            if partner_id is not None and email:
                if key in existing_emails:
                    check.error(
                        "email", _("This partner already has a rep with this e-mail address.")
                    )
                elif key in seen:
                    check.error(
                        "email",
                        _("The same rep is already in row %(row)d.") % {"row": seen[key]},
                    )
                else:
                    seen[key] = row
            if row_errors:
                bad_rows += 1
                errors += row_errors
            else:
                rows.append({"partner": partner_id, **fields})
            progress(done)
        errors.sort(key=lambda e: (e.row, e.column))
        return CheckResult(rows=rows, errors=errors, bad_rows=bad_rows)

    def write(
        self, *, tenant: Tenant, actor: User | None, rows: list[dict], progress: Progress
    ) -> dict[str, Any]:
        now = timezone.now()
        done = 0
        partner_ids: set[int] = set()
        for batch in batched(rows, BATCH_SIZE):
            insert_rows(
                PartnerRep, [dict(fields, tenant=tenant, created_at=now) for fields in batch]
            )
            partner_ids.update(fields["partner"] for fields in batch)
            done += len(batch)
            progress(done)
        # The partners' records changed too: "updated" sorts and syncs see the new reps.
        Partner.objects.filter(tenant=tenant, pk__in=partner_ids).update(updated_at=now)
        return {"count": done, "partners": len(partner_ids)}


PARTNER_IMPORTER = PartnerImporter()
REP_IMPORTER = RepImporter()


def register() -> None:
    """Called from PartnersConfig.ready()."""
    register_importer(PARTNER_IMPORTER)
    register_importer(REP_IMPORTER)


# --- Export: the same columns ---------------------------------------------------------------


def partner_export_columns(*, may_see_finance: bool) -> tuple[str, ...]:
    if may_see_finance:
        return PARTNER_COLUMNS
    return tuple(c for c in PARTNER_COLUMNS if c not in FINANCE_ONLY_FIELDS)


def partner_export_rows(partners: Iterable[Partner], columns: tuple[str, ...]):
    for partner in partners:
        yield [_partner_value(partner, column) for column in columns]


def _partner_value(partner: Partner, column: str):
    if column == "partner_type":
        return partner.partner_type.name if partner.partner_type else ""
    if column == "owner_email":
        return partner.owner.user.email if partner.owner else ""
    if column == "regions":
        return ";".join(partner.prefectures)
    if column in ("industries", "customer_segments"):
        return ";".join(getattr(partner, column))
    if column == "active_reps":
        return getattr(partner, "rep_count", "")
    value = getattr(partner, column)
    return "" if value is None else value


def rep_export_rows(reps: Iterable[PartnerRep]):
    for rep in reps:
        yield [
            rep.partner.corporate_number,
            rep.partner.legal_name,
            rep.full_name,
            rep.full_name_kana,
            rep.email,
            rep.phone,
            rep.department,
            rep.title,
            "yes" if rep.is_reachable else "no",
            "yes" if rep.is_active else "no",
            rep.left_on or "",
            "yes" if rep.membership_id else "no",
        ]
