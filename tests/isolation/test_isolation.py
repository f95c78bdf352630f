"""The isolation suite: every route, hit from the wrong side, answers 404 and changes nothing.

Every URL pattern is found automatically. Each one must have an entry in ROUTES saying how to
exercise it (its audience, methods, which URL arguments name objects); a new route without an
entry fails `test_every_route_is_in_the_registry`, so nobody can add a page and forget to prove
that it keeps tenants apart. Routes outside any tenant are listed in EXEMPT with the reason.
"""

import copy
import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.http import QueryDict
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from accounts.models import (
    ApiKey,
    ExportJob,
    ImportJob,
    Invitation,
    Membership,
    Tenant,
    TenantModel,
)
from accounts.roles import Role
from deals.models import (
    Deal,
    DealStage,
    ProtectionExtension,
    RegistrationStatus,
    StageCode,
    TargetAccount,
)
from insights.models import KpiSnapshot
from partners.models import (
    Activity,
    LostReason,
    Partner,
    PartnerRep,
    PartnerType,
    Prospect,
)
from payouts.models import LedgerLine, PayoutPeriod, PeriodStatus, Statement
from programs.models import (
    Announcement,
    AnnouncementProgram,
    AnnouncementTier,
    Asset,
    AssetProgram,
    AssetTier,
    AssetVersion,
    Certification,
    CommissionRuleSet,
    CommissionRuleSetVersion,
    ContractKind,
    ContractType,
    Course,
    CourseProgram,
    CourseTier,
    Lesson,
    PartnerContract,
    Program,
    ProgramTerms,
    Question,
    QuizAttempt,
    SalesPhase,
    Tier,
    TierEvaluation,
    TierProposal,
    WrittenTermsNotice,
)
from tests.factories.accounts import (
    ApiKeyFactory,
    ExportJobFactory,
    ImportJobFactory,
    InvitationFactory,
    MembershipFactory,
    TenantFactory,
)
from tests.factories.deals import (
    DealFactory,
    ProtectionExtensionFactory,
    TargetAccountFactory,
    stage_of,
)
from tests.factories.partners import (
    ActivityFactory,
    LostReasonFactory,
    PartnerFactory,
    PartnerRepFactory,
    PartnerTypeFactory,
    ProspectFactory,
    portal_membership_for,
)
from tests.factories.payouts import (
    IssuedStatementFactory,
    LedgerLineFactory,
    PayoutPeriodFactory,
    StatementFactory,
)
from tests.factories.programs import (
    AnnouncementFactory,
    AssetFactory,
    AssetVersionFactory,
    CertificationFactory,
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    ContractTypeFactory,
    CourseFactory,
    LessonFactory,
    PartnerContractFactory,
    ProgramFactory,
    ProgramTermsFactory,
    QuestionFactory,
    QuizAttemptFactory,
    SalesPhaseFactory,
    TierEvaluationFactory,
    TierFactory,
    TierProposalFactory,
    WrittenTermsNoticeFactory,
    built_in_contract_type,
)
from tests.isolation import (
    routes_announcements,
    routes_commission,
    routes_contracts,
    routes_deals_pipeline,
    routes_deals_registrations,
    routes_deals_targets,
    routes_engagement,
    routes_insights,
    routes_insights_portal,
    routes_insights_scorecards,
    routes_library,
    routes_notices,
    routes_partners,
    routes_payouts,
    routes_payouts_api,
    routes_payouts_portal,
    routes_portal_api,
    routes_programs,
    routes_programs_portal,
    routes_recruitment,
    routes_tiers,
    routes_training,
)
from tests.isolation.registry import Route

TENANT_PREFIX = "<slug:tenant_slug>/"


KERNEL_ROUTES: dict[str, Route] = {
    "staff_dashboard": Route("staff"),
    "tenant_settings": Route("staff", ("GET", "POST"), post={"name": "Taken over"}),
    "member_list": Route("staff"),
    "member_invite": Route(
        "staff", ("GET", "POST"), post={"email": "intruder@example.test", "role": "viewer"}
    ),
    "member_role_change": Route(
        "staff", ("GET", "POST"), objects={"membership_id": "member"}, post={"role": Role.FINANCE}
    ),
    "member_deactivate": Route("staff", ("GET", "POST"), objects={"membership_id": "member"}),
    "member_reactivate": Route("staff", ("POST",), objects={"membership_id": "inactive_member"}),
    "invitation_revoke": Route("staff", ("POST",), objects={"invitation_id": "invitation"}),
    "audit_log": Route("staff"),
    "api_keys": Route(
        "staff", ("GET", "POST"), post={"name": "Intruder key", "role": "vendor_admin"}
    ),
    "api_key_revoke": Route("staff", ("POST",), objects={"api_key_id": "api_key"}),
    "system_status": Route("staff"),
    "invitation_accept": Route(
        "public",
        ("GET", "POST"),
        extra={"token": "invitation_token"},
        anonymous={"GET": 200, "POST": 200},
        why="the link in the invitation e-mail; the secret token is the credential",
    ),
    "portal_home": Route("portal"),
    "portal_brand_css": Route(
        "public", anonymous={"GET": 200}, why="the portal's colours style its login page"
    ),
    "portal_logo": Route(
        "public",
        anonymous={"GET": 404},
        why="the portal's logo shows on its login page (none set: 404)",
    ),
    "api_me": Route("api"),
    "api_member_list": Route("api"),
    "api_member_detail": Route("api", objects={"membership_id": "member"}),
    "api_schema": Route("api"),
    "api_docs": Route("member"),
    "api_not_found": Route(
        "api",
        anonymous={"GET": 404},
        why="catch-all for unknown API paths: JSON 404 to everyone, reads nothing",
    ),
}

