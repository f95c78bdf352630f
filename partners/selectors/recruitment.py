"""Reads of the recruitment pipeline: prospects, persona fit, stage history, the report.

Tenant explicit; another tenant's prospect or lost reason is a 404.
"""

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Greatest, RowNumber
from django.db.models.lookups import Contains
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.models import Tenant
from partners.choices import (
    OPEN_PROSPECT_STAGES,
    CustomerSegment,
    Industry,
    Prefecture,
    ProspectSource,
    ProspectStage,
)
from partners.models import (
    LostReason,
    PartnerPersona,
    Prospect,
    ProspectStageChange,
)
from partners.validators import search_key

# The order prospects move in; lost leaves the path anywhere, signed ends it.
STAGE_ORDER = (*OPEN_PROSPECT_STAGES, ProspectStage.SIGNED)
CLOSED_STAGES = (ProspectStage.SIGNED, ProspectStage.LOST)


# --- Fetch ------------------------------------------------------------------------------------


def prospect_get(*, tenant: Tenant, prospect_id: int) -> Prospect:
    queryset = Prospect.objects.filter(tenant=tenant).select_related(
        "owner__user", "lost_reason", "partner", "partner_type"
    )
    return get_object_or_404(queryset, pk=prospect_id)


def lost_reason_get(*, tenant: Tenant, lost_reason_id: int) -> LostReason:
    return get_object_or_404(LostReason.objects.filter(tenant=tenant), pk=lost_reason_id)


def lost_reasons(*, tenant: Tenant) -> QuerySet[LostReason]:
    return LostReason.objects.filter(tenant=tenant).annotate(
        prospect_count=Count("prospects", filter=Q(prospects__tenant=tenant))
    )


def persona_get(*, tenant: Tenant) -> PartnerPersona | None:
    return PartnerPersona.objects.filter(tenant=tenant).first()


# --- Pipeline ---------------------------------------------------------------------------------

# Sort keys of the table -> order_by fields ("fit" is the stored fit score, Prospect.fit_score).
PROSPECT_SORTS = {
    "company": ("company_name_kana", "company_name", "id"),
    "stage": ("stage", "id"),
    "source": ("source", "id"),
    "created": ("created_at", "id"),
    "in_stage": ("stage_changed_at", "id"),
}


def prospect_list_filtered(
    *,
    tenant: Tenant,
    query: str = "",
    source: str = "",
    owner_id: int | None = None,
    stage: str = "",
    sort: str = "-created",
    persona: PartnerPersona | None = None,
) -> QuerySet[Prospect]:
    """The tenant's prospects, searched, filtered and sorted in the database. Sorting by "fit"
    needs the tenant's `persona` (without one, or when it sets nothing, it sorts by date)."""
    # The board and the table show neither the signed partner nor the long texts: loading the
    # partner's some 40 columns and the message with every card made a page cost more.
    queryset = (
        Prospect.objects.filter(tenant=tenant)
        .select_related("owner__user", "lost_reason")
        .defer("message", "lost_note", "search_text", "products_key")
    )
    key = search_key(query or "")
    if key:
        # Width-, case- and kana-blind like the partner directory: search_text is SearchKey of
        # the names, stored by PostgreSQL, under the trigram index prospect_search_trgm.
        queryset = queryset.filter(search_text__contains=key)
    if source:
        queryset = queryset.filter(source=source)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if stage:
        queryset = queryset.filter(stage=stage)
    descending = sort.startswith("-")
    if sort.lstrip("-") == "fit" and prospect_fit_score(persona) is not None:
        # The fit is stored per prospect (Prospect.fit_score, kept by the recruitment services)
        # and read in order from prospect_tenant_fit: no prospect is scored per request.
        order = [F("fit_score"), F("id")]
        return queryset.order_by(*[o.desc() if descending else o.asc() for o in order])
    fields = PROSPECT_SORTS.get(sort.lstrip("-"), PROSPECT_SORTS["created"])
    if descending:
        fields = tuple(f"-{f}" for f in fields)
    return queryset.order_by(*fields)


def _order_expression(name):
    """An order_by entry ("-created_at", or an expression) as an expression a window takes."""
    if not isinstance(name, str):
        return name
    return F(name[1:]).desc() if name.startswith("-") else F(name).asc()


