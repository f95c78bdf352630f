"""Forms of recruitment: prospects, stage moves, signing, persona, lost reasons, and the public
application. They parse and show; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Tenant
from partners.choices import (
    CustomerSegment,
    EntityKind,
    Industry,
    Prefecture,
    Priority,
    ProspectSource,
    ProspectStage,
)
from partners.forms.directory import MarkInvalid, OwnerChoiceField, style
from partners.models import LostReason, PartnerPersona, PartnerType, Prospect
from partners.selectors.recruitment import PROSPECT_SORTS
from partners.services.directory import owner_queryset
from partners.services.recruitment import (
    APPLICATION_FIELDS,
    PROSPECT_FIELDS,
    lost_reason_default_labels,
)
from partners.validators import validate_corporate_number, validate_katakana_reading

PREFECTURE_HELP = _("Hold Ctrl (⌘ on a Mac) to choose several.")


INDUSTRIES_LABEL = _("Industries it sells to")
SEGMENTS_LABEL = _("Customer segments")
PREFECTURES_LABEL = _("Regions (prefectures)")


def _industries(label=INDUSTRIES_LABEL):
    return forms.MultipleChoiceField(
        label=label, choices=Industry.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _segments(label=SEGMENTS_LABEL):
    return forms.MultipleChoiceField(
        label=label,
        choices=CustomerSegment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _prefectures(label=PREFECTURES_LABEL):
    return forms.MultipleChoiceField(
        label=label,
        choices=Prefecture.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=PREFECTURE_HELP,
    )


class ProspectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[("", _("All sources")), *ProspectSource.choices],
        required=False,
    )
    owner = OwnerChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("All owners")
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *ProspectStage.choices], required=False
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(k, k) for name in (*PROSPECT_SORTS, "fit") for k in (name, f"-{name}")],
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_queryset(tenant)
        style(self)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Company name or reading")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "source": data.get("source", ""),
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "stage": data.get("stage", ""),
            "sort": data.get("sort") or "-created",
        }


PROSPECT_SECTIONS = (
    (
        _("Company"),
        (
            "company_name",
            "company_name_kana",
            "corporate_number",
            "entity_kind",
            "website",
            "partner_type",
        ),
    ),
    (_("Recruitment"), ("source", "owner")),
    (
        _("Profile"),
        (
            "industries",
            "customer_segments",
            "prefectures",
            "employee_count",
            "sales_headcount",
            "products_handled",
        ),
    ),
    (
        _("Contact person"),
        (
            "contact_name",
            "contact_name_kana",
            "contact_email",
            "contact_phone",
            "contact_department",
            "contact_title",
        ),
    ),
    (_("Notes"), ("message",)),
)


class ProspectForm(MarkInvalid, forms.ModelForm):
    industries = _industries()
    customer_segments = _segments()
    prefectures = _prefectures()
    owner = OwnerChoiceField(label=_("Owner"), queryset=None, required=False)
    # Declared here: the model's default queryset would query outside any tenant scope.
    partner_type = forms.ModelChoiceField(label=_("Partner type"), queryset=None, required=False)

    class Meta:
        model = Prospect
        fields = PROSPECT_FIELDS
        labels = {"message": _("Notes")}
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)
        self.fields["owner"].queryset = owner_queryset(tenant)
        self.fields["corporate_number"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )
        self.fields["corporate_number"].help_text = _("13 digits; the first is a check digit.")
        style(self)

    def sections(self):
        for title, names in PROSPECT_SECTIONS:
            yield title, [self[name] for name in names if name in self.fields]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROSPECT_FIELDS}


class LostReasonChoiceField(forms.ModelChoiceField):
    """A lost reason by id, or by label: a tenant without a list is offered the usual
    reasons unsaved (by label), and the view saves them before this form reads the POST."""

    def to_python(self, value):
        if value in self.empty_values or str(value).isdigit():
            return super().to_python(value)
        try:
            return self.queryset.get(label=value)
        except self.queryset.model.DoesNotExist:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class StageChangeForm(MarkInvalid, forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=())
    lost_reason = LostReasonChoiceField(
        label=_("Why was it lost?"),
        queryset=None,
        required=False,
        empty_label=_("Choose a reason"),
        help_text=_("Needed when the prospect is lost."),
    )
    lost_note = forms.CharField(
        label=_("Note on the loss"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, tenant: Tenant, prospect: Prospect, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            (value, label)
            for value, label in ProspectStage.choices
            if value not in {prospect.stage, ProspectStage.SIGNED}
        ]
        reasons = LostReason.objects.filter(tenant=tenant)
        self.fields["lost_reason"].queryset = reasons
        if not self.is_bound and not reasons.exists():
            self.fields["lost_reason"].widget.choices = [
                ("", self.fields["lost_reason"].empty_label),
                *((label, label) for label in lost_reason_default_labels(tenant=tenant)),
            ]
        style(self)


class SignForm(MarkInvalid, forms.Form):
    """The partner and first rep as they will be created; pre-filled from the prospect."""

    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        help_text=_("Exactly as registered, including 株式会社 and where it stands."),
    )
    legal_name_kana = forms.CharField(
        label=_("Reading (katakana)"),
        max_length=200,
        required=False,
        validators=[validate_katakana_reading],
    )
    display_name = forms.CharField(label=_("Display name"), max_length=200, required=False)
    corporate_number = forms.CharField(
        label=_("Corporate number"),
        max_length=13,
        required=False,
        validators=[validate_corporate_number],
    )
    entity_kind = forms.ChoiceField(label=_("Entity kind"), choices=EntityKind.choices)
    partner_type = forms.ModelChoiceField(label=_("Partner type"), queryset=None, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="C")
    owner = OwnerChoiceField(label=_("Owner (partner manager)"), queryset=None, required=False)
    rep_full_name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to add the first rep later."),
    )
    rep_full_name_kana = forms.CharField(
        label=_("Reading (katakana)"),
        max_length=150,
        required=False,
        validators=[validate_katakana_reading],
    )
    rep_email = forms.EmailField(label=_("E-mail address"), required=False)
    rep_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    rep_department = forms.CharField(label=_("Department"), max_length=150, required=False)
    rep_title = forms.CharField(label=_("Title"), max_length=150, required=False)

    PARTNER_NAMES = (
        "legal_name",
        "legal_name_kana",
        "display_name",
        "corporate_number",
        "entity_kind",
        "partner_type",
        "priority",
        "owner",
    )
    REP_NAMES = ("full_name", "full_name_kana", "email", "phone", "department", "title")

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)
        self.fields["owner"].queryset = owner_queryset(tenant)
        style(self)

    @classmethod
    def initial_from(cls, partner_fields: dict, rep_fields: dict) -> dict:
        initial = {name: partner_fields.get(name) for name in cls.PARTNER_NAMES}
        initial["priority"] = "C"
        initial.update({f"rep_{name}": rep_fields.get(name) for name in cls.REP_NAMES})
        return initial

    def partner_section(self):
        return [self[name] for name in self.PARTNER_NAMES]

    def rep_section(self):
        return [self[f"rep_{name}"] for name in self.REP_NAMES]

    def partner_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PARTNER_NAMES}

    def rep_values(self) -> dict:
        return {name: self.cleaned_data[f"rep_{name}"] for name in self.REP_NAMES}


class PersonaForm(MarkInvalid, forms.ModelForm):
    ideal_industries = _industries(_("Ideal industries (their customers')"))
    customer_segments = _segments()
    ideal_prefectures = _prefectures()

    class Meta:
        model = PartnerPersona
        fields = (
            "ideal_industries",
            "customer_segments",
            "ideal_prefectures",
            "min_employee_count",
            "max_employee_count",
            "min_sales_headcount",
            "products_handled",
            "goals",
        )
        widgets = {"goals": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class LostReasonForm(MarkInvalid, forms.Form):
    label = forms.CharField(label=_("Reason"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ApplicationForm(MarkInvalid, forms.ModelForm):
    """The public "become a partner" form. `homepage` is a honeypot: people never see it
    (hidden by CSS), form-filling robots fill it in."""

    industries = _industries()
    customer_segments = _segments()
    prefectures = _prefectures(_("Regions where you sell (prefectures)"))
    consent = forms.BooleanField(
        label=_(
            "I agree that the information above is used to evaluate our partnership "
            "and to contact me about it."
        ),
        required=True,
    )
    # Honeypot: a plausible name so robots fill it; people never see it.
    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    class Meta:
        model = Prospect
        fields = APPLICATION_FIELDS
        labels = {
            "company_name": _("Company name"),
            "company_name_kana": _("Company name reading (katakana)"),
            "contact_name": _("Your name"),
            "contact_name_kana": _("Your name reading (katakana)"),
            "contact_email": _("E-mail address"),
            "contact_phone": _("Phone"),
            "contact_department": _("Department"),
            "contact_title": _("Title"),
            "message": _("Message"),
            "products_handled": _("Products you sell"),
            "employee_count": _("Employees"),
            "sales_headcount": _("Salespeople"),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    SECTIONS = (
        (
            _("Your company"),
            (
                "company_name",
                "company_name_kana",
                "corporate_number",
                "entity_kind",
                "website",
            ),
        ),
        (
            _("What you sell"),
            (
                "industries",
                "customer_segments",
                "prefectures",
                "employee_count",
                "sales_headcount",
                "products_handled",
            ),
        ),
        (
            _("Contact person"),
            (
                "contact_name",
                "contact_name_kana",
                "contact_email",
                "contact_phone",
                "contact_department",
                "contact_title",
            ),
        ),
        (_("Message"), ("message",)),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contact_name", "contact_email"):
            self.fields[name].required = True
        self.fields["corporate_number"].help_text = _(
            "Optional. 13 digits, as on the National Tax Agency's site."
        )
        self.fields["corporate_number"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )
        self.fields["products_handled"].help_text = _(
            "Comma-separated, e.g. accounting software, payroll."
        )
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel"}
        )
        style(self)
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def sections(self):
        for title, names in self.SECTIONS:
            yield title, [self[name] for name in names]

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get("homepage") or "").strip())

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}
