"""Factories for deals. Children take their parent's tenant, so no fixture spans two."""

import datetime

import factory
from django_scopes import scopes_disabled

from deals.models import (
    Deal,
    DealStage,
    Milestone,
    ProtectionExtension,
    RegistrationStatus,
    StageCode,
    TargetAccount,
)
from deals.names import company_name_key, email_domain_key, web_domain_key
from tests.factories.accounts import TenantOwnedFactory
from tests.factories.partners import PartnerFactory


def stage_of(tenant, code: str = StageCode.REGISTERED) -> DealStage:
    """The tenant's seeded built-in stage (every tenant gets them when it is created)."""
    with scopes_disabled():
        return DealStage.objects.get(tenant=tenant, code=code)


class TargetAccountFactory(TenantOwnedFactory):
    class Meta:
        model = TargetAccount

    partner = factory.SubFactory(PartnerFactory)
    tenant = factory.LazyAttribute(lambda o: o.partner.tenant)
    company_name = factory.Sequence(lambda n: f"株式会社ターゲット{n}")
    company_name_key = factory.LazyAttribute(lambda o: company_name_key(o.company_name))
    milestone = Milestone.LISTED


class DealFactory(TenantOwnedFactory):
    """A partner's registration awaiting review; pass `partner=` (or `partner=None` with
    `registration_status=RegistrationStatus.DIRECT` for a direct deal)."""

    class Meta:
        model = Deal

    partner = factory.SubFactory(PartnerFactory)
    tenant = factory.LazyAttribute(lambda o: o.partner.tenant)
    customer_name = factory.Sequence(lambda n: f"株式会社カスタマー{n}")
    customer_name_key = factory.LazyAttribute(lambda o: company_name_key(o.customer_name))
    web_domain = factory.LazyAttribute(lambda o: web_domain_key(o.web_domain_typed))
    contact_email = ""
    contact_email_domain = factory.LazyAttribute(lambda o: email_domain_key(o.contact_email))
    amount_one_time = 1_000_000
    currency = "JPY"
    expected_close_on = datetime.date(2027, 3, 31)
    registration_status = RegistrationStatus.PENDING
    stage = factory.LazyAttribute(lambda o: stage_of(o.tenant, StageCode.REGISTERED))

    class Params:
        web_domain_typed = ""


class ProtectionExtensionFactory(TenantOwnedFactory):
    class Meta:
        model = ProtectionExtension

    deal = factory.SubFactory(DealFactory)
    tenant = factory.LazyAttribute(lambda o: o.deal.tenant)
    requested_until = datetime.date(2027, 6, 30)
    reason = "The customer's board meets in June."
