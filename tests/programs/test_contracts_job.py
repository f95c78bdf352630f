"""The daily contracts run: expiring at 60 days, the owner's 60- and 30-day reminders once
each, auto-renewal at 30 days, renewals started and contracts ended; twice is harmless."""

import datetime

import pytest
from django_scopes import scopes_disabled

from accounts.models import OutgoingEmail
from programs.models import ContractStatus, PartnerContract
from programs.services.contracts import contracts_daily_run
from programs.tasks.contracts import contracts_daily_task
from tests.factories.partners import PartnerFactory
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory

pytestmark = pytest.mark.django_db

END = datetime.date(2027, 3, 31)


@pytest.fixture
def contract(tenant, member_factory):
    owner = member_factory(tenant)
    program = ProgramFactory(tenant=tenant, default_term_months=12)
    tier = TierFactory(tenant=tenant, program=program)
    partner = PartnerFactory(tenant=tenant, owner=owner)
    return PartnerContractFactory(
        tenant=tenant,
        partner=partner,
        tier=tier,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=END,
        auto_renew=False,
    )


def _emails(tenant):
    with scopes_disabled():
        return list(
            OutgoingEmail.objects.filter(tenant=tenant, purpose="contract_reminder").values_list(
                "to", "subject"
            )
        )


def _run(tenant, in_tenant, day):
    with in_tenant(tenant):
        return contracts_daily_run(tenant=tenant, today=day)


def test_nothing_happens_before_60_days(tenant, in_tenant, contract):
    _run(tenant, in_tenant, END - datetime.timedelta(days=61))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert _emails(tenant) == []


def test_60_and_30_day_reminders_go_once_each(tenant, in_tenant, contract):
    day60 = END - datetime.timedelta(days=60)
    _run(tenant, in_tenant, day60)
    _run(tenant, in_tenant, day60)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EXPIRING
    assert contract.reminded_60_on == day60
    [(to, subject)] = _emails(tenant)
    assert to == contract.partner.owner.user.email
    assert "60" in subject

    _run(tenant, in_tenant, day60 + datetime.timedelta(days=1))
    assert len(_emails(tenant)) == 1

    day30 = END - datetime.timedelta(days=30)
    _run(tenant, in_tenant, day30)
    _run(tenant, in_tenant, day30)
    contract.refresh_from_db()
    assert contract.reminded_30_on == day30
    assert len(_emails(tenant)) == 2
    assert "30" in _emails(tenant)[1][1]


def test_the_reminder_speaks_the_owners_language_and_links_the_contract(
    tenant, in_tenant, contract, settings
):
    settings.PRM_SITE_URL = "https://prm.example"
    user = contract.partner.owner.user
    user.language = "ja"
    user.save(update_fields=["language"])

    _run(tenant, in_tenant, END - datetime.timedelta(days=60))

    with scopes_disabled():
        email = OutgoingEmail.objects.get(tenant=tenant, purpose="contract_reminder")
    assert "あと 60 日" in email.subject
    assert "2027年3月31日" in email.body_text
    page = f"https://prm.example/{tenant.slug}/contracts/{contract.pk}/"
    assert page in email.body_text


def test_auto_renew_at_30_days_once_and_the_renewal_starts_then_old_ends(
    tenant, in_tenant, contract
):
    contract.auto_renew = True
    contract.save()
    day30 = END - datetime.timedelta(days=30)
    first = _run(tenant, in_tenant, day30)
    second = _run(tenant, in_tenant, day30)
    assert first["renewed"] == 1
    assert second == {"ended": 0, "activated": 0, "expiring": 0, "reminded": 0, "renewed": 0}
    with scopes_disabled():
        renewal = PartnerContract.objects.get(renewed_from=contract)
    assert renewal.status == ContractStatus.DRAFT

    _run(tenant, in_tenant, END + datetime.timedelta(days=1))
    contract.refresh_from_db()
    renewal.refresh_from_db()
    assert contract.status == ContractStatus.ENDED
    assert contract.ended_on == END
    assert renewal.status == ContractStatus.ACTIVE


def test_the_task_runs_for_the_tenant(tenant, contract):
    result = contracts_daily_task.delay(tenant_id=tenant.pk).get()
    assert set(result) == {"ended", "activated", "expiring", "reminded", "renewed"}
