"""Prospect reads in SQL: the fit score the list sorts by equals prospect_fit's, and search is
kana- and width-blind on a trigram index."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from partners.choices import CustomerSegment, Industry, Prefecture
from partners.models import PartnerPersona, Prospect
from partners.selectors.recruitment import (
    board_cards,
    prospect_fit,
    prospect_fit_score,
    prospect_list_filtered,
)
from partners.validators import search_key
from tests.factories.partners import ProspectFactory

PERSONAS = {
    "everything": dict(
        ideal_industries=[Industry.IT, Industry.RETAIL],
        customer_segments=[CustomerSegment.SMALL],
        ideal_prefectures=[Prefecture.TOKYO],
        min_employee_count=50,
        max_employee_count=500,
        min_sales_headcount=5,
        products_handled="会計ソフト、給与, Payroll",
    ),
    "employees_at_most": dict(max_employee_count=100),
    "keywords_only": dict(products_handled="かいけい, クラウド"),
}
PROSPECTS = [
    dict(),
    dict(industries=[Industry.IT], employee_count=50, sales_headcount=5),
    dict(industries=[Industry.OTHER], employee_count=501, sales_headcount=4),
    dict(customer_segments=[CustomerSegment.SMALL], prefectures=[Prefecture.TOKYO]),
    dict(employee_count=100, products_handled="ｶｲｹｲソフト と PAYROLL"),
    dict(products_handled="クラウド会計"),
    dict(products_handled="カイケイ"),
    dict(industries=[Industry.RETAIL, Industry.IT], employee_count=10, products_handled="給与"),
]


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_sql_fit_score_equals_the_python_fit(tenant, in_tenant, persona_name):
    """The stored fit (written through prospect_fit_score's SQL) equals the Python fit."""
    with in_tenant(tenant):
        persona = PartnerPersona.objects.create(tenant=tenant, **PERSONAS[persona_name])
        for fields in PROSPECTS:
            ProspectFactory(tenant=tenant, **fields)
        rows = Prospect.objects.filter(tenant=tenant)

        for prospect in rows:
            expected = prospect_fit(persona=persona, prospect=prospect).score
            assert round(prospect.fit_score) == expected, prospect.__dict__


def test_no_fit_score_without_criteria(tenant, in_tenant):
    with in_tenant(tenant):
        assert prospect_fit_score(None) is None
        assert prospect_fit_score(PartnerPersona.objects.create(tenant=tenant)) is None


def test_sort_by_fit_happens_in_the_database(tenant, in_tenant):
    with in_tenant(tenant):
        persona = PartnerPersona.objects.create(tenant=tenant, **PERSONAS["everything"])
        for fields in PROSPECTS:
            ProspectFactory(tenant=tenant, **fields)
        queryset = prospect_list_filtered(tenant=tenant, sort="-fit", persona=persona)

        scores = [prospect_fit(persona=persona, prospect=p).score for p in queryset]

    assert "fit_score" in str(queryset.query)  # ordered by SQL, not sorted in Python
    assert scores == sorted(scores, reverse=True)


def test_stored_search_keys_follow_search_key(tenant, in_tenant):
    with in_tenant(tenant):
        prospect = ProspectFactory(
            tenant=tenant, company_name="ｻｸﾗ　システム", products_handled="かいけい ソフト"
        )
        prospect.refresh_from_db()

    assert prospect.search_text == search_key(prospect.company_name, prospect.company_name_kana)
    assert prospect.products_key == search_key(prospect.products_handled) == "カイケイソフト"


@pytest.mark.parametrize("query", ["さくら", "ｻｸﾗ", "サクラシス", "しすてむ"])
def test_prospect_search_is_kana_and_width_blind(tenant, in_tenant, query):
    with in_tenant(tenant):
        ProspectFactory(tenant=tenant, company_name="サクラシステム", company_name_kana="サクラ")
        ProspectFactory(tenant=tenant, company_name="ツバキ工業", company_name_kana="ツバキ")

        found = [p.company_name for p in prospect_list_filtered(tenant=tenant, query=query)]

    assert found == ["サクラシステム"]


def test_prospect_search_uses_the_trigram_index(tenant, unscoped):
    ProspectFactory(tenant=tenant, company_name="サクラシステム")
    with unscoped():
        # The search condition alone: the trigram index must be able to answer it (the
        # tenant's btree index wins on tables this small).
        queryset = Prospect.objects.filter(search_text__contains="サクラシステム")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "prospect_search_trgm" in plan


# --- Board ------------------------------------------------------------------------------------


def test_board_cards_are_the_first_of_each_stage_in_the_lists_order(tenant, in_tenant):
    now = timezone.now()
    sourced = [
        ProspectFactory(tenant=tenant, stage="sourced", created_at=now - timedelta(days=day))
        for day in range(5)
    ]
    meeting = [
        ProspectFactory(tenant=tenant, stage="meeting", created_at=now - timedelta(days=day))
        for day in (7, 3)
    ]

    with in_tenant(tenant):
        newest = board_cards(prospect_list_filtered(tenant=tenant), limit=3)
        oldest = board_cards(prospect_list_filtered(tenant=tenant, sort="created"), limit=3)
        only_meeting = board_cards(prospect_list_filtered(tenant=tenant, stage="meeting"), limit=3)

    assert newest["sourced"] == sourced[:3]
    assert newest["meeting"] == [meeting[1], meeting[0]]
    assert oldest["sourced"] == sourced[::-1][:3]
    assert dict(only_meeting) == {"meeting": [meeting[1], meeting[0]]}
