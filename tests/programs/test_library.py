"""The content library, staff side: uploads checked by their content, versions, visibility
kept to the tenant's own programs and tiers, double submits, downloads and the list page."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from programs.models import Asset, AssetVersion
from programs.services import library as services
from tests.factories.accounts import TenantFactory
from tests.factories.programs import (
    LIBRARY_PDF,
    AssetFactory,
    AssetVersionFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unscoped():
    """The tests read rows directly (requests still enter their own scope)."""
    with scopes_disabled():
        yield


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return buffer.getvalue()


def _create(tenant, actor, **overrides):
    values = {
        "tenant": tenant,
        "actor": actor,
        "title": "Case study: Kita Logistics",
        "category": "case_study",
        "language": "ja",
        "token": services.new_asset_token(),
        "upload": SimpleUploadedFile("kita.pdf", LIBRARY_PDF),
    }
    values.update(overrides)
    return services.asset_create(**values)


# --- Uploads ---------------------------------------------------------------------------------


def test_a_pdf_asset_stores_its_first_version_with_the_detected_type(tenant, actor):
    asset = _create(tenant, actor)
    version = AssetVersion.objects.get(tenant=tenant, asset=asset)
    assert (version.number, version.content_type, version.size) == (
        1,
        "application/pdf",
        len(LIBRARY_PDF),
    )
    assert version.file_name == "kita.pdf"
    assert f"library/{tenant.pk}/" in version.file.name and "kita" not in version.file.name
    assert AuditEvent.objects.filter(tenant=tenant, action="asset.created").count() == 1


def test_an_image_with_a_pdf_name_is_refused_by_its_content(tenant, actor):
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, upload=SimpleUploadedFile("price.pdf", PNG))
    assert "price.pdf" in error.value.message_dict["file"][0]
    assert "PNG" in error.value.message_dict["file"][0]
    assert not Asset.objects.filter(tenant=tenant).exists()


def test_a_word_file_named_as_excel_is_refused_and_as_word_accepted(tenant, actor):
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, upload=SimpleUploadedFile("sheet.xlsx", _office("word")))
    assert "file" in error.value.message_dict
    asset = _create(tenant, actor, upload=SimpleUploadedFile("guide.docx", _office("word")))
    assert asset.versions.get().content_type.endswith("wordprocessingml.document")


def test_a_text_file_is_refused_naming_the_field(tenant, actor):
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, upload=SimpleUploadedFile("notes.pdf", b"just some text"))
    assert "notes.pdf" in error.value.message_dict["file"][0]


def test_a_file_over_the_size_limit_is_refused(tenant, actor, settings):
    settings.PRM_LIBRARY_MAX_BYTES = 1024 * 1024
    big = LIBRARY_PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, upload=SimpleUploadedFile("big.pdf", big))
    assert "1 MB" in error.value.message_dict["file"][0]
    assert not Asset.objects.filter(tenant=tenant).exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.com/a", "example.com/video", "https://"]
)
def test_a_link_must_be_http_or_https(tenant, actor, url):
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, upload=None, url=url)
    assert "url" in error.value.message_dict


def test_a_link_asset_has_no_version(tenant, actor):
    asset = _create(tenant, actor, upload=None, url="https://video.example.com/demo")
    assert (asset.kind, asset.url) == ("link", "https://video.example.com/demo")
    assert not asset.versions.exists()


# --- Versions --------------------------------------------------------------------------------


def test_new_uploads_are_numbered_versions_and_the_old_ones_stay(tenant, actor):
    asset = _create(tenant, actor)
    second = services.asset_version_add(
        tenant=tenant,
        actor=actor,
        asset=asset,
        upload=SimpleUploadedFile("kita-v2.pdf", LIBRARY_PDF + b"% v2\n"),
    )
    third = services.asset_version_add(
        tenant=tenant, actor=actor, asset=asset, upload=SimpleUploadedFile("kita.png", PNG)
    )
    assert (second.number, third.number) == (2, 3)
    assert list(asset.versions.values_list("number", flat=True)) == [3, 2, 1]
    assert third.content_type == "image/png"


def test_the_same_file_uploaded_twice_is_one_version(tenant, actor):
    asset = _create(tenant, actor)
    again = services.asset_version_add(
        tenant=tenant, actor=actor, asset=asset, upload=SimpleUploadedFile("x.pdf", LIBRARY_PDF)
    )
    assert again.number == 1
    assert asset.versions.count() == 1


def test_a_double_submit_of_the_new_asset_form_creates_one_asset(tenant, actor):
    token = services.new_asset_token()
    first = _create(tenant, actor, token=token)
    second = _create(tenant, actor, token=token)
    assert first.pk == second.pk
    assert Asset.objects.filter(tenant=tenant).count() == 1
    assert AssetVersion.objects.filter(tenant=tenant).count() == 1


def test_an_asset_of_another_tenant_gets_no_version(tenant, actor):
    foreign = AssetFactory(tenant=TenantFactory())
    with pytest.raises(ValidationError):
        services.asset_version_add(
            tenant=tenant,
            actor=actor,
            asset=foreign,
            upload=SimpleUploadedFile("a.pdf", LIBRARY_PDF),
        )


# --- Visibility ------------------------------------------------------------------------------


def test_visibility_is_kept_and_changed(tenant, actor):
    program = ProgramFactory(tenant=tenant)
    gold = TierFactory(tenant=tenant, program=program)
    asset = _create(tenant, actor, programs=[program], tiers=[gold])
    assert list(asset.programs.all()) == [program] and list(asset.tiers.all()) == [gold]
    services.asset_update(
        tenant=tenant,
        actor=actor,
        asset=asset,
        programs=[program],
        tiers=[],
        title="Renamed",
        description="",
        category="faq",
        language="en",
    )
    asset.refresh_from_db()
    assert (asset.title, asset.category, list(asset.tiers.all())) == ("Renamed", "faq", [])
    event = AuditEvent.objects.get(tenant=tenant, action="asset.updated")
    assert event.changes["title"] == ["Case study: Kita Logistics", "Renamed"]


def test_a_program_or_tier_of_another_tenant_is_refused(tenant, actor):
    other = TenantFactory()
    foreign_program = ProgramFactory(tenant=other)
    foreign_tier = TierFactory(tenant=other, program=foreign_program)
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, programs=[foreign_program])
    assert "programs" in error.value.message_dict
    own = ProgramFactory(tenant=tenant)
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, programs=[own], tiers=[foreign_tier])
    assert "tiers" in error.value.message_dict
    assert not Asset.objects.filter(tenant=tenant).exists()


def test_a_tier_needs_its_program_chosen(tenant, actor):
    tier = TierFactory(program=ProgramFactory(tenant=tenant))
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, tiers=[tier])
    assert "tiers" in error.value.message_dict


def test_archiving_keeps_the_asset_and_twice_changes_nothing(tenant, actor):
    asset = _create(tenant, actor)
    services.asset_archive(tenant=tenant, actor=actor, asset=asset)
    services.asset_archive(tenant=tenant, actor=actor, asset=asset)
    asset.refresh_from_db()
    assert asset.is_archived
    assert AuditEvent.objects.filter(tenant=tenant, action="asset.archived").count() == 1


# --- Staff pages -----------------------------------------------------------------------------


def _url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_the_new_asset_page_uploads_a_pdf_shown_to_one_tier_then_downloads_it(
    client, tenant, actor
):
    program = ProgramFactory(tenant=tenant)
    gold = TierFactory(program=program, name="Gold")
    client.force_login(actor)
    form = client.get(_url(tenant, "programs:asset_create"))
    token = form.context["form"].initial["token"]
    body = {
        "title": "Price sheet 2027",
        "category": "price_sheet",
        "language": "ja",
        "programs": [program.pk],
        "tiers": [gold.pk],
        "token": token,
    }
    response = client.post(
        _url(tenant, "programs:asset_create"),
        {**body, "file": SimpleUploadedFile("prices.pdf", LIBRARY_PDF)},
    )
    assert response.status_code == 302
    # The same form submitted again: still one asset.
    client.post(
        _url(tenant, "programs:asset_create"),
        {**body, "file": SimpleUploadedFile("prices.pdf", LIBRARY_PDF)},
    )
    asset = Asset.objects.get(tenant=tenant)
    assert list(asset.tiers.all()) == [gold]
    detail = client.get(response["Location"])
    assert "prices.pdf" in detail.content.decode()
    version = asset.versions.get()
    download = client.get(
        _url(tenant, "programs:asset_version_download", asset_id=asset.pk, version_id=version.pk)
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == LIBRARY_PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"
    listing = client.get(_url(tenant, "programs:asset_list"))
    assert "Price sheet 2027" in listing.content.decode()


def test_a_misleading_upload_is_refused_on_the_page_with_the_fields_message(client, tenant, actor):
    client.force_login(actor)
    response = client.post(
        _url(tenant, "programs:asset_create"),
        {
            "title": "Deck",
            "category": "product_demo",
            "language": "en",
            "token": services.new_asset_token(),
            "file": SimpleUploadedFile("deck.pdf", PNG),
        },
    )
    assert response.status_code == 400
    assert "deck.pdf" in str(response.context["form"].errors["file"])
    assert not Asset.objects.filter(tenant=tenant).exists()


def test_another_tenants_program_in_the_new_asset_form_is_refused(client, tenant, actor):
    foreign = ProgramFactory(tenant=TenantFactory())
    client.force_login(actor)
    response = client.post(
        _url(tenant, "programs:asset_create"),
        {
            "title": "Deck",
            "category": "faq",
            "language": "en",
            "url": "https://example.com/deck",
            "programs": [foreign.pk],
            "token": services.new_asset_token(),
        },
    )
    assert response.status_code == 400
    assert not Asset.objects.filter(tenant=tenant).exists()


def test_a_version_of_another_tenants_asset_downloads_404(client, tenant, actor):
    foreign = AssetVersionFactory(asset=AssetFactory(tenant=TenantFactory()))
    own = AssetFactory(tenant=tenant)
    client.force_login(actor)
    for asset_id in (foreign.asset_id, own.pk):
        response = client.get(
            _url(
                tenant,
                "programs:asset_version_download",
                asset_id=asset_id,
                version_id=foreign.pk,
            )
        )
        assert response.status_code == 404


def test_uploading_a_version_to_another_tenants_asset_answers_404_and_stores_nothing(
    client, tenant, actor
):
    foreign = AssetFactory(tenant=TenantFactory())
    client.force_login(actor)
    response = client.post(
        _url(tenant, "programs:asset_version_add", asset_id=foreign.pk),
        {"file": SimpleUploadedFile("a.pdf", LIBRARY_PDF)},
    )
    assert response.status_code == 404
    assert not AssetVersion.objects.filter(asset=foreign).exists()


def test_a_version_uploaded_on_the_page_becomes_the_next_one(client, tenant, actor):
    asset = _create(tenant, actor)
    client.force_login(actor)
    client.post(
        _url(tenant, "programs:asset_version_add", asset_id=asset.pk),
        {"file": SimpleUploadedFile("kita-2.pdf", LIBRARY_PDF + b"% 2\n")},
    )
    assert list(asset.versions.values_list("number", flat=True)) == [2, 1]


def test_archiving_asks_first_then_hides_it_from_the_list(client, tenant, actor):
    asset = _create(tenant, actor)
    client.force_login(actor)
    url = _url(tenant, "programs:asset_archive", asset_id=asset.pk)
    assert client.get(url).status_code == 200
    asset.refresh_from_db()
    assert not asset.is_archived
    client.post(url)
    asset.refresh_from_db()
    assert asset.is_archived
    listing = client.get(_url(tenant, "programs:asset_list"))
    assert asset.title not in listing.content.decode()


def test_the_list_searches_filters_and_sorts(client, tenant, actor):
    program = ProgramFactory(tenant=tenant)
    faq = _create(tenant, actor, title="Onboarding FAQ", category="faq", language="en")
    demo = _create(tenant, actor, title="Demo video", upload=None, url="https://v.example.com/")
    services.asset_update(
        tenant=tenant, actor=actor, asset=demo, programs=[program], tiers=[], title="Demo video"
    )
    client.force_login(actor)

    def titles(**query):
        response = client.get(_url(tenant, "programs:asset_list"), query)
        return [asset.title for asset in response.context["page"]]

    assert titles(q="onboarding") == ["Onboarding FAQ"]
    assert titles(category="faq") == [faq.title]
    assert titles(language="ja") == ["Demo video"]
    assert titles(program=program.pk) == ["Demo video"]
    assert titles(sort="title") == ["Demo video", "Onboarding FAQ"]
    assert titles(sort="newest") == ["Demo video", "Onboarding FAQ"]


def test_the_empty_library_shows_its_empty_state(client, tenant, actor):
    client.force_login(actor)
    response = client.get(_url(tenant, "programs:asset_list"))
    assert b'data-testid="empty-state"' in response.content


def test_a_viewer_sees_the_library_but_may_not_add_to_it(client, tenant, member_factory):
    from accounts.roles import Role

    viewer = member_factory(tenant, Role.VIEWER).user
    client.force_login(viewer)
    assert client.get(_url(tenant, "programs:asset_list")).status_code == 200
    assert client.get(_url(tenant, "programs:asset_create")).status_code == 403


def _list_queries(client, tenant) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(tenant, "programs:asset_list"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_makes_as_many_queries_with_twenty_assets_as_with_two(client, tenant, actor):
    def add(n):
        for _ in range(n):
            program = ProgramFactory(tenant=tenant)
            asset = AssetFactory(tenant=tenant)
            services.asset_update(
                tenant=tenant, actor=actor, asset=asset, programs=[program], tiers=[]
            )
            AssetVersionFactory(asset=asset, number=1)
            AssetVersionFactory(asset=asset, number=2)

    client.force_login(actor)
    add(2)
    small = _list_queries(client, tenant)
    add(18)
    assert _list_queries(client, tenant) == small
