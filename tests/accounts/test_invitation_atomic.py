"""Accepting an invitation is all-or-nothing: a failed acceptance leaves no account behind
(issue #6 §3)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import services
from accounts.models import Membership, User
from accounts.signals import invitation_accepted
from tests.factories.accounts import InvitationFactory

PASSWORD = "a-long-Unusual-pass-42"


@pytest.fixture
def failing_receiver():
    """An app above the kernel refuses the acceptance (its receiver raises)."""

    def refuse(sender, **kwargs):
        raise ValidationError("The rep of this invitation no longer exists.")

    invitation_accepted.connect(refuse, dispatch_uid="test-refuse")
    yield
    invitation_accepted.disconnect(dispatch_uid="test-refuse")


def _post(tenant, token):
    return Client().post(
        f"/{tenant.slug}/invite/{token}/",
        {"full_name": "Fresh Person", "password1": PASSWORD, "password2": PASSWORD},
    )


def test_a_refused_acceptance_leaves_no_user_behind(tenant, failing_receiver, unscoped):
    InvitationFactory(tenant=tenant, email="fresh@example.test", token="fresh-token")

    response = _post(tenant, "fresh-token")

    assert response.status_code == 410
    assert not User.objects.filter(email="fresh@example.test").exists()
    with unscoped():
        assert not Membership.objects.filter(tenant=tenant).exists()


def test_the_refused_person_can_accept_once_the_cause_is_gone(tenant, unscoped):
    InvitationFactory(tenant=tenant, email="fresh@example.test", token="fresh-token")
    invitation_accepted.connect(
        lambda sender, **kwargs: (_ for _ in ()).throw(ValidationError("refused")),
        dispatch_uid="test-refuse-once",
        weak=False,
    )
    try:
        assert _post(tenant, "fresh-token").status_code == 410
    finally:
        invitation_accepted.disconnect(dispatch_uid="test-refuse-once")

    response = _post(tenant, "fresh-token")

    assert response.status_code == 302
    assert User.objects.filter(email="fresh@example.test").count() == 1


def test_service_creates_the_user_and_membership_in_one_go(tenant, in_tenant):
    invitation = InvitationFactory(tenant=tenant, email="Fresh@Example.test")

    with in_tenant(tenant):
        membership = services.invitation_accept_new_user(
            tenant=tenant,
            invitation=invitation,
            full_name="Fresh Person",
            password=PASSWORD,
            language="ja",
        )

    assert membership.user.email == "fresh@example.test"
    assert membership.user.language == "ja"
    assert membership.user.check_password(PASSWORD)
