"""The vendor's portal invitation form (partner page and rep page)."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from partners.forms.directory import MarkInvalid, style
from partners.models import PartnerRep


class PortalInviteForm(MarkInvalid, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Portal role"),
        choices=[
            (Role.PARTNER_ADMIN, Role.PARTNER_ADMIN.label),
            (Role.PARTNER_REP, Role.PARTNER_REP.label),
        ],
        initial=Role.PARTNER_ADMIN,
        help_text=_(
            "A partner admin also edits the company profile and invites the company's reps."
        ),
    )
    # One key per rendered form: submitting the same form twice sends one invitation.
    submit_key = forms.CharField(widget=forms.HiddenInput(), required=False, max_length=64)

    def __init__(self, *args, rep: PartnerRep | None = None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("submit_key", secrets.token_urlsafe(24))
        if rep is not None:
            initial.setdefault("email", rep.email)
            initial.setdefault("full_name", rep.full_name)
        super().__init__(*args, **kwargs)
        if rep is not None:
            # The invitation is for this rep: the name is theirs, shown, not typed again.
            del self.fields["full_name"]
        style(self)
