"""Forms of the partner directory. They parse and show; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Tenant
from partners.choices import CustomerSegment, Industry, PartnerStatus, Prefecture, Priority
from partners.models import FINANCE_ONLY_FIELDS, Partner, PartnerRep, PartnerType
from partners.selectors.directory import PARTNER_SORTS
from partners.services.directory import owner_queryset


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (CSP forbids inline styles; classes only)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            widget.attrs.setdefault("class", "form-control")
        else:
            widget.attrs.setdefault("class", "form-control")


class MarkInvalid:
    """Fields with errors get Bootstrap's is-invalid class."""

    def _mark(self, name):
        if name in self.fields:
            widget = self.fields[name].widget
            classes = widget.attrs.get("class", "")
            if "is-invalid" not in classes:
                widget.attrs["class"] = (classes + " is-invalid").strip()

    def add_error(self, field, error):
        names = [field] if field else list(getattr(error, "error_dict", {}))
        super().add_error(field, error)
        for name in names:
            self._mark(name)


# Rows per page the partner list offers; the first is the default.
PAGE_SIZES = (25, 50, 100)


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    partner_type = forms.ModelChoiceField(
        label=_("Partner type"),
        queryset=None,
        required=False,
        empty_label=_("All types"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *PartnerStatus.choices], required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", _("All priorities")), *Priority.choices], required=False
    )
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("All owners"),
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", _("All regions")), *Prefecture.choices], required=False
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for name in PARTNER_SORTS for key in (name, f"-{name}")],
    )
    per_page = forms.TypedChoiceField(
        label=_("Rows per page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=PAGE_SIZES[0],
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)
        self.fields["owner"].queryset = owner_queryset(tenant)
        style(self)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, reading or corporate number")}
        )
        self.fields["q"].widget.input_type = "search"

    def page_size(self) -> int:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("per_page") or PAGE_SIZES[0]

    def filters(self) -> dict:
        """Keyword arguments for partner_list_filtered (invalid filters are ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "partner_type_id": data["partner_type"].pk if data.get("partner_type") else None,
            "status": data.get("status", ""),
            "priority": data.get("priority", ""),
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "prefecture": data.get("region", ""),
            "sort": data.get("sort") or "name",
        }


class PartnerBulkAssignForm(forms.Form):
    """The rows chosen in the partner list and what to give them: an owner, a priority or both."""

    partner = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=None,
        error_messages={"required": _("Select at least one partner.")},
    )
    owner = OwnerChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("Keep the owner")
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", _("Keep the priority")), *Priority.choices],
        required=False,
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        # SECURITY(tenant): only this tenant's partners and owners are valid choices.
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant).order_by(
            "legal_name_kana", "legal_name", "id"
        )
        self.fields["owner"].queryset = owner_queryset(tenant)
        style(self)

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not data.get("priority"):
            raise forms.ValidationError(_("Choose an owner, a priority or both."))
        return data


PARTNER_SECTIONS = (
    (
        _("Company"),
        (
            "legal_name",
            "legal_name_kana",
            "display_name",
            "corporate_number",
            "entity_kind",
            "registration_number",
            "website",
        ),
    ),
    (
        _("Relationship"),
        ("partner_type", "priority", "owner"),
    ),
    (
        _("Profile"),
        (
            "industries",
            "customer_segments",
            "prefectures",
            "employee_count",
            "sales_headcount",
            "other_vendor_products_count",
            "products_handled",
        ),
    ),
    (
        _("Address"),
        ("postal_code", "prefecture", "city", "street_address", "building"),
    ),
    (_("Bank account (finance only)"), FINANCE_ONLY_FIELDS),
    (_("Notes"), ("notes",)),
)
MANAGE_FIELDS = tuple(
    name for _title, names in PARTNER_SECTIONS for name in names if name not in FINANCE_ONLY_FIELDS
)


class PartnerForm(MarkInvalid, forms.ModelForm):
    """Create or edit a partner. Who sees which fields: managers everything but the bank
    account, finance the bank account only (and both when someone has both rights)."""

    industries = forms.MultipleChoiceField(
        label=_("Industries it sells to"),
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    customer_segments = forms.MultipleChoiceField(
        label=_("Customer segments"),
        choices=CustomerSegment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    prefectures = forms.MultipleChoiceField(
        label=_("Regions (prefectures)"),
        choices=Prefecture.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Where the partner sells. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    owner = OwnerChoiceField(label=_("Owner (partner manager)"), queryset=None, required=False)
    # Declared here: the model's default queryset would query outside any tenant scope.
    partner_type = forms.ModelChoiceField(label=_("Partner type"), queryset=None, required=False)

    class Meta:
        model = Partner
        fields = MANAGE_FIELDS + FINANCE_ONLY_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant: Tenant, may_manage: bool, may_finance: bool, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = (MANAGE_FIELDS if may_manage else ()) + (
            FINANCE_ONLY_FIELDS if may_finance else ()
        )
        for name in list(self.fields):
            if name not in allowed:
                # SECURITY(finance): bank fields never reach the HTML of those without the right.
                del self.fields[name]
        if "partner_type" in self.fields:
            self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)
        if "owner" in self.fields:
            self.fields["owner"].queryset = owner_queryset(tenant)
        if "legal_name" in self.fields:
            self.fields["legal_name"].help_text = _(
                "Exactly as registered, including 株式会社 and where it stands."
            )
        if "corporate_number" in self.fields:
            self.fields["corporate_number"].widget.attrs.update(
                {"inputmode": "numeric", "autocomplete": "off"}
            )
        if "postal_code" in self.fields:
            self.fields["postal_code"].widget.attrs["placeholder"] = "123-4567"
        style(self)

    def _post_clean(self):
        # The service validates the model (with the tenant); the form only parses.
        pass

    def sections(self):
        for title, names in PARTNER_SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield title, fields

    def changed_values(self) -> dict:
        """Only what the person changed: an untouched field is neither saved nor audited
        (and an untouched bank field needs no finance permission)."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.changed_data}


class StatusChangeForm(MarkInvalid, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=PartnerStatus.choices)
    changed_on = forms.DateField(label=_("Since"), widget=DateInput())
    # Set by the confirmation step: terminating a partner is asked for once more.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, partner: Partner | None = None, **kwargs):
        # The select starts at the partner's current status, not at the first choice.
        initial = {"changed_on": timezone.localdate()}
        if partner is not None:
            initial["status"] = partner.status
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        style(self)

    def needs_confirmation(self) -> bool:
        return (
            self.cleaned_data["status"] == PartnerStatus.TERMINATED
            and not self.cleaned_data["confirmed"]
        )


class RepForm(MarkInvalid, forms.ModelForm):
    class Meta:
        model = PartnerRep
        fields = (
            "full_name",
            "full_name_kana",
            "email",
            "phone",
            "department",
            "title",
            "is_reachable",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        style(self)

    def _post_clean(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RepLeaveForm(MarkInvalid, forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"left_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style(self)


class PartnerTypeForm(MarkInvalid, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ImportUploadForm(MarkInvalid, forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
