"""Small steps the browser tests share: computing TOTP codes, signing in."""

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.factories.accounts import TEST_PASSWORD


def totp_code(secret: str) -> str:
    """The authenticator code for the current time window (what a phone app would show)."""
    counters = list(yield_hotp_counters_from_time())
    current = counters[len(counters) // 2]
    return format_hotp_value(hotp_value(secret, current))


def wrong_totp_code(secret: str) -> str:
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    code = 123456
    while format_hotp_value(code) in valid:
        code += 1
    return format_hotp_value(code)


def password_login(page, server: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Fill allauth's login form (the page also has a language form with submit buttons)."""
    page.goto(f"{server}/accounts/login/")
    form = page.locator('form[action="/accounts/login/"]')
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()


def enter_totp(page, secret: str) -> None:
    form = page.locator('form[action="/accounts/2fa/authenticate/"]')
    form.locator('input[name="code"]').fill(totp_code(secret))
    # The "Cancel" button sits in this form but submits another one (form="logout-from-stage").
    form.locator('button[type="submit"]:not([form])').click()
