"""The commission pages' forms: rule set, the version editor (one formset per rule kind) and
the preview of a hypothetical event.

The editor never shows JSON: each rule kind is a section of rows. `VersionEditor` turns the
rows into the version's rules list (the order of sections is the order of rules) and keeps,
for each rule, which row it came from, so an error the parser names by path
(`rules[3].brackets[1].from`) is shown next to that row's field.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from programs.commission import EventKind, RuleKind, SplitRole
from programs.commission.rules import (
    BracketsRule,
    FixedRule,
    PercentageRule,
    RecurringRule,
    SpiffRule,
    SplitRule,
)

SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}


def _decimal(label, **kwargs):
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=19,
        decimal_places=4,
        widget=forms.TextInput(attrs={**SMALL, "inputmode": "decimal"}),
        **kwargs,
    )


class RuleSetForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    name = forms.CharField(
        label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="JPY",
        help_text=_("ISO code such as JPY or USD; every amount of the rule set is in it."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocapitalize": "characters"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class VersionForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    holding_days = forms.IntegerField(
        label=_("Holding period (days)"),
        min_value=0,
        max_value=3650,
        initial=0,
        help_text=_("Days after the event before an amount becomes payable."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    clawback_days = forms.IntegerField(
        label=_("Clawback window (days)"),
        min_value=0,
        max_value=3650,
        initial=0,
        help_text=_("Days after the event during which a cancelled deal takes its amount back."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class RowForm(forms.Form):
    """A row of one section; a row left blank (or marked for removal) is not a rule."""

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("DELETE"):
            return True
        return all(value in (None, "") for key, value in data.items() if key != "DELETE")


class PercentageRow(RowForm):
    rate = _decimal(_("Rate (%)"))
    cap = _decimal(_("Cap (optional)"))


class FixedRow(RowForm):
    event = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", "---------"), *EventKind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    amount = _decimal(_("Amount"))


class RecurringRow(RowForm):
    rate = _decimal(_("Rate of MRR (%)"))
    months = forms.IntegerField(
        label=_("Months"), required=False, widget=forms.NumberInput(attrs=SMALL)
    )


class BracketRow(RowForm):
    from_amount = _decimal(_("From"))
    to_amount = _decimal(_("Up to (empty: no limit)"))
    rate = _decimal(_("Rate (%)"))


class SpiffRow(RowForm):
    name = forms.CharField(
        label=_("Bonus name"), required=False, max_length=100, widget=forms.TextInput(attrs=SMALL)
    )
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={**SMALL, "type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={**SMALL, "type": "date"})
    )
    product = forms.CharField(
        label=_("Product (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=SMALL),
    )
    min_amount = _decimal(_("Minimum deal amount (optional)"))
    amount = _decimal(_("Fixed bonus"))
    rate = _decimal(_("or rate (%)"))


class ShareRow(RowForm):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", "---------"), *SplitRole.choices],
        widget=forms.Select(attrs=SELECT),
    )
    share = _decimal(_("Share (%)"))


class SplitForm(forms.Form):
    remainder_role = forms.ChoiceField(
        label=_("Rounding remainder goes to"),
        required=False,
        choices=[("", "---------"), *SplitRole.choices],
        help_text=_("The role that receives the yen (or cent) rounding leaves."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _formset(form, prefix_extra=1):
    return formset_factory(form, extra=prefix_extra, can_delete=True, max_num=30, absolute_max=30)


# (prefix, section title, row form, the rule kind it writes, JSON name -> form field name)
SECTIONS = [
    ("percentage", RuleKind.PERCENTAGE.label, PercentageRow, RuleKind.PERCENTAGE, {}),
    ("fixed", RuleKind.FIXED.label, FixedRow, RuleKind.FIXED, {}),
    ("recurring", RuleKind.RECURRING.label, RecurringRow, RuleKind.RECURRING, {}),
    (
        "brackets",
        RuleKind.BRACKETS.label,
        BracketRow,
        RuleKind.BRACKETS,
        {"from": "from_amount", "to": "to_amount"},
    ),
    ("spiff", RuleKind.SPIFF.label, SpiffRow, RuleKind.SPIFF, {}),
    ("shares", RuleKind.SPLIT.label, ShareRow, RuleKind.SPLIT, {}),
]
PATH = re.compile(r"^rules\[(\d+)\](?:\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?)?$")


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


class VersionEditor:
    """The version form, a formset per rule kind and the split's remainder role, as one."""

    def __init__(self, data=None, *, initial_version=None, initial_rules=()):
        self.version_form = VersionForm(data, initial=initial_version or {})
        initial = _initial_rows(initial_rules)
        self.formsets = {
            prefix: _formset(row)(data, prefix=prefix, initial=initial.get(prefix))
            for prefix, _title, row, _kind, _names in SECTIONS
        }
        split = next((rule for rule in initial_rules if isinstance(rule, SplitRule)), None)
        self.split_form = SplitForm(
            data, prefix="split", initial={"remainder_role": split.remainder_role if split else ""}
        )
        self.non_field_errors: list[str] = []
        self.origins: list[tuple[str, int | None, list[int]]] = []

    def sections(self):
        return [
            {"prefix": prefix, "title": title, "formset": self.formsets[prefix]}
            for prefix, title, _row, _kind, _names in SECTIONS
        ]

    def is_valid(self) -> bool:
        results = [self.version_form.is_valid(), self.split_form.is_valid()]
        results += [formset.is_valid() for formset in self.formsets.values()]
        return all(results)

    def rules(self) -> list[dict]:
        """The rules list the rows describe; `origins` remembers where each rule came from."""
        rules: list[dict] = []
        self.origins = []

        def rows(prefix):
            return [
                (index, form.cleaned_data)
                for index, form in enumerate(self.formsets[prefix].forms)
                if not form.is_blank()
            ]

        for prefix, kind in (
            ("percentage", "percentage"),
            ("fixed", "fixed"),
            ("recurring", "recurring"),
        ):
            for index, data in rows(prefix):
                rule = {"kind": kind}
                rule.update({key: _text(value) for key, value in data.items() if key != "DELETE"})
                if kind == "recurring":
                    rule["months"] = data.get("months")
                rules.append(rule)
                self.origins.append((prefix, index, []))
        brackets = rows("brackets")
        if brackets:
            rules.append(
                {
                    "kind": "brackets",
                    "brackets": [
                        {
                            "from": _text(data.get("from_amount")),
                            "to": _text(data.get("to_amount")),
                            "rate": _text(data.get("rate")),
                        }
                        for _index, data in brackets
                    ],
                }
            )
            self.origins.append(("brackets", None, [index for index, _data in brackets]))
        for index, data in rows("spiff"):
            rule = {"kind": "spiff"}
            rule.update({key: _text(value) for key, value in data.items() if key != "DELETE"})
            rules.append(rule)
            self.origins.append(("spiff", index, []))
        shares = rows("shares")
        if shares or self.split_form.cleaned_data.get("remainder_role"):
            rules.append(
                {
                    "kind": "split",
                    "shares": [
                        {"role": data.get("role") or None, "share": _text(data.get("share"))}
                        for _index, data in shares
                    ],
                    "remainder_role": self.split_form.cleaned_data.get("remainder_role") or None,
                }
            )
            self.origins.append(("shares", None, [index for index, _data in shares]))
        return rules

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Put each of the service's errors next to the field it names."""
        names = {prefix: mapping for prefix, _t, _r, _k, mapping in SECTIONS}
        for path, messages in errors.items():
            for message in messages:
                self._add_error(path, message, names)

    def _add_error(self, path: str, message: str, names) -> None:
        if path in self.version_form.fields:
            self.version_form.add_error(path, message)
            return
        match = PATH.match(path)
        if not match or int(match.group(1)) >= len(self.origins):
            self.non_field_errors.append(message)
            return
        prefix, row_index, child_rows = self.origins[int(match.group(1))]
        field, child, child_field = match.group(2), match.group(3), match.group(4)
        formset = self.formsets[prefix]
        if child is not None and int(child) < len(child_rows):
            form = formset.forms[child_rows[int(child)]]
            name = names[prefix].get(child_field, child_field)
            form.add_error(name if name in form.fields else None, message)
        elif prefix == "shares" and field == "remainder_role":
            self.split_form.add_error("remainder_role", message)
        elif row_index is not None and field in formset.forms[row_index].fields:
            formset.forms[row_index].add_error(field, message)
        else:
            # The section as a whole: no brackets, shares not adding up, a second split.
            formset.non_form_errors().append(message)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.non_field_errors
            or self.version_form.errors
            or self.split_form.errors
            or any(not formset.is_valid() for formset in self.formsets.values())
            or any(formset.non_form_errors() for formset in self.formsets.values())
        )


