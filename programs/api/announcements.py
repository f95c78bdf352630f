"""The announcements API: announcements (read) and a partner user's read receipt.

Staff read every announcement of the tenant (drafts and archived ones too) with
ProgramsPerm.VIEW, each with its read figures (reps reached when it was published, how many
of them opened it). A partner user (Perm.PORTAL_VIEW) reads only the published ones their
partner's programs and tiers see, by the portal's selectors, each with when they themselves
first opened it (`read_at`); a draft, an archived one or one for another tier answers 404,
and the vendor's fields (status, targeting, read figures) are left out. A partner user
records that they read one with POST …/read/, through the portal page's own service: a
second POST adds nothing.
"""

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from accounts.api_filters import IdFilter
from accounts.roles import Perm
from partners.api.common import is_portal
from programs.api.common import (
    OptionalMethodField,
    ProgramsReadMixin,
    StaffOnlyFieldsMixin,
    portal_rep,
)
from programs.models import Announcement, AnnouncementKind, AnnouncementStatus
from programs.selectors import announcements as selectors
from programs.services.announcements import announcement_mark_read


class AnnouncementOutSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    read_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Partner users only: when you first opened it (null: not read yet)."
        ),
    )
    program_ids = OptionalMethodField(
        help_text=gettext_lazy("Staff only: the programs it is for (none: every partner).")
    )
    tier_ids = OptionalMethodField(
        help_text=gettext_lazy("Staff only: the tiers of those programs it is for.")
    )
    reached_count = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("Staff only: the reps it reached when it was published."),
    )
    read_count = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Staff only: of those, the reps who opened it.")
    )
    read_rate = OptionalMethodField(
        help_text=gettext_lazy(
            "Staff only: per cent of the reps reached who opened it, rounded down (null: it "
            "reached nobody)."
        )
    )

    status = serializers.ChoiceField(
        choices=AnnouncementStatus.choices,
        required=False,
        help_text=gettext_lazy("Staff only (a partner user sees published ones only)."),
    )
    created_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Staff only."))
    updated_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Staff only."))

    class Meta:
        model = Announcement
        fields = [
            "id",
            "title",
            "body",
            "kind",
            "language",
            "published_at",
            "read_at",
            "status",
            "program_ids",
            "tier_ids",
            "reached_count",
            "read_count",
            "read_rate",
            "created_at",
            "updated_at",
        ]

    staff_only_fields = (
        "status",
        "program_ids",
        "tier_ids",
        "reached_count",
        "read_count",
        "read_rate",
        "created_at",
        "updated_at",
    )
    portal_only_fields = ("read_at",)

    def get_program_ids(self, announcement) -> list[int]:
        if self.context.get("portal", True):
            return []  # left out; the portal's queryset does not load them
        return [program.pk for program in announcement.programs.all()]

    def get_tier_ids(self, announcement) -> list[int]:
        if self.context.get("portal", True):
            return []
        return [tier.pk for tier in announcement.tiers.all()]

    def get_read_rate(self, announcement) -> int | None:
        if self.context.get("portal", True):
            return None
        return selectors.read_rate(announcement)


class AnnouncementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Search title and text"))
    kind = django_filters.ChoiceFilter(choices=AnnouncementKind.choices)
    status = django_filters.ChoiceFilter(
        choices=AnnouncementStatus.choices,
        label=gettext_lazy("Staff only (a partner user sees published ones only)"),
    )
    program = IdFilter(method="by_program", label=gettext_lazy("Staff only: aimed at this program"))

    class Meta:
        model = Announcement
        fields: list[str] = []

    def search(self, queryset, name, value):
        return selectors.announcements_matching(queryset, query=value)

    def by_program(self, queryset, name, value):
        if is_portal(self.request):
            # SECURITY(tenant): whom an announcement is aimed at is the vendor's; a partner
            # user's filter by program changes nothing, so it reveals nothing either.
            return queryset
        return selectors.announcements_matching(queryset, program_id=value)


class AnnouncementReadMixin(ProgramsReadMixin):
    model = Announcement
    serializer_class = AnnouncementOutSerializer
    filterset_class = AnnouncementFilter
    ordering_fields = ["published_at", "created_at"]

    def tenant_queryset(self, tenant):
        if is_portal(self.request):
            rep = portal_rep(self.request)
            # SECURITY(tenant): published announcements the partner's programs and tiers see.
            return selectors.portal_announcements_read_at(
                tenant=tenant, partner=rep.partner, rep=rep
            )
        return selectors.announcement_api_list(tenant=tenant)


class AnnouncementListView(AnnouncementReadMixin, generics.ListAPIView):
    """Announcements: staff see every one of the tenant, newest first, with its read rate; a
    partner user the published ones their partner sees, newest first, with their `read_at`."""


class AnnouncementDetailView(AnnouncementReadMixin, generics.RetrieveAPIView):
    """One announcement. Reading it here records no receipt (POST …/read/ does)."""

    lookup_url_kwarg = "announcement_id"


class AnnouncementMarkReadView(AnnouncementReadMixin, generics.GenericAPIView):
    """POST (a partner user only; staff get 403): record that the partner user read the
    announcement, as opening it in the portal does. The first POST is the receipt; a second
    one adds nothing and answers the same `read_at`. An announcement the partner does not
    see answers 404 and records nothing."""

    @property
    def required_perm(self):
        return Perm.PORTAL_VIEW

    @extend_schema(request=None, responses=AnnouncementOutSerializer)
    def post(self, request, tenant_slug, announcement_id):
        tenant = request._request.tenant
        rep = portal_rep(request)
        # SECURITY(tenant): another tenant's, another tier's, a draft or an archived
        # announcement answers 404 before anything is written.
        announcement = selectors.portal_announcement_get(
            tenant=tenant, partner=rep.partner, announcement_id=announcement_id
        )
        announcement_mark_read(
            tenant=tenant,
            announcement=announcement,
            rep=rep,
            membership=getattr(request._request, "membership", None),
        )
        announcement = selectors.portal_announcement_read_at_get(
            tenant=tenant, partner=rep.partner, rep=rep, announcement_id=announcement.pk
        )
        context = {**self.get_serializer_context(), "portal": True}
        return Response(AnnouncementOutSerializer(announcement, context=context).data)
