"""Forms of the programs staff pages. They parse and show; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from partners.forms.directory import MarkInvalid, style
from programs.models import Program, Tier
from programs.selectors.programs import (
    PROGRAM_SORTS,
    Visibility,
    contract_type_choices,
    program_rule_set_choices,
)
from programs.services.programs import PROGRAM_FIELDS, TIER_FIELDS

PAGE_SIZE = 25


class ChangedValues:
    def changed_values(self) -> dict:
        """Only what the person changed: an untouched field is neither saved nor audited."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.changed_data}

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class ProgramForm(ChangedValues, MarkInvalid, forms.ModelForm):
    # Declared, not generated: the scoped manager refuses a queryset outside a tenant; the
    # tenant's own types are set in __init__.
    contract_type = forms.ModelChoiceField(label=_("Contract type"), queryset=None)

    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "quota_text": forms.Textarea(attrs={"rows": 2}),
            "penalty_text": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"is_public": _("Public program")}
        help_texts = {
            "is_public": _(
                "Offered on the “become a partner” page and to new partners. "
                "Leave it off for an internal program the vendor assigns itself."
            ),
            "quota_text": _("Optional: what the partner commits to, in the contract's words."),
            "penalty_text": _("Optional: what happens when the quota is missed."),
        }

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract_type"].queryset = contract_type_choices(tenant=tenant)
        self.fields["contract_type"].empty_label = _("Choose a contract type")
        style(self)

    def validate_unique(self):
        # The service checks the name within the tenant (with the message it owns).
        pass


class ProgramFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=150)
    visibility = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (Visibility.CURRENT, _("Public and internal")),
            (Visibility.PUBLIC, _("Public only")),
            (Visibility.INTERNAL, _("Internal only")),
            (Visibility.ARCHIVED, _("Archived")),
            (Visibility.ALL, _("All, archived included")),
        ],
    )
    contract_type = forms.ModelChoiceField(
        label=_("Contract type"),
        queryset=None,
        required=False,
        empty_label=_("All contract types"),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for name in PROGRAM_SORTS for key in (name, f"-{name}")],
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract_type"].queryset = contract_type_choices(tenant=tenant)
        style(self)
        self.fields["q"].widget.attrs.update({"placeholder": _("Program name")})
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict:
        """Keyword arguments for program_list (invalid filters are ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "visibility": data.get("visibility") or Visibility.CURRENT,
            "contract_type_id": data["contract_type"].pk if data.get("contract_type") else None,
            "sort": data.get("sort") or "name",
        }


class TierForm(ChangedValues, MarkInvalid, forms.ModelForm):
    rule_set = forms.ModelChoiceField(label=_("Commission rule set"), queryset=None, required=False)

    class Meta:
        model = Tier
        fields = TIER_FIELDS
        widgets = {"other_benefits": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "min_meetings_held": _("Meetings held (at least)"),
            "min_won_deals": _("Won deals (at least)"),
            "min_revenue": _("Revenue (at least)"),
            "min_certified_reps": _("Certified reps (at least)"),
        }
        help_texts = {
            "window_months": _("The trailing window the requirements are measured over."),
            "rule_set": _("The commission rule set partners at this tier are paid by."),
        }

    def __init__(self, *args, tenant: Tenant, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].queryset = program_rule_set_choices(tenant=tenant, program=program)
        self.fields["rule_set"].empty_label = _("None yet")
        self.fields["min_revenue"].help_text = _("In %(currency)s.") % {
            "currency": tenant.base_currency
        }
        style(self)

    def validate_unique(self):
        # The service checks names and order within the program.
        pass

    sections = (
        (_("Tier"), ("name",)),
        (
            _("Requirements"),
            (
                "window_months",
                "min_meetings_held",
                "min_won_deals",
                "min_revenue",
                "min_certified_reps",
            ),
        ),
        (_("Benefits"), ("rule_set", "discount_rate", "other_benefits")),
    )

    def grouped(self):
        for title, names in self.sections:
            yield title, [self[name] for name in names]


class ContractTypeForm(MarkInvalid, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
