"""`make test`: the whole suite against DATABASE_URL / REDIS_URL, else the embedded engines.

pytest-django creates its own test_* databases, so the tests connect as the owner (the
superuser for the embedded engine): DATABASE_URL is set to the owner URL here. Extra
arguments go to pytest (`make test ARGS="-k smoke"`). Exit code 5 (no tests collected)
counts as a failure. Embedded engines this run started are stopped at the end; ones already
running (a `make run` in another terminal) are left alone.
"""

# ruff: noqa: S603 - runs our own commands

from __future__ import annotations

import os
import signal
import subprocess
import sys

import dev
import lint
import services


def main(argv: list[str]) -> int:
    # The lint runs first (seconds), so the README's one command covers what CI checks; a
    # focused run (`make test ARGS=...`) skips it to keep the edit-test loop short.
    if not argv:
        code = lint.main()
        if code:
            return code
    svc = services.ensure()
    try:
        env = dev.base_env(svc, for_tests=True)
        dev.compilemessages(env)
        command = [dev.PYTHON, "-m", "pytest", "-n", os.environ.get("PYTEST_WORKERS", "auto")]
        command += argv or ["tests/"]
        print("[test] " + " ".join(command), flush=True)
        # pytest gets the terminal's Ctrl-C itself; we only wait for it and clean up.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            code = subprocess.run(command, cwd=dev.ROOT, env=env, check=False).returncode
        finally:
            signal.signal(signal.SIGINT, previous)
        if code == 5:
            print("[test] pytest collected no tests: failing", file=sys.stderr, flush=True)
            return 1
        return code
    finally:
        svc.stop_started()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
