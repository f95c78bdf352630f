"""`make run`: the whole app on this machine, in the foreground.

1. PostgreSQL and Redis: DATABASE_URL / REDIS_URL when set, else the embedded engines
   (scripts/services.py).
2. compilemessages; migrate, db_roles and demo_data as the owner (all idempotent).
3. runserver on 127.0.0.1:8000 (PRM_PORT), a Celery worker and Celery beat, connected as the
   application role; their output is prefixed [web] [worker] [beat].
Ctrl-C (SIGINT) or SIGTERM stops the three and any embedded engine this run started.
"""

# ruff: noqa: S603, S607 - runs our own commands (manage.py, celery, apt-get)

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import unquote, urlparse

import services

ROOT = services.ROOT
VAR = services.VAR
PYTHON = sys.executable
MANAGE = [PYTHON, str(ROOT / "manage.py")]
PREPARE = str(ROOT / "scripts" / "prepare.py")
LOGINS_FILE = VAR / "demo-logins.txt"
STOP_TIMEOUT = 15


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def ensure_msgfmt() -> None:
    """compilemessages needs GNU gettext's msgfmt; install it when we may (root + apt)."""
    if shutil.which("msgfmt"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("msgfmt is missing: installing gettext with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "gettext"],
            check=True,
            env=env,
        )
        return
    raise SystemExit("msgfmt is missing: install GNU gettext (apt-get install gettext)")


def compilemessages(env: dict[str, str]) -> None:
    ensure_msgfmt()
    run_python(PREPARE, env=env)


def run_python(*argv: str, env: dict[str, str]) -> None:
    result = subprocess.run([PYTHON, *argv], cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
    if result.returncode:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {result.returncode}")


def base_env(svc: services.Services, *, for_tests: bool = False) -> dict[str, str]:
    env = {**os.environ, **svc.env(for_tests=for_tests), "PYTHONUNBUFFERED": "1"}
    env.pop("PRM_DB_AS_OWNER", None)
    return env


def same_role(url_a: str, url_b: str) -> bool:
    return unquote(urlparse(url_a).username or "") == unquote(urlparse(url_b).username or "")


def prepare(svc: services.Services, env: dict[str, str]) -> str:
    """compilemessages, then as the owner migrate, db_roles, demo_data; returns the logins."""
    ensure_msgfmt()
    argv = [PREPARE, "--database", "--logins-file", str(LOGINS_FILE)]
    if same_role(svc.database_url, svc.database_owner_url):
        say(
            "WARNING: DATABASE_URL and DATABASE_OWNER_URL use the same role; skipping db_roles. "
            "Row-level security is not enforced for a table owner or superuser: set "
            "DATABASE_OWNER_URL to the owner and DATABASE_URL to a separate application role."
        )
    else:
        argv += ["--app-url", svc.database_url]
    VAR.mkdir(exist_ok=True)
    run_python(*argv, env=env)
    return LOGINS_FILE.read_text(encoding="utf-8")


class Child:
    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name = name
        # Own session: a terminal Ctrl-C reaches only dev.py, which stops the children in
        # order (and a celery worker gets one warm-shutdown signal, not two).
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            sys.stdout.write(f"[{self.name}] {line}")
            sys.stdout.flush()

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.proc.pid, signum)
        except ProcessLookupError:
            pass

    def group_alive(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        return True


def stop_children(children: list[Child]) -> None:
    """SIGTERM each main process (a celery worker shuts down warm and stops its own pool),
    then SIGTERM what is left in its process group (runserver's reloaded child), then KILL."""
    for child in children:
        if child.proc.poll() is None:
            child.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and any(c.proc.poll() is None for c in children):
        time.sleep(0.1)
    for child in children:
        child.signal_group(signal.SIGTERM)
    grace = time.monotonic() + 3
    while time.monotonic() < grace and any(c.group_alive() for c in children):
        time.sleep(0.1)
    for child in children:
        if child.group_alive():
            say(f"{child.name} did not stop in time: killing it")
            child.signal_group(signal.SIGKILL)
        try:
            child.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        child.reader.join(timeout=2)


def wait_for_http(url: str, children: list[Child], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c.proc.poll() is not None for c in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    return False


def port_free(port: int) -> bool:
    """Whether runserver could bind 127.0.0.1:port now.

    Judged as runserver judges it: its server sets SO_REUSEADDR, so connections of a previous
    run still in TIME_WAIT do not hold the port; only a listening socket does.
    """
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_port_free(port: int, timeout: float = STOP_TIMEOUT) -> bool:
    """After the children stopped: return once nothing listens on the port any more."""
    deadline = time.monotonic() + timeout
    while not port_free(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


class Stop(Exception):
    pass


def main() -> int:
    began = time.monotonic()
    port = int(os.environ.get("PRM_PORT", "8000"))
    if not port_free(port):
        raise SystemExit(f"127.0.0.1:{port} is in use: stop what runs there or set PRM_PORT")

    def request_stop(signum, _frame):
        raise Stop(signal.Signals(signum).name)

    # Installed explicitly: a shell may start us with SIGINT ignored (background job).
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    svc = None
    children: list[Child] = []
    code = 0
    try:
        svc = services.ensure()
        env = base_env(svc)
        # Links in e-mails that workers send (no request to take the host from) point here.
        env.setdefault("PRM_SITE_URL", f"http://127.0.0.1:{port}")
        demo = prepare(svc, env)
        VAR.mkdir(exist_ok=True)
        celery = [PYTHON, "-m", "celery", "-A", "prm"]
        children = [
            Child("web", [*MANAGE, "runserver", f"127.0.0.1:{port}"], env),
            Child("worker", [*celery, "worker", "-l", "INFO", "-n", "dev@%h"], env),
            Child(
                "beat",
                [
                    *celery,
                    "beat",
                    "-l",
                    "INFO",
                    "-s",
                    str(VAR / "celerybeat-schedule"),
                    "--pidfile",
                    str(VAR / "celerybeat.pid"),
                ],
                env,
            ),
        ]
        url = f"http://127.0.0.1:{port}/"
        db_where = "embedded PostgreSQL (var/pgdata)" if svc.embedded_postgres else "DATABASE_URL"
        redis_where = "embedded Redis (var/redis)" if svc.embedded_redis else "REDIS_URL"
        if not wait_for_http(url + "accounts/login/", children):
            raise SystemExit("the web server did not come up; see the [web] lines above")
        print(
            "\n"
            f"  PRM is running at {url}   (ready in {time.monotonic() - began:.1f}s)\n"
            f"  database: {db_where}, redis: {redis_where}\n"
            + "".join(f"  {line}\n" for line in demo.strip().splitlines())
            + "  Ctrl-C stops everything.\n",
            flush=True,
        )
        while True:
            for child in children:
                if child.proc.poll() is not None:
                    raise SystemExit(f"{child.name} exited with code {child.proc.returncode}")
            time.sleep(0.5)
    except Stop as stop:
        say(f"{stop}: stopping")
    except SystemExit as error:
        if error.code not in (None, 0):
            print(f"[dev] {error.code}" if isinstance(error.code, str) else "", file=sys.stderr)
            code = error.code if isinstance(error.code, int) else 1
    finally:
        # A second Ctrl-C must not interrupt the clean-up half-way.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_children(children)
        # Ctrl-C returns only once the port is free, so an immediate `make run` can bind it.
        if children and not wait_port_free(port):
            say(f"127.0.0.1:{port} is still in use after stopping: something else listens there")
        if svc is not None and svc.started:
            svc.stop_started()
        if children:
            say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
