"""KPI snapshots: one row per tenant, period and subject, one column per stored measure.

Rows hold only additive measures (counts, sums, and the sum and count behind every average),
so a tenant's or a program's row is the sum of its partners' rows and the ratios (win rate,
activation rate, lead times...) are derived when read (`insights.metrics`). The engine
(`insights.kpi`) writes them with set-based SQL upserts on the unique key; nothing else does.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Fiscal quarter")
    YEAR = "year", _("Fiscal year")


class SubjectKind(models.TextChoices):
    TENANT = "tenant", _("Whole channel")
    PROGRAM = "program", _("Program")
    PARTNER = "partner", _("Partner")
    REP = "rep", _("Partner rep")


def _count(verbose_name):
    return models.BigIntegerField(verbose_name, default=0, db_default=0)


def _amount(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=20, decimal_places=3, default=0, db_default=0
    )


def _days(verbose_name):
    # The sum of lead times in days, beside the count it averages over.
    return models.DecimalField(
        verbose_name, max_digits=20, decimal_places=4, default=0, db_default=0
    )


class KpiSnapshot(TenantModel):
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    # The first day of the period on the tenant's calendar (fiscal for quarters and years).
    period_start = models.DateField(_("period start"))
    subject_kind = models.CharField(_("subject"), max_length=8, choices=SubjectKind.choices)
    # The program, partner or rep id; 0 for the tenant itself.
    subject_id = models.BigIntegerField(_("subject id"), default=0)
    # The partner of a partner or rep row (what a partner admin may read); empty otherwise.
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    # Funnel: target accounts reaching each step in the period (deals.TargetAccountChange).
    accounts_listed = _count(_("target accounts listed"))
    requests = _count(_("by-name requests"))
    actions_agreed = _count(_("actions agreed"))
    actions_done = _count(_("actions done"))
    meetings_held = _count(_("meetings held"))
    accounts_converted = _count(_("converted to deals"))
    # Lead time of each step: days since the account's previous step, summed, and how many.
    requests_lead_days = _days(_("lead time to request (days, sum)"))
    requests_lead_n = _count(_("lead time to request (count)"))
    actions_agreed_lead_days = _days(_("lead time to agreement (days, sum)"))
    actions_agreed_lead_n = _count(_("lead time to agreement (count)"))
    actions_done_lead_days = _days(_("lead time to action done (days, sum)"))
    actions_done_lead_n = _count(_("lead time to action done (count)"))
    meetings_held_lead_days = _days(_("lead time to meeting (days, sum)"))
    meetings_held_lead_n = _count(_("lead time to meeting (count)"))
    accounts_converted_lead_days = _days(_("lead time to deal (days, sum)"))
    accounts_converted_lead_n = _count(_("lead time to deal (count)"))

    # Partner deals (deals.Deal with a partner), by the date of each event.
    deals_registered = _count(_("deals registered"))
    deals_approved = _count(_("deals approved"))
    deals_won = _count(_("deals won"))
    deals_lost = _count(_("deals lost"))
    revenue_one_time = _amount(_("one-time revenue"))
    revenue_recurring = _amount(_("monthly recurring revenue"))
    won_lead_days = _days(_("registration to won (days, sum)"))
    won_lead_n = _count(_("registration to won (count)"))

    # The vendor's own deals (no partner): on the tenant's rows only, for the revenue mix.
    direct_deals_won = _count(_("direct deals won"))
    direct_revenue_one_time = _amount(_("direct one-time revenue"))
    direct_revenue_recurring = _amount(_("direct monthly recurring revenue"))

    # Commission (payouts ledger): accrued by accrual date, paid by the statement's payment date.
    commission_accrued = _amount(_("commission accrued"))
    commission_paid = _amount(_("commission paid"))

    # Material (programs view log) and sign-ins (accounts).
    asset_views = _count(_("asset views"))
    asset_viewers = _count(_("distinct viewers"))
    sign_in_days = _count(_("days signed in"))

    # Reps (months, quarters and years): known in the period, reachable, active (signed in
    # or opened material in it), producing (registered a deal in it).
    reps_known = _count(_("reps known"))
    reps_reachable = _count(_("reps reachable"))
    reps_active = _count(_("reps active"))
    reps_producing = _count(_("reps producing"))

    # Cadence (partners with a contact interval, months and longer): contacts due in the
    # period and intervals in which a contact was logged.
    contacts_due = _count(_("contacts due"))
    contacts_on_time = _count(_("contacts on time"))

    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "subject_kind", "period_kind", "period_start", "subject_id"],
                name="kpi_snapshot_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "partner", "period_kind", "period_start"],
                name="kpi_snapshot_partner",
            ),
            # The API's list, newest period first (its default order).
            models.Index(
                fields=["tenant", "-period_start", "subject_kind", "subject_id", "period_kind"],
                name="kpi_snapshot_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind}:{self.subject_id} {self.period_kind} {self.period_start}"


# Every stored measure, in the order above: what the engine writes and the API can filter by.
MEASURES = tuple(
    field.name
    for field in KpiSnapshot._meta.concrete_fields
    if isinstance(field, models.BigIntegerField | models.DecimalField)
    and field.name not in {"id", "subject_id"}
)


class InsightsSettings(TenantModel):
    """The targets a tenant's dashboards measure against (one row per tenant, made on first
    save; until then the defaults apply)."""

    partner_share_target = models.DecimalField(
        _("target partner share of revenue (%)"),
        max_digits=5,
        decimal_places=1,
        default=40,
        help_text=_("The share of first-year revenue that partners should bring, e.g. 40."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("insights settings")
        verbose_name_plural = _("insights settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="insights_settings_once"),
            models.CheckConstraint(
                condition=models.Q(partner_share_target__gte=0)
                & models.Q(partner_share_target__lte=100),
                name="insights_share_target_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_share_target} %"