ROUTES: dict[str, Route] = {
    **KERNEL_ROUTES,
    **routes_partners.ROUTES,
    **routes_recruitment.ROUTES,
    **routes_engagement.ROUTES,
    **routes_portal_api.ROUTES,
    **routes_commission.ROUTES,
    **routes_programs.ROUTES,
    **routes_contracts.ROUTES,
    **routes_tiers.ROUTES,
    **routes_library.ROUTES,
    **routes_programs_portal.ROUTES,
    **routes_notices.ROUTES,
    **routes_deals_targets.ROUTES,
    **routes_deals_registrations.ROUTES,
    **routes_deals_pipeline.ROUTES,
    **routes_payouts.ROUTES,
    **routes_payouts_api.ROUTES,
    **routes_payouts_portal.ROUTES,
    **routes_announcements.ROUTES,
    **routes_training.ROUTES,
    **routes_insights.ROUTES,
    **routes_insights_scorecards.ROUTES,
    **routes_insights_portal.ROUTES,
}
assert len(ROUTES) == sum(
    len(part.ROUTES)
    for part in (
        routes_partners,
        routes_recruitment,
        routes_engagement,
        routes_portal_api,
        routes_commission,
        routes_programs,
        routes_contracts,
        routes_tiers,
        routes_library,
        routes_programs_portal,
        routes_notices,
        routes_deals_targets,
        routes_deals_registrations,
        routes_deals_pipeline,
        routes_payouts,
        routes_payouts_api,
        routes_payouts_portal,
        routes_announcements,
        routes_training,
        routes_insights,
        routes_insights_scorecards,
        routes_insights_portal,
    )
) + len(KERNEL_ROUTES), "a route name is registered twice"

# Routes outside any tenant: they read and write nothing of a tenant.
EXEMPT_ROUTES = {
    "": "the tenant picker: lists the signed-in person's own memberships only",
    "language/": "the language switch: writes the signed-in person's own language only",
}
EXEMPT_PREFIXES = {
    "accounts/": "django-allauth's own routes (login, password reset, MFA): no tenant data",
}


def walk(patterns, prefix: str = "", namespace: str = ""):
    """(full route string, name) of every URL pattern, depth first; a namespaced app's names
    come as reverse() takes them ("programs:program_list")."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def is_exempt(route: str) -> bool:
    return route in EXEMPT_ROUTES or any(route.startswith(p) for p in EXEMPT_PREFIXES)


ALL_ROUTES = list(walk(get_resolver().url_patterns))
TENANT_ROUTES = [(route, name) for route, name in ALL_ROUTES if not is_exempt(route)]


def routes_where(predicate) -> list[str]:
    return [name for name, spec in ROUTES.items() if predicate(spec)]


# --- the registry is complete ---------------------------------------------------------------------


def test_every_route_is_in_the_registry():
    missing = sorted(
        f"{name or '(unnamed)'}: {route}" for route, name in TENANT_ROUTES if name not in ROUTES
    )

    assert missing == [], "add these routes to ROUTES in tests/isolation/test_isolation.py"


def test_the_registry_names_no_route_that_is_gone():
    existing = {name for _route, name in TENANT_ROUTES}

    assert sorted(set(ROUTES) - existing) == []


def test_route_names_are_unique():
    names = [name for _route, name in TENANT_ROUTES]

    assert len(names) == len(set(names))


def test_every_tenant_route_starts_with_the_tenant_slug():
    outside = [route for route, _name in TENANT_ROUTES if not route.startswith(TENANT_PREFIX)]

    assert outside == []


def test_the_walk_finds_the_exempt_and_tenant_routes():
    routes = {route for route, _name in ALL_ROUTES}

    assert set(EXEMPT_ROUTES) <= routes
    assert any(route.startswith("accounts/") for route in routes)
    assert len(TENANT_ROUTES) >= len(ROUTES) > 20


def test_every_public_route_says_why():
    assert all(spec.why for spec in ROUTES.values() if spec.audience == "public")


# --- the world: two tenants with the same kinds of rows -------------------------------------------


@dataclass
class Side:
    tenant: Tenant
    admin: Membership
    partner_user: Membership
    member: Membership
    inactive_member: Membership
    invitation: Invitation
    invitation_token: str
    api_key: ApiKey
    api_key_secret: str
    partner: Partner
    partner_type: PartnerType
    rep: PartnerRep
    activity: Activity
    prospect: Prospect
    lost_reason: LostReason
    # Another partner of the same tenant, for partner-scoped routes (partner_scoped=True).
    partner_of_other_partner: Partner
    rep_of_other_partner: PartnerRep
    activity_of_other_partner: Activity
    import_job: ImportJob
    export_job: ExportJob
    rule_set: CommissionRuleSet
    # A future, unused version: the one kind that may be deleted.
    rule_set_version: CommissionRuleSetVersion
    program: Program
    # Two tiers of `program` with the same requirements, so either may move.
    tier: Tier
    tier_above: Tier
    contract_type: ContractType
    # Contracts and tier proposals sit on tiers of their own, so moving or deleting `tier`
    # and `tier_above` stays possible.
    tier_gold: Tier
    tier_platinum: Tier
    terms: ProgramTerms
    # The partner's active contract at `tier_gold`, offered with `terms` (not yet accepted).
    contract: PartnerContract
    contract_of_other_partner: PartnerContract
    notice: WrittenTermsNotice
    notice_of_other_partner: WrittenTermsNotice
    evaluation: TierEvaluation
    # A pending promotion of `contract` from gold to platinum.
    proposal: TierProposal
    # A file asset of the library with its first version, shown to every partner.
    asset: Asset
    asset_version: AssetVersion
    # A file asset shown only to the platinum tier, where neither partner is: the portal's
    # "another tier's asset" (both partners are at gold).
    asset_of_other_partner: Asset
    # Deals: the partner's listed target account and its registration awaiting review (the
    # partner has accepted `contract`'s terms only where a route needs it), the same for the
    # other partner, a direct deal, a pending extension request and a stage of the tenant's.
    target_account: TargetAccount
    target_account_of_other_partner: TargetAccount
    deal: Deal
    deal_of_other_partner: Deal
    direct_deal: Deal
    extension: ProtectionExtension
    extension_of_other_partner: ProtectionExtension
    deal_stage: DealStage
    # Approved deals in an agency program (staff and the partner may both move them).
    moving_deal: Deal
    moving_deal_of_other_partner: Deal
    # Payouts: an adjustment line of the partner's; an open period that has ended (April
    # 2026) and a closed one (March 2026).
    ledger_line: LedgerLine
    ledger_line_of_other_partner: LedgerLine
    payout_period: PayoutPeriod
    closed_period: PayoutPeriod
    # A draft statement of the partner's in `closed_period`.
    statement: Statement | None = None
    # The same partner's approved statement and an issued one (with a stand-in PDF).
    approved_statement: Statement | None = None
    issued_statement: Statement | None = None
    # The other partner's issued statement, for the partner-scoped portal routes.
    issued_statement_of_other_partner: Statement | None = None
    # Announcements: a published one for every partner, one published for `tier_platinum`
    # only (where neither partner is: the portal answers 404 for it, like another partner's
    # object), a draft, and a phase of the sales process.
    announcement: Announcement | None = None
    announcement_of_other_partner: Announcement | None = None
    draft_announcement: Announcement | None = None
    sales_phase: SalesPhase | None = None
    # Training: a published course shown to every partner, with two lessons and two
    # questions (so one of each may be removed while it stays published); a passing attempt
    # of the partner's rep with its certification, and the same for the other partner's rep.
    course: Course | None = None
    # A published course shown only to the platinum tier, where neither partner is: the
    # portal's and the API's "another tier's course" (as asset_of_other_partner).
    course_of_other_partner: Course | None = None
    lesson: Lesson | None = None
    question: Question | None = None
    attempt: QuizAttempt | None = None
    attempt_of_other_partner: QuizAttempt | None = None
    certification: Certification | None = None
    certification_of_other_partner: Certification | None = None
    # Insights: the partner's KPI snapshot row for a month, and the other partner's.
    kpi_snapshot: KpiSnapshot | None = None
    kpi_snapshot_of_other_partner: KpiSnapshot | None = None
    # The admin's finished QBR PDF of `partner` (an export job of the insights app's kind).
    qbr_job: ExportJob | None = None

    def url(self, name: str, values_from: "Side | None" = None, suffix: str = "") -> str:
        """The route's URL under this tenant, naming objects of `values_from` (default: self);
        `suffix="_of_other_partner"` names the other partner's objects instead."""
        source = values_from or self
        spec = ROUTES[name]
        kwargs = {"tenant_slug": self.tenant.slug}
        for argument, key in spec.objects.items():
            kwargs[argument] = getattr(source, key + suffix).pk
        for argument, key in spec.extra.items():
            value = getattr(source, key)
            kwargs[argument] = getattr(value, "pk", value)
        return reverse(name, kwargs=kwargs)