def board_cards(queryset: QuerySet[Prospect], *, limit: int) -> dict[str, list[Prospect]]:
    """The first `limit` prospects of every stage, in the filtered list's order, by stage.

    Two queries whatever the number of columns: the ids (a row number per stage, read in order
    from prospect_stage_created in the default order), then those rows with their owners. A
    query per column compiled the same joins six times; one query ranking the full rows joined
    and hashed every prospect (PostgreSQL cannot tell how few rows the rank leaves)."""
    order = [_order_expression(name) for name in queryset.query.order_by]
    first_ids = list(
        queryset.order_by()
        .annotate(board_rank=Window(RowNumber(), partition_by=[F("stage")], order_by=order))
        .filter(board_rank__lte=limit)
        .values_list("pk", flat=True)
    )
    columns: dict[str, list[Prospect]] = defaultdict(list)
    if first_ids:
        for prospect in queryset.filter(pk__in=first_ids):
            columns[prospect.stage].append(prospect)
    return columns


def stage_counts(queryset: QuerySet[Prospect]) -> list[dict]:
    """[{stage, label, count}] for every stage in pipeline order, zeros included."""
    counts = dict(queryset.order_by().values_list("stage").annotate(n=Count("id")))
    return [
        {"stage": stage.value, "label": stage.label, "count": counts.get(stage.value, 0)}
        for stage in (*STAGE_ORDER, ProspectStage.LOST)
    ]


# --- Persona fit ------------------------------------------------------------------------------


@dataclass
class Fit:
    score: int
    reasons: list[str] = field(default_factory=list)
    # One entry per criterion the persona sets: (matched?, sentence).
    checks: list[tuple[bool, str]] = field(default_factory=list)

    @property
    def stars(self) -> int:
        """0–5 stars for a compact display."""
        return round(self.score / 20)


def choice_labels(values: Iterable[str], choices) -> str:
    """The display labels of stored choice values, comma-separated. `choices` is a list of
    pairs or a choices class (its value -> label dict is then built once per process)."""
    names = _label_dict(choices) if isinstance(choices, type) else dict(choices)
    return ", ".join(str(names.get(v, v)) for v in values)


@functools.cache
def _label_dict(choices_class) -> dict:
    # The labels stay lazy: each is translated when shown, in the language of the request.
    return dict(choices_class.choices)


def _keywords(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,、，;／/\n]+", text or "") if part.strip()]


