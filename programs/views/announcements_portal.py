"""Portal pages of announcements (the list with what the rep has not read yet, one
announcement, which records the read) and the sales process.

SECURITY(tenant): the partner and the rep are always the requesting user's own
(portal_rep), never ids from the URL or the body; an announcement the partner does not see
(a draft, an archived one, one for other programs or tiers) answers 404 like a missing one.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import tenant_view
from accounts.pagination import paginate
from accounts.roles import Perm
from partners.access import portal_rep
from programs.selectors import announcements as selectors
from programs.services.announcements import announcement_mark_read

PAGE_SIZE = 20


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_announcements(request, tenant_slug):
    tenant = request.tenant
    rep = portal_rep(request)
    page = paginate(
        request,
        selectors.portal_announcements(tenant=tenant, partner=rep.partner, rep=rep),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "programs/portal/announcements/list.html",
        {
            "nav": "announcements",
            "page": page,
            "unread": selectors.portal_unread_count(tenant=tenant, partner=rep.partner, rep=rep),
        },
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_announcement(request, tenant_slug, announcement_id):
    """The announcement; opening it is the read receipt (the first time only)."""
    tenant = request.tenant
    rep = portal_rep(request)
    announcement = selectors.portal_announcement_get(
        tenant=tenant, partner=rep.partner, announcement_id=announcement_id
    )
    announcement_mark_read(
        tenant=tenant,
        announcement=announcement,
        rep=rep,
        membership=getattr(request, "membership", None),
    )
    return render(
        request,
        "programs/portal/announcements/detail.html",
        {"nav": "announcements", "announcement": announcement},
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_sales_process(request, tenant_slug):
    portal_rep(request)  # a login linked to no partner has no portal pages (404)
    return render(
        request,
        "programs/portal/announcements/sales_process.html",
        {"nav": "sales_process", "phases": selectors.sales_phases(tenant=request.tenant)},
    )
