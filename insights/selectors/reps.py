"""Rep analytics: partner reps by material views (motivation) against results (domain.md §3,
"watch people, not companies"). Read from the KPI snapshots only (kpi_by_rep and
kpi_by_partner), so the page makes the same few queries whatever the size of the history.

The rules, stated once here and shown on the page:

- **Results** of a rep in the period: deals registered plus deals won (a deal registered and
  won in the same period counts twice: registering it was a result, winning it another).
  A rep with any result is *performing*.
- **Motivated**: the rep opened material at least as often as the median rep among the reps
  who opened any (the lower median, so at least half of the viewers count as motivated).
  Without any views, nobody is motivated.
- **Quadrants**: performing and motivated ("performing": learn from them, keep them);
  motivated but no result yet ("the people to support now"); performing without material;
  neither.
- **2:6:2 bands**, within each partner: its reps ranked by results, then first-year revenue,
  then views; the top 20 % (rounded, half up) of the ranking are the top band, but only reps
  with a result can be in it; as many reps again from the bottom of the ranking are the
  bottom band; everybody else is the middle. A partner with one or two reps has only a middle
  (and a top, for a rep with results when 20 % rounds to one: from three reps on).
- **Headroom** of a partner: reps known minus reps producing (registered a deal in the
  period), from the partner's own snapshot row.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from insights.selectors.snapshots import KpiFilter, kpi_by_partner, kpi_by_rep, resolved
from partners.models import Partner

PERFORMING, SUPPORT, WITHOUT_MATERIAL, NEITHER = (
    "performing",
    "support",
    "without_material",
    "neither",
)
QUADRANTS = {
    PERFORMING: (
        _("Performing"),
        _("Results and material views: learn from them, keep them."),
    ),
    SUPPORT: (
        _("Motivated, not yet performing"),
        _("They open material but have no result yet: the people to support now."),
    ),
    WITHOUT_MATERIAL: (
        _("Performing without material"),
        _("Results without opening much material: ask what they use instead."),
    ),
    NEITHER: (
        _("Neither"),
        _("No result and few views: not the place to start."),
    ),
}
TOP, MIDDLE, BOTTOM = "top", "middle", "bottom"
BANDS = {TOP: _("Top 20 %"), MIDDLE: _("Middle 60 %"), BOTTOM: _("Bottom 20 %")}
BAND_SHARE = Decimal("0.2")


@dataclass
class RepPoint:
    rep_id: int
    name: str
    partner_id: int
    partner_name: str
    owner: str
    views: int
    deals_registered: int
    deals_won: int
    revenue: Decimal
    meetings_held: int
    quadrant: str = NEITHER
    band: str = MIDDLE

    @property
    def results(self) -> int:
        return self.deals_registered + self.deals_won

    @property
    def is_performing(self) -> bool:
        return self.results > 0

    @property
    def quadrant_label(self):
        return QUADRANTS[self.quadrant][0]

    @property
    def band_label(self):
        return BANDS[self.band]

    def rank_key(self) -> tuple:
        # Best first: more results, more revenue, more views; the name keeps ties stable.
        return (-self.results, -self.revenue, -self.views, self.name, self.rep_id)


@dataclass
class PartnerBands:
    partner_id: int
    name: str
    owner: str
    reps: int
    top: int = 0
    middle: int = 0
    bottom: int = 0


@dataclass
class PartnerHeadroom:
    partner_id: int
    name: str
    owner: str
    known: int
    producing: int

    @property
    def headroom(self) -> int:
        return max(self.known - self.producing, 0)

    @property
    def coverage(self) -> Decimal | None:
        return Decimal(self.producing) / Decimal(self.known) if self.known else None


@dataclass
class QuadrantCount:
    key: str
    label: str
    help: str
    count: int
    share: Decimal | None


@dataclass
class RepDistribution:
    """Reps placed in quadrants and bands, and what the page draws from them."""

    reps: list[RepPoint]
    views_threshold: int
    quadrants: list[QuadrantCount]
    bands: list[PartnerBands]

    def of(self, quadrant: str, limit: int | None = None) -> list[RepPoint]:
        chosen = [rep for rep in self.reps if rep.quadrant == quadrant]
        chosen.sort(key=RepPoint.rank_key)
        return chosen[:limit] if limit else chosen

    @property
    def performing(self) -> list[RepPoint]:
        return self.of(PERFORMING)

    @property
    def support(self) -> list[RepPoint]:
        # The people to support now: the most motivated first.
        return sorted(self.of(SUPPORT), key=lambda rep: (-rep.views, rep.name, rep.rep_id))

    def band_totals(self) -> dict[str, int]:
        return {
            TOP: sum(b.top for b in self.bands),
            MIDDLE: sum(b.middle for b in self.bands),
            BOTTOM: sum(b.bottom for b in self.bands),
        }


@dataclass
class RepAnalytics:
    kpi_filter: KpiFilter
    distribution: RepDistribution
    headroom: list[PartnerHeadroom] = field(default_factory=list)

    @property
    def headroom_total(self) -> PartnerHeadroom:
        return PartnerHeadroom(
            0,
            str(_("All partners")),
            "",
            sum(h.known for h in self.headroom),
            sum(h.producing for h in self.headroom),
        )


def views_threshold(views: list[int]) -> int:
    """The views a rep needs to count as motivated: the lower median of the reps with any
    views (1 at least; with no views at all, nobody reaches it)."""
    positive = sorted(v for v in views if v > 0)
    if not positive:
        return 1
    return max(int(statistics.median_low(positive)), 1)


def quadrant_of(rep: RepPoint, threshold: int) -> str:
    motivated = rep.views > 0 and rep.views >= threshold
    if rep.is_performing:
        return PERFORMING if motivated else WITHOUT_MATERIAL
    return SUPPORT if motivated else NEITHER


def band_size(count: int) -> int:
    """20 % of a partner's reps, rounded half up (3 reps: 1; 2 reps: 0)."""
    return int(
        (Decimal(count) * BAND_SHARE + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR")
    )


def assign_bands(reps: list[RepPoint]) -> tuple[int, int, int]:
    """Bands of one partner's reps (set on each rep); returns (top, middle, bottom) counts."""
    ranked = sorted(reps, key=RepPoint.rank_key)
    size = band_size(len(ranked))
    top = [rep for rep in ranked[:size] if rep.is_performing]
    rest = ranked[len(top) :]
    bottom = rest[len(rest) - size :] if size else []
    for rep in ranked:
        rep.band = MIDDLE
    for rep in top:
        rep.band = TOP
    for rep in bottom:
        rep.band = BOTTOM
    return len(top), len(ranked) - len(top) - len(bottom), len(bottom)


def distribute(reps: list[RepPoint], partner_names: dict[int, tuple[str, str]]) -> RepDistribution:
    """Place each rep in its quadrant and its partner's band."""
    threshold = views_threshold([rep.views for rep in reps])
    for rep in reps:
        rep.quadrant = quadrant_of(rep, threshold)
    by_partner: dict[int, list[RepPoint]] = {}
    for rep in reps:
        by_partner.setdefault(rep.partner_id, []).append(rep)
    bands = []
    for partner_id, members in by_partner.items():
        top, middle, bottom = assign_bands(members)
        name, owner = partner_names.get(partner_id, (members[0].partner_name, members[0].owner))
        bands.append(PartnerBands(partner_id, name, owner, len(members), top, middle, bottom))
    bands.sort(key=lambda b: (-b.reps, b.name, b.partner_id))
    total = len(reps)
    quadrants = []
    for key, (label, help_text) in QUADRANTS.items():
        count = sum(1 for rep in reps if rep.quadrant == key)
        share = Decimal(count) / Decimal(total) if total else None
        quadrants.append(QuadrantCount(key, label, help_text, count, share))
    return RepDistribution(reps, threshold, quadrants, bands)


def partner_labels(*, tenant: Tenant, partner_ids) -> dict[int, tuple[str, str]]:
    """{partner id: (name, owner's name)} in one query."""
    rows = Partner.objects.filter(tenant=tenant, pk__in=list(partner_ids)).values(
        "pk",
        "legal_name",
        "display_name",
        "owner__user__full_name",
        "owner__user__email",
    )
    return {
        row["pk"]: (
            row["display_name"] or row["legal_name"],
            row["owner__user__full_name"] or row["owner__user__email"] or "",
        )
        for row in rows
    }


# The derived metrics a rep's point reads (its other figures are measures of the row).
REP_POINT_METRICS = ("revenue",)


def rep_points(rows: list[dict], labels: dict[int, tuple[str, str]]) -> list[RepPoint]:
    points = []
    for row in rows:
        partner_name, owner = labels.get(row["partner_id"], (row["partner_name"] or "", ""))
        points.append(
            RepPoint(
                rep_id=row["rep_id"],
                name=row["rep_name"] or "",
                partner_id=row["partner_id"],
                partner_name=partner_name,
                owner=owner,
                views=row["asset_views"],
                deals_registered=row["deals_registered"],
                deals_won=row["deals_won"],
                revenue=row["kpi"]["revenue"],
                meetings_held=row["meetings_held"],
            )
        )
    return points


def rep_analytics(*, tenant: Tenant, kpi_filter: KpiFilter) -> RepAnalytics:
    """Every rep of the filtered partners in the filter's period, in quadrants and bands, and
    each partner's headroom. Three queries: reps, partners, names and owners."""
    kpi_filter = resolved(tenant, kpi_filter)
    rep_rows = kpi_by_rep(tenant=tenant, kpi_filter=kpi_filter, codes=REP_POINT_METRICS)
    partner_rows = kpi_by_partner(tenant=tenant, kpi_filter=kpi_filter)
    labels = partner_labels(
        tenant=tenant,
        partner_ids={row["partner_id"] for row in rep_rows}
        | {row["partner_id"] for row in partner_rows},
    )
    distribution = distribute(rep_points(rep_rows, labels), labels)
    headroom = [
        PartnerHeadroom(
            row["partner_id"],
            labels.get(row["partner_id"], (row["name"], ""))[0],
            labels.get(row["partner_id"], ("", ""))[1],
            row["reps_known"],
            row["reps_producing"],
        )
        for row in partner_rows
        if row["reps_known"]
    ]
    headroom.sort(key=lambda h: (-h.headroom, h.name, h.partner_id))
    return RepAnalytics(kpi_filter, distribution, headroom)


def partner_rep_distribution(
    *, tenant: Tenant, kpi_filter: KpiFilter, partner: Partner, owner: str = ""
) -> RepDistribution:
    """One partner's reps in quadrants and bands (the scorecard): the views threshold is the
    median of this partner's reps. One query."""
    rows = kpi_by_rep(
        tenant=tenant,
        kpi_filter=KpiFilter(kpi_filter.period_kind, kpi_filter.period_start),
        partner_id=partner.pk,
        codes=REP_POINT_METRICS,
    )
    labels = {partner.pk: (partner.display_name or partner.legal_name, owner)}
    return distribute(rep_points(rows, labels), labels)
