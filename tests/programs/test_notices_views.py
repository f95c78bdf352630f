"""The written-terms notice's pages: the portal's "Our programs" entry, the notice page with its
acknowledgement, the PDF downloads (portal and staff) and the staff's "Issue notice"."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from partners.choices import EntityKind
from programs.models import WrittenTermsNotice
from programs.services.notices import written_notice_issue
from tests.factories.accounts import MembershipFactory
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import PartnerContractFactory, WrittenTermsNoticeFactory
from tests.programs.test_notices import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(tenant, in_tenant):
    contract = make_contract(tenant)
    with in_tenant(tenant):
        notice = written_notice_issue(tenant=tenant, contract=contract)
    admin, _rep = portal_membership_for(contract.partner, role=Role.PARTNER_ADMIN)
    return contract, notice, admin


def url(tenant, name, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def refreshed(notice):
    with scopes_disabled():
        return WrittenTermsNotice.objects.get(pk=notice.pk)


def test_our_programs_shows_the_notice_to_acknowledge(tenant, issued, fresh_client_for):
    contract, notice, admin = issued

    page = fresh_client_for(admin).get(url(tenant, "portal_programs")).content.decode()

    assert 'data-testid="notice-status"' in page
    assert url(tenant, "portal_notice", notice_id=notice.pk) in page
    assert "Read and acknowledge" in page


def test_the_notice_page_shows_the_content_in_the_readers_language(
    tenant, issued, fresh_client_for
):
    _contract, notice, admin = issued
    client = fresh_client_for(admin)

    english = client.get(url(tenant, "portal_notice", notice_id=notice.pk)).content.decode()
    admin.user.language = "ja"
    admin.user.save(update_fields=["language"])
    japanese = client.get(url(tenant, "portal_notice", notice_id=notice.pk)).content.decode()

    assert "10 % of the deal amount" in english
    assert "paid by the last day of the following month" in english
    assert "受注金額の 10 %" in japanese
    assert "翌月末日までに支払います" in japanese
    assert url(tenant, "portal_notice_pdf", notice_id=notice.pk) in english


def test_acknowledging_unticked_says_so_and_records_nothing(tenant, issued, fresh_client_for):
    _contract, notice, admin = issued

    response = fresh_client_for(admin).post(url(tenant, "portal_notice", notice_id=notice.pk))

    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert refreshed(notice).acknowledged_at is None


def test_the_partner_admin_acknowledges_and_sees_who_and_when(tenant, issued, fresh_client_for):
    _contract, notice, admin = issued
    client = fresh_client_for(admin)

    response = client.post(url(tenant, "portal_notice", notice_id=notice.pk), {"confirm": "yes"})

    assert response.status_code == 302
    notice = refreshed(notice)
    assert notice.acknowledged_by_id == admin.user.pk
    page = client.get(url(tenant, "portal_programs")).content.decode()
    assert "Acknowledged on" in page and admin.user.email in page


def test_a_rep_without_the_permission_is_told_the_admin_acknowledges(
    tenant, issued, fresh_client_for
):
    contract, notice, _admin = issued
    rep, _ = portal_membership_for(contract.partner, role=Role.PARTNER_REP)
    client = fresh_client_for(rep)

    page = client.get(url(tenant, "portal_notice", notice_id=notice.pk)).content.decode()
    response = client.post(url(tenant, "portal_notice", notice_id=notice.pk), {"confirm": "yes"})

    assert "partner admin acknowledges the notice" in page
    assert 'data-testid="acknowledge"' not in page
    assert response.status_code == 400
    assert refreshed(notice).acknowledged_at is None


def test_the_pdf_downloads_as_an_attachment_for_the_partner(tenant, issued, fresh_client_for):
    _contract, notice, admin = issued

    response = fresh_client_for(admin).get(url(tenant, "portal_notice_pdf", notice_id=notice.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"written-terms-notice-{notice.contract_id}-" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_idor_another_partners_notice_and_pdf_answer_404(tenant, issued, fresh_client_for):
    _contract, notice, _admin = issued
    other = PartnerFactory(tenant=tenant)
    intruder, _rep = portal_membership_for(other, role=Role.PARTNER_ADMIN)
    client = fresh_client_for(intruder)

    assert client.get(url(tenant, "portal_notice_pdf", notice_id=notice.pk)).status_code == 404
    assert client.get(url(tenant, "portal_notice", notice_id=notice.pk)).status_code == 404
    posted = client.post(url(tenant, "portal_notice", notice_id=notice.pk), {"confirm": "yes"})
    assert posted.status_code == 404
    assert refreshed(notice).acknowledged_at is None


def test_staff_see_the_status_and_download_the_pdf(tenant, issued, fresh_client_for):
    contract, _notice, _admin = issued
    staff = MembershipFactory(tenant=tenant, role=Role.VIEWER)
    client = fresh_client_for(staff)

    page = client.get(url(tenant, "contract_detail", contract_id=contract.pk)).content.decode()
    download = client.get(url(tenant, "contract_notice_pdf", contract_id=contract.pk))

    assert 'data-testid="notice-state"' in page and "not acknowledged yet" in page
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")


def test_staff_issue_a_missing_notice(tenant, fresh_client_for):
    contract = make_contract(tenant)  # started before notices existed: none yet
    manager = MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER)
    client = fresh_client_for(manager)
    detail = client.get(url(tenant, "contract_detail", contract_id=contract.pk)).content.decode()
    assert 'data-testid="notice-issue"' in detail

    response = client.post(url(tenant, "contract_notice_issue", contract_id=contract.pk))

    assert response.status_code == 302
    with scopes_disabled():
        assert WrittenTermsNotice.objects.filter(contract=contract).count() == 1


def test_staff_issue_for_a_company_is_refused(tenant, fresh_client_for):
    contract = make_contract(tenant, EntityKind.COMPANY)
    client = fresh_client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))

    detail = client.get(url(tenant, "contract_detail", contract_id=contract.pk)).content.decode()
    client.post(url(tenant, "contract_notice_issue", contract_id=contract.pk))

    assert 'data-testid="notice-not-required"' in detail
    with scopes_disabled():
        assert not WrittenTermsNotice.objects.filter(contract=contract).exists()


def test_idor_staff_issue_for_another_tenants_contract_answers_404(
    tenant, other_tenant, fresh_client_for
):
    foreign = make_contract(other_tenant)
    client = fresh_client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))

    response = client.post(url(tenant, "contract_notice_issue", contract_id=foreign.pk))

    assert response.status_code == 404
    with scopes_disabled():
        assert not WrittenTermsNotice.objects.filter(contract=foreign).exists()


def _programs_page_queries(client, tenant) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(tenant, "portal_programs")).status_code == 200
    return len(queries)


def test_the_programs_page_reads_the_notices_in_one_query_whatever_their_number(
    tenant, issued, fresh_client_for
):
    contract, _notice, admin = issued
    client = fresh_client_for(admin)
    more = [
        PartnerContractFactory(
            partner=contract.partner,
            tier=contract.tier,
            starts_on=datetime.date(2027 + years, 4, 2),
        )
        for years in range(3)
    ]
    without_notices = _programs_page_queries(client, tenant)

    for other in more:
        WrittenTermsNoticeFactory(contract=other, acknowledged_by=admin.user)
    with_notices = _programs_page_queries(client, tenant)

    assert with_notices == without_notices
