"""What a partner achieved over a window, as tier requirements measure it.

Programs judges tiers on meetings held, won deals, revenue and certified reps, but those
figures live in apps above it (deals, and later training): programs may not import them
(imports flow accounts <- partners <- programs <- deals ...). So programs defines the question
here, and a higher app answers it by registering a provider from its AppConfig.ready():

    from programs.selectors.tier_figures import register_tier_figures_provider
    register_tier_figures_provider("deals", deal_tier_figures)

A provider is `provider(*, tenant, partner, since, until) -> TierFiguresPart`, the figures it
knows (the others left None). `tier_figures` adds every provider's part; with no provider
registered (today) every figure is zero, and `providers` says nobody measured, so the tier
evaluation can say so instead of presenting zeros as facts.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Tenant
from accounts.money import Money
from partners.models import Partner


@dataclass(frozen=True)
class TierFiguresPart:
    """One provider's answer: None for a figure it does not measure."""

    meetings_held: int | None = None
    won_deals: int | None = None
    revenue: Money | None = None
    certified_reps: int | None = None


@dataclass(frozen=True)
class TierFigures:
    """A partner's figures over [since, until], both dates included."""

    meetings_held: int
    won_deals: int
    revenue: Money
    certified_reps: int
    # Keys of the providers that answered; empty: nothing measured these figures yet.
    providers: tuple[str, ...] = field(default=())

    @property
    def is_measured(self) -> bool:
        return bool(self.providers)


TierFiguresProvider = Callable[..., TierFiguresPart]

_providers: dict[str, TierFiguresProvider] = {}


def register_tier_figures_provider(key: str, provider: TierFiguresProvider) -> None:
    """Called once per app from its ready(); registering the same provider again is harmless,
    another one under a taken key is a mistake."""
    known = _providers.get(key)
    if known is not None and known is not provider:
        raise ValueError(f"a tier figures provider is already registered as {key!r}")
    _providers[key] = provider


def unregister_tier_figures_provider(key: str) -> None:
    _providers.pop(key, None)


def tier_figures(
    *, tenant: Tenant, partner: Partner, since: datetime.date, until: datetime.date
) -> TierFigures:
    """The sum of every registered provider's figures for the partner; zeros when none is."""
    if partner.tenant_id != tenant.pk:
        # SECURITY(tenant): figures are only ever asked for the tenant's own partner.
        raise ValueError("the partner belongs to another tenant")
    if until < since:
        raise ValueError("the window ends before it starts")
    meetings = won = certified = 0
    revenue = Money(Decimal(0), tenant.base_currency)
    answered = []
    for key, provider in sorted(_providers.items()):
        part = provider(tenant=tenant, partner=partner, since=since, until=until)
        answered.append(key)
        meetings += part.meetings_held or 0
        won += part.won_deals or 0
        certified += part.certified_reps or 0
        if part.revenue is not None:
            revenue = revenue + part.revenue
    return TierFigures(
        meetings_held=meetings,
        won_deals=won,
        revenue=revenue,
        certified_reps=certified,
        providers=tuple(answered),
    )
