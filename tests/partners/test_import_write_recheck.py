"""The write phase of an import checks again only what the database decides (issue 7, 10x):
what changed between the check and the write is that row's error and nothing is written; the
cell rules, which passed on the same stored text, are not run twice."""

import datetime

import pytest
from stdnum.jp import cn

from accounts import imports as kernel
from accounts.models import ImportJob, Membership
from partners.models import Partner, PartnerRep, PartnerType
from partners.services import imports
from tests.factories.partners import PartnerFactory, PartnerRepFactory, PartnerTypeFactory


def valid_cn(base: str) -> str:
    return cn.calc_check_digit(base) + base


CN1 = valid_cn("123456789012")
CN2 = valid_cn("700110005901")


def upload(tenant, actor, text: str, kind: str) -> ImportJob:
    job = kernel.import_job_create(
        tenant=tenant, actor=actor, kind=kind, filename="p.csv", data=text.encode(), language="en"
    )
    assert (job.state, job.error_count) == (ImportJob.State.CHECKED, 0), job.errors
    return job


def confirm(tenant, actor, job: ImportJob, kind: str) -> ImportJob:
    claimed = kernel.import_job_confirm(tenant=tenant, actor=actor, kind=kind, token=job.token)
    assert claimed is not None
    job.refresh_from_db()
    return job


def assert_refused_at(job: ImportJob, row: int, column: str) -> None:
    assert job.state == ImportJob.State.FAILED
    assert f"row {row}, {column}" in job.failure and "nothing was imported" in job.failure
    assert [row, column] in [error[:2] for error in job.errors]


def test_a_partner_type_deleted_since_the_check_is_that_rows_error(tenant, admin_member, in_tenant):
    PartnerTypeFactory(tenant=tenant, name="Distributor")
    text = (
        f"legal_name,corporate_number,partner_type\r\nサクラ,{CN1},\r\nモミジ,{CN2},Distributor\r\n"
    )
    with in_tenant(tenant):
        job = upload(tenant, admin_member.user, text, "partners")
        PartnerType.objects.filter(tenant=tenant).delete()
        job = confirm(tenant, admin_member.user, job, "partners")
        assert_refused_at(job, 3, "partner_type")
        assert not Partner.objects.filter(tenant=tenant).exists()


def test_an_owner_who_left_since_the_check_is_that_rows_error(
    tenant, admin_member, manager_member, in_tenant
):
    text = f"legal_name,owner_email\r\nサクラ,{manager_member.user.email}\r\n"
    with in_tenant(tenant):
        job = upload(tenant, admin_member.user, text, "partners")
        Membership.objects.filter(pk=manager_member.pk).update(is_active=False)
        job = confirm(tenant, admin_member.user, job, "partners")
        assert_refused_at(job, 2, "owner_email")
        assert not Partner.objects.filter(tenant=tenant).exists()


def test_a_rep_added_since_the_check_with_the_same_email_is_that_rows_error(
    tenant, admin_member, in_tenant
):
    partner = PartnerFactory(tenant=tenant, corporate_number=CN1)
    text = (
        "partner_corporate_number,full_name,email\r\n"
        f"{CN1},山田 太郎,yamada@example.test\r\n{CN1},佐藤 花子,sato@example.test\r\n"
    )
    with in_tenant(tenant):
        job = upload(tenant, admin_member.user, text, "reps")
        PartnerRepFactory(partner=partner, email="Sato@example.test")
        job = confirm(tenant, admin_member.user, job, "reps")
        assert_refused_at(job, 3, "email")
        assert list(PartnerRep.objects.filter(tenant=tenant).values_list("email", flat=True)) == [
            "Sato@example.test"
        ]


def test_the_partner_of_a_rep_deleted_since_the_check_is_that_rows_error(
    tenant, admin_member, in_tenant
):
    PartnerFactory(tenant=tenant, corporate_number=CN1)
    doomed = PartnerFactory(tenant=tenant, corporate_number=CN2)
    text = f"partner_corporate_number,full_name\r\n{CN1},山田 太郎\r\n{CN2},佐藤 花子\r\n"
    with in_tenant(tenant):
        job = upload(tenant, admin_member.user, text, "reps")
        doomed.delete()
        job = confirm(tenant, admin_member.user, job, "reps")
        assert_refused_at(job, 3, "partner_corporate_number")
        assert not PartnerRep.objects.filter(tenant=tenant).exists()


def test_the_write_trusts_the_cell_rules_of_its_own_check(
    tenant, admin_member, in_tenant, monkeypatch
):
    """The cell rules ran once, in the check; the write converts the same cells the same way."""
    text = (
        "legal_name,legal_name_kana,corporate_number,website,postal_code,industries,status_since\r\n"
        f"サクラ,サクラ,{CN1},sakura.example,１００-０００１,retail;manufacturing,2024/04/01\r\n"
    )
    with in_tenant(tenant):
        job = upload(tenant, admin_member.user, text, "partners")

        def not_again(value):
            raise AssertionError(f"a cell rule ran again in the write: {value}")

        monkeypatch.setattr(imports, "validate_corporate_number", not_again)
        monkeypatch.setattr(imports, "_validate_url", not_again)
        job = confirm(tenant, admin_member.user, job, "partners")
        assert (job.state, job.created_count) == (ImportJob.State.DONE, 1)
        partner = Partner.objects.get(tenant=tenant)
    assert (partner.corporate_number, partner.website, partner.postal_code) == (
        CN1,
        "https://sakura.example",
        "100-0001",
    )
    assert partner.industries == ["retail", "manufacturing"]
    assert partner.status_since == datetime.date(2024, 4, 1)


@pytest.mark.parametrize("tricky", ['say "hi"', "back\\slash", "a,b", "{braces}", ""])
def test_copy_insert_stores_every_value_as_given(tenant, in_tenant, tricky):
    """One column holding one value for the whole batch is sent once, the others per row:
    both come back as they went in, list elements with quotes, backslashes and commas too."""
    rows = [
        {"tenant": tenant, "legal_name": "サクラ", "industries": [tricky, "retail"]},
        {"tenant": tenant, "legal_name": "モミジ", "employee_count": 7, "notes": tricky},
    ]
    with in_tenant(tenant):
        ids = kernel.insert_rows(Partner, rows)
        stored = {p.pk: p for p in Partner.objects.filter(tenant=tenant)}
    first, second = stored[ids[0]], stored[ids[1]]
    assert (first.legal_name, first.industries, first.employee_count) == (
        "サクラ",
        [tricky, "retail"],
        None,
    )
    assert (second.legal_name, second.industries, second.employee_count, second.notes) == (
        "モミジ",
        [],
        7,
        tricky,
    )
    assert first.created_at == second.created_at  # one default instant per batch
