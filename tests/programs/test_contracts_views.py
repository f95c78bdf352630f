"""Contract staff pages: upload through the page, download, another tenant's contract 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.models import PartnerContract
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _contract(tenant):
    program = ProgramFactory(tenant=tenant)
    tier = TierFactory(tenant=tenant, program=program)
    return PartnerContractFactory(tenant=tenant, tier=tier, partner=PartnerFactory(tenant=tenant))


def _url(tenant, name, contract):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, "contract_id": contract.pk})


def test_upload_then_download_then_the_list_and_detail_show_it(client, tenant, actor):
    contract = _contract(tenant)
    client.force_login(actor)
    response = client.post(
        _url(tenant, "programs:contract_upload", contract),
        {"signed_document": SimpleUploadedFile("signed.pdf", PDF)},
    )
    assert response.status_code == 302
    detail = client.get(_url(tenant, "programs:contract_detail", contract))
    assert "signed.pdf" in detail.content.decode()
    download = client.get(_url(tenant, "programs:contract_document", contract))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    listing = client.get(reverse("programs:contract_list", kwargs={"tenant_slug": tenant.slug}))
    assert contract.partner.name in listing.content.decode()


def test_an_upload_to_another_tenants_contract_answers_404_and_stores_nothing(
    client, tenant, actor
):
    other = _contract(TenantFactory())
    client.force_login(actor)
    response = client.post(
        _url(tenant, "programs:contract_upload", other),
        {"signed_document": SimpleUploadedFile("signed.pdf", PDF)},
    )
    assert response.status_code == 404
    from django_scopes import scopes_disabled

    with scopes_disabled():
        assert not PartnerContract.objects.get(pk=other.pk).signed_document
