"""CSV import of partners and reps: preview every row's problems, then write all or nothing.

The preview parses and validates without writing; the commit parses the same text again and
writes every row in one transaction, so one bad row means nothing is written.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.audit import audit_record
from accounts.models import Tenant, User
from accounts.transactions import service
from partners.choices import (
    CustomerSegment,
    EntityKind,
    Industry,
    PartnerStatus,
    Prefecture,
    Priority,
)
from partners.csv_io import CsvDecodeError, decode_upload, looks_like_formula
from partners.models import Partner, PartnerRep, PartnerType
from partners.services import directory

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

PARTNER_REQUIRED = ("legal_name",)
PARTNER_COLUMNS = (
    "legal_name",
    "legal_name_kana",
    "display_name",
    "corporate_number",
    "entity_kind",
    "partner_type",
    "priority",
    "status",
    "prefecture",
    "postal_code",
    "city",
    "street_address",
    "building",
    "website",
    "employee_count",
    "sales_headcount",
    "other_vendor_products_count",
    "products_handled",
    "industries",
    "customer_segments",
    "regions",
    "registration_number",
    "owner_email",
    "notes",
)
REP_REQUIRED = ("full_name",)
REP_PARTNER_KEYS = ("partner_corporate_number", "partner_legal_name")
REP_COLUMNS = (
    "partner_corporate_number",
    "partner_legal_name",
    "full_name",
    "full_name_kana",
    "email",
    "phone",
    "department",
    "title",
    "reachable",
)
INTEGER_COLUMNS = ("employee_count", "sales_headcount", "other_vendor_products_count")
# Multi-value cells: values separated by ";" (or "|").
LIST_SEPARATOR = re.compile(r"[;|；]")
TRUE_WORDS = {"yes", "y", "true", "1", "はい", "可", "○"}
FALSE_WORDS = {"no", "n", "false", "0", "いいえ", "不可", "×"}


class ImportRefused(ValueError):
    """The file as a whole cannot be imported (encoding, size, header): one clear message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class ImportPreview:
    text: str
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # the parsed good rows

    @property
    def good_count(self) -> int:
        return len(self.rows)

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0


# --- Reading the file -------------------------------------------------------------------------


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(limit)s MB; split it into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportRefused(_("The file is empty."))
    try:
        return decode_upload(data)
    except CsvDecodeError as error:
        raise ImportRefused(
            _(
                "The file could not be read: save it as CSV in UTF-8 (with or without BOM) "
                "or Shift_JIS."
            )
        ) from error


def _read(text: str, *, columns: tuple[str, ...], required: tuple[str, ...]):
    if not text.strip():
        raise ImportRefused(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise ImportRefused(_("The file is empty.")) from error
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRefused(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise ImportRefused(
            _("Unknown columns: %(columns)s. Allowed columns: %(allowed)s.")
            % {
                "columns": ", ".join(h or _("(empty header)") for h in unknown),
                "allowed": ", ".join(columns),
            }
        )
    doubled = sorted({h for h in header if header.count(h) > 1})
    if doubled:
        raise ImportRefused(
            _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(doubled)}
        )
    rows = []
    try:
        for line in reader:
            if not any(cell.strip() for cell in line):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": f"{MAX_ROWS:,}"}
                )
            row_number = reader.line_num
            cells = {
                name: (line[i].strip() if i < len(line) else "") for i, name in enumerate(header)
            }
            extra = line[len(header) :]
            rows.append((row_number, cells, any(c.strip() for c in extra)))
    except csv.Error as error:
        raise ImportRefused(
            _("The file is not a valid CSV file: %(error)s") % {"error": error}
        ) from error
    if not rows:
        raise ImportRefused(_("The file has a header but no rows."))
    return header, rows


