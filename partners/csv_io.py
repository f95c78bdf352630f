"""CSV in and out for the partners pages: the kernel's reader and formula rule, and the two
exporters of the partner list (partners, reps) that the kernel's export job runs
(accounts/exports.py), in the columns the import reads."""

from collections.abc import Callable

from django.http import QueryDict
from django.utils.translation import gettext as _

from accounts.csv_cells import formula_start, neutralise
from accounts.exports import ExportRefused, ExportTable, csv_text, register_exporter
from accounts.imports import ImportRefused, decode
from accounts.models import Tenant
from accounts.roles import Perm
from partners.forms.directory import PartnerFilterForm
from partners.permissions import PartnersPerm
from partners.selectors import directory as selectors
from partners.services import imports

__all__ = [
    "ImportRefused",
    "csv_text",
    "decode_upload",
    "looks_like_formula",
    "neutralise",
    "register",
]

decode_upload = decode
looks_like_formula = formula_start

# The partner list's filters (partners/forms/directory.py PartnerFilterForm), without its
# page and page size: an export holds every row of the filtered list, in the list's order.
LIST_PARAMETERS = ("q", "partner_type", "status", "priority", "owner", "region", "sort")


def _list_filters(*, tenant: Tenant, query: QueryDict) -> dict:
    form = PartnerFilterForm(query, tenant=tenant)
    if not form.is_valid():
        # The list page ignores a filter it cannot read; an export must not silently widen to
        # the whole directory, so it names the filter instead.
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else name
        raise ExportRefused(
            _("The filter “%(filter)s” is not valid: %(error)s")
            % {"filter": label or name, "error": " ".join(errors)}
        )
    return form.filters()


class _ListExporter:
    perm = PartnersPerm.VIEW
    parameters = LIST_PARAMETERS

    def filters(self, *, tenant: Tenant, query: QueryDict) -> dict:
        return _list_filters(tenant=tenant, query=query)


class PartnerExporter(_ListExporter):
    kind = "partners"
    filename_prefix = "partners"
    audit_action = "partner.exported"

    def table(self, *, tenant: Tenant, filters: dict, may: Callable[[str], bool]) -> ExportTable:
        partners = selectors.partner_list_filtered(tenant=tenant, **filters)
        # SECURITY(finance): bank details only for those who may see them, asked of the
        # person's membership when the file is written.
        may_see_finance = may(Perm.FINANCE_FIELDS_VIEW)
        columns = imports.partner_export_columns(may_see_finance=may_see_finance)
        return ExportTable(
            header=columns,
            rows=imports.partner_export_rows(partners.iterator(chunk_size=2000), columns),
            total=partners.count(),
            perms=(Perm.FINANCE_FIELDS_VIEW,) if may_see_finance else (),
        )


class RepExporter(_ListExporter):
    kind = "reps"
    filename_prefix = "partner-reps"
    audit_action = "partner_rep.exported"

    def table(self, *, tenant: Tenant, filters: dict, may: Callable[[str], bool]) -> ExportTable:
        partners = selectors.partner_list_filtered(tenant=tenant, **filters)
        reps = selectors.reps_for_export(tenant=tenant, partners=partners)
        return ExportTable(
            header=imports.REP_COLUMNS,
            rows=imports.rep_export_rows(reps.iterator(chunk_size=2000)),
            total=reps.count(),
        )


def register() -> None:
    """Called from PartnersConfig.ready()."""
    register_exporter(PartnerExporter())
    register_exporter(RepExporter())
