"""The registration API's Idempotency-Key: one deal per key and body, however often and however
concurrently it is sent (real threads, each with its own PostgreSQL connection)."""

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from accounts.urls_helpers import tenant_reverse
from deals.models import Deal, DealEvent, RegistrationKey
from tests.conftest import AppRoleClient

BODY = {
    "customer_name": "株式会社イデンポ",
    "web_domain": "idempo.co.jp",
    "contact_email": "buyer@idempo.co.jp",
    "amount_one_time": "500000",
}


def _body(seller, **changes):
    return {**BODY, "program": seller.program.pk, **changes}


def _post(client, tenant, body, key):
    return client.post(
        tenant_reverse(tenant, "deals:api_deal_list"),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_key_and_body_twice_make_one_deal(tenant, seller, client_for):
    client = client_for(seller.rep_member)

    first = _post(client, tenant, _body(seller), "key-1")
    second = _post(client, tenant, _body(seller), "key-1")

    assert first.status_code == 201, first.json()
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    with scopes_disabled():
        assert Deal.objects.filter(partner=seller.partner).count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(tenant, seller, client_for):
    client = client_for(seller.rep_member)
    _post(client, tenant, _body(seller), "key-2")

    response = _post(client, tenant, _body(seller, amount_one_time="600000"), "key-2")

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    with scopes_disabled():
        assert Deal.objects.filter(partner=seller.partner).count() == 1


def test_the_key_is_per_user(tenant, seller, client_for):
    from accounts.roles import Role
    from tests.factories.partners import portal_membership_for

    colleague, _rep = portal_membership_for(seller.partner, role=Role.PARTNER_REP)
    _post(client_for(seller.rep_member), tenant, _body(seller), "shared")
    response = _post(client_for(colleague), tenant, _body(seller), "shared")

    assert response.status_code == 201
    with scopes_disabled():
        assert Deal.objects.filter(partner=seller.partner).count() == 2


def test_without_a_key_each_post_registers(tenant, seller, client_for):
    client = client_for(seller.rep_member)
    url = tenant_reverse(tenant, "deals:api_deal_list")
    for _ in range(2):
        assert client.post(url, _body(seller), content_type="application/json").status_code == 201
    with scopes_disabled():
        assert Deal.objects.filter(partner=seller.partner).count() == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_registrations_with_one_key_make_one_deal(
    tenant, seller, app_db_role
):
    user = seller.rep_member.user
    body = _body(seller)
    start = threading.Barrier(20)
    answers, errors = [], []

    def work():
        try:
            client = AppRoleClient()
            client.force_login(user)
            start.wait()
            response = _post(client, tenant, body, "concurrent-key")
            answers.append((response.status_code, response.json().get("id")))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = sorted(status for status, _id in answers)
    assert statuses == [200] * 19 + [201]
    ids = {deal_id for _status, deal_id in answers}
    with scopes_disabled():
        deals = list(Deal.objects.filter(partner=seller.partner))
        assert [deal.pk for deal in deals] == list(ids)
        assert RegistrationKey.objects.filter(user=user, key="concurrent-key").count() == 1
        assert DealEvent.objects.filter(deal__in=deals).count() == 1
