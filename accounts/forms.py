from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.audit import action_label
from accounts.models import ApiKey, Tenant
from accounts.roles import PORTAL_ROLES, STAFF_ROLES, Role
from accounts.services import TENANT_SETTINGS_FIELDS


class PlainSelect(forms.Select):
    """A single select rendered without a template per option: a filter lists a large
    tenant's partners (a thousand), which the option templates take a tenth of a second to
    render. Flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), " selected" if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>', name, flatatt(final_attrs), options
        )


def form_add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message under the field it names,
    or at the top of the form when it names no field of this form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class TenantSettingsForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = TENANT_SETTINGS_FIELDS
        widgets = {
            "portal_primary_colour": forms.TextInput(attrs={"type": "color"}),
            "issuer_address": forms.Textarea(attrs={"rows": 3}),
        }


# Portal people are invited from their partner company (it links them to it), not from here.
STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=STAFF_ROLE_CHOICES, initial=Role.PARTNER_MANAGER
    )


class RoleChangeForm(forms.Form):
    """Staff change between staff roles, portal people between portal roles."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        kind = STAFF_ROLES if membership.is_staff_role else PORTAL_ROLES
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in kind]


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(
        label=_("Acts as role"),
        choices=ApiKey._meta.get_field("role").choices,
        initial=Role.VIEWER,
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor e-mail"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labelled = [(action, action_label(action)) for action in actions]
        self.fields["action"].choices = [("", _("All actions")), *labelled]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles"))] + Role.choices
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )


class AcceptInvitationForm(forms.Form):
    """For a person without an account yet: name and password; the e-mail comes from the link."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth import password_validation

        from accounts.models import User

        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
