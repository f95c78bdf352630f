"""Forms of target-account lists and the funnel board. They parse and show; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from deals.models import MILESTONE_ORDER, ListWillingness, Milestone, TargetAccount
from deals.services.targets import TARGET_FIELDS
from partners.forms.directory import OwnerChoiceField, style
from partners.models import Partner
from partners.services.directory import owner_queryset


class TargetAccountForm(forms.ModelForm):
    class Meta:
        model = TargetAccount
        fields = TARGET_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def _post_clean(self):
        # The service validates the instance (company-name key, uniqueness per partner); the
        # form only checks the typed values.
        pass


class StaffTargetAccountForm(TargetAccountForm):
    """Staff list an account on a partner's behalf: the partner is chosen."""

    partner = forms.ModelChoiceField(queryset=Partner.objects.none(), label=_("Partner"))

    class Meta(TargetAccountForm.Meta):
        fields = ("partner", *TARGET_FIELDS)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant).order_by(
            "legal_name"
        )
        style(self)


class FunnelFilterForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(), required=False, label=_("Partner")
    )
    owner = OwnerChoiceField(queryset=None, required=False, label=_("Owner of the partner"))
    milestone = forms.ChoiceField(required=False, label=_("Milestone"))
    stuck = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label=_("Stuck for at least (days)")
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant).order_by(
            "legal_name"
        )
        self.fields["partner"].empty_label = _("All partners")
        self.fields["owner"].queryset = owner_queryset(tenant)
        self.fields["owner"].empty_label = _("All owners")
        self.fields["milestone"].choices = [("", _("All open milestones"))] + [
            (m, Milestone(m).label) for m in MILESTONE_ORDER
        ]
        style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-select-sm form-control-sm"


class MilestoneMoveForm(forms.Form):
    """One card's action: record a step (agreed, action done, meeting held), drop, reopen."""

    to = forms.ChoiceField(choices=Milestone.choices, label=_("Milestone"))
    note = forms.CharField(required=False, max_length=500, label=_("Note"))
    drop_reason = forms.CharField(required=False, max_length=300, label=_("Reason dropped"))


class WillingnessForm(forms.Form):
    willingness = forms.ChoiceField(
        choices=ListWillingness.choices, label=_("Willing to submit a list")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class TargetImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