def _initial_rows(rules) -> dict[str, list[dict]]:
    """The rows that show an existing version's rules (the editor starts from the current one)."""
    rows: dict[str, list[dict]] = {prefix: [] for prefix, *_rest in SECTIONS}
    for rule in rules:
        if isinstance(rule, PercentageRule):
            rows["percentage"].append({"rate": rule.rate, "cap": rule.cap})
        elif isinstance(rule, FixedRule):
            rows["fixed"].append({"event": rule.event, "amount": rule.amount})
        elif isinstance(rule, RecurringRule):
            rows["recurring"].append({"rate": rule.rate, "months": rule.months})
        elif isinstance(rule, BracketsRule):
            rows["brackets"] += [
                {"from_amount": b.lower, "to_amount": b.upper, "rate": b.rate}
                for b in rule.brackets
            ]
        elif isinstance(rule, SpiffRule):
            rows["spiff"].append(
                {
                    "name": rule.name,
                    "starts_on": rule.starts_on,
                    "ends_on": rule.ends_on,
                    "product": rule.product,
                    "min_amount": rule.min_amount,
                    "amount": rule.amount,
                    "rate": rule.rate,
                }
            )
        elif isinstance(rule, SplitRule):
            rows["shares"] += [{"role": s.role, "share": s.share} for s in rule.shares]
    return rows