def _platinum_only_asset(tenant, program, tier_platinum) -> Asset:
    asset = AssetFactory(tenant=tenant, title="Platinum only")
    AssetProgram.objects.create(tenant=tenant, asset=asset, program=program)
    AssetTier.objects.create(tenant=tenant, asset=asset, tier=tier_platinum)
    AssetVersionFactory(asset=asset, number=1)
    return asset


def _side(tenant: Tenant) -> Side:
    slug = tenant.slug
    inactive = MembershipFactory(tenant=tenant, role=Role.VIEWER)
    with scopes_disabled():
        Membership.objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    partner = PartnerFactory(tenant=tenant)
    other_partner = PartnerFactory(tenant=tenant)
    program = ProgramFactory(tenant=tenant)
    rule_set = CommissionRuleSetFactory(program=program)
    # The partner user is its company's partner admin: it may reach every portal page.
    partner_user, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    admin = MembershipFactory(tenant=tenant, role=Role.VENDOR_ADMIN)
    tier_gold = TierFactory(program=program, name="Gold", position=5)
    tier_platinum = TierFactory(program=program, name="Platinum", position=6)
    terms = ProgramTermsFactory(program=program)
    contract = PartnerContractFactory(partner=partner, tier=tier_gold, terms=terms)
    other_contract = PartnerContractFactory(partner=other_partner, tier=tier_gold, terms=terms)
    evaluation = TierEvaluationFactory(tenant=tenant)
    deal = DealFactory(partner=partner, program=program)
    other_deal = DealFactory(partner=other_partner, program=program)
    agency = ProgramFactory(
        tenant=tenant, contract_type=built_in_contract_type(tenant, ContractKind.AGENCY)
    )
    asset = AssetFactory(tenant=tenant)
    approved = {
        "registration_status": RegistrationStatus.APPROVED,
        "stage": stage_of(tenant, StageCode.APPROVED),
    }
    side = Side(
        tenant=tenant,
        admin=admin,
        partner_user=partner_user,
        member=MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER),
        inactive_member=inactive,
        invitation=InvitationFactory(tenant=tenant, token=f"{slug}-invitation-token"),
        invitation_token=f"{slug}-invitation-token",
        # Finance's role: the key reads every area's API, the payouts API included.
        api_key=ApiKeyFactory(
            tenant=tenant, secret=f"{slug}0000-isolation-api-key-secret", role=Role.FINANCE
        ),
        api_key_secret=f"{slug}0000-isolation-api-key-secret",
        partner=partner,
        partner_type=PartnerTypeFactory(tenant=tenant),
        rep=PartnerRepFactory(partner=partner),
        activity=ActivityFactory(partner=partner),
        prospect=ProspectFactory(tenant=tenant),
        lost_reason=LostReasonFactory(tenant=tenant),
        partner_of_other_partner=other_partner,
        rep_of_other_partner=PartnerRepFactory(partner=other_partner),
        activity_of_other_partner=ActivityFactory(partner=other_partner),
        import_job=ImportJobFactory(tenant=tenant),
        export_job=ExportJobFactory(tenant=tenant, created_by=admin.user),
        rule_set=rule_set,
        rule_set_version=CommissionRuleSetVersionFactory(
            rule_set=rule_set,
            effective_from=datetime.date(2099, 1, 1),
            rules=[{"kind": "percentage", "rate": "10", "cap": None}],
        ),
        program=program,
        tier=TierFactory(program=program, name="Registered", position=0),
        tier_above=TierFactory(program=program, name="Silver", position=1),
        contract_type=ContractTypeFactory(tenant=tenant, name="Franchise"),
        tier_gold=tier_gold,
        tier_platinum=tier_platinum,
        terms=terms,
        contract=contract,
        contract_of_other_partner=other_contract,
        notice=WrittenTermsNoticeFactory(contract=contract),
        notice_of_other_partner=WrittenTermsNoticeFactory(contract=other_contract),
        evaluation=evaluation,
        proposal=TierProposalFactory(
            contract=contract, evaluation=evaluation, proposed_tier=tier_platinum
        ),
        asset=asset,
        asset_version=AssetVersionFactory(asset=asset, number=1),
        asset_of_other_partner=_platinum_only_asset(tenant, program, tier_platinum),
        target_account=TargetAccountFactory(partner=partner),
        target_account_of_other_partner=TargetAccountFactory(partner=other_partner),
        deal=deal,
        deal_of_other_partner=other_deal,
        direct_deal=DealFactory(
            tenant=tenant,
            partner=None,
            registration_status=RegistrationStatus.DIRECT,
            stage=stage_of(tenant, StageCode.APPROVED),
        ),
        extension=ProtectionExtensionFactory(deal=deal),
        extension_of_other_partner=ProtectionExtensionFactory(deal=other_deal),
        deal_stage=stage_of(tenant, StageCode.PROPOSAL),
        moving_deal=DealFactory(partner=partner, program=agency, **approved),
        moving_deal_of_other_partner=DealFactory(partner=other_partner, program=agency, **approved),
        ledger_line=LedgerLineFactory(partner=partner),
        ledger_line_of_other_partner=LedgerLineFactory(partner=other_partner),
        payout_period=PayoutPeriodFactory(tenant=tenant),
        closed_period=PayoutPeriodFactory(
            tenant=tenant,
            starts_on=datetime.date(2026, 3, 1),
            ends_on=datetime.date(2026, 3, 31),
            pays_on=datetime.date(2026, 4, 30),
            status=PeriodStatus.CLOSED,
        ),
    )
    side.statement = StatementFactory(partner=partner, period=side.closed_period)
    side.approved_statement = StatementFactory(
        partner=partner, period=side.closed_period, revision=1, status="approved"
    )
    # In the open period: the closed one must stay reopenable (an issued statement forbids it).
    side.issued_statement = IssuedStatementFactory(partner=partner, period=side.payout_period)
    side.issued_statement_of_other_partner = IssuedStatementFactory(
        partner=other_partner, period=side.payout_period
    )
    # Announcements and the sales process (see the Side fields above).
    published = {
        "status": "published",
        "published_at": datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
    }
    side.announcement = AnnouncementFactory(tenant=tenant, **published)
    side.announcement_of_other_partner = AnnouncementFactory(tenant=tenant, **published)
    with scopes_disabled():
        AnnouncementProgram.objects.create(
            tenant=tenant, announcement=side.announcement_of_other_partner, program=program
        )
        AnnouncementTier.objects.create(
            tenant=tenant, announcement=side.announcement_of_other_partner, tier=tier_platinum
        )
    side.draft_announcement = AnnouncementFactory(tenant=tenant)
    side.sales_phase = SalesPhaseFactory(tenant=tenant, position=1)
    SalesPhaseFactory(tenant=tenant, position=2)
    # Training (built last, after everything above).
    side.course = CourseFactory(tenant=tenant)
    side.course_of_other_partner = CourseFactory(tenant=tenant, title="Platinum only")
    with scopes_disabled():
        CourseProgram.objects.create(
            tenant=tenant, course=side.course_of_other_partner, program=program
        )
        CourseTier.objects.create(
            tenant=tenant, course=side.course_of_other_partner, tier=tier_platinum
        )
    side.lesson = LessonFactory(course=side.course)
    LessonFactory(course=side.course)
    side.question = QuestionFactory(course=side.course)
    QuestionFactory(course=side.course)
    side.attempt = QuizAttemptFactory(course=side.course, rep=side.rep)
    side.attempt_of_other_partner = QuizAttemptFactory(
        course=side.course, rep=side.rep_of_other_partner
    )
    side.certification = CertificationFactory(attempt=side.attempt)
    side.certification_of_other_partner = CertificationFactory(
        attempt=side.attempt_of_other_partner
    )
    # Insights (the engine's rows, written here directly: what they hold does not matter).
    with scopes_disabled():
        side.kpi_snapshot, side.kpi_snapshot_of_other_partner = (
            KpiSnapshot.objects.create(
                tenant=tenant,
                subject_kind="partner",
                subject_id=owner.pk,
                partner=owner,
                period_kind="month",
                period_start=datetime.date(2026, 5, 1),
                deals_won=3,
            )
            for owner in (partner, other_partner)
        )
    side.qbr_job = ExportJobFactory(
        tenant=tenant,
        created_by=admin.user,
        kind="partner_qbr",
        query=f"partner={partner.pk}&period=quarter&start=2026-04-01",
        filename=f"qbr-{partner.pk}-202604.pdf",
        file__filename=f"qbr-{partner.pk}-202604.pdf",
        file__data=b"%PDF-1.7 stand-in",
    )
    return side


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker, app_db_role, tmp_path_factory):
    """The two sides built once for the module (a thousand tests would otherwise build them a
    thousand times), inside a transaction rolled back after the module: each test runs in a
    savepoint of it, so what one test writes is gone before the next. The application role
    exists before the transaction opens (creating it inside would be rolled back with it)."""
    media = str(tmp_path_factory.mktemp("isolation-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomics = TestCase._enter_atomics()
        try:
            alpha = TenantFactory(slug="alpha", name="Alpha Software", default_language="en")
            beta = TenantFactory(slug="beta", name="Beta Systems", default_language="en")
            yield (_side(alpha), _side(beta)), media
        finally:
            TestCase._rollback_atomics(atomics)


@pytest.fixture
def world(_world_once, db, settings):
    """Tenant A ("alpha") and tenant B ("beta"), each with an admin, a partner user, a member,
    a deactivated member, a pending invitation and an API key. A copy for each test, so an
    object a test refreshes or changes in memory is fresh again for the next one."""
    sides, media = _world_once
    # The issued statement's stand-in PDF lives in the module's media directory.
    settings.MEDIA_ROOT = media
    return copy.deepcopy(sides)


# Written by signing in, which a test does between its snapshots: the log of a person's own
# login, never a change a request could make to another tenant's data.
NOT_COMPARED = {"accounts.SignInDay"}


def snapshot() -> dict:
    """Every tenant and tenant-owned row, field by field: any write anywhere shows up."""
    rows = {}
    tenant_models = [
        m
        for m in apps.get_models()
        if issubclass(m, TenantModel) and m._meta.label not in NOT_COMPARED
    ]
    with scopes_disabled():
        for model in (Tenant, *tenant_models):
            for obj in model.objects.all():
                rows[(model._meta.label, obj.pk)] = tuple(
                    (f.attname, getattr(obj, f.attname)) for f in model._meta.concrete_fields
                )
    return rows


def changed_rows(before: dict, after: dict) -> set:
    """The (model, pk) keys of rows written, added or removed between two snapshots."""
    return {key for key in after.keys() | before.keys() if after.get(key) != before.get(key)}


def rows_of(tenant: Tenant) -> set:
    """The (model, pk) keys of every row of `tenant` (call with scopes disabled)."""
    return {
        (model._meta.label, obj.pk)
        for model in apps.get_models()
        if issubclass(model, TenantModel)
        for obj in model.objects.filter(tenant=tenant)
    }


WRITES = ("POST", "PATCH")


def refers_to(key, rows: dict, obj) -> bool:
    """The snapshot row `key` exists and has a foreign key to `obj` (a read receipt written
    for the announcement in the URL, say: the write happened, on a row of its own)."""
    if key not in rows:
        return False
    model = apps.get_model(key[0])
    values = dict(rows[key])
    if model is ExportJob:
        # A job names what it exports in its query string (a partner's QBR: partner=<id>).
        return str(obj.pk) in QueryDict(values.get("query", "")).getlist(obj._meta.model_name)
    return any(
        field.many_to_one
        and field.related_model is type(obj)
        and values.get(field.attname) == obj.pk
        for field in model._meta.concrete_fields
    )


def request(client: Client, method: str, url: str, spec: Route, side: "Side | None" = None):
    """`side`: the side whose objects the URL names; body fields in `spec.post_objects` name
    that side's objects too (another tenant's id in a body is refused like one in the URL)."""
    if method == "POST":
        body = dict(spec.post)
        for field_name, key in spec.post_objects.items():
            body[field_name] = str(getattr(side, key).pk)
        if spec.audience == "api":
            # The API reads JSON only (a form-encoded write is refused with 415).
            return client.post(url, body, content_type="application/json")
        return client.post(url, body)
    if method == "PATCH":
        return client.patch(url, spec.patch, content_type="application/json")
    return client.get(url)


# --- anonymous visitors --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ROUTES), ids=list(ROUTES))
def test_anonymous_visitor_is_sent_to_login_or_refused(world, name):
    alpha, _beta = world
    spec = ROUTES[name]
    url = alpha.url(name)
    before = snapshot()

    for method in spec.methods:
        response = request(Client(), method, url, spec, alpha)

        if spec.anonymous:
            assert response.status_code == spec.anonymous[method], method
        elif spec.audience == "api":
            assert response.status_code in {401, 403}, method
            assert "detail" in response.json()
        else:
            assert response.status_code == 302, method
            assert response["Location"].startswith("/accounts/login/?next="), method
    assert snapshot() == before


# --- a member of tenant A, tenant B's URL ---------------------------------------------------------


CROSS_TENANT = routes_where(lambda spec: spec.audience != "public")


@pytest.mark.parametrize("name", CROSS_TENANT, ids=CROSS_TENANT)
def test_member_of_tenant_a_gets_404_on_tenant_b_url(world, fresh_client_for, name):
    alpha, beta = world
    spec = ROUTES[name]
    client = fresh_client_for(alpha.admin)
    url = beta.url(name)
    before = snapshot()

    for method in spec.methods:
        response = request(client, method, url, spec, beta)

        assert response.status_code == 404, f"{method} {url}"
    assert snapshot() == before


@pytest.mark.parametrize("name", CROSS_TENANT, ids=CROSS_TENANT)
def test_partner_user_of_tenant_a_gets_404_on_tenant_b_url(world, fresh_client_for, name):
    alpha, beta = world
    spec = ROUTES[name]
    client = fresh_client_for(alpha.partner_user)
    before = snapshot()

    for method in spec.methods:
        assert request(client, method, beta.url(name), spec, beta).status_code == 404, method
    assert snapshot() == before


API_ROUTES = routes_where(lambda spec: spec.audience == "api" and not spec.anonymous)


@pytest.mark.parametrize("name", API_ROUTES, ids=API_ROUTES)
def test_api_key_of_tenant_a_is_refused_on_tenant_b_url(world, name):
    alpha, beta = world
    client = Client(HTTP_AUTHORIZATION=f"Api-Key prm_{alpha.api_key_secret}")
    before = snapshot()

    response = client.get(beta.url(name))
    control = client.get(alpha.url(name, values_from=alpha))

    assert response.status_code == 401
    assert "detail" in response.json()
    assert control.status_code == 200
    assert snapshot().keys() == before.keys()


# --- a member of tenant A, tenant A's URL, tenant B's object --------------------------------------


WITH_OBJECTS = routes_where(lambda spec: bool(spec.objects))


def member_for(side: Side, spec: Route) -> Membership:
    """The tenant-A member whom the route serves: portal routes refuse staff with a 404 anyway,
    so only the partner user proves that the tenant check, not the audience check, answers;
    API routes for partner users only (`as_partner_user`) refuse staff with a 403."""
    return side.partner_user if spec.audience == "portal" or spec.as_partner_user else side.admin


@pytest.mark.parametrize("name", WITH_OBJECTS, ids=WITH_OBJECTS)
def test_object_of_tenant_b_under_tenant_a_url_answers_404_and_stays_unchanged(
    world, fresh_client_for, name
):
    alpha, beta = world
    spec = ROUTES[name]
    client = fresh_client_for(member_for(alpha, spec))
    url = alpha.url(name, values_from=beta)
    before = snapshot()

    for method in spec.methods:
        response = request(client, method, url, spec, beta)

        assert response.status_code == 404, f"{method} {url}"
    assert snapshot() == before


@pytest.mark.parametrize("name", WITH_OBJECTS, ids=WITH_OBJECTS)
def test_control_the_same_request_with_tenant_a_object_works(
    world, fresh_client_for, django_capture_on_commit_callbacks, name
):
    """Proves the 404 above comes from the tenant check, not from a malformed request. What
    the request leaves for the worker runs too (it is sent when the request commits)."""
    alpha, _beta = world
    spec = ROUTES[name]
    client = fresh_client_for(member_for(alpha, spec))
    url = alpha.url(name)
    before = snapshot()

    for method in spec.methods:
        with django_capture_on_commit_callbacks(execute=True):
            response = request(client, method, url, spec, alpha)

        assert response.status_code in {200, 302}, f"{method} {url}"
    if any(method in spec.methods for method in WRITES):
        after = snapshot()
        changed = changed_rows(before, after)
        named = [getattr(alpha, k) for k in spec.objects.values()]
        assert any(key[1] == obj.pk for key in changed for obj in named) or any(
            refers_to(key, after, obj) for key in changed for obj in named
        )


# --- partner users and staff stay on their side ---------------------------------------------------


STAFF_ROUTES = routes_where(lambda spec: spec.audience == "staff")
PORTAL_ROUTES = routes_where(lambda spec: spec.audience == "portal")


@pytest.mark.parametrize("name", STAFF_ROUTES, ids=STAFF_ROUTES)
def test_partner_user_gets_404_on_staff_routes(world, fresh_client_for, name):
    alpha, _beta = world
    spec = ROUTES[name]
    client = fresh_client_for(alpha.partner_user)
    url = alpha.url(name)
    before = snapshot()

    for method in spec.methods:
        assert request(client, method, url, spec, alpha).status_code == 404, method
    assert snapshot() == before


@pytest.mark.parametrize("name", PORTAL_ROUTES, ids=PORTAL_ROUTES)
def test_staff_user_gets_404_on_portal_routes(world, fresh_client_for, name):
    alpha, _beta = world
    spec = ROUTES[name]

    for staff in (alpha.admin, alpha.member):
        client = fresh_client_for(staff)
        for method in spec.methods:
            assert request(client, method, alpha.url(name), spec, alpha).status_code == 404, method


@pytest.mark.parametrize("name", PORTAL_ROUTES, ids=PORTAL_ROUTES)
def test_control_partner_user_reaches_portal_routes(world, fresh_client_for, name):
    alpha, _beta = world

    assert fresh_client_for(alpha.partner_user).get(alpha.url(name)).status_code == 200


# --- a partner user, another partner's object in the same tenant ----------------------------------


PARTNER_SCOPED = routes_where(lambda spec: spec.partner_scoped)


@pytest.mark.parametrize("name", PARTNER_SCOPED, ids=PARTNER_SCOPED)
def test_partner_user_gets_404_on_another_partners_object(world, fresh_client_for, name):
    alpha, _beta = world
    spec = ROUTES[name]
    client = fresh_client_for(alpha.partner_user)
    url = alpha.url(name, suffix="_of_other_partner")
    before = snapshot()

    for method in spec.methods:
        response = request(client, method, url, spec, alpha)

        if spec.audience == "api" and method in WRITES:
            # Partner users never write through the API (the portal is their way): the refusal
            # comes before any lookup, the same for their own objects, so it reveals nothing.
            assert response.status_code in {403, 404}, f"{method} {url}"
        else:
            assert response.status_code == 404, f"{method} {url}"
    assert snapshot() == before


@pytest.mark.parametrize("name", PARTNER_SCOPED, ids=PARTNER_SCOPED)
def test_control_partner_user_reaches_own_partners_object(world, fresh_client_for, name):
    alpha, _beta = world
    client = fresh_client_for(alpha.partner_user)

    assert client.get(alpha.url(name)).status_code == 200


def test_partner_scoped_routes_name_objects():
    assert all(ROUTES[name].objects for name in PARTNER_SCOPED)


# --- public routes keep tenants apart too ---------------------------------------------------------


def test_invitation_token_of_tenant_b_is_unknown_under_tenant_a(world, fresh_client_for):
    alpha, beta = world
    url = reverse(
        "invitation_accept",
        kwargs={"tenant_slug": alpha.tenant.slug, "token": beta.invitation_token},
    )
    before = snapshot()

    anonymous = Client().get(url)
    signed_in = fresh_client_for(alpha.member).post(url)

    assert anonymous.status_code == 410
    assert signed_in.status_code == 410
    assert snapshot() == before


def test_brand_stylesheet_shows_the_colour_of_the_tenant_in_the_url(world):
    alpha, beta = world
    with scopes_disabled():
        Tenant.objects.filter(pk=alpha.tenant.pk).update(portal_primary_colour="#aa0000")
        Tenant.objects.filter(pk=beta.tenant.pk).update(portal_primary_colour="#00bb00")

    alpha_css = Client().get(alpha.url("portal_brand_css")).content.decode()
    beta_css = Client().get(beta.url("portal_brand_css")).content.decode()

    assert "#aa0000" in alpha_css and "#00bb00" not in alpha_css
    assert "#00bb00" in beta_css and "#aa0000" not in beta_css


def test_unknown_tenant_answers_404_like_a_foreign_one(world, fresh_client_for):
    alpha, _beta = world
    client = fresh_client_for(alpha.admin)

    assert client.get("/no-such-tenant/").status_code == 404
    assert client.get("/no-such-tenant/settings/members/").status_code == 404


def test_tenant_tasks_of_tenant_a_change_nothing_of_tenant_b(world):
    """The programs tasks take a tenant id and work inside that tenant only: tenant B's
    contracts near their end, run for tenant A, stay exactly as they were (and A's change)."""
    from django.utils import timezone

    from programs.tasks.contracts import contracts_daily_task
    from programs.tasks.tiers import tier_evaluation_task

    a, b = world
    soon = timezone.localdate() + datetime.timedelta(days=20)
    with scopes_disabled():
        PartnerContract.objects.filter(pk__in=[a.contract.pk, b.contract.pk]).update(ends_on=soon)
    rows = snapshot()

    contracts_daily_task.delay(tenant_id=a.tenant.pk).get()
    tier_evaluation_task.delay(tenant_id=a.tenant.pk, on=timezone.localdate().isoformat()).get()

    after = snapshot()
    changed = changed_rows(rows, after)
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
    assert changed, "control: the tasks changed tenant A's contracts"
    assert not changed & b_keys, sorted(changed & b_keys)
    assert ("programs.PartnerContract", a.contract.pk) in changed
    assert ("programs.PartnerContract", b.contract.pk) in b_keys


def test_notice_task_of_tenant_a_never_issues_tenant_bs_notice(world):
    """The notice task looks the contract up inside its own tenant: tenant B's contract id,
    run for tenant A, issues nothing; run for tenant B, the same id issues B's notice."""
    from programs.tasks.notices import written_notice_issue_task

    a, b = world
    with scopes_disabled():
        individual = PartnerFactory(tenant=b.tenant, entity_kind="individual")
        contract = PartnerContractFactory(
            tenant=b.tenant,
            partner=individual,
            tier=b.tier,
            starts_on=datetime.date(2030, 1, 1),
        )

    foreign = written_notice_issue_task.delay(tenant_id=a.tenant.pk, contract_id=contract.pk)
    with scopes_disabled():
        issued_for_a = WrittenTermsNotice.objects.filter(contract=contract).exists()
    own = written_notice_issue_task.delay(tenant_id=b.tenant.pk, contract_id=contract.pk)

    assert foreign.get() is None
    assert not issued_for_a
    with scopes_disabled():
        notice = WrittenTermsNotice.objects.get(contract=contract)
    assert own.get() == notice.pk and notice.tenant_id == b.tenant.pk


def test_protection_expiry_task_of_tenant_a_changes_nothing_of_tenant_b(world):
    """The deals expiry task works inside its own tenant: both tenants' approved deals are
    past their protection, run for tenant A only A's expires (the control), B's stays."""
    from deals.tasks.registrations import protections_expire_task

    a, b = world
    ended = datetime.date(2020, 1, 31)
    with scopes_disabled():
        Deal.objects.filter(pk__in=[a.moving_deal.pk, b.moving_deal.pk]).update(
            protected_until=ended
        )
    rows = snapshot()

    protections_expire_task.apply(kwargs={"tenant_id": a.tenant.pk})

    after = snapshot()
    changed = changed_rows(rows, after)
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
        a_status = Deal.objects.get(pk=a.moving_deal.pk).registration_status
        b_status = Deal.objects.get(pk=b.moving_deal.pk).registration_status
    assert a_status == RegistrationStatus.EXPIRED, "control: tenant A's protection expired"
    assert b_status == RegistrationStatus.APPROVED
    assert not changed & b_keys, sorted(changed & b_keys)


def test_ledger_tasks_of_tenant_a_book_nothing_for_tenant_b(world):
    """Both tenants have a won deal without its lines. The reconciliation run for tenant A
    books A's win (the control) and leaves B's alone; A's deal-event task named with B's deal
    finds no such deal."""
    from payouts.models import LedgerSource
    from payouts.tasks import ledger_deal_event_task, ledger_reconcile_task

    a, b = world
    with scopes_disabled():
        for side in (a, b):
            Deal.objects.filter(pk=side.moving_deal.pk).update(
                won_on=datetime.date(2026, 5, 1), stage=stage_of(side.tenant, StageCode.WON)
            )
    rows = snapshot()

    ledger_reconcile_task.apply(kwargs={"tenant_id": a.tenant.pk})
    ledger_deal_event_task.apply(
        kwargs={"tenant_id": a.tenant.pk, "deal_id": b.moving_deal.pk, "event": "won"}
    )

    after = snapshot()
    changed = changed_rows(rows, after)
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
        assert LedgerSource.objects.filter(deal=a.moving_deal).exists(), "control"
        assert not LedgerSource.objects.filter(tenant=b.tenant).exists()
    assert not changed & b_keys, sorted(changed & b_keys)


def test_period_close_task_of_tenant_a_changes_nothing_of_tenant_b(world):
    """Both tenants have an open period that has ended; the job run for tenant A closes A's
    (the control) and leaves B's open."""
    from payouts.tasks import periods_close_task

    a, b = world
    rows = snapshot()

    periods_close_task.apply(kwargs={"tenant_id": a.tenant.pk})

    after = snapshot()
    changed = changed_rows(rows, after)
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
        assert PayoutPeriod.objects.get(pk=a.payout_period.pk).is_closed, "control"
        assert not PayoutPeriod.objects.get(pk=b.payout_period.pk).is_closed
    assert not changed & b_keys, sorted(changed & b_keys)


def test_statement_tasks_of_tenant_a_touch_nothing_of_tenant_b(world):
    """The statement tasks look their period, partner and statement up inside their own
    tenant: run for tenant A with tenant B's ids, they make and issue nothing; the control
    issues tenant A's approved statement."""
    from payouts.tasks import statement_generate_task, statement_issue_task

    a, b = world
    rows = snapshot()

    made = statement_generate_task.apply(
        kwargs={
            "tenant_id": a.tenant.pk,
            "period_id": b.closed_period.pk,
            "partner_id": b.partner.pk,
        }
    ).get()
    foreign = statement_issue_task.apply(
        kwargs={"tenant_id": a.tenant.pk, "statement_id": b.approved_statement.pk}
    ).get()
    own = statement_issue_task.apply(
        kwargs={"tenant_id": a.tenant.pk, "statement_id": a.approved_statement.pk}
    ).get()

    changed = changed_rows(rows, snapshot())
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
    assert (made, foreign) == (None, None)
    assert own, "control: tenant A's approved statement is issued"
    assert ("payouts.Statement", a.approved_statement.pk) in changed
    assert not changed & b_keys, sorted(changed & b_keys)


def test_deem_confirmation_task_of_tenant_a_changes_nothing_of_tenant_b(world):
    """Both tenants' issued statements have waited past their days without an answer; the
    daily job run for tenant A deems A's confirmed (the control) and leaves B's waiting."""
    from payouts.models import PartnerResponse
    from payouts.tasks import statements_deem_confirmed_task

    a, b = world
    rows = snapshot()

    count = statements_deem_confirmed_task.apply(kwargs={"tenant_id": a.tenant.pk}).get()

    changed = changed_rows(rows, snapshot())
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
        assert Statement.objects.get(pk=a.issued_statement.pk).response == PartnerResponse.DEEMED
        b_responses = set(
            Statement.objects.filter(tenant=b.tenant).values_list("response", flat=True)
        )
    assert count >= 1, "control: tenant A's issued statement is deemed confirmed"
    assert ("payouts.Statement", a.issued_statement.pk) in changed
    assert b_responses == {PartnerResponse.NONE}
    assert not changed & b_keys, sorted(changed & b_keys)


def test_announcement_task_of_tenant_a_never_delivers_tenant_bs_announcement(world):
    """The delivery task looks the announcement up inside its own tenant: tenant B's id, run
    for tenant A, reaches and e-mails nobody; run for tenant B, it reaches B's reps only."""
    from accounts.models import OutgoingEmail
    from programs.models import AnnouncementDelivery
    from programs.tasks.announcements import announcement_deliver_task

    a, b = world
    rows = snapshot()

    foreign = announcement_deliver_task.apply(
        kwargs={"tenant_id": a.tenant.pk, "announcement_id": b.announcement.pk}
    ).get()

    assert foreign == 0
    assert snapshot() == rows
    own = announcement_deliver_task.apply(
        kwargs={"tenant_id": b.tenant.pk, "announcement_id": b.announcement.pk}
    ).get()
    with scopes_disabled():
        reached = set(
            AnnouncementDelivery.objects.filter(announcement=b.announcement).values_list(
                "tenant_id", flat=True
            )
        )
        emailed = set(
            OutgoingEmail.objects.filter(purpose="announcement").values_list("tenant_id", flat=True)
        )
    assert own >= 1, "control: tenant B's published announcement reaches its reps"
    assert reached == emailed == {b.tenant.pk}


def test_library_and_training_tasks_of_tenant_a_change_nothing_of_tenant_b(world):
    """The view roll-up and the certification expiry warning take a tenant id and work inside
    that tenant only: both tenants have a view and a certification ending soon; run for tenant
    A, only A's roll-up row and A's certification change."""
    from django.utils import timezone

    from programs.models import AssetViewDay, Certification
    from programs.services.asset_views import asset_view_record
    from programs.tasks.library import asset_view_days_refresh_task
    from programs.tasks.training import certification_expiry_task

    a, b = world
    soon = timezone.localdate() + datetime.timedelta(days=10)
    with scopes_disabled():
        for side in (a, b):
            asset_view_record(
                tenant=side.tenant, asset=side.asset, rep=side.rep, membership=side.partner_user
            )
        Certification.objects.filter(pk__in=[a.certification.pk, b.certification.pk]).update(
            expires_on=soon
        )
    rows = snapshot()

    asset_view_days_refresh_task.apply(kwargs={"tenant_id": a.tenant.pk}).get()
    certification_expiry_task.apply(kwargs={"tenant_id": a.tenant.pk}).get()

    changed = changed_rows(rows, snapshot())
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
        rolled_up = set(AssetViewDay.objects.values_list("tenant_id", flat=True))
    assert ("programs.Certification", a.certification.pk) in changed, "control: A is warned"
    assert rolled_up == {a.tenant.pk}
    assert not changed & b_keys, sorted(changed & b_keys)


def test_kpi_tasks_of_tenant_a_change_nothing_of_tenant_b(world):
    """The nightly recompute, an event's refresh and the refresh of partners whose reps opened
    material take a tenant id and read and write that tenant's rows only: both tenants have
    snapshots and a fresh view; recomputing A (all of it, one partner's day, its viewers)
    leaves every row of B as it was, and A's snapshots hold only A's partners."""
    from django.utils import timezone

    from insights.models import KpiSnapshot
    from insights.tasks import (
        kpi_recompute_task,
        kpi_refresh_partner_task,
        kpi_refresh_viewers_task,
    )
    from programs.services.asset_views import asset_view_record

    a, b = world
    with scopes_disabled():
        for side in (a, b):
            asset_view_record(
                tenant=side.tenant, asset=side.asset, rep=side.rep, membership=side.partner_user
            )
    kpi_recompute_task.apply(kwargs={"tenant_id": b.tenant.pk}).get()
    rows = snapshot()
    with scopes_disabled():
        b_keys = rows_of(b.tenant)
        b_partner_ids = set(Partner.objects.filter(tenant=b.tenant).values_list("pk", flat=True))

    kpi_recompute_task.apply(kwargs={"tenant_id": a.tenant.pk}).get()
    kpi_refresh_partner_task.apply(
        kwargs={
            "tenant_id": a.tenant.pk,
            "partner_id": a.partner.pk,
            "day": timezone.localdate().isoformat(),
        }
    ).get()
    # A's viewing partner only (B's view is as fresh): one refresh queued, and run.
    assert kpi_refresh_viewers_task.apply(kwargs={"tenant_id": a.tenant.pk}).get() == 1

    changed = changed_rows(rows, snapshot())
    with scopes_disabled():
        a_partners = set(
            KpiSnapshot.objects.filter(tenant=a.tenant, subject_kind="partner").values_list(
                "subject_id", flat=True
            )
        )
    assert a_partners, "control: tenant A has partner snapshots"
    assert any(key[0] == "insights.KpiSnapshot" for key in b_keys), "control: B has some"
    assert not a_partners & b_partner_ids
    assert not changed & b_keys, sorted(changed & b_keys)
