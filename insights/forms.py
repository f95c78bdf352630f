"""Forms of insights: a goal to break down, and the KPI targets."""

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
from insights.selectors.snapshots import current_period_start, period_end, shift_period
from partners.forms.directory import style

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
