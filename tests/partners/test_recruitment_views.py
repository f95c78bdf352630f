"""Recruitment staff pages: pipeline, prospect pages, stage form, signing, report, settings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from partners.choices import ProspectSource, ProspectStage
from partners.models import LostReason, Partner, PartnerPersona, Prospect, ProspectStageChange
from tests.factories.partners import LostReasonFactory, PartnerFactory, ProspectFactory

pytestmark = pytest.mark.django_db


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def manager(client_for, manager_member):
    return client_for(manager_member)


def _history(tenant, prospect, path, start, gaps):
    """Stage rows for `path` (stages) entered at start, start+gaps[0], …"""
    at = start
    previous = ""
    for index, stage in enumerate(path):
        if index:
            at = at + timedelta(days=gaps[index - 1])
        ProspectStageChange.objects.create(
            tenant=tenant, prospect=prospect, from_stage=previous, to_stage=stage, changed_at=at
        )
        previous = stage


# --- Pipeline -----------------------------------------------------------------------------------


def test_pipeline_board_shows_counts_per_stage_and_cards(tenant, manager):
    ProspectFactory(tenant=tenant, company_name="Alpha Sourced", stage=ProspectStage.SOURCED)
    ProspectFactory(tenant=tenant, company_name="Beta Meeting", stage=ProspectStage.MEETING)
    ProspectFactory(tenant=tenant, company_name="Gamma Meeting", stage=ProspectStage.MEETING)

    response = manager.get(url(tenant, "recruitment_home"))

    assert response.status_code == 200
    html = response.content.decode()
    counts = {row["stage"]: row["count"] for row in response.context["counts"]}
    assert counts["meeting"] == 2 and counts["sourced"] == 1 and counts["proposal"] == 0
    assert 'data-testid="stage-count-meeting">2<' in html
    assert "Beta Meeting" in html and "Gamma Meeting" in html
    assert "Set up a partner persona to see the fit" in html


def test_pipeline_table_filters_by_source_stage_owner_and_name(tenant, manager, manager_member):
    ProspectFactory(tenant=tenant, company_name="株式会社ＡＢＣ商事", source=ProspectSource.EVENT)
    ProspectFactory(tenant=tenant, company_name="Other Event", source=ProspectSource.EVENT)
    ProspectFactory(
        tenant=tenant,
        company_name="Mine Outbound",
        source=ProspectSource.OUTBOUND,
        owner=manager_member,
        stage=ProspectStage.CONTACTED,
    )

    def names(**params):
        response = manager.get(url(tenant, "recruitment_home"), {"view": "table", **params})
        assert response.status_code == 200
        return sorted(p.company_name for p in response.context["page"])

    assert names(source="event") == ["Other Event", "株式会社ＡＢＣ商事"]
    # Width- and case-blind name search: "abc" finds the full-width ＡＢＣ.
    assert names(q="abc") == ["株式会社ＡＢＣ商事"]
    assert names(owner=manager_member.pk) == ["Mine Outbound"]
    assert names(stage="contacted") == ["Mine Outbound"]


def test_pipeline_table_sorts_by_fit_and_paginates(tenant, manager, unscoped):
    with unscoped():
        PartnerPersona.objects.create(tenant=tenant, ideal_industries=["it"])
    ProspectFactory(tenant=tenant, company_name="Fits", industries=["it"])
    ProspectFactory(tenant=tenant, company_name="Misses", industries=["retail"])
    for index in range(30):
        ProspectFactory(tenant=tenant, company_name=f"Filler {index:02d}")

    top = manager.get(url(tenant, "recruitment_home"), {"view": "table", "sort": "-fit"})
    second_page = manager.get(url(tenant, "recruitment_home"), {"view": "table", "page": 2})

    rows = list(top.context["page"])
    assert rows[0].company_name == "Fits" and rows[0].fit.score == 100
    assert top.context["page"].paginator.count == 32
    assert len(second_page.context["page"]) == 7
    assert "Fit 100" in top.content.decode()


def test_pipeline_table_total_follows_the_stage_filter_and_search(tenant, manager):
    """The table's total comes from the stage counts it shows anyway (no second COUNT): with
    a stage chosen it is that stage's count, and the pages follow it."""
    for index in range(27):
        ProspectFactory(tenant=tenant, company_name=f"アルファ {index:02d}")
    for index in range(3):
        ProspectFactory(
            tenant=tenant, company_name=f"アルファ C{index}", stage=ProspectStage.CONTACTED
        )
    ProspectFactory(tenant=tenant, company_name="Beta", stage=ProspectStage.CONTACTED)

    def page(**params):
        response = manager.get(url(tenant, "recruitment_home"), {"view": "table", **params})
        assert response.status_code == 200
        return response.context["page"]

    assert page(q="アルファ").paginator.count == 30
    assert len(page(q="アルファ", page=2)) == 5
    contacted = page(q="アルファ", stage="contacted")
    assert contacted.paginator.count == 3 and contacted.paginator.num_pages == 1
    assert sorted(p.company_name for p in contacted) == [
        "アルファ C0",
        "アルファ C1",
        "アルファ C2",
    ]


