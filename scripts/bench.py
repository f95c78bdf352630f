"""`make bench`: the benchmark (issue #13) against DATABASE_URL / REDIS_URL, else the
embedded engines, as the database owner (it creates and drops a database of its own, as the
test suite does). Extra arguments go to `manage.py bench` (`make bench ARGS="--runs 3"`).
Embedded engines this run started are stopped at the end."""

# ruff: noqa: S603 - runs our own commands

from __future__ import annotations

import subprocess
import sys

import dev
import services


def main(argv: list[str]) -> int:
    svc = services.ensure()
    try:
        env = dev.base_env(svc, for_tests=True)
        command = [dev.PYTHON, "manage.py", "bench", *argv]
        print("[bench] " + " ".join(command), flush=True)
        return subprocess.run(command, cwd=dev.ROOT, env=env, check=False).returncode
    finally:
        svc.stop_started()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
