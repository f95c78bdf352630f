"""Forms of the contract pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Tenant
from accounts.urls_helpers import tenant_reverse
from partners.forms.directory import MarkInvalid, style
from partners.models import Partner
from programs.models import ContractStatus, Program, ProgramTerms, Tier


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(ContractStatus.choices),
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        required=False,
        queryset=Program.objects.none(),
        empty_label=gettext_lazy("All"),
    )
    expiring = forms.BooleanField(label=gettext_lazy("Expiring within 60 days"), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")


class SignedDocumentForm(forms.Form):
    signed_document = forms.FileField(label=gettext_lazy("Signed contract (PDF)"))


# --- Creating a contract ----------------------------------------------------------------------

OWN_ONLY = gettext_lazy("Choose one of this organization's own.")


class ContractCreateForm(MarkInvalid, forms.Form):
    """A new draft contract. The choices are the tenant's own; the tier must be one of the
    chosen program's (the tier list follows the program through htmx, and is checked here and
    by the service)."""

    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner"),
        queryset=Partner.objects.none(),
        error_messages={"invalid_choice": OWN_ONLY, "required": gettext_lazy("Choose a partner.")},
        widget=forms.RadioSelect,
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=Program.objects.none(),
        empty_label=gettext_lazy("Choose a program"),
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of this organization's current programs."),
            "required": gettext_lazy("Choose a program."),
        },
    )
    tier = forms.ModelChoiceField(
        label=gettext_lazy("Tier"),
        queryset=Tier.objects.none(),
        empty_label=gettext_lazy("Choose a tier"),
        error_messages={
            "invalid_choice": gettext_lazy("Choose a tier of this program."),
            "required": gettext_lazy("Choose a tier."),
        },
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Term start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Term end"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave it blank for the program's default term."),
    )
    auto_renew = forms.BooleanField(
        label=gettext_lazy("Renews automatically"), required=False, initial=True
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant)
        self.fields["program"].queryset = Program.objects.filter(
            tenant=tenant, is_archived=False
        ).order_by("name")
        self.fields["starts_on"].initial = timezone.localdate
        program = self.chosen_program()
        self.fields["tier"].queryset = (
            Tier.objects.filter(tenant=tenant, program=program).order_by("position", "id")
            if program is not None
            else Tier.objects.none()
        )
        if program is not None:
            self.fields["ends_on"].help_text = ngettext(
                "Leave it blank for the program's default term of %(months)s month.",
                "Leave it blank for the program's default term of %(months)s months.",
                program.default_term_months or 12,
            ) % {"months": program.default_term_months or 12}
        style(self)
        # Changing the program swaps the tier field for the new program's tiers.
        self.fields["program"].widget.attrs.update(
            {
                "data-testid": "contract-program",
                "hx-get": tenant_reverse(tenant, "programs:contract_tier_options"),
                "hx-trigger": "change",
                "hx-target": "#tier-field",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["tier"].widget.attrs["data-testid"] = "contract-tier"

    def _chosen(self, name: str, queryset):
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        value = getattr(value, "pk", value)
        if not str(value or "").isdigit():
            return None
        return queryset.filter(pk=int(value)).first()

    def chosen_program(self) -> Program | None:
        return self._chosen("program", self.fields["program"].queryset)

    def chosen_partner(self) -> Partner | None:
        return self._chosen("partner", self.fields["partner"].queryset)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class TermsForm(MarkInvalid, forms.ModelForm):
    """A new terms version of a program; the service numbers it and checks the date."""

    class Meta:
        model = ProgramTerms
        fields = ("title", "effective_from", "body")
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        labels = {"title": gettext_lazy("Terms title"), "body": gettext_lazy("Terms text")}
        help_texts = {
            "effective_from": gettext_lazy(
                "Today or later. Contracts starting on or after this day get this version; "
                "contracts already made keep theirs."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate
        style(self)

    def validate_unique(self):
        # The service checks the date within the program (with the message it owns).
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