def test_pipeline_never_shows_another_tenants_prospects(tenant, other_tenant, manager):
    ProspectFactory(tenant=other_tenant, company_name="Foreign Prospect")

    response = manager.get(url(tenant, "recruitment_home"), {"view": "table"})

    assert "Foreign Prospect" not in response.content.decode()


def test_viewer_sees_the_pipeline_without_the_new_button(tenant, client_for, viewer_member):
    response = client_for(viewer_member).get(url(tenant, "recruitment_home"))

    assert response.status_code == 200
    assert 'data-testid="prospect-new"' not in response.content.decode()
    assert client_for(viewer_member).get(url(tenant, "prospect_create")).status_code == 403


# --- Prospect pages -----------------------------------------------------------------------------


def test_create_prospect_records_the_stage_and_redirects_to_it(tenant, manager, unscoped):
    response = manager.post(
        url(tenant, "prospect_create"),
        {
            "company_name": "株式会社ひかり",
            "company_name_kana": "ヒカリ",
            "source": "introduction",
            "entity_kind": "company",
            "industries": ["it", "retail"],
            "prefectures": ["13"],
            "employee_count": "80",
        },
    )

    with unscoped():
        prospect = Prospect.objects.get(tenant=tenant, company_name="株式会社ひかり")
        assert prospect.industries == ["it", "retail"]
        assert prospect.stage_changes.count() == 1
    assert response.status_code == 302
    assert response["Location"] == url(tenant, "prospect_detail", prospect_id=prospect.pk)


def test_create_prospect_with_bad_corporate_number_names_the_field(tenant, manager, unscoped):
    response = manager.post(
        url(tenant, "prospect_create"),
        {
            "company_name": "Bad Number KK",
            "source": "outbound",
            "entity_kind": "company",
            "corporate_number": "1234567890123",
        },
    )

    assert response.status_code == 200
    assert "corporate_number" in response.context["form"].errors
    assert 'data-field="corporate_number"' in response.content.decode()
    with unscoped():
        assert not Prospect.objects.filter(company_name="Bad Number KK").exists()


def test_detail_shows_fit_reasons_and_history_with_days(tenant, manager, unscoped):
    with unscoped():
        PartnerPersona.objects.create(
            tenant=tenant, ideal_prefectures=["27"], min_sales_headcount=5
        )
    prospect = ProspectFactory(
        tenant=tenant, prefectures=["27"], sales_headcount=2, stage=ProspectStage.CONTACTED
    )
    with unscoped():
        _history(
            tenant,
            prospect,
            ["sourced", "contacted"],
            timezone.now() - timedelta(days=9),
            [4],
        )

    response = manager.get(url(tenant, "prospect_detail", prospect_id=prospect.pk))

    html = response.content.decode()
    assert response.context["fit"].score == 50
    assert "Covers your regions: Osaka." in html
    assert "Only 2 salespeople (you want at least 5)." in html
    assert "4 days" in html and "5 days" in html
    assert 'data-testid="stage-form"' in html and 'data-testid="prospect-sign"' in html


