"""Forms of the announcement and sales-process pages."""

from django import forms
from django.utils.translation import gettext_lazy

from partners.forms.directory import MarkInvalid, style
from programs.forms.library import OWN_ONLY
from programs.models import AnnouncementKind, AnnouncementStatus, AssetLanguage, Program, Tier


class AnnouncementFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(AnnouncementStatus.choices),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(AnnouncementKind.choices),
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        required=False,
        queryset=Program.objects.none(),
        empty_label=gettext_lazy("All"),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")


class AnnouncementForm(MarkInvalid, forms.Form):
    """The editor: text and targeting (the same program and tier choice as the library's).
    The choices are this tenant's own programs and tiers."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AnnouncementKind.choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Any"))] + list(AssetLanguage.choices),
    )
    programs = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Programs"),
        required=False,
        queryset=Program.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": OWN_ONLY, "invalid_pk_value": OWN_ONLY},
        help_text=gettext_lazy("None chosen: every partner sees it."),
    )
    tiers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Tiers"),
        required=False,
        queryset=Tier.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": OWN_ONLY, "invalid_pk_value": OWN_ONLY},
        help_text=gettext_lazy("None chosen: every tier of the chosen programs sees it."),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, programs, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programs"].queryset = programs
        self.fields["tiers"].queryset = tiers
        self.fields["tiers"].label_from_instance = lambda tier: f"{tier.program.name} · {tier.name}"
        style(self)

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name] for name in ("title", "body", "kind", "language", "programs", "tiers")
        }


class SalesPhaseForm(MarkInvalid, forms.Form):
    name = forms.CharField(label=gettext_lazy("Phase"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("What happens in it"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    exit_criteria = forms.CharField(
        label=gettext_lazy("Exit criteria"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What must be true before the deal moves to the next phase."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
