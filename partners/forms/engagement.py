"""Forms for engagement: the quick activity log, the due list's filter, the cadence rows."""

from django import forms
from django.db.models import Count, Window
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Tenant
from partners.choices import ActivityKind
from partners.models import Partner, PartnerRep
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


# Up to this many people, the picker lists them all (no typing needed); beyond, it searches.
REP_PICKER_LIST_MAX = 12


class ActivityForm(forms.Form):
    """Log one activity in a few seconds: kind, date and a summary; the rest optional.

    No kind is preselected: an activity counts as contact on the due list, so a click on an
    untouched form must not record a meeting that never happened.
    """

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Choose the kind…")), *ActivityKind.choices],
        error_messages={"required": _("Choose what kind of activity it was.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    occurred_on = forms.DateField(
        label=_("Date"),
        error_messages={"required": _("Enter the date of the activity.")},
        widget=DateInput(attrs={"class": "form-control"}),
    )
    staff_attendees = MembershipChoiceField(
        label=_("Our attendees"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    # A partner may have hundreds of reps: the template renders a search picker (the chosen
    # ones as chips), never one checkbox per rep; this field only validates the ids posted.
    rep_attendees = forms.ModelMultipleChoiceField(
        label=_("Their attendees"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput(),
    )
    notes = forms.CharField(
        label=_("Summary"),
        max_length=5000,
        error_messages={"required": _("Say in a line what was discussed or agreed.")},
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
        # One query whatever the partner's size: the first people, each carrying the total (a
        # window count), so the page makes the same queries for 3 reps as for 3,000.
        self._first_reps = list(
            self.fields["rep_attendees"].queryset.annotate(total=Window(Count("pk")))[
                : REP_PICKER_LIST_MAX + 1
            ]
        )
        self.partner_rep_count = self._first_reps[0].total if self._first_reps else 0
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())
            if me is not None:
                self.initial.setdefault("staff_attendees", [me.pk])

    def full_clean(self):
        super().full_clean()
        # Fields in error are marked for sight (Bootstrap) and for screen readers.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self.auto_id % name}-error"

    @property
    def search_reps(self) -> bool:
        """A large partner's people are found by search; a small one's are all listed."""
        return self.partner_rep_count > REP_PICKER_LIST_MAX

    def rep_options(self) -> list[PartnerRep]:
        """A small partner's people not chosen yet, listed without typing."""
        if self.search_reps:
            return []
        chosen = {rep.pk for rep in self.selected_reps()}
        return [rep for rep in self._first_reps if rep.pk not in chosen]

    @cached_property
    def _selected_reps(self) -> list[PartnerRep]:
        if self.is_bound:
            raw = self.data.getlist("rep_attendees") if hasattr(self.data, "getlist") else []
        else:
            raw = self.initial.get("rep_attendees") or []
        ids = [int(value) for value in raw if str(value).isdigit()]
        if not ids:
            return []
        return list(self.fields["rep_attendees"].queryset.filter(pk__in=ids))

    def selected_reps(self) -> list[PartnerRep]:
        """The reps chosen so far (shown as chips), from the posted ids; invalid ids dropped."""
        return self._selected_reps


class DueFilterForm(forms.Form):
    """Whose partners: mine (default), everybody's, or one owner's."""

    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("mine", _("My partners")), ("all", _("Everybody's partners"))]
        choices += [(str(pk), name) for pk, name in partner_owner_choices(tenant=tenant)]
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
