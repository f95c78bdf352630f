"""Forms for engagement: the quick activity log, the due list's filter, the cadence rows."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Tenant
from partners.choices import ActivityKind
from partners.models import Partner
from partners.selectors.engagement import (
    partner_owner_choices,
    rep_attendee_choices,
    staff_attendee_choices,
)


class MembershipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ActivityForm(forms.Form):
    """Log one activity in a few seconds: kind and date first, the rest optional."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ActivityKind.choices,
        initial=ActivityKind.REGULAR_MEETING,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    occurred_on = forms.DateField(
        label=_("Date"), widget=DateInput(attrs={"class": "form-control"})
    )
    staff_attendees = MembershipChoiceField(
        label=_("Our attendees"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    rep_attendees = forms.ModelMultipleChoiceField(
        label=_("Their attendees"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    next_action = forms.CharField(
        label=_("Next action"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    next_action_due = forms.DateField(
        label=_("Next action due"),
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, tenant: Tenant, partner: Partner, me: Membership | None, **kwargs):
        super().__init__(*args, **kwargs)
        # SECURITY(tenant): only this tenant's staff and this partner's people can be chosen.
        self.fields["staff_attendees"].queryset = staff_attendee_choices(tenant=tenant)
        self.fields["rep_attendees"].queryset = rep_attendee_choices(tenant=tenant, partner=partner)
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())
            if me is not None:
                self.initial.setdefault("staff_attendees", [me.pk])


class DueFilterForm(forms.Form):
    """Whose partners: mine (default), everybody's, or one owner's."""

    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("mine", _("My partners")), ("all", _("Everybody's partners"))]
        choices += [
            (str(m.pk), m.user.full_name or m.user.email)
            for m in partner_owner_choices(tenant=tenant)
        ]
        self.fields["owner"].choices = choices
        self.fields["owner"].widget.attrs["class"] = "form-select form-select-sm"


class CadenceRuleForm(forms.Form):
    """One priority's cadence (a prefix per priority on the settings page)."""

    contact_interval_days = forms.IntegerField(
        label=_("Contact every (days)"),
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "—"}),
        help_text=_("Empty: no regular contact expected."),
    )
    expectation = forms.CharField(
        label=_("What is expected"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
