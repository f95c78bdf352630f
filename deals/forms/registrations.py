"""Forms of the registration pages: the portal's register and extension forms, staff review."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CURRENCY_CHOICES, Tenant
from accounts.urls_helpers import tenant_reverse
from deals.services.registrations import open_target_accounts, registration_programs
from partners.forms.directory import MarkInvalid, style
from partners.models import Partner

# The fields whose typing re-checks for duplicates (the live warning).
LIVE_FIELDS = ("customer_name", "corporate_number", "web_domain", "contact_email")


class DealRegisterForm(MarkInvalid, forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=None,
        error_messages={
            "required": _("Choose the program."),
            "invalid_choice": _("Choose one of your company's programs."),
        },
    )
    target_account = forms.ModelChoiceField(
        label=_("From a target account"),
        queryset=None,
        required=False,
        empty_label=_("(none)"),
        error_messages={"invalid_choice": _("Choose one of your company's open target accounts.")},
    )
    customer_name = forms.CharField(label=_("Customer company"), max_length=200, required=False)
    corporate_number = forms.CharField(
        label=_("Corporate number"),
        max_length=13,
        required=False,
        help_text=_("13 digits, if known."),
    )
    web_domain = forms.CharField(
        label=_("Web domain"), max_length=253, required=False, help_text=_("e.g. example.co.jp")
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    product = forms.CharField(label=_("Product or plan"), max_length=200, required=False)
    amount_one_time = forms.DecimalField(
        label=_("One-time amount"), min_value=0, max_digits=14, decimal_places=3, required=False
    )
    amount_monthly = forms.DecimalField(
        label=_("Monthly recurring amount"),
        min_value=0,
        max_digits=14,
        decimal_places=3,
        required=False,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    expected_close_on = forms.DateField(
        label=_("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # A token drawn when the form is shown: sending the same form twice (a double click, a
    # reload) registers once (deal_register_once keys on it).
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, tenant: Tenant, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        programs = registration_programs(tenant=tenant, partner=partner)
        self.fields["program"].queryset = programs
        if len(programs) == 1:
            self.fields["program"].initial = programs[0].pk
        self.fields["target_account"].queryset = open_target_accounts(
            tenant=tenant, partner=partner
        )
        self.fields["currency"].initial = tenant.base_currency
        self.fields["submission"].initial = secrets.token_urlsafe(24)
        style(self)
        check_url = tenant_reverse(tenant, "deals:portal_deal_check")
        for name in LIVE_FIELDS:
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": check_url,
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": "#duplicate-warning",
                    "hx-include": "#deal-register-form",
                    "hx-swap": "innerHTML",
                }
            )


class ExtensionRequestForm(MarkInvalid, forms.Form):
    requested_until = forms.DateField(
        label=_("Extend until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
