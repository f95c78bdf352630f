"""Forms of the training pages (staff editor, certification list) and the portal quiz."""

from django import forms
from django.utils.translation import gettext_lazy

from partners.forms.directory import MarkInvalid, style
from programs.models import AssetLanguage, Course, LessonKind
from programs.services.training import MAX_CHOICES

OWN_ONLY = gettext_lazy("Choose one of this organization's own.")


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("published", gettext_lazy("Published")),
            ("draft", gettext_lazy("Draft")),
        ],
    )


class CertificationFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Rep or partner"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("current", gettext_lazy("Current")),
            ("expiring", gettext_lazy("Expiring within 30 days")),
            ("expired", gettext_lazy("Expired")),
        ],
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"),
        required=False,
        queryset=Course.objects.none(),
        empty_label=gettext_lazy("All"),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(tenant=tenant).order_by("title")


class CourseForm(MarkInvalid, forms.Form):
    """A course's details and who sees it (the tenant's own programs and tiers)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=AssetLanguage.choices)
    validity_months = forms.IntegerField(
        label=gettext_lazy("Certification valid for (months)"), initial=12
    )
    pass_mark_percent = forms.IntegerField(label=gettext_lazy("Pass mark (%)"), initial=80)
    programs = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Programs"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": OWN_ONLY, "invalid_pk_value": OWN_ONLY},
        help_text=gettext_lazy("None chosen: every partner sees it."),
    )
    tiers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Tiers"),
        required=False,
        queryset=None,
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
            name: data[name]
            for name in (
                "title",
                "description",
                "language",
                "validity_months",
                "pass_mark_percent",
                "programs",
                "tiers",
            )
        }


class LessonForm(MarkInvalid, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=LessonKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("The lesson itself, or a note shown with the asset or the link."),
    )
    asset = forms.ModelChoiceField(
        label=gettext_lazy("Library asset"),
        required=False,
        queryset=None,
        error_messages={"invalid_choice": OWN_ONLY},
    )
    url = forms.CharField(
        label=gettext_lazy("Link"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("A video or a page elsewhere, starting with https://."),
    )

    def __init__(self, *args, assets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = assets
        style(self)

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "title", "body", "asset", "url")}


class QuestionForm(MarkInvalid, forms.Form):
    """A question and up to MAX_CHOICES answers, each with a "correct" box (empty rows are
    dropped by the service)."""

    text = forms.CharField(
        label=gettext_lazy("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    multiple = forms.BooleanField(
        label=gettext_lazy("Several answers may be right"), required=False
    )
    # Where the service's errors about the answers go.
    choices = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_CHOICES + 1):
            self.fields[f"choice_{number}"] = forms.CharField(
                label=gettext_lazy("Answer %(number)s") % {"number": number},
                required=False,
                max_length=500,
            )
            self.fields[f"correct_{number}"] = forms.BooleanField(
                label=gettext_lazy("Correct"), required=False
            )
        style(self)

    @staticmethod
    def initial_for(question) -> dict:
        initial = {"text": question.text, "multiple": question.multiple}
        for number, choice in enumerate(question.choices.all(), start=1):
            initial[f"choice_{number}"] = choice.text
            initial[f"correct_{number}"] = choice.is_correct
        return initial

    def choice_rows(self):
        """(answer field, correct field) per row, for the template."""
        return [
            (self[f"choice_{number}"], self[f"correct_{number}"])
            for number in range(1, MAX_CHOICES + 1)
        ]

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "multiple": data["multiple"],
            "choices": [
                (data[f"choice_{number}"], data[f"correct_{number}"])
                for number in range(1, MAX_CHOICES + 1)
            ],
        }