def prospect_fit(*, persona: PartnerPersona | None, prospect) -> Fit | None:
    """How well `prospect` fits the tenant's ideal partner: 0–100 and the reasons why.

    Each criterion the persona sets weighs the same; a criterion the persona leaves empty is
    skipped. Unknown values on the prospect count as not matching (and say so). Returns None
    when there is no persona or it sets nothing.
    """
    if persona is None:
        return None
    checks: list[tuple[float, str]] = []

    # The three sentences arrive untranslated (gettext_noop) and only the one said is
    # translated: the board computes the fit of some 70 cards, three criteria each.
    def overlap(wanted, have, choices, matched_text, missed_text, unknown_text):
        if not wanted:
            return
        common = [v for v in wanted if v in set(have or [])]
        if common:
            checks.append((1.0, _(matched_text) % {"values": choice_labels(common, choices)}))
        elif not have:
            checks.append((0.0, _(unknown_text)))
        else:
            checks.append((0.0, _(missed_text) % {"values": choice_labels(wanted, choices)}))

    overlap(
        persona.ideal_industries,
        prospect.industries,
        Industry,
        gettext_noop("Sells to the industries you want: %(values)s."),
        gettext_noop("Does not sell to your ideal industries (%(values)s)."),
        gettext_noop("Industries unknown."),
    )
    overlap(
        persona.customer_segments,
        prospect.customer_segments,
        CustomerSegment,
        gettext_noop("Serves your customer segments: %(values)s."),
        gettext_noop("Serves other customer segments than yours (%(values)s)."),
        gettext_noop("Customer segments unknown."),
    )
    overlap(
        persona.ideal_prefectures,
        prospect.prefectures,
        Prefecture,
        gettext_noop("Covers your regions: %(values)s."),
        gettext_noop("Covers none of your regions (%(values)s)."),
        gettext_noop("Regions unknown."),
    )

    low, high = persona.min_employee_count, persona.max_employee_count
    if low is not None or high is not None:
        count = prospect.employee_count
        if low is not None and high is not None:
            wanted = _("%(low)s–%(high)s employees") % {"low": low, "high": high}
        elif low is not None:
            wanted = _("at least %(low)s employees") % {"low": low}
        else:
            wanted = _("at most %(high)s employees") % {"high": high}
        if count is None:
            checks.append(
                (0.0, _("Employee count unknown (you want %(range)s).") % {"range": wanted})
            )
        elif (low is None or count >= low) and (high is None or count <= high):
            checks.append(
                (
                    1.0,
                    _("%(count)s employees: within %(range)s.") % {"count": count, "range": wanted},
                )
            )
        else:
            checks.append(
                (
                    0.0,
                    _("%(count)s employees: outside %(range)s.")
                    % {"count": count, "range": wanted},
                )
            )

    minimum = persona.min_sales_headcount
    if minimum is not None:
        headcount = prospect.sales_headcount
        if headcount is None:
            checks.append(
                (0.0, _("Sales headcount unknown (you want at least %(min)s).") % {"min": minimum})
            )
        elif headcount >= minimum:
            checks.append(
                (
                    1.0,
                    ngettext(
                        "%(count)s salesperson: at least %(min)s.",
                        "%(count)s salespeople: at least %(min)s.",
                        headcount,
                    )
                    % {"count": headcount, "min": minimum},
                )
            )
        else:
            checks.append(
                (
                    0.0,
                    ngettext(
                        "Only %(count)s salesperson (you want at least %(min)s).",
                        "Only %(count)s salespeople (you want at least %(min)s).",
                        headcount,
                    )
                    % {"count": headcount, "min": minimum},
                )
            )

    keywords = _keywords(persona.products_handled)
    if keywords:
        handled = search_key(prospect.products_handled or "")
        found = [k for k in keywords if search_key(k) and search_key(k) in handled]
        if not handled:
            checks.append((0.0, _("Products handled unknown.")))
        elif found:
            checks.append(
                (
                    len(found) / len(keywords),
                    _("Handles %(found)s (of %(wanted)s).")
                    % {"found": ", ".join(found), "wanted": ", ".join(keywords)},
                )
            )
        else:
            checks.append(
                (
                    0.0,
                    _("Handles none of the products you look for (%(wanted)s).")
                    % {"wanted": ", ".join(keywords)},
                )
            )

    if not checks:
        return None
    score = round(100 * sum(weight for weight, _text in checks) / len(checks))
    return Fit(
        score=score,
        reasons=[text for _weight, text in checks],
        checks=[(weight > 0, text) for weight, text in checks],
    )


def persona_is_set(persona: PartnerPersona | None) -> bool:
    if persona is None:
        return False
    return bool(
        persona.ideal_industries
        or persona.customer_segments
        or persona.ideal_prefectures
        or persona.min_employee_count is not None
        or persona.max_employee_count is not None
        or persona.min_sales_headcount is not None
        or _keywords(persona.products_handled)
    )


def _float(number: float) -> Cast:
    # A float literal is sent as "1.0", which PostgreSQL reads as numeric: the score summed in
    # numeric arithmetic over every prospect cost twice its sum in double precision.
    return Cast(Value(number), FloatField())


def _matches(condition) -> Case:
    return Case(When(condition, then=_float(1.0)), default=_float(0.0), output_field=FloatField())


