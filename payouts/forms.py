"""Forms of the ledger pages: the filters and a manual adjustment; the portal's filter and the
partner's dispute of a statement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PlainSelect
from accounts.models import CURRENCY_CHOICES
from partners.choices import BankAccountType
from partners.forms.directory import style
from partners.models import Partner
from payouts.figures import Withholding
from payouts.models import (
    DAY_CHOICES,
    LineKind,
    LineStatus,
    PartnerResponse,
    PayoutPeriod,
    StatementStatus,
    TaxRounding,
)

SMALL = {"class": "form-select form-select-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


class LedgerFilterForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("All"),
        widget=forms.Select(attrs=SMALL),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All")), *LineKind.choices],
        widget=forms.Select(attrs=SMALL),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (LineStatus.ACCRUED, LineStatus.ACCRUED.label),
            (LineStatus.PAYABLE, LineStatus.PAYABLE.label),
            (LineStatus.ON_STATEMENT, LineStatus.ON_STATEMENT.label),
            (LineStatus.PAID, LineStatus.PAID.label),
        ],
        widget=forms.Select(attrs=SMALL),
    )
    date_from = forms.DateField(
        label=_("Accrued from"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    date_to = forms.DateField(
        label=_("Accrued until"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    q = forms.CharField(
        label=_("Customer or reason"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant).order_by(
            "legal_name_kana", "legal_name"
        )

    def filters(self) -> dict:
        """The selector's keyword arguments (none when the form is not valid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "partner_id": data["partner"].pk if data["partner"] else None,
            "kind": data["kind"],
            "status": data["status"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "query": data["q"].strip(),
        }


class AdjustmentForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    amount = forms.CharField(
        label=_("Amount"),
        max_length=30,
        help_text=_("Negative to take commission back, for example -5000."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    accrued_on = forms.DateField(
        label=_("Accrual date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Partners see this reason beside the amount."),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant).order_by(
            "legal_name_kana", "legal_name"
        )
        style(self)


class PayoutSettingsForm(forms.Form):
    closing_day = forms.TypedChoiceField(label=_("Closing day"), coerce=int, choices=DAY_CHOICES)
    payment_months = forms.TypedChoiceField(
        label=_("Payment month"),
        coerce=int,
        choices=[(1, _("The next month")), (2, _("The month after next"))],
    )
    payment_day = forms.TypedChoiceField(
        label=_("Payment day"),
        coerce=int,
        choices=DAY_CHOICES,
        help_text=_("A payment date on a weekend or bank holiday moves to the next business day."),
    )
    deemed_confirmation_days = forms.IntegerField(
        label=_("Deemed confirmed after (days)"),
        min_value=1,
        max_value=60,
        help_text=_("A statement without objection is deemed confirmed after this many days."),
    )
    second_approval_over = forms.DecimalField(
        label=_("Second approver above"),
        min_value=0,
        max_digits=18,
        decimal_places=3,
        help_text=_("A statement whose net payment exceeds this needs a second approver."),
    )
    tax_rounding = forms.ChoiceField(
        label=_("Consumption tax rounding"), choices=TaxRounding.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PeriodReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class StatementFilterForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"),
        required=False,
        queryset=PayoutPeriod.objects.none(),
        empty_label=_("All"),
        widget=PlainSelect(attrs=SMALL),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *StatementStatus.choices],
        widget=PlainSelect(attrs=SMALL),
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("All"),
        widget=PlainSelect(attrs=SMALL),
    )
    # "-" (not ""): the empty choice is "all", so awaiting the partner needs a value of its own.
    response = forms.ChoiceField(
        label=_("Partner's response"),
        required=False,
        choices=[
            ("", _("All")),
            ("-", PartnerResponse.NONE.label),
            *[(value, label) for value, label in PartnerResponse.choices if value],
        ],
        widget=PlainSelect(attrs=SMALL),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = PayoutPeriod.objects.filter(tenant=tenant).order_by(
            "-starts_on"
        )
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant).order_by(
            "legal_name_kana", "legal_name"
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "period_id": data["period"].pk if data["period"] else None,
            "status": data["status"],
            "partner_id": data["partner"].pk if data["partner"] else None,
            "response": {"": None, "-": ""}.get(data["response"], data["response"]),
        }


class PayoutProfileForm(forms.Form):
    withholding = forms.ChoiceField(
        label=_("Withholding"),
        choices=Withholding.choices,
        help_text=_("For individuals only: companies, one-person companies included, have none."),
    )
    adds_consumption_tax = forms.BooleanField(
        label=_("Consumption tax is added to the commission"), required=False
    )
    monthly_salary = forms.DecimalField(
        label=_("Salary paid each month"),
        min_value=0,
        max_digits=18,
        decimal_places=0,
        required=False,
        help_text=_("Only for a commission salesperson (外交員): deducted as the formula says."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class StatementCorrectForm(forms.Form):
    reason = forms.CharField(
        label=_("What the correction corrects"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the correction, e.g. the partner's registration number was wrong."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class StatementPaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )
    reference = forms.CharField(
        label=_("Bank reference"),
        max_length=64,
        required=False,
        help_text=_("The bank's reference of the transfer, to find it in the account statement."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class TransferOriginatorForm(forms.Form):
    transfer_consignor_code = forms.CharField(
        label=_("Consignor code"),
        max_length=10,
        required=False,
        help_text=_("The 10-digit code the bank gave with the transfer service (委託者コード)."),
    )
    transfer_consignor_name = forms.CharField(
        label=_("Consignor name (half-width kana)"),
        max_length=40,
        required=False,
        help_text=_("Your name as the bank holds it, e.g. ｶ)ｱﾙﾌｧ."),
    )
    transfer_bank_code = forms.CharField(label=_("Bank code"), max_length=4, required=False)
    transfer_branch_code = forms.CharField(label=_("Branch code"), max_length=3, required=False)
    transfer_account_type = forms.ChoiceField(
        label=_("Account type"),
        choices=[
            (BankAccountType.ORDINARY, BankAccountType.ORDINARY.label),
            (BankAccountType.CURRENT, BankAccountType.CURRENT.label),
        ],
    )
    transfer_account_number = forms.CharField(
        label=_("Account number"), max_length=7, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PortalLedgerFilterForm(forms.Form):
    """The portal's commission list: by status only (the partner's lines are few)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *LineStatus.choices],
        widget=forms.Select(attrs=SMALL),
    )

    def status_filter(self) -> str:
        return self.cleaned_data["status"] if self.is_valid() else ""


class StatementDisputeForm(forms.Form):
    comment = forms.CharField(
        label=_("What is wrong with the statement"),
        max_length=2000,
        # The service says the same when the comment is missing; here it is said first.
        error_messages={"required": _("Say what is wrong with the statement.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Finance reads this and answers you. You can still confirm it afterwards."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
