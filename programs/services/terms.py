"""A partner accepts the terms of its program in the portal (before its first deal).

The acceptance is recorded on the contract (the terms version it was offered with, who and
when) and in the audit log; the deals app asks `partner_terms_accepted` before a deal is
registered (programs/selectors/terms.py)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from partners.models import Partner
from programs.models import ContractStatus, PartnerContract

register_action_labels({"contract.terms_accepted": gettext_lazy("Program terms accepted")})

ACCEPTABLE_STATUSES = (ContractStatus.DRAFT, ContractStatus.ACTIVE, ContractStatus.EXPIRING)


@service
def contract_terms_accept(
    *, tenant: Tenant, actor: User, partner: Partner, contract: PartnerContract
) -> PartnerContract:
    """Record that `actor` accepted the contract's terms version for `partner`.

    Accepting again (a double click, a second tab) changes nothing and records nothing: the
    contract row is locked, and the first acceptance stays the one on record."""
    if contract.tenant_id != tenant.pk or contract.partner_id != partner.pk:
        # SECURITY(tenant): the portal passes its own partner's contract only.
        raise ValidationError(_("This contract belongs to another partner."))
    locked = PartnerContract.objects.select_for_update().get(tenant=tenant, pk=contract.pk)
    if locked.terms_accepted_at is not None:
        return locked
    if locked.terms_id is None:
        raise ValidationError(_("This contract has no written terms to accept yet."))
    if locked.status not in ACCEPTABLE_STATUSES:
        raise ValidationError(_("This contract has ended; its terms can no longer be accepted."))
    locked.terms_accepted_at = timezone.now()
    locked.terms_accepted_by = actor
    locked.updated_at = locked.terms_accepted_at
    locked.save(update_fields=["terms_accepted_at", "terms_accepted_by", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contract.terms_accepted",
        target=locked,
        changes={"terms": [None, str(locked.terms)], "program": str(locked.program)},
    )
    return locked
