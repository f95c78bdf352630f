"""Fixtures of the deals tests: a partner whose rep may register (a current contract in a
program whose terms the partner accepted), and a second partner of the same tenant."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Membership
from accounts.roles import Role
from partners.models import Partner, PartnerRep
from programs.models import PartnerContract, Program, ProgramTerms, Tier
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    ProgramTermsFactory,
    TierFactory,
)


@dataclass
class Seller:
    partner: Partner
    rep_member: Membership
    rep: PartnerRep
    program: Program
    contract: PartnerContract


def make_seller(tenant, member_factory, *, accepted: bool = True, program=None, name="") -> Seller:
    owner = member_factory(tenant, Role.PARTNER_MANAGER)
    partner = PartnerFactory(tenant=tenant, owner=owner, **({"display_name": name} if name else {}))
    rep_member, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    if program is None:
        program = ProgramFactory(tenant=tenant, protection_days=90)
        tier = TierFactory(tenant=tenant, program=program)
        terms = ProgramTermsFactory(program=program)
    else:
        with scopes_disabled():
            tier = Tier.objects.filter(program=program).first()
            terms = ProgramTerms.objects.filter(program=program).first()
    contract = PartnerContractFactory(
        tenant=tenant,
        partner=partner,
        tier=tier,
        terms=terms,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
        terms_accepted_at=timezone.now() if accepted else None,
    )
    return Seller(partner, rep_member, rep, program, contract)


@pytest.fixture
def seller(tenant, member_factory):
    return make_seller(tenant, member_factory)


@pytest.fixture
def rival(tenant, member_factory, seller):
    """Another partner of the same tenant, in the same program."""
    return make_seller(tenant, member_factory, program=seller.program)
