"""The board's drag and drop posts to the stage-change view by htmx."""

from django.urls import reverse
from django_scopes import scopes_disabled

from partners.choices import ProspectStage
from partners.models import Prospect
from tests.factories.partners import LostReasonFactory, ProspectFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def stage_url(tenant, prospect):
    return reverse(
        "prospect_stage", kwargs={"tenant_slug": tenant.slug, "prospect_id": prospect.pk}
    )


def test_htmx_drop_moves_and_asks_the_board_to_reload(tenant, manager_member, client_for):
    prospect = ProspectFactory(tenant=tenant, stage=ProspectStage.SOURCED)

    response = client_for(manager_member).post(
        stage_url(tenant, prospect), {"to_stage": "meeting"}, **HTMX
    )

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    with scopes_disabled():
        assert Prospect.objects.get(pk=prospect.pk).stage == ProspectStage.MEETING


def test_htmx_drop_on_lost_without_a_reason_is_refused_and_says_why(
    tenant, manager_member, client_for
):
    LostReasonFactory(tenant=tenant)
    prospect = ProspectFactory(tenant=tenant, stage=ProspectStage.CONTACTED)

    response = client_for(manager_member).post(
        stage_url(tenant, prospect), {"to_stage": "lost"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="board-move-refused"' in html
    assert "Say why the prospect was lost." in html
    assert "<html" not in html
    with scopes_disabled():
        assert Prospect.objects.get(pk=prospect.pk).stage == ProspectStage.CONTACTED


def test_board_cards_carry_move_urls_and_full_names(tenant, manager_member, client_for):
    long_name = "株式会社とても長い名前のシステムインテグレーション・ソリューションズ東日本"
    prospect = ProspectFactory(tenant=tenant, company_name=long_name, stage=ProspectStage.SOURCED)
    signed = ProspectFactory(tenant=tenant, stage=ProspectStage.SIGNED)

    html = (
        client_for(manager_member)
        .get(reverse("recruitment_home", kwargs={"tenant_slug": tenant.slug}))
        .content.decode()
    )

    assert f'data-move-url="{stage_url(tenant, prospect)}"' in html
    assert f'data-move-url="{stage_url(tenant, signed)}"' not in html  # signed stays put
    assert long_name in html
    assert 'data-testid="prospect-card-name"' in html
    assert 'class="fw-semibold text-truncate">' + long_name not in html


def test_viewer_board_has_no_drag_and_drop(tenant, viewer_member, client_for):
    ProspectFactory(tenant=tenant, stage=ProspectStage.SOURCED)

    html = (
        client_for(viewer_member)
        .get(reverse("recruitment_home", kwargs={"tenant_slug": tenant.slug}))
        .content.decode()
    )

    assert 'draggable="true"' not in html
    assert 'data-testid="lost-dialog"' not in html