def test_stage_form_moves_the_prospect(tenant, manager, unscoped):
    prospect = ProspectFactory(tenant=tenant)

    response = manager.post(
        url(tenant, "prospect_stage", prospect_id=prospect.pk), {"to_stage": "meeting"}
    )

    with unscoped():
        prospect.refresh_from_db()
    assert response.status_code == 302
    assert prospect.stage == ProspectStage.MEETING


def test_stage_form_lost_without_reason_shows_the_error(tenant, manager, unscoped):
    prospect = ProspectFactory(tenant=tenant)

    response = manager.post(
        url(tenant, "prospect_stage", prospect_id=prospect.pk), {"to_stage": "lost"}
    )

    assert response.status_code == 200
    assert "Say why the prospect was lost." in response.content.decode()
    with unscoped():
        prospect.refresh_from_db()
    assert prospect.stage == ProspectStage.SOURCED


def test_stage_form_offers_default_lost_reasons_on_first_use_without_writing(
    tenant, manager, unscoped
):
    prospect = ProspectFactory(tenant=tenant)

    response = manager.get(url(tenant, "prospect_detail", prospect_id=prospect.pk))

    assert "Conflicts with their own business" in response.content.decode()
    with unscoped():
        # GET must not write: the usual reasons are offered, not saved.
        assert LostReason.objects.filter(tenant=tenant).count() == 0


def test_picking_an_offered_default_reason_saves_the_list_and_loses_the_prospect(
    tenant, manager, unscoped
):
    prospect = ProspectFactory(tenant=tenant)

    response = manager.post(
        url(tenant, "prospect_stage", prospect_id=prospect.pk),
        {"to_stage": "lost", "lost_reason": "No response"},
    )

    assert response.status_code == 302
    with unscoped():
        prospect.refresh_from_db()
        assert LostReason.objects.filter(tenant=tenant).count() == 5
    assert prospect.stage == ProspectStage.LOST
    assert prospect.lost_reason.label == "No response"


def test_leaving_a_lost_prospect_is_refused_with_a_message(tenant, manager, unscoped):
    reason = LostReasonFactory(tenant=tenant)
    prospect = ProspectFactory(tenant=tenant, stage=ProspectStage.LOST, lost_reason=reason)

    response = manager.post(
        url(tenant, "prospect_stage", prospect_id=prospect.pk),
        {"to_stage": "contacted"},
        follow=True,
    )

    assert "a signed or lost prospect stays where it is" in response.content.decode()
    with unscoped():
        prospect.refresh_from_db()
    assert prospect.stage == ProspectStage.LOST


def test_sign_page_prefills_the_partner_from_the_prospect(tenant, manager):
    prospect = ProspectFactory(
        tenant=tenant, company_name="株式会社プレフィル", contact_name="佐藤 一郎"
    )

    response = manager.get(url(tenant, "prospect_sign", prospect_id=prospect.pk))

    form = response.context["form"]
    assert form["legal_name"].value() == "株式会社プレフィル"
    assert form["rep_full_name"].value() == "佐藤 一郎"
    assert 'value="株式会社プレフィル"' in response.content.decode()


def test_sign_post_creates_the_partner_and_redirects_to_it(tenant, manager, unscoped):
    prospect = ProspectFactory(
        tenant=tenant, company_name="Signer KK", contact_name="Aiko", stage=ProspectStage.PROPOSAL
    )

    response = manager.post(
        url(tenant, "prospect_sign", prospect_id=prospect.pk),
        {
            "legal_name": "Signer KK",
            "entity_kind": "company",
            "priority": "B",
            "rep_full_name": "Aiko",
            "rep_email": "aiko@signer.example.test",
        },
    )

    with unscoped():
        partner = Partner.objects.get(tenant=tenant, legal_name="Signer KK")
        prospect.refresh_from_db()
        assert partner.reps.get().email == "aiko@signer.example.test"
    assert partner.priority == "B"
    assert prospect.partner_id == partner.pk and prospect.stage == ProspectStage.SIGNED
    assert response["Location"] == f"/{tenant.slug}/partners/{partner.pk}/"


