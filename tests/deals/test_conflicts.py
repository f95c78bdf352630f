"""Conflict detection (deals/services/conflicts.py): each reason, what never matches, the
stored rows both ways and their refresh, and that a match is an indexed equality."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import HOLDING_STATUSES, ConflictReason, Deal, DealConflict, RegistrationStatus
from deals.services import registrations as services
from deals.services.conflicts import keys_of, matches_for_keys
from tests.deals.test_registration_services import register
from tests.factories.deals import DealFactory


def test_conflicts_are_found_with_their_reasons_and_stored_both_ways(
    tenant, in_tenant, seller, rival
):
    first = register(tenant, in_tenant, rival, corporate_number="")
    second = register(
        tenant,
        in_tenant,
        seller,
        customer_name="アクメ(株)",
        web_domain="",
        contact_email="sato@acme.co.jp",
    )

    with in_tenant(tenant):
        rows = {(row.deal_id, row.other_id): row.reasons for row in DealConflict.objects.all()}
    reasons = [ConflictReason.EMAIL_DOMAIN, ConflictReason.COMPANY_NAME]
    assert rows == {(second.pk, first.pk): reasons, (first.pk, second.pk): reasons}


def test_corporate_number_and_web_domain_match(tenant, in_tenant, seller, rival):
    with in_tenant(tenant):
        other = DealFactory(
            partner=rival.partner, corporate_number="1234567890123", web_domain_typed="acme.jp"
        )
        keys = keys_of(
            customer_name="Something else",
            corporate_number="1234567890123",
            web_domain="www.acme.jp",
        )
        matches = matches_for_keys(tenant=tenant, keys=keys)
    assert [(m.deal.pk, m.reasons) for m in matches] == [
        (other.pk, [ConflictReason.CORPORATE_NUMBER, ConflictReason.WEB_DOMAIN])
    ]


def test_free_mail_and_released_deals_do_not_match(tenant, in_tenant, seller, rival):
    with in_tenant(tenant):
        DealFactory(partner=rival.partner, customer_name="Foo", contact_email="a@gmail.com")
        DealFactory(
            partner=rival.partner,
            customer_name="株式会社アクメ",
            registration_status=RegistrationStatus.EXPIRED,
        )
        DealFactory(
            partner=rival.partner,
            customer_name="株式会社アクメ",
            lost_on=datetime.date(2026, 1, 1),
            lost_reason="no budget",
        )
        keys = keys_of(customer_name="アクメ", contact_email="b@gmail.com")
        assert matches_for_keys(tenant=tenant, keys=keys) == []
        assert RegistrationStatus.EXPIRED not in HOLDING_STATUSES


def test_direct_deals_and_approved_deals_hold_the_customer(tenant, in_tenant, seller, rival):
    with in_tenant(tenant):
        direct = DealFactory(
            partner=None,
            tenant=tenant,
            customer_name="ACME Inc.",
            registration_status=RegistrationStatus.DIRECT,
        )
        matches = matches_for_keys(tenant=tenant, keys=keys_of(customer_name="acme"))
    assert [m.deal.pk for m in matches] == [direct.pk]


def test_the_recheck_refreshes_stale_rows(tenant, in_tenant, seller, rival):
    first = register(tenant, in_tenant, rival)
    second = register(tenant, in_tenant, seller)
    with in_tenant(tenant):
        Deal.objects.filter(pk=first.pk).update(registration_status=RegistrationStatus.REJECTED)
        services.deal_recheck(tenant=tenant, deal=second)
        assert not DealConflict.objects.filter(deal__in=[first, second]).exists()


def test_a_check_is_one_query_using_the_indexes(tenant, in_tenant, seller, rival):
    with in_tenant(tenant):
        template = DealFactory(partner=rival.partner, corporate_number="", customer_name="他社")
        rows = []
        for i in range(3000):
            template.pk = None
            template.customer_name_key = f"他社{i}"
            template.web_domain = f"d{i}.example.jp" if i % 3 == 0 else ""
            template.contact_email_domain = f"m{i}.example.jp" if i % 5 == 0 else ""
            template.corporate_number = f"{i:013d}" if i % 7 == 0 else ""
            rows.append(
                Deal(
                    **{f.attname: getattr(template, f.attname) for f in Deal._meta.concrete_fields}
                )
            )
        Deal.objects.bulk_create(rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE deals_deal")
        keys = keys_of(
            customer_name="アクメ",
            corporate_number="1234567890123",
            web_domain="acme.co.jp",
            contact_email="a@acme.co.jp",
        )
        with CaptureQueriesContext(connection) as queries:
            matches_for_keys(tenant=tenant, keys=keys)
        assert len(queries) == 1
        sql = queries[0]["sql"]
        with connection.cursor() as cursor:
            # With sequential scans priced out, the planner shows which indexes serve the
            # query; a query no index can serve would still be a sequential scan.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on deals_deal" not in plan
    for index in ("deal_name_key", "deal_corporate_number", "deal_web_domain", "deal_email_domain"):
        assert index in plan, plan