def prospect_fit_score(persona: PartnerPersona | None) -> Expression | None:
    """prospect_fit's score (0–100, unrounded) as a SQL expression, so the prospect list sorts
    by fit in the database and paginates there. Criterion for criterion the same as
    prospect_fit (tests/partners/test_recruitment_selectors.py holds them together); None
    when the persona sets nothing."""
    if persona is None:
        return None
    checks: list[Expression] = []
    # ArrayField overlap (&&): one value in common matches; an empty array never overlaps.
    for wanted, column in (
        (persona.ideal_industries, "industries"),
        (persona.customer_segments, "customer_segments"),
        (persona.ideal_prefectures, "prefectures"),
    ):
        if wanted:
            checks.append(_matches(Q(**{f"{column}__overlap": list(wanted)})))
    low, high = persona.min_employee_count, persona.max_employee_count
    if low is not None or high is not None:
        in_range = Q(employee_count__isnull=False)
        if low is not None:
            in_range &= Q(employee_count__gte=low)
        if high is not None:
            in_range &= Q(employee_count__lte=high)
        checks.append(_matches(in_range))
    if persona.min_sales_headcount is not None:
        checks.append(_matches(Q(sales_headcount__gte=persona.min_sales_headcount)))
    keywords = _keywords(persona.products_handled)
    if keywords:
        # The share of the persona's keywords found in the products handled (search keys on
        # both sides, as prospect_fit compares them); nothing handled matches nothing.
        handled = F("products_key")  # SearchKey("products_handled"), stored
        found: Expression = _float(0.0)
        for keyword in keywords:
            key = search_key(keyword)
            if key:
                found = found + _matches(Contains(handled, key))
        checks.append(found / _float(len(keywords)))
    if not checks:
        return None
    score = checks[0]
    for check in checks[1:]:
        score = score + check
    return score * _float(100.0) / _float(len(checks))


# --- Stage history ----------------------------------------------------------------------------


@dataclass
class StageStay:
    stage: str
    label: str
    entered_at: datetime
    left_at: datetime | None
    changed_by: object
    from_stage: str

    @property
    def duration(self) -> timedelta:
        return (self.left_at or timezone.now()) - self.entered_at

    @property
    def days(self) -> int:
        return self.duration.days

    @property
    def is_current(self) -> bool:
        return self.left_at is None


def _stays(changes: list[ProspectStageChange]) -> list[StageStay]:
    labels = dict(ProspectStage.choices)
    stays = []
    for index, change in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        stays.append(
            StageStay(
                stage=change.to_stage,
                label=str(labels.get(change.to_stage, change.to_stage)),
                entered_at=change.changed_at,
                left_at=following.changed_at if following else None,
                changed_by=change.changed_by,
                from_stage=change.from_stage,
            )
        )
    return stays


def prospect_stage_history(*, tenant: Tenant, prospect: Prospect) -> list[StageStay]:
    """Each stay of the prospect in a stage, oldest first, with the time spent there."""
    changes = list(
        ProspectStageChange.objects.filter(tenant=tenant, prospect=prospect)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )
    stays = _stays(changes)
    if stays and stays[-1].stage in CLOSED_STAGES:
        # Signed or lost is where it ends: no time "spent" there.
        stays[-1].left_at = stays[-1].entered_at
    return stays


# --- Report -----------------------------------------------------------------------------------


