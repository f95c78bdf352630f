"""Browser fixtures: Debian's Chromium, driven by pytest-playwright, against live_server.

Every test in tests/browser/ is marked `browser` (select with `-m browser`, skip with
`-m "not browser"`).
"""

from pathlib import Path

import pytest

from tests.browser.helpers import enter_totp, password_login

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS_DIR = Path("/tmp/shots")  # noqa: S108 - screenshots for a human to look at, not the repo
BROWSER_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # `playwright install` cannot work here (offline): use the distribution's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A fixed locale and window size: pages outside a tenant follow Accept-Language, and
    # screenshots should be comparable between runs. A test may override with the
    # `browser_context_args` marker.
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # allauth accepts only the current 30-second TOTP window by default; a code computed in
    # the last milliseconds of a window would fail on the server. One window either side
    # removes that flake without weakening what the tests show.
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def server(live_server):
    """The live server's base URL, without a trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def login(server):
    """login(page, user, totp_secret=None): password, then the second factor when given."""
    from playwright.sync_api import expect

    def do(page, user, totp_secret: str | None = None) -> None:
        password_login(page, server, user.email)
        if totp_secret is not None:
            expect(page).to_have_url(f"{server}/accounts/2fa/authenticate/")
            enter_totp(page, totp_secret)
        expect(page).not_to_have_url(f"{server}/accounts/login/")
        expect(page).not_to_have_url(f"{server}/accounts/2fa/authenticate/")

    return do


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, name, share=False): full page into tmp_path; share=True also /tmp/shots."""

    def shoot(page, name: str, *, share: bool = False) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        if share:
            SHOTS_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS_DIR / f"{name}.png", full_page=True)
        return path

    return shoot
