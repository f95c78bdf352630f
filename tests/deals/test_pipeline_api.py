"""The pipeline API: stages, the staff pipeline list, stage moves (staff and partner users,
own partner only) and direct deals."""

from django_scopes import scopes_disabled

from accounts.urls_helpers import tenant_reverse
from deals.models import Deal, RegistrationStatus, StageCode
from programs.models import ContractKind
from tests.factories.deals import DealFactory, stage_of
from tests.factories.programs import built_in_contract_type


def url(tenant, name, **kwargs):
    return tenant_reverse(tenant, f"deals:{name}", **kwargs)


def _agency_deal(tenant, seller):
    with scopes_disabled():
        seller.program.contract_type = built_in_contract_type(tenant, ContractKind.AGENCY)
        seller.program.save()
    return DealFactory(
        partner=seller.partner,
        program=seller.program,
        registration_status=RegistrationStatus.APPROVED,
        stage=stage_of(tenant, StageCode.APPROVED),
    )


def test_stages_list_in_order(tenant, admin_member, client_for):
    rows = client_for(admin_member).get(url(tenant, "api_stage_list")).json()
    assert [row["code"] for row in rows][:3] == ["registered", "approved", "meeting_set"]


def test_the_pipeline_list_filters_and_leaves_out_rejected(
    tenant, seller, admin_member, client_for
):
    kept = _agency_deal(tenant, seller)
    DealFactory(partner=seller.partner, registration_status=RegistrationStatus.REJECTED)
    client = client_for(admin_member)

    rows = client.get(url(tenant, "api_pipeline_list")).json()["results"]
    by_stage = client.get(
        url(tenant, "api_pipeline_list"), {"stage": stage_of(tenant, StageCode.WON).pk}
    ).json()["results"]

    assert [row["id"] for row in rows] == [kept.pk]
    assert by_stage == []


def test_a_partner_user_moves_its_own_deal_and_gets_404_for_another_partners(
    tenant, seller, rival, client_for
):
    deal = _agency_deal(tenant, seller)
    proposal = stage_of(tenant, StageCode.PROPOSAL).pk

    other = client_for(rival.rep_member).post(
        url(tenant, "api_deal_stage_move", deal_id=deal.pk),
        {"stage": proposal},
        content_type="application/json",
    )
    assert other.status_code == 404
    deal.refresh_from_db()
    assert deal.stage.code == StageCode.APPROVED

    mine = client_for(seller.rep_member).post(
        url(tenant, "api_deal_stage_move", deal_id=deal.pk),
        {"stage": proposal},
        content_type="application/json",
    )
    assert mine.status_code == 200 and mine.json()["stage_name"] == "Proposal"


def test_an_illegal_move_answers_400_with_the_reason(tenant, seller, admin_member, client_for):
    pending = DealFactory(partner=seller.partner, program=seller.program)
    client = client_for(admin_member)

    response = client.post(
        url(tenant, "api_deal_stage_move", deal_id=pending.pk),
        {"stage": stage_of(tenant, StageCode.WON).pk},
        content_type="application/json",
    )
    lost = client.post(
        url(tenant, "api_deal_stage_move", deal_id=_agency_deal(tenant, seller).pk),
        {"stage": stage_of(tenant, StageCode.LOST).pk},
        content_type="application/json",
    )

    assert response.status_code == 400 and "approve it" in str(response.json())
    assert lost.status_code == 400 and "lost_reason" in lost.json()


def test_staff_enter_a_direct_deal_by_api(tenant, admin_member, client_for):
    client = client_for(admin_member)

    created = client.post(
        url(tenant, "api_direct_deal_create"),
        {"customer_name": "Direct API Inc.", "amount_one_time": "5000"},
        content_type="application/json",
    )
    refused = client.post(
        url(tenant, "api_direct_deal_create"),
        {"customer_name": "Nothing Inc."},
        content_type="application/json",
    )

    assert created.status_code == 201 and created.json()["registration_status"] == "direct"
    assert refused.status_code == 400 and "amount_one_time" in refused.json()
    with scopes_disabled():
        assert Deal.objects.filter(tenant=tenant, customer_name="Nothing Inc.").count() == 0
