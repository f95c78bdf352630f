"""Login security (issue #6 §3): TOTP secrets encrypted at rest, and a locked login answers
429 with the wait instead of a 200 that reads like a wrong password."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.db import connection
from django.test import Client
from django.utils import translation

from accounts.adapters import decrypt_secret
from tests.factories.accounts import TEST_PASSWORD

LOGIN_URL = "/accounts/login/"


def _stored_secret(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data->>'secret' FROM mfa_authenticator WHERE user_id = %s AND type = 'totp'",
            [user.pk],
        )
        return cursor.fetchone()[0]


def test_totp_secret_is_not_stored_in_clear(admin_member):
    secret = generate_totp_secret()

    TOTP.activate(admin_member.user, secret)

    stored = _stored_secret(admin_member.user)
    assert secret not in stored
    assert decrypt_secret(stored) == secret


def _current_code(secret: str) -> str:
    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


def test_an_encrypted_totp_secret_still_validates_codes(admin_member):
    secret = generate_totp_secret()
    TOTP.activate(admin_member.user, secret)
    totp = TOTP(Authenticator.objects.get(user=admin_member.user, type="totp"))

    assert totp.validate_code(_current_code(secret))


def test_a_secret_stored_in_clear_before_encryption_keeps_working(admin_member):
    secret = generate_totp_secret()
    authenticator = Authenticator.objects.create(
        user=admin_member.user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )

    assert TOTP(authenticator).validate_code(_current_code(secret))


def _fail(client, email, times):
    for _ in range(times):
        client.post(LOGIN_URL, {"login": email, "password": "wrong-password-123"})


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_locked_login_answers_429_and_says_when_to_try_again(manager_member, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    email = manager_member.user.email
    _fail(client, email, 5)

    response = client.post(LOGIN_URL, {"login": email, "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300
    page = response.content.decode()
    assert 'data-testid="login-locked"' in page
    with translation.override(language):
        if language == "en":
            assert "Try again in 5 minutes" in page
        else:
            assert "5分後" in page
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_below_the_limit_still_answer_200(manager_member):
    client = Client()
    _fail(client, manager_member.user.email, 3)

    response = client.post(
        LOGIN_URL, {"login": manager_member.user.email, "password": "wrong-password-123"}
    )

    assert response.status_code == 200
