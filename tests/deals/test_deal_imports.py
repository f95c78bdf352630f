"""CSV import of the vendor's direct deals: UTF-8 and CP932, each row built by the direct-deal
rules, row errors naming row and column, all or nothing, confirmed once, and the same file
imported again creating nothing twice."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, ImportJob
from accounts.roles import Role
from accounts.urls_helpers import tenant_reverse
from deals import signals
from deals.models import Deal, DealStageChange, RegistrationStatus, StageCode
from tests.factories.accounts import ImportJobFactory, TenantFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,customer_name,product,amount_one_time,amount_monthly,currency,"
    "expected_close_on,stage,won_on,owner_email,notes\n"
)


@pytest.fixture
def manager(tenant, member_factory):
    return member_factory(tenant, Role.PARTNER_MANAGER)


@pytest.fixture
def staff_client(client_for, manager):
    return client_for(manager)


@pytest.fixture
def won_signals():
    got = []

    def receiver(sender, **kwargs):
        got.append(kwargs["deal_id"])

    signals.deal_won.connect(receiver, weak=False, dispatch_uid="test-import-won")
    yield got
    signals.deal_won.disconnect(dispatch_uid="test-import-won")


def _url(tenant):
    return tenant_reverse(tenant, "deals:direct_deal_import")


def _upload(client, tenant, text: str, encoding="utf-8"):
    upload = SimpleUploadedFile("deals.csv", text.encode(encoding), content_type="text/csv")
    return client.post(_url(tenant), {"file": upload})


def _last_job():
    with scopes_disabled():
        return ImportJob.objects.order_by("-pk").first()


def _confirm(client, tenant, job):
    return client.post(_url(tenant) + f"?job={job.pk}", {"token": job.token})


def _good(manager) -> str:
    return HEADER + (
        f'CRM-1,株式会社ダイレクト商事,Enterprise,"1,200,000",50000,JPY,2027-03-31,proposal,,'
        f"{manager.user.email},展示会から\n"
        "CRM-2,Direct Foods Inc.,Starter,３００００００,,,2026/11/15,Won,2026/11/20,,\n"
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_a_good_file_previews_then_writes_every_deal(
    tenant, manager, staff_client, encoding, won_signals, django_capture_on_commit_callbacks
):
    response = _upload(staff_client, tenant, _good(manager), encoding)
    assert response.status_code == 302
    job = _last_job()
    assert (job.state, job.error_count, job.total_rows) == ("checked", 0, 2)
    with scopes_disabled():
        assert not Deal.objects.exists()  # nothing before the confirm
    assert "import-confirm" in staff_client.get(response["Location"]).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _confirm(staff_client, tenant, job)
    _confirm(staff_client, tenant, job)  # a double submit imports nothing twice

    with scopes_disabled():
        deals = {d.external_ref: d for d in Deal.objects.select_related("stage", "owner")}
        history = DealStageChange.objects.filter(deal__in=deals.values()).count()
        audited = AuditEvent.objects.filter(tenant=tenant, action="deal.direct_created").count()
        job.refresh_from_db()
    assert set(deals) == {"CRM-1", "CRM-2"}
    first, second = deals["CRM-1"], deals["CRM-2"]
    assert first.registration_status == RegistrationStatus.DIRECT and first.partner_id is None
    assert (first.amount_one_time, first.amount_monthly) == (Decimal("1200000"), Decimal("50000"))
    assert first.stage.code == StageCode.PROPOSAL and first.owner_id == manager.pk
    assert first.registered_by_id == manager.user_id
    assert first.expected_close_on == datetime.date(2027, 3, 31)
    assert second.amount_one_time == Decimal("3000000")  # full-width digits
    assert second.stage.code == StageCode.WON and second.won_on == datetime.date(2026, 11, 20)
    assert second.currency == tenant.base_currency
    assert (history, audited) == (2, 2)
    assert won_signals == [second.pk]
    assert (job.state, job.created_count) == ("done", 2)


def test_every_bad_cell_names_its_row_and_column_and_nothing_is_written(
    tenant, manager, staff_client, member_factory
):
    other_tenant_staff = member_factory(TenantFactory(), Role.PARTNER_MANAGER)
    text = HEADER + (
        f"A-1,Good Co,,100,,,,,,{manager.user.email},\n"
        "A-2,,,100,,,,,,,\n"
        "A-3,Amount Co,,12万,,,,,,,\n"
        "A-4,Stage Co,,100,,,,nowhere,,,\n"
        f"A-5,Owner Co,,100,,,,,,{other_tenant_staff.user.email},\n"
        "A-6,Zero Co,,0,0,,,,,,\n"
        "A-7,Won Co,,100,,,,approved,2026-01-05,,\n"
        "A-8,Date Co,,100,,,31/03/2027,,,,\n"
        "A-1,Repeat Co,,100,,,,,,,\n"
    )
    _upload(staff_client, tenant, text)
    job = _last_job()

    assert job.state == "checked"
    errors = {(row, column) for row, column, _message in job.errors}
    assert errors == {
        (3, "customer_name"),
        (4, "amount_one_time"),
        (5, "stage"),
        (6, "owner_email"),
        (7, "amount_one_time"),
        (8, "won_on"),
        (9, "expected_close_on"),
        (10, "reference"),
    }
    messages = {(row, column): message for row, column, message in job.errors}
    assert "row 2" in messages[(10, "reference")]
    # No confirm is offered, and a forced one writes nothing.
    _confirm(staff_client, tenant, job)
    with scopes_disabled():
        assert not Deal.objects.exists()


def test_the_same_file_imported_again_creates_nothing_twice(tenant, manager, staff_client):
    text = HEADER + (
        "R-1,株式会社リピート,Pro,500000,,,2027-01-31,,,,\n"
        ",株式会社参照なし,Pro,800000,,,2027-02-28,,,,\n"
    )
    _upload(staff_client, tenant, text)
    _confirm(staff_client, tenant, _last_job())
    with scopes_disabled():
        assert Deal.objects.count() == 2

    _upload(staff_client, tenant, text)
    again = _last_job()

    assert {(row, column) for row, column, _message in again.errors} == {
        (2, "reference"),
        (3, "customer_name"),
    }
    _confirm(staff_client, tenant, again)
    with scopes_disabled():
        assert Deal.objects.count() == 2


def test_a_reference_is_unique_per_tenant_in_the_database(tenant, in_tenant):
    from django.db import IntegrityError, transaction

    from tests.factories.deals import stage_of

    def direct(ref):
        return Deal(
            tenant=tenant,
            registration_status=RegistrationStatus.DIRECT,
            customer_name="Dup",
            customer_name_key="dup",
            amount_one_time=1,
            stage=stage_of(tenant, StageCode.APPROVED),
            external_ref=ref,
        )

    with in_tenant(tenant):
        direct("X-1").save()
        direct("").save()
        direct("").save()  # blank references never clash
        with pytest.raises(IntegrityError), transaction.atomic():
            direct("X-1").save()


def test_the_page_is_reachable_from_the_pipeline_list_and_needs_manage(
    tenant, staff_client, client_for, member_factory
):
    listing = staff_client.get(tenant_reverse(tenant, "deals:pipeline_list")).content.decode()
    assert _url(tenant) in listing
    page = staff_client.get(_url(tenant)).content.decode()
    assert "customer_name" in page and "owner_email" in page
    viewer = client_for(member_factory(tenant, Role.VIEWER))
    assert viewer.get(_url(tenant)).status_code in (403, 404)


def test_another_tenants_job_and_a_job_of_another_kind_answer_404(
    tenant, manager, staff_client, member_factory, client_for
):
    other = TenantFactory()
    other_client = client_for(member_factory(other, Role.PARTNER_MANAGER))
    other_client.post(
        tenant_reverse(other, "deals:direct_deal_import"),
        {"file": SimpleUploadedFile("d.csv", _good(manager).encode(), content_type="text/csv")},
    )
    theirs = _last_job()
    assert theirs.tenant_id == other.pk

    assert staff_client.get(_url(tenant) + f"?job={theirs.pk}").status_code == 404
    assert _confirm(staff_client, tenant, theirs).status_code in (302, 404)
    with scopes_disabled():
        theirs.refresh_from_db()
        assert theirs.state == "checked"  # never confirmed from another tenant
        mine = ImportJobFactory(tenant=tenant, kind="partners")
    assert staff_client.get(_url(tenant) + f"?job={mine.pk}").status_code == 404
