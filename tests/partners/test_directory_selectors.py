"""The partner list's reads: kana-blind search on a trigram index, contact columns, sorts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from partners.choices import PartnerStatus, Priority
from partners.models import Partner
from partners.selectors.directory import partner_list_filtered
from partners.validators import search_key
from tests.factories.partners import ActivityFactory, PartnerFactory, PartnerRepFactory

TODAY = timezone.localdate()


def names(queryset) -> list[str]:
    return [p.legal_name for p in queryset]


@pytest.mark.parametrize("query", ["さくら", "サクラ", "ｻｸﾗ", "さくら商事", "ＳＡＫＵＲＡ"])
def test_search_reads_hiragana_as_katakana_and_any_width(tenant, in_tenant, query):
    with in_tenant(tenant):
        PartnerFactory(tenant=tenant, legal_name="サクラ商事", legal_name_kana="サクラショウジ")
        PartnerFactory(tenant=tenant, legal_name="SAKURA Trading", legal_name_kana="サクラ")
        PartnerFactory(tenant=tenant, legal_name="株式会社ツバキ", legal_name_kana="ツバキ")

        found = names(partner_list_filtered(tenant=tenant, query=query))

    assert "株式会社ツバキ" not in found
    assert found, query


def test_a_name_stored_in_hiragana_is_found_in_katakana():
    # The stored key and the query share search_key, which folds hiragana into katakana.
    assert search_key("さくら商事") == search_key("サクラ商事") == "サクラ商事"
    assert search_key("ゞ") == "ヾ"


def test_search_uses_the_trigram_index(tenant, unscoped):
    PartnerFactory(tenant=tenant, legal_name="サクラ商事")
    with unscoped():
        # The search condition alone (the list adds the tenant, whose btree index wins on a
        # table this small): the trigram index must be able to answer LIKE '%key%'.
        queryset = Partner.objects.filter(search_text__contains=search_key("サクラ商事"))
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "partner_search_trgm" in plan


def test_rows_carry_last_contact_next_due_overdue_and_active_reps(tenant, in_tenant):
    with in_tenant(tenant):
        late = PartnerFactory(
            tenant=tenant, legal_name="Late", status=PartnerStatus.ACTIVE, priority=Priority.A
        )
        ActivityFactory(partner=late, occurred_on=TODAY - timedelta(days=30))
        ActivityFactory(partner=late, occurred_on=TODAY - timedelta(days=10))
        PartnerRepFactory(partner=late)
        PartnerRepFactory(partner=late, is_active=False)
        fine = PartnerFactory(
            tenant=tenant, legal_name="Fine", status=PartnerStatus.ACTIVE, priority=Priority.B
        )
        ActivityFactory(partner=fine, occurred_on=TODAY - timedelta(days=2))
        never = PartnerFactory(
            tenant=tenant, legal_name="Never", status=PartnerStatus.ACTIVE, priority=Priority.C
        )
        no_push = PartnerFactory(
            tenant=tenant, legal_name="NoPush", status=PartnerStatus.ACTIVE, priority=Priority.D
        )
        prospect = PartnerFactory(
            tenant=tenant, legal_name="Prospect", status=PartnerStatus.PROSPECT, priority=Priority.A
        )
        rows = {p.pk: p for p in partner_list_filtered(tenant=tenant, today=TODAY)}

    assert rows[late.pk].last_contact == TODAY - timedelta(days=10)
    assert rows[late.pk].next_due == TODAY - timedelta(days=3)  # A: every 7 days
    assert rows[late.pk].is_overdue is True
    assert rows[late.pk].rep_count == 1
    assert rows[fine.pk].next_due == TODAY + timedelta(days=28)  # B: every 30 days
    assert rows[fine.pk].is_overdue is False
    assert rows[never.pk].last_contact is None
    assert rows[never.pk].is_overdue is True  # a cadence and no contact: overdue
    assert rows[no_push.pk].next_due is None and rows[no_push.pk].is_overdue is False
    assert rows[prospect.pk].next_due is None and rows[prospect.pk].is_overdue is False


def test_sort_by_next_due_puts_never_contacted_first_and_no_cadence_last(tenant, in_tenant):
    with in_tenant(tenant):
        soon = PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.B)
        ActivityFactory(partner=soon, occurred_on=TODAY - timedelta(days=25))
        later = PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.B)
        ActivityFactory(partner=later, occurred_on=TODAY - timedelta(days=1))
        never = PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A)
        no_push = PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.D)

        ascending = [p.pk for p in partner_list_filtered(tenant=tenant, sort="next_due")]
        descending = [p.pk for p in partner_list_filtered(tenant=tenant, sort="-next_due")]

    assert ascending == [never.pk, soon.pk, later.pk, no_push.pk]
    assert descending == [later.pk, soon.pk, never.pk, no_push.pk]


def test_sort_by_last_contact_toggles(tenant, in_tenant):
    with in_tenant(tenant):
        old = PartnerFactory(tenant=tenant)
        ActivityFactory(partner=old, occurred_on=TODAY - timedelta(days=50))
        recent = PartnerFactory(tenant=tenant)
        ActivityFactory(partner=recent, occurred_on=TODAY - timedelta(days=1))
        never = PartnerFactory(tenant=tenant)

        ascending = [p.pk for p in partner_list_filtered(tenant=tenant, sort="last_contact")]
        descending = [p.pk for p in partner_list_filtered(tenant=tenant, sort="-last_contact")]

    assert ascending == [never.pk, old.pk, recent.pk]
    assert descending == [recent.pk, old.pk, never.pk]


def test_other_tenants_activities_never_count(tenant, other_tenant, in_tenant, unscoped):
    with in_tenant(tenant):
        mine = PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A)
    with unscoped():
        theirs = PartnerFactory(tenant=other_tenant)
        ActivityFactory(partner=theirs, occurred_on=TODAY)
    with in_tenant(tenant):
        [row] = partner_list_filtered(tenant=tenant)

    assert row.pk == mine.pk and row.last_contact is None
