"""The production shape: Django's deploy checks and the compose file.

Both run as subprocesses, like an operator would, so they see exactly the settings that
`PRM_ENV=production` produces and the compose file as docker-compose resolves it.
"""

import json
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


def _compose(*args: str, secret_key: str | None = "a-" + "k" * 60) -> subprocess.CompletedProcess:
    """docker-compose as an operator runs it; `secret_key` is their DJANGO_SECRET_KEY (None:
    not set at all)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COMPOSE_") and key != "DJANGO_SECRET_KEY"
    }
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
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


def test_compose_refuses_to_start_without_a_secret_key():
    # A default key in the file would be public, and PRM_ENV=production's guard (settings
    # refuse an empty key) would never fire.
    result = _compose("config", "-q", secret_key=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stdout + result.stderr


def test_compose_passes_the_operators_secret_key_through():
    result = _compose("config", secret_key="operator-chosen-" + "x" * 50)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DJANGO_SECRET_KEY"].startswith("operator-chosen-")


def _settings_database(**env: str) -> dict:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_OWNER_URL", "PRM_DB_AS_OWNER", "PRM_ENV"}
    }
    clean.update(env)
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "db = settings.DATABASES['default']; print(json.dumps({'USER': db['USER']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "prm.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_database_url_the_app_connects_as_the_application_role():
    # A bare `manage.py runserver` must not run as a superuser, whom row-level security ignores.
    assert _settings_database()["USER"] == "prm_app"


def test_set_up_commands_without_owner_url_connect_as_the_owner():
    assert _settings_database(PRM_DB_AS_OWNER="1")["USER"] == "postgres"
