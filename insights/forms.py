"""Forms of the insights pages (the filter bar, a goal to break down, the KPI targets). They
parse and show; the selectors read.

`KpiFilterForm` is the filter bar every staff dashboard shares: program, partner type, owner,
priority and the period (its kind, and which one). It only builds a `KpiFilter`; an invalid
or missing value is ignored, so a stale bookmark still opens the page (on the current
period). Its field names are those of `KpiFilter.query_string()`, so a link or an export
built from a filter opens the same view.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from insights.models import PeriodKind
from insights.selectors.goals import GOAL_METRICS
from insights.selectors.snapshots import (
    KpiFilter,
    current_period_start,
    period_end,
    period_label,
    resolved,
    shift_period,
)
from partners.choices import Priority
from partners.forms.directory import OwnerChoiceField, style
from partners.models import PartnerType
from partners.services.directory import owner_queryset
from programs.models import Program

# The period kinds a dashboard offers (days are too short to compare people by) and how many
# periods back the period picker lists.
PERIOD_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
PERIODS_LISTED = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 12, PeriodKind.YEAR: 6}


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


QUARTERS_AHEAD = 4


class GoalForm(forms.Form):
    metric = forms.ChoiceField(label=_("Goal"), choices=list(GOAL_METRICS.items()))
    goal = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal(1),
        max_digits=18,
        decimal_places=0,
        help_text=_("Meetings or deals to reach, or revenue in the base currency."),
    )
    quarter = forms.ChoiceField(label=_("In the fiscal quarter"))

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        start = current_period_start(tenant, PeriodKind.QUARTER, timezone.localdate())
        quarters = [shift_period(start, PeriodKind.QUARTER, n) for n in range(QUARTERS_AHEAD)]
        self.fields["quarter"].choices = [
            (
                q.isoformat(),
                _("%(start)s to %(end)s")
                % {
                    "start": date_format(q, "YEAR_MONTH_FORMAT"),
                    "end": date_format(period_end(q, PeriodKind.QUARTER), "YEAR_MONTH_FORMAT"),
                },
            )
            for q in quarters
        ]
        self.fields["quarter"].initial = quarters[1].isoformat()
        style(self)

    def goal_arguments(self) -> dict:
        return {
            "metric": self.cleaned_data["metric"],
            "goal": self.cleaned_data["goal"],
            "period_start": datetime.date.fromisoformat(self.cleaned_data["quarter"]),
        }


class InsightsSettingsForm(forms.Form):
    partner_share_target = forms.DecimalField(
        label=_("Target partner share of revenue (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        help_text=_("The overview draws this line under the partner share, e.g. 40."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
