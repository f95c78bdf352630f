"""The commission engine: rule kinds (rules.py) and the one calculator (calculator.py).

Nothing else in the product computes commission: the preview page, the API and (later) the
ledger all call `calculate`. It is pure, so it is tested without a database.
"""

from programs.commission.calculator import (
    CommissionEvent,
    CommissionLine,
    CommissionResult,
    EventError,
    Explanation,
    VersionSpec,
    calculate,
    version_effective_on,
)
from programs.commission.rules import (
    EventKind,
    RuleKind,
    RulesError,
    SplitRole,
    dump_rules,
    parse_rules,
)

__all__ = [
    "CommissionEvent",
    "CommissionLine",
    "CommissionResult",
    "EventError",
    "EventKind",
    "Explanation",
    "RuleKind",
    "RulesError",
    "SplitRole",
    "VersionSpec",
    "calculate",
    "dump_rules",
    "parse_rules",
    "version_effective_on",
]
