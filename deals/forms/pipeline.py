"""Forms of the pipeline pages: filters, a stage move, amount change, churn, attribution,
a direct deal, and the stage settings."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.forms import PlainSelect
from accounts.models import CURRENCY_CHOICES, Membership
from accounts.roles import STAFF_ROLES
from deals.models import AttributionRole, DealStage, StageKind
from partners.forms.directory import OwnerChoiceField, style
from partners.models import Partner, PartnerRep
from programs.models import Program

SMALL = {"class": "form-select form-select-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


def staff_members(tenant):
    return (
        Membership.objects.filter(tenant=tenant, is_active=True, role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


class _ListedChoiceIterator(ModelChoiceIterator):
    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.listed


class ListedChoiceField(forms.ModelChoiceField):
    """Accepts any object of `queryset` but lists only those of `listed` (set before the
    queryset): a tenant's thousands of reps never go into one select."""

    iterator = _ListedChoiceIterator
    listed = None


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (partners' `style`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PipelineFilterForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All")), ("partner", _("Partner deals")), ("direct", _("Direct deals"))],
        widget=PlainSelect(attrs=SMALL),
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("All"),
        widget=PlainSelect(attrs=SMALL),
    )
    rep = ListedChoiceField(
        label=_("Partner rep"),
        required=False,
        queryset=PartnerRep.objects.none(),
        empty_label=_("All"),
        widget=PlainSelect(attrs=SMALL),
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        required=False,
        queryset=Program.objects.none(),
        empty_label=_("All"),
        widget=PlainSelect(attrs=SMALL),
    )
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        required=False,
        queryset=DealStage.objects.none(),
        empty_label=_("All"),
        widget=PlainSelect(attrs=SMALL),
    )
    owner = OwnerChoiceField(
        label=_("Owner"),
        required=False,
        queryset=Membership.objects.none(),
        empty_label=_("All"),
        widget=PlainSelect(attrs=SMALL),
    )
    registered_from = forms.DateField(
        label=_("Registered from"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    registered_until = forms.DateField(
        label=_("Registered until"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    close_from = forms.DateField(
        label=_("Expected close from"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    close_until = forms.DateField(
        label=_("Expected close until"), required=False, widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant).order_by(
            "legal_name_kana", "legal_name"
        )
        reps = PartnerRep.objects.filter(tenant=tenant).order_by("full_name")
        partner_id = self.data.get("partner") if self.is_bound else None
        rep_id = self.data.get("rep") if self.is_bound else None
        rep_field = self.fields["rep"]
        if partner_id and str(partner_id).isdigit():
            reps = reps.filter(partner_id=partner_id)
            rep_field.listed = reps
        else:
            # No partner chosen: only the rep asked for is listed (choosing a partner lists
            # its reps); every rep of the tenant is still accepted.
            rep_field.listed = reps.filter(pk__in=[rep_id] if str(rep_id).isdigit() else [])
            rep_field.empty_label = _("All (choose a partner to list its reps)")
        rep_field.queryset = reps
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")
        self.fields["stage"].queryset = DealStage.objects.filter(tenant=tenant).order_by(
            "position", "id"
        )
        self.fields["owner"].queryset = staff_members(tenant)

    def filters(self) -> dict:
        """The selector's keyword arguments (none when the form is not valid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "source": data["source"] or "",
            "partner_id": data["partner"].pk if data["partner"] else None,
            "rep_id": data["rep"].pk if data["rep"] else None,
            "program_id": data["program"].pk if data["program"] else None,
            "stage_id": data["stage"].pk if data["stage"] else None,
            "owner_id": data["owner"].pk if data["owner"] else None,
            "registered_from": data["registered_from"],
            "registered_until": data["registered_until"],
            "close_from": data["close_from"],
            "close_until": data["close_until"],
        }


class StageMoveForm(forms.Form):
    stage = forms.ModelChoiceField(
        label=_("Move to"), queryset=DealStage.objects.none(), widget=forms.Select(attrs=SMALL)
    )
    lost_reason = forms.CharField(
        label=_("Reason lost"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, tenant, deal=None, **kwargs):
        super().__init__(*args, **kwargs)
        stages = DealStage.objects.filter(tenant=tenant).order_by("position", "id")
        if deal is not None:
            stages = stages.exclude(pk=deal.stage_id)
            if deal.partner_id:
                # Review puts a registration in these two; the pipeline moves it on.
                stages = stages.exclude(code__in=["registered", "approved"])
        self.fields["stage"].queryset = stages


class AmountChangeForm(StyledForm):
    amount_one_time = forms.DecimalField(
        label=_("One-time amount"), min_value=0, max_digits=14, decimal_places=3
    )
    amount_monthly = forms.DecimalField(
        label=_("Monthly recurring amount"), min_value=0, max_digits=14, decimal_places=3
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ChurnForm(StyledForm):
    churned_on = forms.DateField(
        label=_("Churned on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AttributionForm(StyledForm):
    second_partner = forms.ModelChoiceField(
        label=_("Second partner"), required=False, queryset=Partner.objects.none()
    )
    second_partner_role = forms.ChoiceField(
        label=_("Second partner's role"),
        required=False,
        choices=[("", "—"), *AttributionRole.choices],
    )

    def __init__(self, *args, tenant, deal, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(tenant=tenant).order_by("legal_name_kana", "legal_name")
        if deal.partner_id:
            partners = partners.exclude(pk=deal.partner_id)
        self.fields["second_partner"].queryset = partners


class DirectDealForm(StyledForm):
    customer_name = forms.CharField(label=_("Customer company"), max_length=200)
    corporate_number = forms.CharField(label=_("Corporate number"), max_length=13, required=False)
    web_domain = forms.CharField(label=_("Web domain"), max_length=253, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    product = forms.CharField(label=_("Product or plan"), max_length=200, required=False)
    amount_one_time = forms.DecimalField(
        label=_("One-time amount"), min_value=0, max_digits=14, decimal_places=3, initial=0
    )
    amount_monthly = forms.DecimalField(
        label=_("Monthly recurring amount"), min_value=0, max_digits=14, decimal_places=3, initial=0
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    expected_close_on = forms.DateField(
        label=_("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=DealStage.objects.none())
    won_on = forms.DateField(
        label=_("Won on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for a deal entered as won."),
    )
    owner = OwnerChoiceField(label=_("Owner"), required=False, queryset=Membership.objects.none())
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = (
            DealStage.objects.filter(tenant=tenant)
            .exclude(code="registered")
            .exclude(kind=StageKind.LOST)
            .order_by("position", "id")
        )
        self.fields["owner"].queryset = staff_members(tenant)
        self.fields["currency"].initial = tenant.base_currency
        if not self.is_bound:
            approved = self.fields["stage"].queryset.filter(code="approved").first()
            if approved is not None:
                self.initial.setdefault("stage", approved.pk)


class StageForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=StageKind.choices, initial=StageKind.OPEN)
    exit_criteria = forms.CharField(
        label=_("Exit criteria"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
