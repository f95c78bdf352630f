"""Factories for partners. Children take their parent's tenant, so no fixture spans two."""

import factory
from django_scopes import scopes_disabled

from accounts.roles import Role
from partners.choices import ActivityKind, ProspectSource
from partners.models import (
    Activity,
    LostReason,
    Partner,
    PartnerRep,
    PartnerType,
    Prospect,
)
from partners.services.engagement import partner_last_contact_refresh
from partners.services.recruitment import prospect_fit_scores_refresh
from partners.validators import search_key
from tests.factories.accounts import MembershipFactory, TenantFactory, TenantOwnedFactory


class PartnerTypeFactory(TenantOwnedFactory):
    class Meta:
        model = PartnerType

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Partner type {n}")


class PartnerFactory(TenantOwnedFactory):
    class Meta:
        model = Partner

    tenant = factory.SubFactory(TenantFactory)
    legal_name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    legal_name_kana = factory.Sequence(lambda n: f"テスト{n}")
    display_name = factory.Sequence(lambda n: f"Test Partner {n}")
    corporate_number = ""
    search_text = factory.LazyAttribute(
        lambda o: search_key(o.legal_name, o.legal_name_kana, o.display_name, o.corporate_number)
    )


class PartnerRepFactory(TenantOwnedFactory):
    class Meta:
        model = PartnerRep

    partner = factory.SubFactory(PartnerFactory)
    tenant = factory.LazyAttribute(lambda o: o.partner.tenant)
    full_name = factory.Sequence(lambda n: f"Rep {n}")
    email = factory.Sequence(lambda n: f"rep{n}@partner.example.test")


def portal_membership_for(partner: Partner, role: str = Role.PARTNER_REP, **rep_fields):
    """A portal login linked to `partner` through a rep: what the portal needs to find it."""
    membership = MembershipFactory(tenant=partner.tenant, role=role)
    rep = PartnerRepFactory(
        partner=partner, membership=membership, email=membership.user.email, **rep_fields
    )
    return membership, rep


class ActivityFactory(TenantOwnedFactory):
    class Meta:
        model = Activity

    partner = factory.SubFactory(PartnerFactory)
    tenant = factory.LazyAttribute(lambda o: o.partner.tenant)
    kind = ActivityKind.REGULAR_MEETING
    notes = "Talked about the next quarter."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        activity = super()._create(model_class, *args, **kwargs)
        # The factory writes around the activity services, like the bulk loaders: it keeps
        # the partner's stored last contact the same way they do.
        with scopes_disabled():
            partner_last_contact_refresh(tenant=activity.tenant, partner_ids=[activity.partner_id])
            activity.partner.refresh_from_db(fields=["last_contact_on"])
        return activity


class LostReasonFactory(TenantOwnedFactory):
    class Meta:
        model = LostReason

    tenant = factory.SubFactory(TenantFactory)
    label = factory.Sequence(lambda n: f"Lost reason {n}")


class ProspectFactory(TenantOwnedFactory):
    class Meta:
        model = Prospect

    tenant = factory.SubFactory(TenantFactory)
    company_name = factory.Sequence(lambda n: f"Prospect Company {n}")
    source = ProspectSource.OUTBOUND
    contact_name = factory.Sequence(lambda n: f"Contact {n}")
    contact_email = factory.Sequence(lambda n: f"contact{n}@prospect.example.test")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The services store a new prospect's fit to the persona; so does the factory.
        prospect = super()._create(model_class, *args, **kwargs)
        with scopes_disabled():
            prospect_fit_scores_refresh(tenant=prospect.tenant, prospects=[prospect])
        return prospect
