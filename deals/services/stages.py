"""The tenant's pipeline stages: the built-ins seeded for every tenant, and who may move a deal.

The built-in stages and their exit criteria are where a new tenant starts; it renames them,
edits their criteria, reorders them and adds stages of its own (services below). A built-in
is known by its code, so the pipeline can find "won" or "registered" whatever the tenant
calls it.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from deals.models import DealStage, StageCode, StageKind

# code -> (kind, exit criteria), in pipeline order.
BUILT_IN_STAGES = {
    StageCode.REGISTERED: (
        StageKind.OPEN,
        _("The partner has registered the customer, the contact and the expected amount."),
    ),
    StageCode.APPROVED: (
        StageKind.OPEN,
        _("The vendor has checked for conflicts and approved the registration."),
    ),
    StageCode.MEETING_SET: (
        StageKind.OPEN,
        _("A first meeting with the customer's decision maker has a date."),
    ),
    StageCode.MEETING_HELD: (
        StageKind.OPEN,
        _("The meeting took place and the customer's need is confirmed."),
    ),
    StageCode.PROPOSAL: (
        StageKind.OPEN,
        _("A proposal with price and schedule has been sent to the customer."),
    ),
    StageCode.WON: (StageKind.WON, _("The customer has signed.")),
    StageCode.LOST: (StageKind.LOST, _("The customer declined; the reason is recorded.")),
}


def deal_stages_seed(*, tenant: Tenant) -> int:
    """Give the tenant every built-in stage it lacks, after its own; returns how many were
    created. Idempotent and safe when two run at once (the code is unique per tenant); a name
    the tenant already uses for a stage of its own is left to that stage."""
    existing = list(DealStage.objects.filter(tenant=tenant).values_list("code", "name"))
    codes = {code for code, _name in existing}
    names = {name.casefold() for _code, name in existing}
    position = len(existing)
    rows = []
    with translation.override(tenant.default_language or None):
        for code, (kind, criteria) in BUILT_IN_STAGES.items():
            name = str(code.label)
            if code in codes or name.casefold() in names:
                continue
            rows.append(
                DealStage(
                    tenant=tenant,
                    code=code,
                    name=name,
                    kind=kind,
                    exit_criteria=str(criteria),
                    position=position,
                )
            )
            position += 1
    if not rows:
        return 0
    return len(DealStage.objects.bulk_create(rows, ignore_conflicts=True))


def stage_by_code(*, tenant: Tenant, code: str) -> DealStage:
    """The tenant's built-in stage `code`, seeding the built-ins first if a tenant predates
    them (the data migration gives existing tenants theirs; this is the belt to its braces)."""
    stage = DealStage.objects.filter(tenant=tenant, code=code).first()
    if stage is None:
        deal_stages_seed(tenant=tenant)
        stage = DealStage.objects.get(tenant=tenant, code=code)
    return stage
