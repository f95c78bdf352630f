"""Staff and portal pages of target accounts: the funnel board, by-name requests, card
actions, the partner tab, willingness, the portal list and form; query counts flat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from deals.models import Milestone, PartnerTargetList, TargetAccount
from tests.factories.deals import TargetAccountFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for

pytestmark = pytest.mark.django_db


def url(tenant, name, **kwargs):
    return reverse(f"deals:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def staff(client_for, manager_member):
    return client_for(manager_member)


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, legal_name="株式会社パートナー")


def test_board_shows_columns_counts_and_stuck_cards(tenant, staff, partner):
    import datetime

    from django.utils import timezone

    with scopes_disabled():
        TargetAccountFactory(partner=partner, company_name="新しい会社")
        TargetAccountFactory(
            partner=partner,
            company_name="古い会社",
            milestone=Milestone.AGREED,
            milestone_at=timezone.now() - datetime.timedelta(days=45),
        )
        TargetAccountFactory(partner=partner, company_name="終わった会社", milestone="dropped")
    response = staff.get(url(tenant, "funnel_board"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "新しい会社" in body and "古い会社" in body
    assert "終わった会社" not in body  # closed accounts are not on the board
    columns = response.context["columns"]
    assert [c.milestone for c in columns] == [
        "listed",
        "requested",
        "agreed",
        "action_done",
        "meeting_held",
    ]
    agreed = next(c for c in columns if c.milestone == "agreed")
    assert agreed.count == 1 and agreed.cards[0].is_stuck
    assert agreed.cards[0].days_in_milestone == 45


def test_board_filters_by_partner_and_stuck(tenant, staff, partner):
    import datetime

    from django.utils import timezone

    with scopes_disabled():
        other = PartnerFactory(tenant=tenant)
        TargetAccountFactory(partner=partner, company_name="ウチの会社")
        TargetAccountFactory(partner=other, company_name="ヨソの会社")
        TargetAccountFactory(
            partner=partner,
            company_name="止まった会社",
            milestone_at=timezone.now() - datetime.timedelta(days=40),
        )
    body = staff.get(url(tenant, "funnel_board"), {"partner": partner.pk}).content.decode()
    assert "ウチの会社" in body and "ヨソの会社" not in body
    body = staff.get(url(tenant, "funnel_board"), {"stuck": 30}).content.decode()
    assert "止まった会社" in body and "ウチの会社" not in body


def _board_queries(staff, tenant, partner, rows):
    with scopes_disabled():
        for _ in range(rows):
            TargetAccountFactory(partner=partner, rep=PartnerRepFactory(partner=partner))
    with CaptureQueriesContext(connection) as queries:
        assert staff.get(url(tenant, "funnel_board")).status_code == 200
    return len(queries)


def test_board_query_count_is_flat(tenant, staff, partner):
    few = _board_queries(staff, tenant, partner, 5)
    many = _board_queries(staff, tenant, partner, 45)
    assert few == many


def test_portal_list_query_count_is_flat(tenant, client_for, partner):
    membership, rep = portal_membership_for(partner)
    client = client_for(membership)

    def count(rows):
        with scopes_disabled():
            for _ in range(rows):
                TargetAccountFactory(partner=partner, rep=rep)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(tenant, "portal_targets")).status_code == 200
        return len(queries)

    assert count(5) == count(45)


def test_partner_tab_query_count_is_flat(tenant, staff, partner):
    def count(rows):
        with scopes_disabled():
            for _ in range(rows):
                TargetAccountFactory(partner=partner, rep=PartnerRepFactory(partner=partner))
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(
                url(tenant, "partner_targets", partner_id=partner.pk), HTTP_HX_REQUEST="true"
            )
            assert response.status_code == 200
        return len(queries)

    assert count(5) == count(45)


def test_bulk_request_asks_for_confirmation_then_moves(tenant, staff, partner):
    with scopes_disabled():
        first, second = TargetAccountFactory(partner=partner), TargetAccountFactory(partner=partner)
    post = {"account": [first.pk, second.pk], "back": f"?partner={partner.pk}"}
    response = staff.post(url(tenant, "funnel_request"), post)
    assert response.status_code == 200
    assert list(response.context["accounts"]) == sorted(
        [first, second], key=lambda a: (a.milestone_at, a.pk)
    )
    with scopes_disabled():
        assert TargetAccount.objects.filter(milestone=Milestone.REQUESTED).count() == 0
    response = staff.post(url(tenant, "funnel_request"), {**post, "confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?partner={partner.pk}")
    with scopes_disabled():
        assert TargetAccount.objects.filter(milestone=Milestone.REQUESTED).count() == 2
    # Posting the same confirmation again moves nothing twice; it says why.
    response = staff.post(url(tenant, "funnel_request"), {**post, "confirmed": "yes"}, follow=True)
    assert "cannot move" in response.content.decode()


def test_back_parameter_is_never_another_site(tenant, staff, partner):
    with scopes_disabled():
        account = TargetAccountFactory(partner=partner)
    response = staff.post(
        url(tenant, "funnel_request"),
        {"account": [account.pk], "confirmed": "yes", "back": "//evil.example/"},
    )
    assert response["Location"] == url(tenant, "funnel_board")


def test_card_action_records_the_next_step_and_drop_needs_reason(tenant, staff, partner):
    with scopes_disabled():
        account = TargetAccountFactory(partner=partner, milestone=Milestone.REQUESTED)
    move = url(tenant, "target_account_move", target_account_id=account.pk)
    assert staff.post(move, {"to": "agreed"}).status_code == 302
    response = staff.post(move, {"to": "dropped"}, follow=True)
    assert "Say why the account is dropped." in response.content.decode()
    with scopes_disabled():
        account.refresh_from_db()
    assert account.milestone == Milestone.AGREED
    staff.post(move, {"to": "dropped", "drop_reason": "予算なし"})
    with scopes_disabled():
        account.refresh_from_db()
    assert (account.milestone, account.drop_reason) == (Milestone.DROPPED, "予算なし")


def test_viewer_sees_the_board_but_cannot_move(tenant, client_for, viewer_member, partner):
    with scopes_disabled():
        account = TargetAccountFactory(partner=partner)
    client = client_for(viewer_member)
    assert client.get(url(tenant, "funnel_board")).status_code == 200
    response = client.post(
        url(tenant, "target_account_move", target_account_id=account.pk), {"to": "requested"}
    )
    assert response.status_code == 403
    with scopes_disabled():
        account.refresh_from_db()
    assert account.milestone == Milestone.LISTED


def test_partner_tab_and_willingness(tenant, staff, partner):
    with scopes_disabled():
        TargetAccountFactory(partner=partner, company_name="タブの会社")
    response = staff.get(
        url(tenant, "partner_targets", partner_id=partner.pk), HTTP_HX_REQUEST="true"
    )
    assert "タブの会社" in response.content.decode()
    assert "<html" not in response.content.decode()
    staff.post(
        url(tenant, "partner_willingness", partner_id=partner.pk), {"willingness": "willing"}
    )
    with scopes_disabled():
        assert PartnerTargetList.objects.get(partner=partner).willingness == "willing"
        partner.refresh_from_db()
    assert partner.suggested_priority == "B"


def test_staff_lists_an_account_for_a_partner(tenant, staff, partner):
    response = staff.post(
        url(tenant, "staff_target_create"), {"partner": partner.pk, "company_name": "代理の会社"}
    )
    assert response.status_code == 302
    response = staff.post(
        url(tenant, "staff_target_create"), {"partner": partner.pk, "company_name": "代理の会社"}
    )
    assert response.status_code == 400
    assert "already lists this company" in response.content.decode()
    with scopes_disabled():
        assert TargetAccount.objects.filter(partner=partner).count() == 1


def test_portal_rep_adds_an_account_for_their_own_partner(tenant, client_for, partner):
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    client = client_for(membership)
    response = client.post(
        url(tenant, "portal_targets"),
        {
            "company_name": "株式会社ポータル",
            "prefecture": "13",
            "contact_email": "a@example.co.jp",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        account = TargetAccount.objects.get()
    assert (account.partner, account.rep, account.prefecture) == (partner, rep, "13")
    response = client.post(url(tenant, "portal_targets"), {"company_name": "ポータル"})
    assert response.status_code == 400
    assert "already lists this company" in response.content.decode()


def test_portal_list_shows_only_own_partners_accounts(tenant, client_for, partner):
    with scopes_disabled():
        TargetAccountFactory(partner=partner, company_name="自社の会社")
        TargetAccountFactory(partner=PartnerFactory(tenant=tenant), company_name="他社の会社")
    membership, _rep = portal_membership_for(partner)
    body = client_for(membership).get(url(tenant, "portal_targets")).content.decode()
    assert "自社の会社" in body and "他社の会社" not in body


def test_bulk_request_naming_another_tenants_account_answers_404(
    tenant, other_tenant, staff, partner
):
    with scopes_disabled():
        own = TargetAccountFactory(partner=partner)
        foreign = TargetAccountFactory(partner__tenant=other_tenant)
    response = staff.post(
        url(tenant, "funnel_request"), {"account": [own.pk, foreign.pk], "confirmed": "yes"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        own.refresh_from_db()
        foreign.refresh_from_db()
    assert own.milestone == foreign.milestone == Milestone.LISTED


def test_card_action_on_another_tenants_account_answers_404(tenant, other_tenant, staff):
    with scopes_disabled():
        foreign = TargetAccountFactory(partner__tenant=other_tenant)
    response = staff.post(
        url(tenant, "target_account_move", target_account_id=foreign.pk), {"to": "requested"}
    )
    assert response.status_code == 404


def test_dropped_account_is_reopened_from_the_partner_tab(tenant, staff, partner):
    with scopes_disabled():
        account = TargetAccountFactory(
            partner=partner, milestone=Milestone.DROPPED, drop_reason="予算なし"
        )
    tab = staff.get(url(tenant, "partner_targets", partner_id=partner.pk), HTTP_HX_REQUEST="true")
    assert 'data-testid="reopen"' in tab.content.decode()
    response = staff.post(
        url(tenant, "target_account_move", target_account_id=account.pk),
        {"to": "listed", "from": "partner"},
    )
    assert response["Location"].startswith(f"/{tenant.slug}/partners/{partner.pk}/")
    with scopes_disabled():
        account.refresh_from_db()
    assert (account.milestone, account.drop_reason) == (Milestone.LISTED, "")
