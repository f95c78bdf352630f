"""Forms of the contract pages."""

from django import forms
from django.utils.translation import gettext_lazy

from programs.models import ContractStatus, Program


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(ContractStatus.choices),
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        required=False,
        queryset=Program.objects.none(),
        empty_label=gettext_lazy("All"),
    )
    expiring = forms.BooleanField(label=gettext_lazy("Expiring within 60 days"), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant).order_by("name")


class SignedDocumentForm(forms.Form):
    signed_document = forms.FileField(label=gettext_lazy("Signed contract (PDF)"))
