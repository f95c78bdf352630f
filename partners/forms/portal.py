"""Forms of the partner portal: the company profile and rep invitations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from partners.models import Partner
from partners.services.portal import PORTAL_EDITABLE_FIELDS


class CompanyProfileForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = list(PORTAL_EDITABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["account_number"].help_text = _("7 digits.")
        self.fields["account_holder_kana"].help_text = _(
            "As printed on the passbook, in half-width katakana."
        )

    def changed_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class RepInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
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
