"""Writes of commission rule sets and their versions.

A version is never edited: "editing" is a new version from a date, prefilled from the current
one. A version that has produced amounts (`first_used_at`) must never change its results, so a
new version may not start on or before today where it would supersede a used one. Two
identical submits create one version: the rule set row is locked for the write, and the
unique keys (number, date) hold even if that lock were skipped.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels
from accounts.models import Tenant, User
from accounts.money import currency_code
from accounts.transactions import service
from programs.commission import RulesError, dump_rules, parse_rules, version_effective_on
from programs.models import CommissionRuleSet, CommissionRuleSetVersion, Program
from programs.selectors.commission import version_spec

register_action_labels(
    {
        "commission_rule_set.created": gettext_lazy("Commission rule set created"),
        "commission_rule_set_version.created": gettext_lazy("Commission rule set version created"),
        "commission_rule_set_version.deleted": gettext_lazy("Commission rule set version deleted"),
    }
)

MAX_NAME = 150


@service
def rule_set_create(
    *,
    tenant: Tenant,
    actor: User | None,
    program: Program,
    name: str,
    description: str = "",
    currency: str = "JPY",
) -> CommissionRuleSet:
    # SECURITY(tenant): the program must be this tenant's, whatever the caller resolved.
    if program.tenant_id != tenant.pk:
        raise ValidationError({"program": _("Choose a program of this vendor.")})
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("Enter a name.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("Use at most %(max)s characters.") % {"max": MAX_NAME}
    try:
        currency = currency_code(currency)
    except ValueError:
        errors["currency"] = _("Enter a currency code such as JPY or USD.")
    if errors:
        raise ValidationError(errors)
    taken = _("This program already has a rule set with this name.")
    if CommissionRuleSet.objects.filter(tenant=tenant, program=program, name__iexact=name).exists():
        raise ValidationError({"name": taken})
    try:
        rule_set = CommissionRuleSet.objects.create(
            tenant=tenant,
            program=program,
            name=name,
            description=(description or "").strip()[:2000],
            currency=currency,
        )
    except IntegrityError as error:
        # A concurrent submit of the same name won the race.
        raise ValidationError({"name": taken}) from error
    audit_record(
        tenant=tenant,
        actor=actor,
        action="commission_rule_set.created",
        target=rule_set,
        changes={"program": program.name, "name": name, "currency": currency},
    )
    return rule_set


def _locked_rule_set(tenant: Tenant, rule_set: CommissionRuleSet) -> CommissionRuleSet:
    # SECURITY(tenant): re-read inside this tenant; the lock serialises version writes.
    try:
        return CommissionRuleSet.objects.select_for_update().get(tenant=tenant, pk=rule_set.pk)
    except CommissionRuleSet.DoesNotExist as error:
        raise ValidationError(_("This rule set does not exist.")) from error


@service
def rule_set_version_create(
    *,
    tenant: Tenant,
    actor: User | None,
    rule_set: CommissionRuleSet,
    effective_from: datetime.date,
    rules: list,
    holding_days: int = 0,
    clawback_days: int = 0,
    note: str = "",
    today: datetime.date | None = None,
) -> CommissionRuleSetVersion:
    """A new version of the rule set from `effective_from`. ValidationError keys name the field:
    `effective_from`, `holding_days`, `clawback_days`, or a rule's path (`rules[1].rate`)."""
    rule_set = _locked_rule_set(tenant, rule_set)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    try:
        parsed = parse_rules(rules, rule_set.currency)
    except RulesError as error:
        errors.update(error.errors)
        parsed = None
    for field, value in (("holding_days", holding_days), ("clawback_days", clawback_days)):
        if not isinstance(value, int) or not 0 <= value <= 3650:
            errors[field] = _("Enter a number of days from 0 to 3650.")
    if effective_from is None:
        errors["effective_from"] = _("Enter the date this version applies from.")
    if errors:
        raise ValidationError(errors)
    stored = dump_rules(parsed)
    existing = list(CommissionRuleSetVersion.objects.filter(tenant=tenant, rule_set=rule_set))
    same_day = next((v for v in existing if v.effective_from == effective_from), None)
    if same_day is not None:
        if (same_day.rules, same_day.holding_days, same_day.clawback_days) == (
            stored,
            holding_days,
            clawback_days,
        ):
            # The second of two identical submits (a double click, a retried request).
            message = _("This version has already been saved as version %(number)s.") % {
                "number": same_day.number
            }
            raise ValidationError({"effective_from": ValidationError(message, code="duplicate")})
        raise ValidationError(
            {
                "effective_from": _(
                    "Version %(number)s already applies from this date: choose another date."
                )
                % {"number": same_day.number}
            }
        )
    if effective_from <= today:
        superseded = version_effective_on(
            [version_spec(v, rule_set) for v in existing], effective_from
        )
        used = next(
            (v for v in existing if superseded and v.pk == superseded.version_id and v.is_used),
            None,
        )
        if used is not None:
            raise ValidationError(
                {
                    "effective_from": _(
                        "Version %(number)s applies on that date and has already produced "
                        "amounts, which must not change: choose a date after today."
                    )
                    % {"number": used.number}
                }
            )
    number = max((v.number for v in existing), default=0) + 1
    try:
        version = CommissionRuleSetVersion.objects.create(
            tenant=tenant,
            rule_set=rule_set,
            number=number,
            effective_from=effective_from,
            rules=stored,
            holding_days=holding_days,
            clawback_days=clawback_days,
            note=(note or "").strip()[:300],
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
    except IntegrityError as error:
        raise ValidationError(
            {"effective_from": _("Another version was saved at the same moment: reload the page.")}
        ) from error
    audit_record(
        tenant=tenant,
        actor=actor,
        action="commission_rule_set_version.created",
        target=version,
        changes={
            "number": str(number),
            "effective_from": effective_from.isoformat(),
            "rules": str(len(stored)),
            "holding_days": str(holding_days),
            "clawback_days": str(clawback_days),
        },
    )
    return version


def version_may_be_deleted(
    version: CommissionRuleSetVersion, today: datetime.date | None = None
) -> bool:
    """Only a version that has produced nothing and has not started yet may go."""
    return not version.is_used and version.effective_from > (today or timezone.localdate())


@service
def rule_set_version_delete(
    *,
    tenant: Tenant,
    actor: User | None,
    version: CommissionRuleSetVersion,
    today: datetime.date | None = None,
) -> None:
    rule_set = _locked_rule_set(tenant, version.rule_set)
    try:
        version = CommissionRuleSetVersion.objects.get(
            tenant=tenant, rule_set=rule_set, pk=version.pk
        )
    except CommissionRuleSetVersion.DoesNotExist as error:
        raise ValidationError(_("This version has already been deleted.")) from error
    if not version_may_be_deleted(version, today):
        raise ValidationError(
            _("Only a future version that has produced no amounts can be deleted.")
        )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="commission_rule_set_version.deleted",
        target=version,
        changes={
            "number": str(version.number),
            "effective_from": version.effective_from.isoformat(),
        },
    )
    version.delete()


def versions_mark_used(*, tenant: Tenant, version_ids) -> int:
    """The versions have produced amounts (the ledger booked lines from them): from now on they
    may not be superseded on a past date or deleted. Runs inside the caller's transaction, so
    the mark and the amounts commit together; marking again changes nothing."""
    return CommissionRuleSetVersion.objects.filter(
        tenant=tenant, pk__in=set(version_ids), first_used_at__isnull=True
    ).update(first_used_at=timezone.now())
