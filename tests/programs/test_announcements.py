"""Announcements and the sales process: targeting by program and tier, publishing once, one
e-mail per reached rep however often the worker runs, a read recorded once, the read rate,
the unread count, the pages, and the sales phases' validation and order."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, OutgoingEmail
from programs.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementRead,
    AnnouncementStatus,
    SalesPhase,
)
from programs.selectors import announcements as selectors
from programs.services import announcements as services
from programs.tasks.announcements import announcement_deliver_task
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unscoped():
    """The tests read rows directly (requests and tasks enter their own scope)."""
    with scopes_disabled():
        yield


def _draft(tenant, actor, programs=(), tiers=(), **overrides):
    values = {
        "tenant": tenant,
        "actor": actor,
        "title": "New pricing from April",
        "body": "The standard plan costs ¥9,800 a month from April.",
        "kind": "program_change",
        "language": "en",
        "token": services.new_announcement_token(),
        "programs": list(programs),
        "tiers": list(tiers),
    }
    values.update(overrides)
    return services.announcement_create(**values)


def _publish(tenant, actor, announcement, capture):
    with capture(execute=True):
        return services.announcement_publish(tenant=tenant, actor=actor, announcement=announcement)


@pytest.fixture
def placed(tenant):
    """Three partners: `gold` and `silver` in `program` at those tiers, `other` in another
    program; each with one rep (with an e-mail) and `gold` with a rep who left."""
    program = ProgramFactory(tenant=tenant, name="Resellers")
    gold_tier = TierFactory(program=program, name="Gold", position=2)
    silver_tier = TierFactory(program=program, name="Silver", position=1)
    elsewhere = TierFactory(program=ProgramFactory(tenant=tenant, name="Referral"), name="Base")
    partners = {}
    for key, tier in (("gold", gold_tier), ("silver", silver_tier), ("other", elsewhere)):
        partner = PartnerFactory(tenant=tenant, display_name=f"{key.title()} KK")
        PartnerContractFactory(partner=partner, tier=tier)
        partners[key] = partner
    reps = {key: PartnerRepFactory(partner=partner) for key, partner in partners.items()}
    PartnerRepFactory(partner=partners["gold"], is_active=False)
    return {
        "program": program,
        "gold_tier": gold_tier,
        "silver_tier": silver_tier,
        "partners": partners,
        "reps": reps,
    }


def _reached(tenant, announcement):
    return set(
        AnnouncementDelivery.objects.filter(tenant=tenant, announcement=announcement).values_list(
            "rep_id", flat=True
        )
    )


# --- Targeting and publishing -------------------------------------------------------------


def test_an_announcement_for_no_program_reaches_every_active_rep(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    lone = PartnerRepFactory(partner=PartnerFactory(tenant=tenant))  # no contract at all
    announcement = _publish(
        tenant, actor, _draft(tenant, actor), django_capture_on_commit_callbacks
    )
    assert _reached(tenant, announcement) == {rep.pk for rep in placed["reps"].values()} | {lone.pk}


def test_an_announcement_for_a_program_reaches_its_partners_only(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]]),
        django_capture_on_commit_callbacks,
    )
    reps = placed["reps"]
    assert _reached(tenant, announcement) == {reps["gold"].pk, reps["silver"].pk}


def test_an_announcement_for_a_tier_reaches_that_tier_only_and_shows_there_only(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]], [placed["gold_tier"]]),
        django_capture_on_commit_callbacks,
    )
    reps, partners = placed["reps"], placed["partners"]
    assert _reached(tenant, announcement) == {reps["gold"].pk}
    gold = selectors.portal_announcements(tenant=tenant, partner=partners["gold"], rep=reps["gold"])
    silver = selectors.portal_announcements(
        tenant=tenant, partner=partners["silver"], rep=reps["silver"]
    )
    assert [a.pk for a in gold] == [announcement.pk]
    assert list(silver) == []


def test_a_draft_is_not_in_the_portal_and_e_mails_nobody(tenant, actor, placed):
    _draft(tenant, actor)
    partner, rep = placed["partners"]["gold"], placed["reps"]["gold"]
    assert list(selectors.portal_announcements(tenant=tenant, partner=partner, rep=rep)) == []
    assert not OutgoingEmail.objects.filter(tenant=tenant, purpose="announcement").exists()


def test_publishing_twice_publishes_once_and_e_mails_each_rep_once(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _draft(tenant, actor, [placed["program"]])
    first = _publish(tenant, actor, announcement, django_capture_on_commit_callbacks)
    again = _publish(tenant, actor, announcement, django_capture_on_commit_callbacks)
    assert again.published_at == first.published_at
    emails = OutgoingEmail.objects.filter(tenant=tenant, purpose="announcement")
    assert sorted(emails.values_list("to", flat=True)) == sorted(
        [placed["reps"]["gold"].email, placed["reps"]["silver"].email]
    )
    assert "New pricing from April" in emails.first().subject
    assert AuditEvent.objects.filter(tenant=tenant, action="announcement.published").count() == 1


def test_the_worker_run_again_e_mails_nobody_twice_but_a_new_rep_once(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]]),
        django_capture_on_commit_callbacks,
    )
    emails = OutgoingEmail.objects.filter(tenant=tenant, purpose="announcement")
    assert emails.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        announcement_deliver_task.delay(tenant_id=tenant.pk, announcement_id=announcement.pk)
    assert emails.count() == 2
    newcomer = PartnerRepFactory(partner=placed["partners"]["silver"])
    with django_capture_on_commit_callbacks(execute=True):
        announcement_deliver_task.delay(tenant_id=tenant.pk, announcement_id=announcement.pk)
    assert emails.filter(to=newcomer.email).count() == 1
    assert emails.count() == 3


def test_a_rep_without_an_e_mail_is_reached_but_not_e_mailed(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    silent = PartnerRepFactory(partner=placed["partners"]["gold"], email="")
    announcement = _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]], [placed["gold_tier"]]),
        django_capture_on_commit_callbacks,
    )
    assert silent.pk in _reached(tenant, announcement)
    assert OutgoingEmail.objects.filter(tenant=tenant, purpose="announcement").count() == 1


def test_the_worker_of_another_tenant_finds_no_announcement(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant, actor, _draft(tenant, actor), django_capture_on_commit_callbacks
    )
    other = TenantFactory()
    result = announcement_deliver_task.delay(tenant_id=other.pk, announcement_id=announcement.pk)
    assert result.get() == 0


def test_a_published_announcements_audience_stays_but_its_text_may_change(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant, actor, _draft(tenant, actor), django_capture_on_commit_callbacks
    )
    with pytest.raises(ValidationError) as error:
        services.announcement_update(
            tenant=tenant,
            actor=actor,
            announcement=announcement,
            programs=[placed["program"]],
            tiers=[],
            title="x",
            body="y",
            kind="other",
            language="",
        )
    assert "programs" in error.value.message_dict
    services.announcement_update(
        tenant=tenant,
        actor=actor,
        announcement=announcement,
        programs=[],
        tiers=[],
        title="New pricing from May",
        body="Moved a month.",
        kind="program_change",
        language="en",
    )
    announcement.refresh_from_db()
    assert announcement.title == "New pricing from May"


def test_an_empty_title_and_body_are_refused_naming_the_fields(tenant, actor):
    with pytest.raises(ValidationError) as error:
        _draft(tenant, actor, title="  ", body="")
    assert set(error.value.message_dict) == {"title", "body"}


def test_another_tenants_program_is_refused(tenant, actor):
    foreign = ProgramFactory(tenant=TenantFactory())
    with pytest.raises(ValidationError) as error:
        _draft(tenant, actor, [foreign])
    assert "programs" in error.value.message_dict


def test_a_double_submit_of_the_new_announcement_form_creates_one(tenant, actor):
    token = services.new_announcement_token()
    first = _draft(tenant, actor, token=token)
    second = _draft(tenant, actor, token=token, title="Other")
    assert first.pk == second.pk


def test_archiving_hides_it_from_the_portal(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant, actor, _draft(tenant, actor), django_capture_on_commit_callbacks
    )
    services.announcement_archive(tenant=tenant, actor=actor, announcement=announcement)
    partner, rep = placed["partners"]["gold"], placed["reps"]["gold"]
    assert list(selectors.portal_announcements(tenant=tenant, partner=partner, rep=rep)) == []
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.ARCHIVED
    with pytest.raises(ValidationError):
        services.announcement_publish(tenant=tenant, actor=actor, announcement=announcement)


def test_an_archived_draft_was_never_published_and_e_mailed_nobody(tenant, actor, placed):
    draft = _draft(tenant, actor)
    archived = services.announcement_archive(tenant=tenant, actor=actor, announcement=draft)
    assert (archived.status, archived.published_at) == (AnnouncementStatus.ARCHIVED, None)
    assert not AnnouncementDelivery.objects.filter(tenant=tenant).exists()


# --- Reads, the read rate and the unread count --------------------------------------------


def test_opening_twice_records_one_read(tenant, actor, placed, django_capture_on_commit_callbacks):
    announcement = _publish(
        tenant, actor, _draft(tenant, actor), django_capture_on_commit_callbacks
    )
    rep = placed["reps"]["gold"]
    for _ in range(2):
        services.announcement_mark_read(tenant=tenant, announcement=announcement, rep=rep)
    reads = AnnouncementRead.objects.filter(tenant=tenant, announcement=announcement)
    assert list(reads.values_list("rep_id", "partner_id")) == [(rep.pk, rep.partner_id)]


def test_the_read_rate_counts_reached_reps_who_read(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]]),
        django_capture_on_commit_callbacks,
    )
    untouched = _publish(
        tenant,
        actor,
        _draft(tenant, actor, title="Untouched"),
        django_capture_on_commit_callbacks,
    )
    services.announcement_mark_read(
        tenant=tenant, announcement=announcement, rep=placed["reps"]["gold"]
    )
    rows = {a.pk: a for a in selectors.announcement_list(tenant=tenant)}
    read = rows[announcement.pk]
    assert (read.reached_count, read.read_count, selectors.read_rate(read)) == (2, 1, 50)
    assert (rows[untouched.pk].reached_count, rows[untouched.pk].read_count) == (3, 0)
    draft = _draft(tenant, actor, title="Draft")
    assert (
        selectors.read_rate(selectors.announcement_get(tenant=tenant, announcement_id=draft.pk))
        is None
    )


def test_the_receipts_list_readers_first_then_who_has_not_read(
    tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]]),
        django_capture_on_commit_callbacks,
    )
    services.announcement_mark_read(
        tenant=tenant, announcement=announcement, rep=placed["reps"]["silver"]
    )
    receipts = list(selectors.announcement_receipts(tenant=tenant, announcement=announcement))
    assert [(r.rep_id, r.read_at is not None) for r in receipts] == [
        (placed["reps"]["silver"].pk, True),
        (placed["reps"]["gold"].pk, False),
    ]


def test_the_unread_count_drops_when_the_rep_opens_one(
    tenant, actor, placed, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = _publish(tenant, actor, _draft(tenant, actor), django_capture_on_commit_callbacks)
    _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]], [placed["silver_tier"]]),
        django_capture_on_commit_callbacks,
    )
    _publish(
        tenant, actor, _draft(tenant, actor, title="Second"), django_capture_on_commit_callbacks
    )
    partner, rep = placed["partners"]["gold"], placed["reps"]["gold"]
    with django_assert_num_queries(1):
        assert selectors.portal_unread_count(tenant=tenant, partner=partner, rep=rep) == 2
    services.announcement_mark_read(tenant=tenant, announcement=first, rep=rep)
    assert selectors.portal_unread_count(tenant=tenant, partner=partner, rep=rep) == 1
    other_rep = placed["reps"]["silver"]
    assert (
        selectors.portal_unread_count(
            tenant=tenant, partner=placed["partners"]["silver"], rep=other_rep
        )
        == 3
    )


# --- The sales process --------------------------------------------------------------------


def _phase(tenant, actor, name, exit_criteria="Agreed next step.", **extra):
    return services.sales_phase_create(
        tenant=tenant, actor=actor, name=name, exit_criteria=exit_criteria, **extra
    )


def test_a_phase_needs_a_name_and_exit_criteria_named_in_the_errors(tenant, actor):
    with pytest.raises(ValidationError) as error:
        _phase(tenant, actor, " ", exit_criteria="")
    assert set(error.value.message_dict) == {"name", "exit_criteria"}
    with pytest.raises(ValidationError) as error:
        _phase(tenant, actor, "Lead", description="x" * 3001)
    assert set(error.value.message_dict) == {"description"}


def test_phases_are_numbered_moved_and_renumbered_on_delete(tenant, actor):
    lead, meeting, proposal = (_phase(tenant, actor, n) for n in ("Lead", "Meeting", "Proposal"))

    def order():
        return list(SalesPhase.objects.filter(tenant=tenant).values_list("name", "position"))

    assert order() == [("Lead", 1), ("Meeting", 2), ("Proposal", 3)]
    services.sales_phase_move(tenant=tenant, actor=actor, phase=proposal, direction="up")
    assert order() == [("Lead", 1), ("Proposal", 2), ("Meeting", 3)]
    services.sales_phase_move(tenant=tenant, actor=actor, phase=lead, direction="up")
    assert order()[0] == ("Lead", 1)
    services.sales_phase_delete(tenant=tenant, actor=actor, phase=lead)
    assert order() == [("Proposal", 1), ("Meeting", 2)]
    assert meeting.tenant_id == tenant.pk


def test_another_tenants_phase_is_not_changed(tenant, actor):
    other = TenantFactory()
    phase = services.sales_phase_create(
        tenant=other, actor=None, name="Lead", exit_criteria="Budget known."
    )
    with pytest.raises(ValidationError):
        services.sales_phase_update(
            tenant=tenant, actor=actor, phase=phase, name="Taken", exit_criteria="x"
        )
    phase.refresh_from_db()
    assert phase.name == "Lead"


# --- The pages ----------------------------------------------------------------------------


def _url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_staff_write_publish_and_see_the_receipt_the_rep_left(
    client, tenant, actor, placed, fresh_client_for, django_capture_on_commit_callbacks
):
    client.force_login(actor)
    form = client.get(_url(tenant, "programs:announcement_create"))
    body = {
        "title": "Gold partners: new demo tenant",
        "body": "Every gold partner gets a demo tenant.",
        "kind": "product_update",
        "language": "en",
        "programs": [placed["program"].pk],
        "tiers": [placed["gold_tier"].pk],
        "token": form.context["form"].initial["token"],
    }
    created = client.post(_url(tenant, "programs:announcement_create"), body)
    assert created.status_code == 302
    client.post(_url(tenant, "programs:announcement_create"), body)  # a double submit
    announcement = Announcement.objects.get(tenant=tenant)
    publish = _url(tenant, "programs:announcement_publish", announcement_id=announcement.pk)
    assert client.get(publish).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(publish).status_code == 302

    membership, rep = portal_membership_for(placed["partners"]["gold"], full_name="Sato Hanako")
    # Joined after publishing: sees it in the portal, though the e-mail went before.
    portal = fresh_client_for(membership)
    listing = portal.get(_url(tenant, "programs:portal_announcements"))
    assert listing.status_code == 200
    assert listing.context["unread"] == 1
    assert b'data-testid="nav-badge"' in listing.content
    detail_url = _url(tenant, "programs:portal_announcement", announcement_id=announcement.pk)
    assert portal.get(detail_url).status_code == 200
    portal.get(detail_url)
    assert AnnouncementRead.objects.filter(tenant=tenant, rep=rep).count() == 1
    assert portal.get(_url(tenant, "programs:portal_announcements")).context["unread"] == 0

    silver = fresh_client_for(portal_membership_for(placed["partners"]["silver"])[0])
    assert silver.get(detail_url).status_code == 404

    staff_detail = client.get(
        _url(tenant, "programs:announcement_detail", announcement_id=announcement.pk)
    )
    assert staff_detail.status_code == 200
    assert staff_detail.context["announcement"].reached_count == 1


def test_a_published_announcements_text_is_corrected_on_the_page_its_audience_kept(
    client, tenant, actor, placed, django_capture_on_commit_callbacks
):
    announcement = _publish(
        tenant,
        actor,
        _draft(tenant, actor, [placed["program"]]),
        django_capture_on_commit_callbacks,
    )
    client.force_login(actor)
    url = _url(tenant, "programs:announcement_edit", announcement_id=announcement.pk)
    assert b'data-testid="audience-fixed"' in client.get(url).content
    response = client.post(
        url,
        {"title": "New pricing from May", "body": "Moved.", "kind": "program_change"},
    )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "New pricing from May"
    assert list(announcement.programs.all()) == [placed["program"]]


def test_the_staff_list_searches_and_filters(tenant, actor, client, placed):
    _draft(tenant, actor, title="Pricing")
    _draft(tenant, actor, [placed["program"]], title="Reseller news", kind="product_update")
    client.force_login(actor)

    def titles(**query):
        response = client.get(_url(tenant, "programs:announcement_list"), query)
        return [a.title for a in response.context["page"]]

    assert titles(q="pricing") == ["Pricing"]
    assert titles(kind="product_update") == ["Reseller news"]
    assert titles(program=placed["program"].pk) == ["Reseller news"]
    assert titles(status="published") == []


def test_the_empty_list_shows_its_empty_state(client, tenant, actor):
    client.force_login(actor)
    response = client.get(_url(tenant, "programs:announcement_list"))
    assert b'data-testid="empty-state"' in response.content


def test_a_viewer_sees_announcements_but_may_not_write_them(client, tenant, member_factory):
    from accounts.roles import Role

    client.force_login(member_factory(tenant, Role.VIEWER).user)
    assert client.get(_url(tenant, "programs:announcement_list")).status_code == 200
    assert client.get(_url(tenant, "programs:announcement_create")).status_code == 403
    assert client.get(_url(tenant, "programs:sales_process")).status_code == 200
    assert client.get(_url(tenant, "programs:sales_phase_create")).status_code == 403


def test_the_sales_process_is_edited_by_staff_and_read_in_the_portal(
    client, tenant, actor, fresh_client_for
):
    client.force_login(actor)
    refused = client.post(
        _url(tenant, "programs:sales_phase_create"), {"name": "Lead", "exit_criteria": ""}
    )
    assert refused.status_code == 400
    assert "exit_criteria" in refused.context["form"].errors
    client.post(
        _url(tenant, "programs:sales_phase_create"),
        {"name": "リード獲得", "exit_criteria": "予算と決裁者が分かっている"},
    )
    client.post(
        _url(tenant, "programs:sales_phase_create"),
        {"name": "初回商談", "exit_criteria": "次回の日程が決まった"},
    )
    second = SalesPhase.objects.get(tenant=tenant, name="初回商談")
    client.post(_url(tenant, "programs:sales_phase_move", phase_id=second.pk), {"direction": "up"})
    membership, _rep = portal_membership_for(PartnerFactory(tenant=tenant))
    page = fresh_client_for(membership).get(_url(tenant, "programs:portal_sales_process"))
    content = page.content.decode()
    assert content.index("初回商談") < content.index("リード獲得")
    assert "予算と決裁者が分かっている" in content


# --- Query counts -------------------------------------------------------------------------


def _add_published(tenant, actor, placed, n, capture):
    for i in range(n):
        announcement = _draft(
            tenant, actor, [placed["program"]], [placed["gold_tier"]], title=f"News {i}"
        )
        _publish(tenant, actor, announcement, capture)
        services.announcement_mark_read(
            tenant=tenant, announcement=announcement, rep=placed["reps"]["gold"]
        )


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_staff_list_costs_the_same_with_twelve_announcements_as_with_two(
    client, tenant, actor, placed, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.force_login(actor)
    url = _url(tenant, "programs:announcement_list")
    _add_published(tenant, actor, placed, 2, django_capture_on_commit_callbacks)
    small = _queries(client, url)
    _add_published(tenant, actor, placed, 10, django_capture_on_commit_callbacks)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert [a.read_rate for a in response.context["page"]] == [100] * 12


def test_the_portal_list_costs_the_same_with_twelve_announcements_as_with_two(
    tenant,
    actor,
    placed,
    fresh_client_for,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    membership, rep = portal_membership_for(placed["partners"]["gold"])
    portal = fresh_client_for(membership)
    url = _url(tenant, "programs:portal_announcements")
    _add_published(tenant, actor, placed, 2, django_capture_on_commit_callbacks)
    small = _queries(portal, url)
    _add_published(tenant, actor, placed, 10, django_capture_on_commit_callbacks)
    with django_assert_num_queries(small):
        response = portal.get(url)
    assert response.context["unread"] == 12


# --- Demo data ----------------------------------------------------------------------------


def test_the_demo_has_read_receipts_and_a_five_phase_sales_process_once(
    tenant, django_capture_on_commit_callbacks
):
    from programs.demo_announcements import load_announcement_demo

    program = ProgramFactory(tenant=tenant)
    gold = TierFactory(program=program, name="ゴールド")
    partner = PartnerFactory(tenant=tenant)
    PartnerContractFactory(partner=partner, tier=gold)
    for _ in range(4):
        PartnerRepFactory(partner=partner)
    with django_capture_on_commit_callbacks(execute=True):
        created = load_announcement_demo(tenant)
    announcements = Announcement.objects.filter(tenant=tenant)
    assert created == announcements.count() == 7
    assert announcements.filter(status="draft").count() == 1
    assert list(SalesPhase.objects.filter(tenant=tenant).values_list("position", "name")) == [
        (1, "リード獲得"),
        (2, "初回商談"),
        (3, "提案"),
        (4, "見積"),
        (5, "受注"),
    ]
    rates = [selectors.read_rate(a) for a in selectors.announcement_list(tenant=tenant)]
    assert any(rate and 0 < rate < 100 for rate in rates)
    assert load_announcement_demo(tenant) == 0
