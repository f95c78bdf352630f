"""The pipeline pages: list (filters, query count flat), board (moves), the deal page's stage
panel, corrections, direct deals, the partner tab, the portal move and the stage settings."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.urls_helpers import tenant_reverse
from deals.models import Deal, DealStage, RegistrationStatus, StageCode
from programs.models import ContractKind
from tests.factories.deals import DealFactory, stage_of
from tests.factories.partners import PartnerFactory, PartnerRepFactory
from tests.factories.programs import ProgramFactory, built_in_contract_type

pytestmark = pytest.mark.django_db


def url(tenant, name, **kwargs):
    return tenant_reverse(tenant, f"deals:{name}", **kwargs)


def _approved(tenant, partner, *, code=ContractKind.REFERRAL, **fields):
    program = ProgramFactory(tenant=tenant, contract_type=built_in_contract_type(tenant, code))
    return DealFactory(
        partner=partner,
        program=program,
        registration_status=RegistrationStatus.APPROVED,
        stage=stage_of(tenant, StageCode.APPROVED),
        **fields,
    )


def _rows(tenant, start, count):
    partners = [PartnerFactory(tenant=tenant) for _ in range(3)]
    for i in range(start, start + count):
        _approved(tenant, partners[i % 3], customer_name=f"株式会社パイプ{i}")


@pytest.mark.parametrize("page", ["pipeline_list", "pipeline_board"])
def test_pipeline_pages_make_the_same_queries_with_5_and_50_deals(
    tenant, admin_member, client_for, page
):
    client = client_for(admin_member)
    _rows(tenant, 0, 5)
    client.get(url(tenant, page))
    with CaptureQueriesContext(connection) as small:
        response = client.get(url(tenant, page))
    assert response.status_code == 200
    assert "株式会社パイプ4" in response.content.decode()
    _rows(tenant, 5, 45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(tenant, page))
    assert "株式会社パイプ49" in response.content.decode()
    assert len(large) == len(small)


def test_the_list_filters_by_partner_and_source_and_hides_rejected(
    tenant, admin_member, client_for
):
    partner, other = PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    _approved(tenant, partner, customer_name="Mine Corp")
    _approved(tenant, other, customer_name="Theirs Corp")
    DealFactory(partner=partner, customer_name="Rejected Corp", registration_status="rejected")
    DealFactory(
        tenant=tenant,
        partner=None,
        registration_status=RegistrationStatus.DIRECT,
        customer_name="Direct Corp",
        stage=stage_of(tenant, StageCode.APPROVED),
    )
    client = client_for(admin_member)

    mine = client.get(url(tenant, "pipeline_list"), {"partner": partner.pk}).content.decode()
    direct = client.get(url(tenant, "pipeline_list"), {"source": "direct"}).content.decode()
    everything = client.get(url(tenant, "pipeline_list")).content.decode()

    assert "Mine Corp" in mine and "Theirs Corp" not in mine
    assert "Direct Corp" in direct and "Mine Corp" not in direct
    assert "Rejected Corp" not in everything and "Direct Corp" in everything


def test_the_rep_filter_lists_the_chosen_partners_reps_only_and_accepts_any(
    tenant, admin_member, client_for
):
    # A large tenant has thousands of reps: the select never lists all of them.
    partner, other = PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    mine = PartnerRepFactory(tenant=tenant, partner=partner, full_name="Rep Mine")
    theirs = PartnerRepFactory(tenant=tenant, partner=other, full_name="Rep Theirs")
    _approved(tenant, partner, customer_name="Mine Corp", rep=mine)
    _approved(tenant, other, customer_name="Theirs Corp", rep=theirs)
    client = client_for(admin_member)

    def rep_select(query=None):
        html = client.get(url(tenant, "pipeline_list"), query or {}).content.decode()
        # Only the rep filter's options: another select's ids may be the same numbers.
        return html, re.search(r'<select name="rep".*?</select>', html, re.S).group(0)

    _page, unfiltered = rep_select()
    _page, by_partner = rep_select({"partner": partner.pk})
    by_rep_page, by_rep = rep_select({"rep": theirs.pk})

    assert f'<option value="{mine.pk}"' not in unfiltered
    assert f'<option value="{mine.pk}"' in by_partner
    assert f'<option value="{theirs.pk}"' not in by_partner
    assert "Theirs Corp" in by_rep_page and "Mine Corp" not in by_rep_page
    assert f'<option value="{theirs.pk}" selected' in by_rep


def test_staff_move_a_deal_from_the_board_and_come_back_to_it(tenant, admin_member, client_for):
    deal = _approved(tenant, PartnerFactory(tenant=tenant))
    client = client_for(admin_member)
    board = url(tenant, "pipeline_board")

    response = client.post(
        url(tenant, "deal_stage_move", deal_id=deal.pk),
        {"stage": stage_of(tenant, StageCode.WON).pk, "next": board},
    )

    assert response.status_code == 302 and response["Location"] == board
    deal.refresh_from_db()
    assert deal.won_on is not None


def test_a_refused_move_says_why_and_changes_nothing(tenant, admin_member, client_for):
    deal = DealFactory(partner=PartnerFactory(tenant=tenant))  # awaiting review
    client = client_for(admin_member)

    response = client.post(
        url(tenant, "deal_stage_move", deal_id=deal.pk),
        {"stage": stage_of(tenant, StageCode.WON).pk},
        follow=True,
    )

    assert "approve it before moving" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage.code == StageCode.REGISTERED


def test_the_deal_page_shows_the_stage_panel_and_who_moves(tenant, admin_member, client_for):
    referral = _approved(tenant, PartnerFactory(tenant=tenant))
    reseller = _approved(tenant, PartnerFactory(tenant=tenant), code=ContractKind.RESELLER)
    client = client_for(admin_member)

    mine = client.get(url(tenant, "deal_detail", deal_id=referral.pk)).content.decode()
    theirs = client.get(url(tenant, "deal_detail", deal_id=reseller.pk)).content.decode()

    assert 'data-testid="stage-move-form"' in mine
    assert 'data-testid="stage-move-form"' not in theirs
    assert "The partner moves this deal in the portal" in theirs


def test_a_reseller_rep_moves_its_deal_in_the_portal_not_another_partners(
    tenant, seller, member_factory, client_for
):
    from tests.deals.conftest import make_seller

    with scopes_disabled():
        seller.program.contract_type = built_in_contract_type(tenant, ContractKind.RESELLER)
        seller.program.save()
    deal = DealFactory(
        partner=seller.partner,
        program=seller.program,
        registration_status=RegistrationStatus.APPROVED,
        stage=stage_of(tenant, StageCode.APPROVED),
    )
    stranger = make_seller(tenant, member_factory)
    won = stage_of(tenant, StageCode.WON).pk

    client = client_for(seller.rep_member)
    page = client.get(url(tenant, "portal_deal_detail", deal_id=deal.pk)).content.decode()
    assert 'data-testid="stage-move-form"' in page
    response = client.post(url(tenant, "portal_deal_stage_move", deal_id=deal.pk), {"stage": won})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.won_on is not None

    other = client_for(stranger.rep_member).post(
        url(tenant, "portal_deal_stage_move", deal_id=deal.pk), {"stage": won}
    )
    assert other.status_code == 404


def test_staff_correct_a_won_deal_amount_and_record_churn(tenant, admin_member, client_for):
    deal = _approved(tenant, PartnerFactory(tenant=tenant), won_on=datetime.date(2026, 10, 1))
    client = client_for(admin_member)

    refused = client.post(
        url(tenant, "deal_amount_change", deal_id=deal.pk),
        {"amount_one_time": "2000000", "amount_monthly": "0", "reason": ""},
    )
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    client.post(
        url(tenant, "deal_amount_change", deal_id=deal.pk),
        {"amount_one_time": "2000000", "amount_monthly": "0", "reason": "Upsell"},
    )
    client.post(url(tenant, "deal_churn", deal_id=deal.pk), {"churned_on": "2026-11-01"})

    deal.refresh_from_db()
    assert deal.amount_one_time == 2_000_000 and deal.churned_on == datetime.date(2026, 11, 1)


def test_staff_enter_a_direct_deal(tenant, admin_member, client_for):
    client = client_for(admin_member)
    page = client.get(url(tenant, "direct_deal_create"))
    assert page.status_code == 200

    refused = client.post(
        url(tenant, "direct_deal_create"),
        {"customer_name": "", "amount_one_time": "0", "amount_monthly": "0", "currency": "JPY"},
    )
    assert refused.status_code == 200
    response = client.post(
        url(tenant, "direct_deal_create"),
        {
            "customer_name": "株式会社ダイレクト",
            "amount_one_time": "800000",
            "amount_monthly": "0",
            "currency": "JPY",
            "stage": stage_of(tenant, StageCode.PROPOSAL).pk,
        },
    )

    with scopes_disabled():
        deal = Deal.objects.get(tenant=tenant, customer_name="株式会社ダイレクト")
    assert response["Location"] == url(tenant, "deal_detail", deal_id=deal.pk)
    assert deal.partner is None and deal.stage.code == StageCode.PROPOSAL


def test_the_partner_tab_lists_its_deals(tenant, admin_member, client_for):
    partner = PartnerFactory(tenant=tenant)
    _approved(tenant, partner, customer_name="Tab Corp")
    _approved(tenant, PartnerFactory(tenant=tenant), customer_name="Elsewhere Corp")
    client = client_for(admin_member)

    fragment = client.get(
        url(tenant, "partner_deals", partner_id=partner.pk), HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Tab Corp" in fragment and "Elsewhere Corp" not in fragment
    assert "<html" not in fragment


def test_stage_settings_add_edit_and_delete_a_stage(tenant, admin_member, client_for):
    client = client_for(admin_member)
    client.post(url(tenant, "stage_list"), {"name": "Trial", "kind": "open", "exit_criteria": ""})
    with scopes_disabled():
        trial = DealStage.objects.get(tenant=tenant, name="Trial")
    taken = client.post(url(tenant, "stage_list"), {"name": "trial", "kind": "open"})
    assert "already exists" in taken.content.decode()

    client.post(
        url(tenant, "stage_edit", stage_id=trial.pk),
        {"name": "Trial", "exit_criteria": "The customer has a trial account."},
    )
    page = client.get(url(tenant, "stage_list")).content.decode()
    assert "The customer has a trial account." in page
    client.post(url(tenant, "stage_delete", stage_id=trial.pk))
    with scopes_disabled():
        assert not DealStage.objects.filter(tenant=tenant, name="Trial").exists()


def test_a_viewer_reads_the_pipeline_but_cannot_move_or_edit_stages(
    tenant, viewer_member, client_for
):
    deal = _approved(tenant, PartnerFactory(tenant=tenant))
    client = client_for(viewer_member)

    assert client.get(url(tenant, "pipeline_list")).status_code == 200
    assert client.get(url(tenant, "stage_list")).status_code == 403
    response = client.post(
        url(tenant, "deal_stage_move", deal_id=deal.pk),
        {"stage": stage_of(tenant, StageCode.WON).pk},
    )
    assert response.status_code == 403


def test_the_board_shows_each_columns_most_recently_moved_cards_and_how_many_more(
    tenant, admin_member, client_for, monkeypatch
):
    from deals.selectors import pipeline as pipeline_selectors

    monkeypatch.setattr(pipeline_selectors, "BOARD_CARDS_PER_STAGE", 2)
    partner = PartnerFactory(tenant=tenant)
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for i in range(4):
        _approved(
            tenant,
            partner,
            customer_name=f"Card {i}",
            stage_changed_at=base + datetime.timedelta(days=i),
        )
    DealFactory(partner=partner, customer_name="Rejected Card", registration_status="rejected")

    body = client_for(admin_member).get(url(tenant, "pipeline_board")).content.decode()

    assert "Card 3" in body and "Card 2" in body
    assert "Card 1" not in body and "Card 0" not in body and "Rejected Card" not in body
    assert "2 more deals" in body