def _choice(value: str, choices, column: str, errors: list, row: int):
    """A choice given as its code, its English label or its Japanese label."""
    if not value:
        return None
    wanted = value.strip().casefold()
    for code, label in choices.choices:
        with override("en"):
            english = str(label)
        with override("ja"):
            japanese = str(label)
        if wanted in {str(code).casefold(), english.casefold(), japanese.casefold()}:
            return code
    errors.append(
        RowError(
            row,
            column,
            _("“%(value)s” is not allowed; use one of: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(str(c) for c in choices.values)},
        )
    )
    return None


def _choice_list(value: str, choices, column: str, errors: list, row: int) -> list[str]:
    result = []
    for part in LIST_SEPARATOR.split(value or ""):
        if part.strip():
            code = _choice(part, choices, column, errors, row)
            if code is not None and code not in result:
                result.append(code)
    return result


def _formula_errors(cells: dict[str, str], row: int) -> list[RowError]:
    return [
        RowError(
            row,
            column,
            _("The cell starts with %(char)s and looks like a spreadsheet formula; remove it.")
            % {"char": value[0]},
        )
        for column, value in cells.items()
        if looks_like_formula(value)
    ]


def _model_errors(instance, row: int, exclude: list[str], column_of: dict[str, str]) -> list:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            RowError(row, column_of.get(name, name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


# --- Partners ---------------------------------------------------------------------------------


def partner_import_preview(*, tenant: Tenant, text: str) -> ImportPreview:
    _header, rows = _read(text, columns=PARTNER_COLUMNS, required=PARTNER_REQUIRED)
    preview = ImportPreview(text=text, total=len(rows))
    types = {t.name.casefold(): t for t in PartnerType.objects.filter(tenant=tenant)}
    owners = {m.user.email.casefold(): m for m in directory.owner_queryset(tenant)}
    used_numbers = set(
        Partner.objects.filter(tenant=tenant)
        .exclude(corporate_number="")
        .values_list("corporate_number", flat=True)
    )
    seen_numbers: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    exclude = ["tenant", "search_text", "status_since", "owner", "partner_type"]
    for row, cells, has_extra in rows:
        errors: list[RowError] = _formula_errors(cells, row)
        if has_extra:
            errors.append(RowError(row, "-", _("The row has more cells than the header.")))
        fields: dict[str, Any] = {}
        for name in (
            "legal_name",
            "legal_name_kana",
            "display_name",
            "corporate_number",
            "postal_code",
            "city",
            "street_address",
            "building",
            "website",
            "products_handled",
            "registration_number",
            "notes",
        ):
            if name in cells:
                fields[name] = cells[name]
        if not cells.get("legal_name"):
            errors.append(RowError(row, "legal_name", _("Enter the legal name.")))
        for name in INTEGER_COLUMNS:
            value = cells.get(name, "").replace(",", "")
            if value:
                if value.isdigit() and len(value) <= 9:
                    fields[name] = int(value)
                else:
                    errors.append(RowError(row, name, _("Enter a whole number (0 or more).")))
        for name, choices in (
            ("entity_kind", EntityKind),
            ("priority", Priority),
            ("status", PartnerStatus),
            ("prefecture", Prefecture),
        ):
            code = _choice(cells.get(name, ""), choices, name, errors, row)
            if code is not None:
                fields[name] = code
        for name, target, choices in (
            ("industries", "industries", Industry),
            ("customer_segments", "customer_segments", CustomerSegment),
            ("regions", "prefectures", Prefecture),
        ):
            if cells.get(name):
                fields[target] = _choice_list(cells[name], choices, name, errors, row)
        type_name = cells.get("partner_type", "")
        if type_name:
            partner_type = types.get(type_name.casefold())
            if partner_type is None:
                errors.append(
                    RowError(
                        row,
                        "partner_type",
                        _("There is no partner type “%(name)s”; add it under Settings first.")
                        % {"name": type_name},
                    )
                )
            fields["partner_type"] = partner_type
        owner_email = cells.get("owner_email", "")
        if owner_email:
            owner = owners.get(owner_email.casefold())
            if owner is None:
                errors.append(
                    RowError(
                        row,
                        "owner_email",
                        _("%(email)s is no active vendor admin or partner manager here.")
                        % {"email": owner_email},
                    )
                )
            fields["owner"] = owner
        number = cells.get("corporate_number", "")
        if number:
            if number in used_numbers:
                errors.append(
                    RowError(
                        row,
                        "corporate_number",
                        _("A partner with this corporate number already exists."),
                    )
                )
            elif number in seen_numbers:
                errors.append(
                    RowError(
                        row,
                        "corporate_number",
                        _("The same corporate number is already in row %(row)d.")
                        % {"row": seen_numbers[number]},
                    )
                )
            else:
                seen_numbers[number] = row
        name = cells.get("legal_name", "")
        if name:
            if name.casefold() in seen_names:
                errors.append(
                    RowError(
                        row,
                        "legal_name",
                        _("The same legal name is already in row %(row)d.")
                        % {"row": seen_names[name.casefold()]},
                    )
                )
            else:
                seen_names[name.casefold()] = row
        candidate = Partner(
            tenant=tenant,
            **{k: v for k, v in fields.items() if k not in ("partner_type", "owner")},
        )
        errors += _model_errors(
            candidate,
            row,
            exclude + ([] if cells.get("legal_name") else ["legal_name"]),
            {"prefectures": "regions"},
        )
        if errors:
            preview.errors += errors
        else:
            preview.rows.append(fields)
    preview.errors.sort(key=lambda e: (e.row, e.column))
    return preview


@service
def partner_import_commit(*, tenant: Tenant, actor: User | None, text: str) -> list[Partner]:
    """Every row or none: any problem raises and rolls the whole import back."""
    preview = partner_import_preview(tenant=tenant, text=text)
    if not preview.ok:
        raise ValidationError(_("The file still has errors; nothing was imported."))
    created = []
    for fields in preview.rows:
        created.append(directory.partner_create.nested(tenant=tenant, actor=actor, **fields))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="partner.imported",
        target_type="partners.partner",
        changes={"count": len(created)},
    )
    return created


# --- Reps -------------------------------------------------------------------------------------


def _truthy(value: str, errors: list, row: int) -> bool:
    word = (value or "").strip().casefold()
    if not word or word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.append(
        RowError(row, "reachable", _("Write yes or no (“%(value)s” given).") % {"value": value})
    )
    return True


def rep_import_preview(*, tenant: Tenant, text: str) -> ImportPreview:
    header, rows = _read(text, columns=REP_COLUMNS, required=REP_REQUIRED)
    if not any(key in header for key in REP_PARTNER_KEYS):
        raise ImportRefused(
            _("Required columns are missing: %(columns)s.")
            % {"columns": " / ".join(REP_PARTNER_KEYS)}
        )
    preview = ImportPreview(text=text, total=len(rows))
    partners = list(Partner.objects.filter(tenant=tenant))
    by_number = {p.corporate_number: p for p in partners if p.corporate_number}
    by_name: dict[str, list[Partner]] = {}
    for partner in partners:
        by_name.setdefault(partner.legal_name, []).append(partner)
    existing_emails = {
        (partner_id, email.casefold())
        for partner_id, email in PartnerRep.objects.filter(tenant=tenant)
        .exclude(email="")
        .values_list("partner_id", "email")
    }
    seen: dict[tuple, int] = {}
    for row, cells, has_extra in rows:
        errors: list[RowError] = _formula_errors(cells, row)
        if has_extra:
            errors.append(RowError(row, "-", _("The row has more cells than the header.")))
        partner = None
        number = cells.get("partner_corporate_number", "")
        legal_name = cells.get("partner_legal_name", "")
        if number:
            partner = by_number.get(number)
            if partner is None:
                errors.append(
                    RowError(
                        row,
                        "partner_corporate_number",
                        _("No partner has the corporate number %(number)s.") % {"number": number},
                    )
                )
        elif legal_name:
            matches = by_name.get(legal_name, [])
            if len(matches) == 1:
                partner = matches[0]
            else:
                errors.append(
                    RowError(
                        row,
                        "partner_legal_name",
                        _("No partner has exactly this legal name: %(name)s.")
                        % {"name": legal_name}
                        if not matches
                        else _("Several partners have this legal name; use the corporate number."),
                    )
                )
        else:
            errors.append(
                RowError(
                    row,
                    "partner_corporate_number",
                    _("Name the partner by corporate number or legal name."),
                )
            )
        fields: dict[str, Any] = {
            name: cells.get(name, "")
            for name in ("full_name", "full_name_kana", "email", "phone", "department", "title")
        }
        fields["is_reachable"] = _truthy(cells.get("reachable", ""), errors, row)
        if not fields["full_name"]:
            errors.append(RowError(row, "full_name", _("Enter the rep's name.")))
        email = fields["email"].casefold()
        if partner is not None and email:
            if (partner.pk, email) in existing_emails:
                errors.append(
                    RowError(
                        row, "email", _("This partner already has a rep with this e-mail address.")
                    )
                )
            elif (partner.pk, email) in seen:
                errors.append(
                    RowError(
                        row,
                        "email",
                        _("The same rep is already in row %(row)d.")
                        % {"row": seen[(partner.pk, email)]},
                    )
                )
            else:
                seen[(partner.pk, email)] = row
        candidate = PartnerRep(tenant=tenant, **fields)
        errors += _model_errors(
            candidate,
            row,
            ["tenant", "partner", "membership"] + ([] if fields["full_name"] else ["full_name"]),
            {"is_reachable": "reachable"},
        )
        if errors:
            preview.errors += errors
        else:
            preview.rows.append({"partner": partner, **fields})
    preview.errors.sort(key=lambda e: (e.row, e.column))
    return preview


@service
def rep_import_commit(*, tenant: Tenant, actor: User | None, text: str) -> list[PartnerRep]:
    preview = rep_import_preview(tenant=tenant, text=text)
    if not preview.ok:
        raise ValidationError(_("The file still has errors; nothing was imported."))
    created = []
    for fields in preview.rows:
        created.append(directory.rep_create.nested(tenant=tenant, actor=actor, **fields))
    return created