def test_sign_with_a_taken_corporate_number_shows_the_field_error(tenant, manager, unscoped):
    PartnerFactory(tenant=tenant, corporate_number="8000012010038")
    prospect = ProspectFactory(tenant=tenant, corporate_number="8000012010038")

    response = manager.post(
        url(tenant, "prospect_sign", prospect_id=prospect.pk),
        {
            "legal_name": "Dup KK",
            "entity_kind": "company",
            "priority": "C",
            "corporate_number": "8000012010038",
        },
    )

    assert response.status_code == 200
    assert "corporate_number" in response.context["form"].errors
    with unscoped():
        assert not Partner.objects.filter(legal_name="Dup KK").exists()


# --- Report -------------------------------------------------------------------------------------


@pytest.fixture
def fixed_pipeline(tenant, unscoped):
    """Five prospects with known paths:

    event A: sourced → contacted (2 d) → meeting (4 d) → proposal (6 d) → signed
    event B: sourced → meeting (10 d, skipping contacted) → lost
    outbound C: sourced → contacted (4 d) → lost
    outbound D: sourced (still)
    outbound E: sourced → contacted (6 d), still contacted
    """
    start = timezone.now() - timedelta(days=60)
    reason = LostReasonFactory(tenant=tenant)
    specs = [
        ("A", "event", ["sourced", "contacted", "meeting", "proposal", "signed"], [2, 4, 6, 1]),
        ("B", "event", ["sourced", "meeting", "lost"], [10, 3]),
        ("C", "outbound", ["sourced", "contacted", "lost"], [4, 2]),
        ("D", "outbound", ["sourced"], []),
        ("E", "outbound", ["sourced", "contacted"], [6]),
    ]
    with unscoped():
        for name, source, path, gaps in specs:
            stage = path[-1]
            prospect = ProspectFactory(
                tenant=tenant,
                company_name=name,
                source=source,
                stage=stage,
                lost_reason=reason if stage == "lost" else None,
                partner=PartnerFactory(tenant=tenant) if stage == "signed" else None,
            )
            _history(tenant, prospect, path, start, gaps)


def test_report_conversion_by_source_and_stage(tenant, manager, fixed_pipeline):
    response = manager.get(url(tenant, "recruitment_report"))

    assert response.status_code == 200
    report = response.context["report"]
    by_source = {row["source"]: row for row in report["sources"]}
    assert (
        by_source["event"]["prospects"],
        by_source["event"]["meeting"],
        by_source["event"]["signed"],
        by_source["event"]["lost"],
        by_source["event"]["conversion"],
    ) == (2, 2, 1, 1, 50.0)
    assert (
        by_source["outbound"]["prospects"],
        by_source["outbound"]["meeting"],
        by_source["outbound"]["signed"],
        by_source["outbound"]["lost"],
        by_source["outbound"]["conversion"],
    ) == (3, 0, 0, 1, 0.0)
    stages = {row["stage"]: row for row in report["stages"]}
    # Reached: everyone sourced; contacted A, B (skipped past it), C, E; meeting A, B; …
    assert [
        stages[s]["reached"] for s in ("sourced", "contacted", "meeting", "proposal", "signed")
    ] == [
        5,
        4,
        2,
        1,
        1,
    ]
    assert stages["sourced"]["to_next"] == 80.0
    assert stages["contacted"]["to_next"] == 50.0
    assert stages["meeting"]["to_next"] == 50.0
    # Time per stage from finished stays: sourced 2, 10, 4, 6 days → average 5.5, median 5.
    assert stages["sourced"]["average_days"] == 5.5
    assert stages["sourced"]["median_days"] == 5.0
    assert stages["contacted"]["average_days"] == 3.0  # A 4 days, C 2 days
    html = response.content.decode()
    assert 'id="recruitment-chart-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_report_without_prospects_shows_the_empty_state(tenant, manager):
    response = manager.get(url(tenant, "recruitment_report"))

    assert 'data-testid="report-empty"' in response.content.decode()


# --- Settings -----------------------------------------------------------------------------------


