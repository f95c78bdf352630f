"""CSV import of the vendor's own (direct) deals, through the kernel's import machinery
(accounts/imports.py: UTF-8 or CP932, preview, row errors naming row and column, confirm once,
all or nothing, big files in the worker with progress).

Each row is built by `direct_deal_build`, the rule set the form and the API use, and stored by
`direct_deal_save` (history, audit, the won signal). A file imported again creates nothing
twice: a row with a `reference` (the deal's id in the vendor's CRM) is refused when a deal has
that reference (unique per tenant in the database), and a row without one when a direct deal
for the same customer, product and date exists already.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import register_action_labels, stored_actor
from accounts.imports import (
    CheckResult,
    ParsedFile,
    Progress,
    RowError,
    fold_code,
    fold_width,
    register_importer,
)
from accounts.models import Membership, Tenant, User
from deals.models import Deal, DealStage, RegistrationStatus
from deals.names import company_name_key
from deals.services.pipeline import direct_deal_build, direct_deal_save
from partners.services.imports import _RowChecker

KIND = "direct_deals"

register_action_labels({"deal.direct_imported": gettext_lazy("Direct deals imported")})

# The columns, in the order of the template; the import accepts them in any order.
DIRECT_DEAL_COLUMNS = (
    "reference",
    "customer_name",
    "corporate_number",
    "web_domain",
    "contact_name",
    "contact_email",
    "product",
    "amount_one_time",
    "amount_monthly",
    "currency",
    "expected_close_on",
    "stage",
    "won_on",
    "owner_email",
    "notes",
)
DIRECT_DEAL_REQUIRED = ("customer_name",)
_TEXT = ("customer_name", "web_domain", "contact_name", "product", "notes")
_AMOUNT = re.compile(r"[0-9]{1,14}(\.[0-9]{1,3})?")
# Where a field's error from direct_deal_build is shown: the column that fed it.
_COLUMN_OF = {"owner": "owner_email", "external_ref": "reference", "__all__": "customer_name"}


def _limit(name: str) -> int:
    return Deal._meta.get_field(name).max_length or 2000


def _same_deal_key(name_key: str, product: str, day: datetime.date | None) -> tuple:
    return (name_key, product.casefold(), day)


class DirectDealImporter:
    kind = KIND
    columns = DIRECT_DEAL_COLUMNS
    required = DIRECT_DEAL_REQUIRED
    audit_action = "deal.direct_imported"

    @property
    def task(self):
        from deals.tasks.deal_imports import direct_deal_import_run_task

        return direct_deal_import_run_task

    def check(
        self,
        *,
        tenant: Tenant,
        parsed: ParsedFile,
        progress: Progress,
        cells_checked: bool = False,
    ) -> CheckResult:
        """Every row built as a direct deal; refused where it is already imported or entered.
        The write phase runs the same (the deals and stages may have changed since)."""
        stages: dict[str, DealStage] = {}
        for stage in DealStage.objects.filter(tenant=tenant):
            stages[stage.code.casefold()] = stage
            stages[stage.name.casefold()] = stage
        owners = {
            m.user.email.casefold(): m
            for m in Membership.objects.filter(tenant=tenant, is_active=True).select_related("user")
            if m.is_staff_role
        }
        references = set(
            Deal.objects.filter(tenant=tenant)
            .exclude(external_ref="")
            .values_list("external_ref", flat=True)
        )
        entered = {
            _same_deal_key(key, product, won_on or expected)
            for key, product, won_on, expected in Deal.objects.filter(
                tenant=tenant, registration_status=RegistrationStatus.DIRECT
            ).values_list("customer_name_key", "product", "won_on", "expected_close_on")
        }
        seen_refs: dict[str, int] = {}
        seen_deals: dict[tuple, int] = {}
        rows: list[Deal] = []
        errors: list[RowError] = []
        bad_rows = 0
        for done, record in enumerate(parsed.records, 1):
            row, cells = record.row, record.cells
            row_errors = list(record.errors)
            check = _RowChecker(row, row_errors, cells_checked=cells_checked)
            fields: dict[str, Any] = {}
            for name in _TEXT:
                check.text(cells, name, _limit(name), fields)
            reference = fold_width(cells.get("reference", "")).strip()
            if len(reference) > _limit("external_ref"):
                check.error(
                    "reference",
                    _("At most %(limit)d characters.") % {"limit": _limit("external_ref")},
                )
            elif reference in references:
                check.error(
                    "reference",
                    _("A deal with this reference is already imported; it is not imported twice."),
                )
            elif reference in seen_refs:
                check.error(
                    "reference",
                    _("The same reference is already in row %(row)d.")
                    % {"row": seen_refs[reference]},
                )
            elif reference:
                seen_refs[reference] = row
            fields["corporate_number"] = fold_code(cells.get("corporate_number", ""))
            fields["contact_email"] = fold_width(cells.get("contact_email", "")).strip()
            currency = fold_width(cells.get("currency", "")).strip()
            if currency:
                fields["currency"] = currency.upper()
            for column in ("amount_one_time", "amount_monthly"):
                value = fold_width(cells.get(column, "")).replace(",", "").strip()
                if not value:
                    continue
                try:
                    if not _AMOUNT.fullmatch(value):
                        raise InvalidOperation
                    fields[column] = Decimal(value)
                except InvalidOperation:
                    check.error(column, _("Enter an amount such as 1200000 (0 or more)."))
            dates: dict[str, datetime.date] = {}
            check.date(cells, "expected_close_on", dates)
            check.date(cells, "won_on", dates)
            if "expected_close_on" in dates:
                fields["expected_close_on"] = dates["expected_close_on"]
            stage = None
            stage_cell = fold_width(cells.get("stage", "")).strip()
            if stage_cell:
                stage = stages.get(stage_cell.casefold())
                if stage is None:
                    check.error(
                        "stage",
                        _("No stage is called “%(value)s”; use a stage's code or name.")
                        % {"value": stage_cell},
                    )
            owner = None
            owner_cell = fold_width(cells.get("owner_email", "")).strip()
            if owner_cell:
                owner = owners.get(owner_cell.casefold())
                if owner is None:
                    check.error(
                        "owner_email",
                        _("No staff member of this organization has this e-mail address."),
                    )
            deal = None
            if not row_errors:
                try:
                    deal = direct_deal_build(
                        tenant=tenant,
                        actor=None,
                        owner=owner,
                        stage=stage,
                        won_on=dates.get("won_on"),
                        **fields,
                    )
                except ValidationError as error:
                    for field, messages in error.message_dict.items():
                        for message in messages:
                            check.error(_COLUMN_OF.get(field, field), message)
            if deal is not None and not reference:
                key = _same_deal_key(
                    company_name_key(deal.customer_name),
                    deal.product,
                    deal.won_on or deal.expected_close_on,
                )
                if key in entered:
                    check.error(
                        "customer_name",
                        _(
                            "A direct deal for this customer, product and date is already "
                            "entered; it is not imported twice."
                        ),
                    )
                elif key in seen_deals:
                    check.error(
                        "customer_name",
                        _("The same deal is already in row %(row)d.") % {"row": seen_deals[key]},
                    )
                else:
                    seen_deals[key] = row
            if row_errors:
                bad_rows += 1
                errors += row_errors
            else:
                deal.external_ref = reference
                rows.append(deal)
            progress(done)
        errors.sort(key=lambda e: (e.row, e.column))
        return CheckResult(rows=rows, errors=errors, bad_rows=bad_rows)

    def write(
        self, *, tenant: Tenant, actor: User | None, rows: list[Deal], progress: Progress
    ) -> dict[str, Any]:
        for done, deal in enumerate(rows, 1):
            deal.registered_by = stored_actor(actor)
            direct_deal_save(tenant=tenant, actor=actor, deal=deal)
            progress(done)
        return {"count": len(rows)}


DIRECT_DEAL_IMPORTER = DirectDealImporter()


def register() -> None:
    """Called from DealsConfig.ready()."""
    register_importer(DIRECT_DEAL_IMPORTER)