class PreviewForm(forms.Form):
    """A hypothetical event to price (read with GET: previewing writes nothing)."""

    rule_set = forms.ModelChoiceField(
        label=_("Rule set"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    date = forms.DateField(
        label=_("Event date"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    event_kind = forms.ChoiceField(
        label=_("Event"),
        choices=EventKind.choices,
        initial=EventKind.DEAL_WON,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = forms.DecimalField(
        label=_("Deal amount"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=3,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    mrr = forms.DecimalField(
        label=_("MRR"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=3,
        help_text=_("Monthly recurring revenue, for recurring rules."),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    product = forms.CharField(
        label=_("Product"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    cumulative_revenue = forms.DecimalField(
        label=_("Partner's revenue this fiscal year before this deal"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=3,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    partner_role = forms.ChoiceField(
        label=_("Partner's role"),
        choices=SplitRole.choices,
        initial=SplitRole.CLOSES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    second_partner_role = forms.ChoiceField(
        label=_("Second partner's role (optional)"),
        required=False,
        choices=[("", "---------"), *SplitRole.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, rule_sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].queryset = rule_sets
        self.fields["rule_set"].label_from_instance = lambda rs: f"{rs.program.name} — {rs.name}"

    def clean(self):
        data = super().clean()
        first, second = data.get("partner_role"), data.get("second_partner_role")
        if first and second and first == second:
            self.add_error(
                "second_partner_role", _("Choose a role other than the first partner's.")
            )
        return data
