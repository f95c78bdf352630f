"""Factories for the kernel. Child factories take their parent's tenant, never a new one."""

import functools
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import (
    ApiKey,
    AuditEvent,
    ExportJob,
    ImportJob,
    Invitation,
    Membership,
    Tenant,
    User,
)
from accounts.roles import Role
from accounts.services import token_digest

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


@functools.cache
def _hashed(password: str) -> str:
    # The configured hasher is deliberately slow (about a second); hashing the one test password
    # once per process keeps factories fast while login with TEST_PASSWORD still works for real.
    return make_password(password)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    default_language = "en"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    language = "en"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.password = _hashed(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    """Base for tenant rows: writes exactly the tenant it is given, outside any scope."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # SECURITY(tenant): tests arrange rows of several tenants; the factory is the kernel's
        # test helper and writes exactly the tenant it is given.
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PARTNER_MANAGER


class InvitationFactory(TenantOwnedFactory):
    """InvitationFactory(tenant=t, token="abc") stores only the digest of `token`."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    tenant = factory.SubFactory(TenantFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.PARTNER_MANAGER
    token = factory.Sequence(lambda n: f"test-invitation-token-{n}")
    token_digest = factory.LazyAttribute(lambda o: token_digest(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ApiKeyFactory(TenantOwnedFactory):
    """ApiKeyFactory(tenant=t, secret="...") stores only the digest; send `prm_<secret>`."""

    class Meta:
        model = ApiKey
        exclude = ("secret",)

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Integration {n}")
    secret = factory.Sequence(lambda n: f"k{n:07d}-test-secret-of-an-api-key")
    prefix = factory.LazyAttribute(lambda o: o.secret[:8])
    key_digest = factory.LazyAttribute(lambda o: token_digest(o.secret))
    role = Role.VIEWER


class AuditEventFactory(TenantOwnedFactory):
    class Meta:
        model = AuditEvent

    tenant = factory.SubFactory(TenantFactory)
    actor_label = "someone@example.test"
    action = "membership.role_changed"
    object_type = "accounts.membership"


class ImportJobFactory(TenantOwnedFactory):
    """A checked upload of two partner rows, waiting for its confirm."""

    class Meta:
        model = ImportJob

    tenant = factory.SubFactory(TenantFactory)
    kind = "partners"
    token = factory.Sequence(lambda n: f"import-token-{n:06d}")
    filename = "partners.csv"
    text = "legal_name\r\nサクラ\r\nモミジ\r\n"
    state = ImportJob.State.CHECKED
    total_rows = 2


class ExportJobFactory(TenantOwnedFactory):
    """A finished export of the partner list with its file in storage (pass created_by)."""

    class Meta:
        model = ExportJob

    tenant = factory.SubFactory(TenantFactory)
    kind = "partners"
    filename = "partners-20260401.csv"
    state = ExportJob.State.DONE
    row_count = 1
    file = factory.django.FileField(
        filename="partners-20260401.csv", data='\ufeff"legal_name"\r\n"サクラ"\r\n'.encode()
    )
    finished_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
