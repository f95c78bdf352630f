"""Forms of the content library's staff pages."""

from django import forms
from django.utils.translation import gettext_lazy

from partners.forms.directory import MarkInvalid, style
from programs.models import AssetCategory, AssetLanguage, Program, Tier

OWN_ONLY = gettext_lazy("Choose one of this organization's own.")


class AssetFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(AssetCategory.choices),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(AssetLanguage.choices),
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        required=False,
        queryset=Program.objects.none(),
        empty_label=gettext_lazy("All"),
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort"),
        required=False,
        choices=[("newest", gettext_lazy("Newest first")), ("title", gettext_lazy("Title"))],
    )
    archived = forms.BooleanField(label=gettext_lazy("Archived"), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")


class AssetDetailsForm(MarkInvalid, forms.Form):
    """Title, description, category, language and visibility: the new-asset form and the
    edit form share them. The choices are this tenant's own programs and tiers."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=AssetCategory.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=AssetLanguage.choices)
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

    def __init__(self, *args, programs, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programs"].queryset = programs
        self.fields["tiers"].queryset = tiers
        self.fields["tiers"].label_from_instance = lambda tier: f"{tier.program.name} · {tier.name}"
        style(self)

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("title", "description", "category", "language", "programs", "tiers")
        }


class AssetCreateForm(AssetDetailsForm):
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    url = forms.CharField(
        label=gettext_lazy("Or a link"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("A video or a page elsewhere, starting with https://."),
    )
    token = forms.CharField(widget=forms.HiddenInput)


class AssetVersionForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("New version"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PortalAssetFilterForm(forms.Form):
    """The portal library's search, filters and order."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(AssetCategory.choices),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(AssetLanguage.choices),
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort"),
        required=False,
        choices=[
            ("newest", gettext_lazy("Newest first")),
            ("most_viewed", gettext_lazy("Most viewed first")),
        ],
    )
