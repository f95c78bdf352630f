"""The filter bar of the staff dashboards: period, program, partner type, owner, priority.

Invalid values are ignored (the dashboard shows the current period for everyone), never an
error page: a filter link that outlived its program still opens.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from insights.models import PeriodKind
from insights.selectors.snapshots import KpiFilter
from partners.choices import Priority
from partners.forms.directory import OwnerChoiceField, style
from partners.models import PartnerType
from partners.services.directory import owner_queryset
from programs.models import Program

PERIOD_CHOICES = [
    (PeriodKind.MONTH, _("Month")),
    (PeriodKind.QUARTER, _("Fiscal quarter")),
    (PeriodKind.YEAR, _("Fiscal year")),
]


class KpiFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), choices=PERIOD_CHOICES, required=False, initial=PeriodKind.QUARTER
    )
    start = forms.DateField(label=_("Period containing"), required=False)
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

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")
        self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)
        self.fields["owner"].queryset = owner_queryset(tenant)
        self.fields["start"].widget = forms.DateInput(attrs={"type": "date"})
        style(self)

    def kpi_filter(self) -> KpiFilter:
        data = {}
        if self.is_bound:
            self.is_valid()
            # A bad field is dropped, the good ones stay.
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return KpiFilter(
            period_kind=data.get("period") or PeriodKind.QUARTER,
            period_start=data.get("start"),
            program_id=data["program"].pk if data.get("program") else None,
            partner_type_id=data["partner_type"].pk if data.get("partner_type") else None,
            owner_id=data["owner"].pk if data.get("owner") else None,
            priority=data.get("priority") or "",
        )
