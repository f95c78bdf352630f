"""Forms of the insights pages. They parse and show; the selectors read.

`KpiFilterForm` is the filter bar every staff dashboard shares: program, partner type, owner,
priority and the period (its kind, and which one). It only builds a `KpiFilter`; an invalid
or missing value is ignored, so a stale bookmark still opens the page (on the current
period). Its field names are those of `KpiFilter.query_string()`, so a link or an export
built from a filter opens the same view.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from insights.models import PeriodKind
from insights.selectors.snapshots import KpiFilter, resolved, shift_period
from partners.choices import Priority
from partners.forms.directory import OwnerChoiceField, style
from partners.models import PartnerType
from partners.services.directory import owner_queryset
from programs.models import Program

# The period kinds a dashboard offers (days are too short to compare people by) and how many
# periods back the period picker lists.
PERIOD_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
PERIODS_LISTED = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 12, PeriodKind.YEAR: 6}


def fiscal_year_of(tenant: Tenant, start: datetime.date) -> int:
    """The fiscal year a period belongs to, named by the calendar year it starts in (the
    Japanese 年度: April 2026 to March 2027 is fiscal 2026)."""
    offset = tenant.fiscal_year_start_month - 1
    return (start.year * 12 + start.month - 1 - offset) // 12


def period_label(tenant: Tenant, kind: str, start: datetime.date) -> str:
    """A period as people name it: "May 2026", "FY2026 Q1", "FY2026"."""
    if kind == PeriodKind.MONTH:
        return formats.date_format(start, "YEAR_MONTH_FORMAT")
    year = fiscal_year_of(tenant, start)
    if kind == PeriodKind.QUARTER:
        quarter = ((start.month - tenant.fiscal_year_start_month) % 12) // 3 + 1
        return _("FY%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}
    if kind == PeriodKind.YEAR:
        return _("FY%(year)s") % {"year": year}
    return formats.date_format(start, "DATE_FORMAT")


def period_choices(
    tenant: Tenant, kind: str, today: datetime.date | None = None
) -> list[tuple[str, str]]:
    """The periods of `kind` the picker lists, the current one first."""
    current = resolved(tenant, KpiFilter(period_kind=kind, period_start=today)).period_start
    starts = [shift_period(current, kind, -back) for back in range(PERIODS_LISTED[kind])]
    return [(start.isoformat(), period_label(tenant, kind, start)) for start in starts]


class KpiFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=None, required=False, empty_label=_("All programs")
    )
    partner_type = forms.ModelChoiceField(
        label=_("Partner type"), queryset=None, required=False, empty_label=_("All types")
    )
    owner = OwnerChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("All owners")
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", _("All priorities")), *Priority.choices], required=False
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(kind.value, kind.label) for kind in PERIOD_KINDS],
        required=False,
    )
    # Any date inside the period: the filter snaps it to the period's start, so a start kept
    # from another kind (a quarter's, after choosing "year") still names a period.
    start = forms.DateField(label=_("Which"), required=False, widget=forms.Select)

    def __init__(
        self,
        *args,
        tenant: Tenant,
        default_kind: str = PeriodKind.QUARTER,
        kinds: tuple[str, ...] = PERIOD_KINDS,
        slices: bool = True,
        **kwargs,
    ):
        """`kinds`: the period kinds offered (the QBR: quarters only); `slices`: False drops
        the partner filters (a page about one partner)."""
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.default_kind = default_kind
        self.fields["period"].choices = [(k, PeriodKind(k).label) for k in kinds]
        self.fields["period"].initial = default_kind
        if slices:
            # SECURITY(tenant): only this tenant's programs, types and owners are choices.
            self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")
            self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)
            self.fields["owner"].queryset = owner_queryset(tenant)
        else:
            for name in ("program", "partner_type", "owner", "priority"):
                del self.fields[name]
        kind = self._kind()
        self.fields["start"].widget.choices = period_choices(tenant, kind, timezone.localdate())
        style(self)

    def _kind(self) -> str:
        asked = self.data.get("period") if self.is_bound else None
        offered = {value for value, _label in self.fields["period"].choices}
        return asked if asked in offered else self.default_kind

    def kpi_filter(self) -> KpiFilter:
        """The filter the form describes, resolved to a period start (invalid values are
        dropped one by one, never the whole filter)."""
        data = self.cleaned_data if self.is_valid() else self._valid_parts()

        def pk(name):
            value = data.get(name)
            return value.pk if value is not None else None

        kpi_filter = resolved(
            self.tenant,
            KpiFilter(
                period_kind=self._kind(),
                period_start=data.get("start"),
                program_id=pk("program"),
                partner_type_id=pk("partner_type"),
                owner_id=pk("owner"),
                priority=data.get("priority") or "",
            ),
        )
        if self.is_bound:
            # The picker shows the period the page shows (a date inside it snaps to its start).
            self.data = self.data.copy()
            self.data["start"] = kpi_filter.period_start.isoformat()
        return kpi_filter

    def _valid_parts(self) -> dict:
        if not self.is_bound:
            return {}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }

    def period_label(self, kpi_filter: KpiFilter) -> str:
        return period_label(self.tenant, kpi_filter.period_kind, kpi_filter.period_start)
