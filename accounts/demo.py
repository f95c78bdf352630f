"""Demo tenants and people. Idempotent: running it again changes nothing that exists."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import Membership, Tenant, User
from accounts.roles import Role
from accounts.tenancy import tenant_context

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - public demo data, printed by `make run`


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    language: str = ""


DEMO_TENANTS = [
    {
        "slug": "sakura",
        "name": "株式会社さくらクラウド",
        "default_language": "ja",
        "base_currency": "JPY",
        "time_zone": "Asia/Tokyo",
        "fiscal_year_start_month": 4,
        "portal_display_name": "さくらクラウド パートナーポータル",
        "portal_primary_colour": "#c2185b",
        "issuer_legal_name": "株式会社さくらクラウド",
        "issuer_address": "〒100-0005 東京都千代田区丸の内1-1-1",
        "issuer_registration_number": "T5835678256246",
        "people": [
            DemoPerson("admin@sakura.example", "山田 太郎", Role.VENDOR_ADMIN),
            DemoPerson("manager@sakura.example", "佐藤 花子", Role.PARTNER_MANAGER),
            DemoPerson("finance@sakura.example", "鈴木 一郎", Role.FINANCE),
            DemoPerson("viewer@sakura.example", "高橋 美咲", Role.VIEWER),
            DemoPerson("partner-admin@sakura.example", "田中 健", Role.PARTNER_ADMIN),
            DemoPerson("partner-rep@sakura.example", "伊藤 さくら", Role.PARTNER_REP),
        ],
    },
    {
        "slug": "northwind",
        "name": "Northwind Software Inc.",
        "default_language": "en",
        "base_currency": "JPY",
        "time_zone": "Asia/Tokyo",
        "fiscal_year_start_month": 1,
        "portal_display_name": "Northwind Partner Hub",
        "portal_primary_colour": "#0f766e",
        "issuer_legal_name": "Northwind Software Inc.",
        "issuer_address": "1-2-3 Shibuya, Shibuya-ku, Tokyo 150-0002",
        "issuer_registration_number": "",
        "people": [
            DemoPerson("admin@northwind.example", "Alex Morgan", Role.VENDOR_ADMIN, "en"),
            DemoPerson("manager@northwind.example", "Jamie Lee", Role.PARTNER_MANAGER, "en"),
            DemoPerson("finance@northwind.example", "Sam Carter", Role.FINANCE, "en"),
            DemoPerson("viewer@northwind.example", "Robin Park", Role.VIEWER, "en"),
            DemoPerson("partner-rep@northwind.example", "Casey Wong", Role.PARTNER_REP, "en"),
            # One person in two tenants: a partner manager here, the same login as in Sakura.
            DemoPerson("manager@sakura.example", "佐藤 花子", Role.PARTNER_MANAGER),
        ],
    },
]


def _demo_user(person: DemoPerson) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            email=person.email,
            password=DEMO_PASSWORD,
            full_name=person.full_name,
            language=person.language,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def demo_data_load() -> list[tuple[str, str, str]]:
    """Create the demo tenants and people; returns (tenant slug, e-mail, role) for the logins."""
    logins = []
    for spec in DEMO_TENANTS:
        spec = dict(spec)
        people = spec.pop("people")
        tenant, _created = Tenant.objects.get_or_create(slug=spec["slug"], defaults=spec)
        with tenant_context(tenant):
            for person in people:
                user = _demo_user(person)
                Membership.objects.get_or_create(
                    tenant=tenant, user=user, defaults={"role": person.role}
                )
                logins.append((tenant.slug, person.email, str(Role(person.role).label)))
    return logins
