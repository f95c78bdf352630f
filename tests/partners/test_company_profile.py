"""The one company profile: Partner and Prospect share CompanyProfile, and COMPANY_FIELDS is the
list every serializer, service and CSV layout builds on."""

from accounts.models import TenantModel
from partners.api.directory import PartnerInSerializer, PartnerOutSerializer
from partners.api.recruitment import ProspectInSerializer, ProspectOutSerializer
from partners.choices import CustomerSegment, EntityKind, Industry, Prefecture
from partners.models import COMPANY_FIELDS, CompanyProfile, Partner, Prospect
from partners.services import imports
from partners.services.directory import PARTNER_FIELDS
from partners.services.recruitment import PROSPECT_FIELDS, sign_defaults


def _own_fields(model) -> list[str]:
    inherited = {field.name for field in TenantModel._meta.local_fields}
    return [field.name for field in model._meta.local_fields if field.name not in inherited]


def test_company_fields_list_the_abstract_profile_in_its_order():
    assert CompanyProfile._meta.abstract
    assert list(COMPANY_FIELDS) == _own_fields(CompanyProfile)


def test_partner_and_prospect_share_the_profile_with_the_same_columns():
    for model in (Partner, Prospect):
        assert issubclass(model, CompanyProfile)
        for name in COMPANY_FIELDS:
            field, shared = model._meta.get_field(name), CompanyProfile._meta.get_field(name)
            # Partner redeclares two fields for their help texts only: same column either way.
            assert _definition(field) == _definition(shared), (model, name)


def _definition(field) -> tuple:
    _name, path, args, kwargs = field.deconstruct()
    kwargs.pop("help_text", None)
    if "base_field" in kwargs:  # an ArrayField's item field compares by identity otherwise
        kwargs["base_field"] = kwargs["base_field"].deconstruct()[1:]
    return path, args, kwargs


def test_every_company_field_is_settable_and_readable_in_the_api_and_services():
    for fields in (
        PARTNER_FIELDS,
        PROSPECT_FIELDS,
        PartnerInSerializer.Meta.fields,
        PartnerOutSerializer.Meta.fields,
        ProspectInSerializer.Meta.fields,
        ProspectOutSerializer.Meta.fields,
    ):
        assert set(COMPANY_FIELDS) <= set(fields)
        assert len(fields) == len(set(fields))


def test_every_company_field_has_its_csv_column_once():
    columns = [imports.COMPANY_COLUMN_NAMES[name] for name in COMPANY_FIELDS]
    assert all(imports.PARTNER_COLUMNS.count(column) == 1 for column in columns)
    assert imports.COMPANY_COLUMN_NAMES["prefectures"] == "regions"


def test_signing_copies_every_company_field_from_the_prospect():
    prospect = Prospect(
        company_name="株式会社テスト",
        company_name_kana="テスト",
        corporate_number="1234567890123",
        entity_kind=EntityKind.INDIVIDUAL,
        website="https://example.jp",
        industries=[Industry.values[0]],
        customer_segments=[CustomerSegment.values[0]],
        prefectures=[Prefecture.values[12]],
        employee_count=40,
        sales_headcount=5,
        products_handled="会計ソフト",
    )

    partner_fields, _rep_fields = sign_defaults(prospect)

    assert {name: partner_fields[name] for name in COMPANY_FIELDS} == {
        name: getattr(prospect, name) for name in COMPANY_FIELDS
    }
    assert partner_fields["industries"] is not prospect.industries
    assert partner_fields["legal_name"] == "株式会社テスト"