class Median(Aggregate):
    """The median of a group (PostgreSQL's ordered-set aggregate), in double precision."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    """An interval in seconds, as double precision: EXTRACT(EPOCH ...) computes numeric (12,000
    Decimals at 5,000 prospects, or a cast on each), date_part the float itself."""

    template = "date_part('epoch', %(expressions)s)"
    output_field = FloatField()


def _furthest(reached: set[str]) -> int:
    """Index in STAGE_ORDER of the furthest stage reached (lost does not count)."""
    indexes = [STAGE_ORDER.index(s) for s in reached if s in STAGE_ORDER]
    return max(indexes) if indexes else 0


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def recruitment_report(*, tenant: Tenant, created_from=None, created_to=None) -> dict:
    """Conversion by source and by stage, and the time spent in each stage.

    A prospect "reached" a stage when it got there or beyond (skipping a stage forward still
    passes it); a lost prospect reached the stages before it dropped out. Time per stage counts
    the finished stays only (from entering a stage to the next move).
    """
    prospects = Prospect.objects.filter(tenant=tenant)
    if created_from:
        prospects = prospects.filter(created_at__date__gte=created_from)
    if created_to:
        prospects = prospects.filter(created_at__date__lte=created_to)
    prospects_queryset = prospects
    # Set-based and read from stored values: the furthest stage any move reached
    # (Prospect.furthest_stage_index) and the end of each stay (ProspectStageChange.left_at)
    # are kept by a trigger on every inserted move (migration 0010). A correlated subquery per
    # prospect and a window over every move, loaded into Python, made the page 5x the trivial
    # one at 10x data.
    current_index = Case(
        *[When(stage=stage, then=Value(i)) for i, stage in enumerate(STAGE_ORDER)],
        default=Value(0),
        output_field=IntegerField(),
    )
    groups = (
        prospects.order_by()
        # A prospect made at a stage without a move (an import, a factory) reached that stage.
        .annotate(furthest=Greatest(F("furthest_stage_index"), current_index))
        .values("stage", "source", "furthest")
        .annotate(count=Count("id"))
        .values_list("stage", "source", "furthest", "count")
    )
    # Each finished stay (from entering a stage to the next move) of an open stage, summed per
    # stage: count, mean and median in seconds (percentile_cont interpolates as
    # statistics.median does).
    moves = ProspectStageChange.objects.filter(
        tenant=tenant, left_at__isnull=False, to_stage__in=OPEN_PROSPECT_STAGES
    )
    if created_from or created_to:
        # Unfiltered, every move of the tenant counts: no semi-join with its prospects.
        moves = moves.filter(prospect_id__in=prospects_queryset.order_by().values("id"))
    seconds = EpochSeconds(F("left_at") - F("changed_at"))
    stay_rows = (
        moves.order_by()
        .values("to_stage")
        .annotate(
            stays=Count("id"),
            mean=Avg(seconds, output_field=FloatField()),
            median=Median(seconds),
        )
        .values_list("to_stage", "stays", "mean", "median")
    )
    stay_stats = {stage: (count, mean, median) for stage, count, mean, median in stay_rows}

    meeting_index = STAGE_ORDER.index(ProspectStage.MEETING)
    by_source: dict[str, dict] = {
        value: {"prospects": 0, "meeting": 0, "signed": 0, "lost": 0, "open": 0}
        for value in ProspectSource.values
    }
    reached_counts = dict.fromkeys(STAGE_ORDER, 0)
    lost_from = dict.fromkeys(STAGE_ORDER, 0)
    prospect_count = 0
    for stage, source, furthest, count in groups:
        prospect_count += count
        row = by_source.setdefault(
            source, {"prospects": 0, "meeting": 0, "signed": 0, "lost": 0, "open": 0}
        )
        row["prospects"] += count
        if furthest >= meeting_index:
            row["meeting"] += count
        if stage == ProspectStage.SIGNED:
            row["signed"] += count
        elif stage == ProspectStage.LOST:
            row["lost"] += count
            lost_from[STAGE_ORDER[furthest]] += count
        else:
            row["open"] += count
        for index in range(furthest + 1):
            reached_counts[STAGE_ORDER[index]] += count
    labels = dict(ProspectSource.choices)
    sources = []
    for value, row in by_source.items():
        if not row["prospects"]:
            continue
        sources.append(
            {
                "source": value,
                "label": str(labels.get(value, value)),
                **row,
                "meeting_rate": _percent(row["meeting"], row["prospects"]),
                "conversion": _percent(row["signed"], row["prospects"]),
                "win_rate": _percent(row["signed"], row["signed"] + row["lost"]),
            }
        )
    sources.sort(key=lambda r: (-r["prospects"], r["label"]))
    total = {
        key: sum(r[key] for r in sources)
        for key in ("prospects", "meeting", "signed", "lost", "open")
    }
    total["meeting_rate"] = _percent(total["meeting"], total["prospects"])
    total["conversion"] = _percent(total["signed"], total["prospects"])
    total["win_rate"] = _percent(total["signed"], total["signed"] + total["lost"])

    stage_labels = dict(ProspectStage.choices)
    stages = []
    for index, stage in enumerate(STAGE_ORDER):
        following = STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None
        stays, mean, median = stay_stats.get(stage, (0, None, None))
        stages.append(
            {
                "stage": stage,
                "label": str(stage_labels[stage]),
                "reached": reached_counts[stage],
                "reached_rate": _percent(reached_counts[stage], prospect_count),
                "next_label": str(stage_labels[following]) if following else "",
                "to_next": _percent(reached_counts[following], reached_counts[stage])
                if following
                else None,
                "lost_here": lost_from[stage],
                "stays": stays,
                "average_days": round(mean / 86400, 1) if stays else None,
                "median_days": round(median / 86400, 1) if stays else None,
            }
        )
    return {"sources": sources, "total": total, "stages": stages, "count": prospect_count}