def test_persona_page_saves_the_persona(tenant, manager, unscoped):
    response = manager.post(
        url(tenant, "persona_edit"),
        {
            "ideal_industries": ["it", "manufacturing"],
            "customer_segments": ["mid"],
            "ideal_prefectures": ["13", "27"],
            "min_employee_count": "30",
            "max_employee_count": "1000",
            "min_sales_headcount": "5",
            "products_handled": "accounting, payroll",
            "goals": "Reach mid-sized companies.",
        },
    )

    assert response.status_code == 302
    with unscoped():
        persona = PartnerPersona.objects.get(tenant=tenant)
        assert AuditEvent.objects.filter(tenant=tenant, action="persona.changed").exists()
    assert persona.ideal_prefectures == ["13", "27"]
    assert persona.max_employee_count == 1000


def test_persona_page_is_read_only_for_viewers(tenant, client_for, viewer_member):
    client = client_for(viewer_member)

    page = client.get(url(tenant, "persona_edit"))
    refused = client.post(url(tenant, "persona_edit"), {"goals": "x"})

    assert page.status_code == 200
    assert 'data-testid="persona-read-only"' in page.content.decode()
    assert refused.status_code == 403


def test_lost_reasons_page_offers_defaults_and_adds_renames_deletes(tenant, manager, unscoped):
    page = manager.get(url(tenant, "lost_reason_list"))
    assert page.status_code == 200
    assert "Not enough sales capacity" in page.content.decode()
    with unscoped():
        # Offered on GET, saved only by a POST.
        assert not LostReason.objects.filter(tenant=tenant).exists()

    manager.post(url(tenant, "lost_reason_list"), {"label": "Budget freeze"})
    with unscoped():
        added = LostReason.objects.get(tenant=tenant, label="Budget freeze")
    manager.post(url(tenant, "lost_reason_rename", lost_reason_id=added.pk), {"label": "Budget"})
    with unscoped():
        added.refresh_from_db()
        assert added.label == "Budget"
    manager.post(url(tenant, "lost_reason_delete", lost_reason_id=added.pk))
    with unscoped():
        assert not LostReason.objects.filter(pk=added.pk).exists()


def test_keeping_the_offered_lost_reasons_saves_them_once(tenant, manager, unscoped):
    manager.post(url(tenant, "lost_reason_list"), {"action": "defaults"})
    manager.post(url(tenant, "lost_reason_list"), {"action": "defaults"})

    with unscoped():
        labels = list(LostReason.objects.filter(tenant=tenant).values_list("label", flat=True))
    assert len(labels) == 5
    assert "Not enough sales capacity" in labels


def test_lost_reason_in_use_is_not_deleted_and_says_why(tenant, manager, unscoped):
    reason = LostReasonFactory(tenant=tenant, label="No response")
    ProspectFactory(tenant=tenant, stage=ProspectStage.LOST, lost_reason=reason)

    response = manager.post(
        url(tenant, "lost_reason_delete", lost_reason_id=reason.pk), follow=True
    )

    assert "rename it instead of deleting it" in response.content.decode()
    with unscoped():
        assert LostReason.objects.filter(pk=reason.pk).exists()


def test_board_cards_link_to_their_prospect_even_in_a_tenant_named_0(manager):
    # The card URLs are reversed once per page with a placeholder id (views/recruitment.py):
    # a tenant slug equal to the placeholder must not be replaced.
    from accounts.urls_helpers import tenant_reverse
    from partners.views.recruitment import _url_maker
    from tests.factories.accounts import TenantFactory

    zero = TenantFactory(slug="0")
    for route in ("prospect_detail", "prospect_stage", "prospect_sign"):
        assert _url_maker(zero, route)(4711) == tenant_reverse(zero, route, prospect_id=4711)


def test_board_card_carries_its_detail_move_and_sign_urls(tenant, manager):
    prospect = ProspectFactory(tenant=tenant, company_name="Card", stage=ProspectStage.MEETING)

    html = manager.get(url(tenant, "recruitment_home")).content.decode()

    for route in ("prospect_detail", "prospect_stage", "prospect_sign"):
        path = reverse(route, kwargs={"tenant_slug": tenant.slug, "prospect_id": prospect.pk})
        assert f'"{path}"' in html, route
