"""The registration pages: portal register (with the live warning), portal deals and deal page,
the extension request, the staff review queue (query count flat) and the deal page's actions."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.urls_helpers import tenant_reverse
from deals.models import Deal, ExtensionStatus, ProtectionExtension, RegistrationStatus
from deals.services.conflicts import conflicts_refresh
from tests.deals.conftest import make_seller
from tests.factories.deals import DealFactory

FORM = {
    "customer_name": "株式会社ライブ",
    "corporate_number": "",
    "web_domain": "live.co.jp",
    "contact_name": "佐藤",
    "contact_email": "sato@live.co.jp",
    "product": "Plan A",
    "amount_one_time": "100000",
    "amount_monthly": "",
    "expected_close_on": "2027-01-31",
    "notes": "",
    "currency": "JPY",
}


def url(tenant, name, **kwargs):
    return tenant_reverse(tenant, f"deals:{name}", **kwargs)


def test_a_rep_registers_a_deal_in_the_portal(tenant, seller, client_for):
    client = client_for(seller.rep_member)
    page = client.get(url(tenant, "portal_deal_register"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="input changed delay:400ms, change"' in html
    assert 'name="submission"' in html and '<option value="JPY" selected>' in html

    response = client.post(
        url(tenant, "portal_deal_register"), {**FORM, "program": seller.program.pk}
    )

    with scopes_disabled():
        deal = Deal.objects.get(partner=seller.partner)
    assert response.status_code == 302
    assert response["Location"] == url(tenant, "portal_deal_detail", deal_id=deal.pk)
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert 'data-status="pending"' in detail.content.decode()


def test_sending_the_same_form_twice_registers_once(tenant, seller, client_for):
    client = client_for(seller.rep_member)
    body = {**FORM, "program": seller.program.pk, "submission": "token-1"}

    first = client.post(url(tenant, "portal_deal_register"), body)
    second = client.post(url(tenant, "portal_deal_register"), body)
    changed = client.post(url(tenant, "portal_deal_register"), {**body, "product": "Plan B"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert changed.status_code == 200 and "already sent" in changed.content.decode()
    with scopes_disabled():
        assert Deal.objects.filter(partner=seller.partner).count() == 1


def test_an_unknown_currency_is_named(tenant, seller, client_for):
    response = client_for(seller.rep_member).post(
        url(tenant, "portal_deal_register"),
        {**FORM, "program": seller.program.pk, "currency": "XYZ"},
    )
    assert response.status_code == 200
    assert 'data-field="currency"' in response.content.decode()


def test_the_program_is_preselected_when_there_is_only_one(tenant, seller, client_for):
    page = client_for(seller.rep_member).get(url(tenant, "portal_deal_register"))
    assert f'<option value="{seller.program.pk}" selected>' in page.content.decode()


def test_registration_is_refused_until_terms_are_accepted(tenant, member_factory, client_for):
    unaccepted = make_seller(tenant, member_factory, accepted=False)
    client = client_for(unaccepted.rep_member)

    response = client.post(
        url(tenant, "portal_deal_register"), {**FORM, "program": unaccepted.program.pk}
    )

    assert response.status_code == 200
    assert "accepted the terms" in response.content.decode()
    with scopes_disabled():
        assert not Deal.objects.filter(partner=unaccepted.partner).exists()


def test_a_missing_amount_is_named(tenant, seller, client_for):
    response = client_for(seller.rep_member).post(
        url(tenant, "portal_deal_register"),
        {**FORM, "program": seller.program.pk, "amount_one_time": "0"},
    )
    assert response.status_code == 200
    assert 'data-field="amount_one_time"' in response.content.decode()


def test_the_live_warning_tells_reasons_but_never_whose_deal(tenant, seller, rival, client_for):
    rival_deal = DealFactory(
        partner=rival.partner,
        customer_name="株式会社ライブ",
        corporate_number="",
        amount_one_time=987654,
    )
    with scopes_disabled():
        rival_deal.rep = rival.rep
        rival_deal.save()
    client = client_for(seller.rep_member)

    response = client.post(url(tenant, "portal_deal_check"), {"customer_name": "ﾗｲﾌﾞ(株)"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duplicate-warning"' in html
    assert "Same company name" in html
    for secret in (rival.partner.name, rival.rep.full_name, "987,654", "987654"):
        assert secret not in html
    quiet = client.post(url(tenant, "portal_deal_check"), {"customer_name": "別の会社"})
    assert "duplicate-warning" not in quiet.content.decode()


def test_portal_lists_only_the_own_partners_deals(tenant, seller, rival, client_for):
    mine = DealFactory(partner=seller.partner, customer_name="自社の案件")
    theirs = DealFactory(partner=rival.partner, customer_name="他社の案件")
    client = client_for(seller.rep_member)

    html = client.get(url(tenant, "portal_deals")).content.decode()

    assert mine.customer_name in html and theirs.customer_name not in html
    assert client.get(url(tenant, "portal_deal_detail", deal_id=theirs.pk)).status_code == 404
    assert client.get(url(tenant, "portal_extension_request", deal_id=theirs.pk)).status_code == 404


def test_extension_request_in_the_portal(tenant, seller, rival, client_for):
    deal = DealFactory(
        partner=seller.partner,
        registration_status=RegistrationStatus.APPROVED,
        protected_until=datetime.date(2030, 1, 31),
    )
    theirs = DealFactory(
        partner=rival.partner,
        registration_status=RegistrationStatus.APPROVED,
        protected_until=datetime.date(2030, 1, 31),
    )
    client = client_for(seller.rep_member)
    body = {"requested_until": "2030-03-31", "reason": "予算承認が3月"}

    response = client.post(url(tenant, "portal_extension_request", deal_id=deal.pk), body)
    refused = client.post(url(tenant, "portal_extension_request", deal_id=theirs.pk), body)
    again = client.post(url(tenant, "portal_extension_request", deal_id=deal.pk), body)

    assert response.status_code == 302
    assert refused.status_code == 404
    assert again.status_code == 200 and "already awaiting" in again.content.decode()
    with scopes_disabled():
        assert list(ProtectionExtension.objects.values_list("deal_id", "status")) == [
            (deal.pk, ExtensionStatus.PENDING)
        ]


def test_staff_cannot_reach_portal_pages_and_reps_cannot_reach_staff_pages(
    tenant, seller, admin_member, client_for
):
    deal = DealFactory(partner=seller.partner)
    assert client_for(admin_member).get(url(tenant, "portal_deals")).status_code == 404
    rep = client_for(seller.rep_member)
    assert rep.get(url(tenant, "review_queue")).status_code == 404
    assert rep.post(url(tenant, "deal_approve", deal_id=deal.pk)).status_code == 404


# --- Staff ----------------------------------------------------------------------------------------


def _queue_rows(tenant, seller, rival, start, n):
    """n pending deals; every second one matches the one before it (the same company)."""
    with scopes_disabled():
        for i in range(start, start + n):
            partner = (rival if i % 2 == 0 else seller).partner
            deal = DealFactory(partner=partner, customer_name=f"株式会社キュー{i // 2}")
            conflicts_refresh(tenant=tenant, deal=deal)


def test_review_queue_query_count_is_the_same_with_5_and_50_rows(
    tenant, seller, rival, admin_member, client_for
):
    client = client_for(admin_member)
    _queue_rows(tenant, seller, rival, 0, 5)
    client.get(url(tenant, "review_queue"))
    with CaptureQueriesContext(connection) as small:
        response = client.get(url(tenant, "review_queue"))
    assert response.content.decode().count('data-testid="review-row"') == 5
    _queue_rows(tenant, seller, rival, 5, 45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(tenant, "review_queue"))
    assert response.content.decode().count('data-testid="review-row"') == 25
    assert len(large) == len(small)


def test_review_queue_is_oldest_first_and_highlights_conflicts(
    tenant, seller, rival, admin_member, client_for
):
    with scopes_disabled():
        old = DealFactory(
            partner=rival.partner,
            customer_name="株式会社オールド",
            registered_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
        new = DealFactory(partner=seller.partner, customer_name="オールド")
        conflicts_refresh(tenant=tenant, deal=new)

    html = client_for(admin_member).get(url(tenant, "review_queue")).content.decode()

    assert html.index(f'data-deal="{old.pk}"') < html.index(f'data-deal="{new.pk}"')
    assert html.count('data-testid="conflict-badge"') == 2
    assert "Same company name" in html


def test_staff_deal_page_shows_matches_and_approves_once(
    tenant, seller, rival, admin_member, client_for
):
    with scopes_disabled():
        old = DealFactory(partner=rival.partner, customer_name="株式会社マッチ")
        deal = DealFactory(partner=seller.partner, customer_name="マッチ", program=seller.program)
        conflicts_refresh(tenant=tenant, deal=deal)
    client = client_for(admin_member)

    page = client.get(url(tenant, "deal_detail", deal_id=deal.pk)).content.decode()
    assert f'data-testid="match" data-deal="{old.pk}"' in page
    assert rival.partner.name in page
    first = client.post(url(tenant, "deal_approve", deal_id=deal.pk))
    second = client.post(url(tenant, "deal_approve", deal_id=deal.pk), follow=True)

    assert first.status_code == 302
    assert "already decided" in second.content.decode()
    with scopes_disabled():
        deal.refresh_from_db()
    assert deal.registration_status == RegistrationStatus.APPROVED


def test_staff_reject_and_duplicate_from_the_page(tenant, seller, rival, admin_member, client_for):
    with scopes_disabled():
        old = DealFactory(partner=rival.partner)
        one = DealFactory(partner=seller.partner)
        two = DealFactory(partner=seller.partner)
    client = client_for(admin_member)

    client.post(url(tenant, "deal_reject", deal_id=one.pk), {"reason": "対象外"})
    client.post(url(tenant, "deal_duplicate", deal_id=two.pk), {"duplicate_of": old.pk})

    with scopes_disabled():
        one.refresh_from_db()
        two.refresh_from_db()
    assert (one.registration_status, one.review_reason) == (RegistrationStatus.REJECTED, "対象外")
    assert (two.registration_status, two.duplicate_of_id) == (RegistrationStatus.DUPLICATE, old.pk)


def test_a_viewer_sees_the_page_but_cannot_review(tenant, seller, viewer_member, client_for):
    deal = DealFactory(partner=seller.partner)
    client = client_for(viewer_member)
    page = client.get(url(tenant, "deal_detail", deal_id=deal.pk))
    assert page.status_code == 200
    assert 'data-testid="review-actions"' not in page.content.decode()
    assert client.post(url(tenant, "deal_approve", deal_id=deal.pk)).status_code == 403


def test_check_again_refreshes_the_stored_matches(
    tenant, other_tenant, seller, rival, admin_member, client_for
):
    with scopes_disabled():
        deal = DealFactory(partner=seller.partner, customer_name="株式会社アゲイン")
        old = DealFactory(partner=rival.partner, customer_name="アゲイン")
    client = client_for(admin_member)
    page = url(tenant, "deal_detail", deal_id=deal.pk)
    assert 'data-testid="no-matches"' in client.get(page).content.decode()

    assert client.post(page).status_code == 302

    html = client.get(page).content.decode()
    assert f'data-testid="match" data-deal="{old.pk}"' in html
    foreign = DealFactory(partner=make_seller(other_tenant, _member_factory()).partner)
    assert client.post(url(tenant, "deal_detail", deal_id=foreign.pk)).status_code == 404


def _member_factory():
    from tests.factories.accounts import MembershipFactory

    return lambda tenant, role: MembershipFactory(tenant=tenant, role=role)


def test_portal_deals_query_count_is_the_same_with_5_and_50_rows(tenant, seller, client_for):
    client = client_for(seller.rep_member)
    with scopes_disabled():
        for _ in range(5):
            DealFactory(partner=seller.partner, program=seller.program)
    client.get(url(tenant, "portal_deals"))
    with CaptureQueriesContext(connection) as small:
        response = client.get(url(tenant, "portal_deals"))
    assert response.content.decode().count('data-testid="portal-deal"') == 5
    with scopes_disabled():
        for _ in range(45):
            DealFactory(partner=seller.partner, program=seller.program)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(tenant, "portal_deals"))
    assert response.content.decode().count('data-testid="portal-deal"') == 25
    assert len(large) == len(small)
