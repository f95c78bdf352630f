"""Forms of the partner portal: the company profile and rep invitations."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Role
from partners.choices import PortalProfileGroup
from partners.models import FINANCE_ONLY_FIELDS, Partner
from partners.services.portal import PROFILE_FIELDS


class CompanyProfileForm(forms.ModelForm):
    """The parts of their company a partner admin may change: `editable` (the tenant's
    choice, see selectors.portal) keeps only those fields."""

    class Meta:
        model = Partner
        fields = [*PROFILE_FIELDS, *FINANCE_ONLY_FIELDS]

    def __init__(self, *args, editable: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in editable:
                del self.fields[name]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        if "account_number" in self.fields:
            self.fields["account_number"].help_text = _("7 digits.")
            self.fields["account_holder_kana"].help_text = _(
                "As printed on the passbook, in half-width katakana."
            )

    def changed_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class RepInviteForm(forms.Form):
    full_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    department = forms.CharField(label=_("Department"), max_length=150, required=False)
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Portal role"),
        choices=[
            (Role.PARTNER_REP, Role.PARTNER_REP.label),
            (Role.PARTNER_ADMIN, Role.PARTNER_ADMIN.label),
        ],
        initial=Role.PARTNER_REP,
        help_text=_("Partner admins can also edit the company profile and manage reps."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class PortalSettingsForm(forms.Form):
    editable_profile = forms.MultipleChoiceField(
        label=_("Partner admins may change"),
        choices=PortalProfileGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "Unticked parts are shown to partner admins read-only; your partner managers keep "
            "them up to date."
        ),
    )
