"""Who sees a piece of content chosen "by program and tier" (library assets, announcements).

One rule for every kind of content, read by the portal:
- no program chosen: every partner of the tenant;
- programs chosen: partners with a current contract in one of them; where tiers of that
  program are chosen too, only at one of those tiers (a chosen program with none of its tiers
  chosen shows to all of its tiers).

A content model takes part by having two link tables, one to Program and one to Tier, each
with a foreign key to the content; `visible_q` builds the filter from their names.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from accounts.models import Tenant
from partners.models import Partner
from programs.models import ContractStatus, PartnerContract

CURRENT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.EXPIRING)


@dataclass(frozen=True)
class Placement:
    """Where a partner stands: the programs it has a current contract in, at which tiers."""

    # Sets, or (partner_placement_subquery) querysets of ids.
    program_ids: frozenset[int]
    tier_ids: frozenset[int]


def partner_placement(*, tenant: Tenant, partner: Partner) -> Placement:
    """The partner's current contracts' programs and tiers (one query)."""
    rows = PartnerContract.objects.filter(
        tenant=tenant, partner=partner, status__in=CURRENT_STATUSES
    ).values_list("program_id", "tier_id")
    return Placement(
        program_ids=frozenset(program for program, _tier in rows),
        tier_ids=frozenset(tier for _program, tier in rows if tier is not None),
    )


def partner_placement_subquery(*, tenant: Tenant, partner: Partner) -> Placement:
    """The same placement as `partner_placement`, as subqueries instead of sets: a filter
    built from it runs in the one query that uses it (the portal's unread badge)."""
    contracts = PartnerContract.objects.filter(
        tenant=tenant, partner=partner, status__in=CURRENT_STATUSES
    )
    return Placement(
        program_ids=contracts.values("program_id"),
        tier_ids=contracts.filter(tier__isnull=False).values("tier_id"),
    )


def visible_q(placement: Placement, *, program_link, tier_link, content_field: str) -> Q:
    """The filter on a content queryset that keeps what `placement` may see.

    `program_link`/`tier_link` are the link models (with `program`/`tier` foreign keys) and
    `content_field` the name of their foreign key to the content (e.g. "asset")."""
    any_program = program_link.objects.filter(**{content_field: OuterRef("pk")})
    # Inside a link row of a chosen program: the content's chosen tiers of that program.
    tiers_of_program = tier_link.objects.filter(
        **{content_field: OuterRef(content_field)}, tier__program_id=OuterRef("program_id")
    )
    # A chosen program of the partner's where either none of the program's tiers is chosen
    # or the partner's tier is.
    reached = any_program.filter(program_id__in=placement.program_ids).filter(
        ~Exists(tiers_of_program.values("pk"))
        | Exists(tiers_of_program.filter(tier_id__in=placement.tier_ids).values("pk"))
    )
    return ~Exists(any_program.values("pk")) | Exists(reached.values("pk"))
