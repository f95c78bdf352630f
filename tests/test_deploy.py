"""The production shape: Django's deploy checks and the compose file.

Both run as subprocesses, like an operator would, so they see exactly the settings that
`PRM_ENV=production` produces and the compose file as docker-compose resolves it.
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# Variables that would change what production settings look like; the check must pass with
# the defaults an operator gets.
_OVERRIDES = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_DEBUG",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "PRM_DB_AS_OWNER",
    # tests/conftest.py sets this for live_server + Playwright; never set in deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _production_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _OVERRIDES}
    env.update(
        PRM_ENV="production",
        # token_urlsafe(64) is 86 characters from a 64-letter alphabet: long and varied
        # enough for security.W009.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="prm.example.com",
    )
    return env


def test_production_settings_pass_the_deploy_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS:" not in output, output
    assert "System check identified no issues" in output, output


def _docker_compose() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail(
            "docker-compose is not installed, so docker-compose.yml cannot be validated. "
            "Install it (apt-get install -y --no-install-recommends docker-compose); "
            ".ci/run does this."
        )
    return binary


def _compose(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPOSE_")}
    return subprocess.run(
        [_docker_compose(), "-f", str(ROOT / "docker-compose.yml"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid():
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_production_shape():
    result = _compose("config")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis"}
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], f"{name} has no healthcheck"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["PRM_ENV"] == "production", name
        # The app role is not the owner: row-level security applies to the running app.
        assert environment["DATABASE_URL"] != environment["DATABASE_OWNER_URL"], name
