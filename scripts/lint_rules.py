"""The project's own lint rules, beside ruff (`make lint`, and `make test` before pytest).

PRM001  `.raw(` or `.extra(` anywhere in app code: raw SQL escapes the tenant scope and the
        scoped managers; the kernel's few SQL statements go through `connection` (banned by
        ruff's TID251 outside the kernel).
PRM002  an ORM query in a view module (`*/views.py`, `*/views/*.py`, `*/api.py`, `*/api/*.py`):
        `.objects`, `.filter(`, `.exclude(`, ... and `get_object_or_404`. Views stay thin;
        every non-trivial read is a selector that takes the tenant explicitly (architecture.md).

Findings already in the code when the rule arrived are listed in BASELINE with their count per
file: the count may only go down. A file with more findings than its baseline fails; one with
fewer passes and asks for the number to be lowered. Usage: `python scripts/lint_rules.py [paths]`.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "partners", "programs", "deals", "payouts", "insights", "prm", "bench")
RAW_SQL_METHODS = {"raw", "extra"}
QUERY_METHODS = {
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "order_by",
    "values_list",
    "distinct",
    "defer",
}
QUERY_FUNCTIONS = {"get_object_or_404", "get_list_or_404"}

# path -> lines with PRM002 tolerated (they predate the rule; move them into selectors).
BASELINE: dict[str, int] = {}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


def is_view_module(path: PurePosixPath) -> bool:
    parts = path.parts
    return (
        path.name in {"views.py", "api.py"} or (len(parts) >= 2 and parts[-2] in {"views", "api"})
    ) and "tests" not in parts


def check_source(source: str, path: str) -> list[Finding]:
    posix = PurePosixPath(path)
    in_view = is_view_module(posix)
    findings: list[Finding] = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in RAW_SQL_METHODS:
                findings.append(
                    Finding(path, node.lineno, "PRM001", f"`.{method}(` bypasses the scoped ORM")
                )
            elif in_view and method in QUERY_METHODS:
                findings.append(
                    Finding(path, node.lineno, "PRM002", f"`.{method}(` in a view: use a selector")
                )
        elif in_view and isinstance(node, ast.Attribute) and node.attr == "objects":
            findings.append(
                Finding(path, node.lineno, "PRM002", "`.objects` in a view: use a selector")
            )
        elif (
            in_view
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in QUERY_FUNCTIONS
        ):
            findings.append(
                Finding(path, node.lineno, "PRM002", f"`{node.func.id}` in a view: use a selector")
            )
    # One finding per line and code: a chained query (`.objects.filter().order_by()`) is one.
    unique = {(f.line, f.code): f for f in reversed(findings)}
    return sorted(unique.values(), key=lambda f: (f.line, f.code))


def app_files(root: Path = ROOT) -> list[Path]:
    files = []
    for app in APPS:
        for file in sorted((root / app).rglob("*.py")):
            if "migrations" not in file.relative_to(root).parts:
                files.append(file)
    return files


def run(files: list[Path], root: Path = ROOT, baseline: dict[str, int] = BASELINE) -> list[str]:
    """The lines to print; those starting with "error" fail the run."""
    findings = []
    for file in files:
        relative = file.resolve().relative_to(root).as_posix()
        findings += check_source(file.read_text(encoding="utf-8"), relative)
    per_file = Counter(f.path for f in findings if f.code == "PRM002")
    out = []
    for finding in findings:
        if finding.code == "PRM001":
            out.append(f"error: {finding}")
    for path, count in sorted(per_file.items()):
        allowed = baseline.get(path, 0)
        if count > allowed:
            out += [f"error: {f}" for f in findings if f.path == path and f.code == "PRM002"]
            out.append(f"error: {path}: {count} ORM queries in a view module (baseline {allowed})")
        elif count < allowed:
            out.append(f"note: {path}: {count} < baseline {allowed}: lower BASELINE")
    for path, allowed in sorted(baseline.items()):
        if allowed and path not in per_file and (root / path).exists():
            out.append(f"note: {path}: no findings left: remove it from BASELINE")
    return out


def main(argv: list[str]) -> int:
    files = [Path(arg) for arg in argv] if argv else app_files()
    lines = run(files)
    for line in lines:
        print(line)
    errors = [line for line in lines if line.startswith("error")]
    if errors:
        print(f"lint_rules: {len(errors)} error(s); see the docstring of scripts/lint_rules.py")
        return 1
    print("lint_rules: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
