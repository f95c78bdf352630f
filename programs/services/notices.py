"""The written-terms notice (取引条件の明示) of the Freelance Act (domain.md §5).

When the contract of an individual or a one-person company starts, the vendor gives the terms
in writing: the fee or its formula, the payment due-date rule and the payment method, with the
parties, the service, the term and the date. `written_notice_issue` writes them once per
contract (the unique key `notice_per_contract`) as data in `content` and as a PDF rendered
from that data; the partner's admin acknowledges it in the portal (`written_notice_acknowledge`,
who and when, once).

`content` is plain JSON with codes, never translated text, so the portal shows it again in
the reader's language; the PDF is rendered once, in the partner's language.
"""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels
from accounts.models import Tenant, User
from accounts.pdf import render_pdf
from accounts.transactions import service
from partners.choices import EntityKind
from partners.models import Partner
from programs.models import CommissionRuleSetVersion, PartnerContract, WrittenTermsNotice
from programs.selectors.notices import notice_display

register_action_labels(
    {
        "written_notice.issued": gettext_lazy("Written-terms notice issued"),
        "written_notice.acknowledged": gettext_lazy("Written-terms notice acknowledged"),
    }
)

# Who the Freelance Act protects: individuals and companies of one person without employees.
NOTICE_ENTITY_KINDS = (EntityKind.INDIVIDUAL, EntityKind.ONE_PERSON_COMPANY)
CONTENT_VERSION = 1
PDF_TEMPLATE = "programs/notices/notice_pdf.html"

# The payment due-date rule every tenant has until the payouts issue brings each tenant's
# payout calendar (which will replace `payment_terms_for`): fees of a month close at its end
# and are paid by the end of the next month (月末締め翌月末払い, domain.md §5). The Freelance
# Act's limit, 60 days counting the first day, is stated beside it.
DEFAULT_PAYMENT_TERMS = {
    "rule": "month_end_close_next_month_end",
    "closing": "month_end",
    "payment": "end_of_next_month",
    "max_days": 60,
    "source": "tenant_default",
}
# Bank transfer to the account the partner registered; the payer bears the transfer fee
# unless agreed otherwise (domain.md §5).
DEFAULT_PAYMENT_METHOD = {"method": "bank_transfer", "transfer_fee_borne_by": "vendor"}


def notice_required(partner: Partner) -> bool:
    return partner.entity_kind in NOTICE_ENTITY_KINDS


def payment_terms_for(tenant: Tenant) -> dict:
    """The tenant's payment due-date rule (the default until payouts keeps one per tenant)."""
    return dict(DEFAULT_PAYMENT_TERMS)


def _tenant_today(tenant: Tenant) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(tenant.time_zone))


def _fee(tenant: Tenant, contract: PartnerContract) -> dict:
    """The fee formula: the tier's rule set version in force on the contract's first day."""
    rule_set = contract.tier.rule_set
    if rule_set is None:
        return {"rule_set": None, "version": None, "currency": tenant.base_currency, "rules": []}
    version = (
        CommissionRuleSetVersion.objects.filter(
            tenant=tenant, rule_set=rule_set, effective_from__lte=contract.starts_on
        )
        .order_by("-effective_from")
        .first()
    )
    fee = {"rule_set": rule_set.name, "currency": rule_set.currency, "version": None, "rules": []}
    if version is not None:
        fee.update(
            version=version.number,
            effective_from=version.effective_from.isoformat(),
            rules=version.rules,
            holding_days=version.holding_days,
            clawback_days=version.clawback_days,
        )
    return fee


def notice_content(*, tenant: Tenant, contract: PartnerContract, day: datetime.date) -> dict:
    """What the notice states, as data (codes and figures, no translated text)."""
    partner = contract.partner
    return {
        "version": CONTENT_VERSION,
        "date": day.isoformat(),
        "vendor": {
            "name": tenant.issuer_legal_name or tenant.name,
            "address": tenant.issuer_address,
        },
        "partner": {"name": partner.legal_name, "entity_kind": partner.entity_kind},
        "program": {"name": contract.program.name, "partner_role": contract.program.partner_role},
        "tier": {"name": contract.tier.name},
        "term": {
            "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat(),
            "auto_renew": contract.auto_renew,
        },
        "fee": _fee(tenant, contract),
        "payment_terms": payment_terms_for(tenant),
        "payment_method": dict(DEFAULT_PAYMENT_METHOD),
    }


def notice_language(tenant: Tenant) -> str:
    """The partner's language: the tenant's (partners have no language of their own yet)."""
    return tenant.default_language or "ja"


@service
def written_notice_issue(*, tenant: Tenant, contract: PartnerContract) -> WrittenTermsNotice | None:
    """The contract's written-terms notice, issued now if it was not: its content and PDF.
    None when the partner is a company (the Act does not ask for one).

    Idempotent under the unique key: a second call, a retried task or two workers at once end
    with one notice (the insert of the second waits for the first and then finds its row)."""
    if contract.tenant_id != tenant.pk:
        # SECURITY(tenant): a contract of another tenant is never issued under this one.
        raise ValidationError(_("This contract belongs to another organization."))
    contract = PartnerContract.objects.select_related("partner", "program", "tier__rule_set").get(
        tenant=tenant, pk=contract.pk
    )
    if not notice_required(contract.partner):
        return None
    day = _tenant_today(tenant)
    notice, created = WrittenTermsNotice.objects.get_or_create(
        tenant=tenant,
        contract=contract,
        defaults={"content": notice_content(tenant=tenant, contract=contract, day=day)},
    )
    if notice.pdf:
        return notice
    notice = WrittenTermsNotice.objects.select_for_update().get(tenant=tenant, pk=notice.pk)
    if notice.pdf:
        return notice
    if not notice.content:
        notice.content = notice_content(tenant=tenant, contract=contract, day=day)
    language = notice_language(tenant)
    pdf = render_pdf(PDF_TEMPLATE, {"notice": notice_display(notice.content)}, language=language)
    notice.pdf.save("notice.pdf", ContentFile(pdf), save=False)
    notice.save(update_fields=["content", "pdf"])
    audit_record(
        tenant=tenant,
        actor=None,
        action="written_notice.issued",
        target=notice,
        changes={
            "contract": str(contract),
            "partner": contract.partner.legal_name,
            "language": language,
        },
    )
    return notice


@service
def written_notice_acknowledge(
    *, tenant: Tenant, actor: User, partner: Partner, notice: WrittenTermsNotice
) -> WrittenTermsNotice:
    """Record that `actor` acknowledged the notice for `partner`. The first acknowledgement
    stays the one on record: acknowledging again changes nothing and records nothing."""
    locked = (
        WrittenTermsNotice.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, pk=notice.pk, contract__partner=partner)
        .first()
    )
    if locked is None or notice.tenant_id != tenant.pk:
        # SECURITY(tenant): the portal passes its own partner's notice only.
        raise ValidationError(_("This notice belongs to another partner."))
    if locked.acknowledged_at is not None:
        return locked
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="written_notice.acknowledged",
        target=locked,
        changes={"acknowledged_at": [None, locked.acknowledged_at.isoformat()]},
    )
    return locked
