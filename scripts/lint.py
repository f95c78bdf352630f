"""`make lint`: ruff check, ruff format --check, then the project's own rules (lint_rules.py)."""

# ruff: noqa: S603 - runs our own commands

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = (
    ("ruff check", [sys.executable, "-m", "ruff", "check", "."]),
    ("ruff format", [sys.executable, "-m", "ruff", "format", "--check", "."]),
    ("lint rules", [sys.executable, "scripts/lint_rules.py"]),
)


def main() -> int:
    for name, command in STEPS:
        print(f"[lint] {name}", flush=True)
        code = subprocess.run(command, cwd=ROOT, check=False).returncode
        if code:
            print(f"[lint] {name} failed: fix it, or `make lint` to see it alone", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
