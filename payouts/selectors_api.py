"""Reads of the payouts REST API (payouts/api/): the ledger lines and statements a caller may
see, already narrowed to them, for the API's filters and pages to work on.

SECURITY(tenant): the tenant is explicit everywhere. A partner user passes their own partner
(partners.access, never a partner id from the request), and a partner rep also their own rep:
a rep sees only the lines that credit them. Another partner's row is simply not in the
queryset, so it answers 404 like a missing one. Drafts and approved statements are finance's
work in progress: a partner sees a statement once it is issued.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from accounts.models import Tenant
from partners.models import Partner, PartnerRep
from payouts.models import ISSUED_STATUSES, LedgerLine, Statement
from payouts.selectors import with_status


def api_ledger_lines(
    *,
    tenant: Tenant,
    today: datetime.date,
    portal: bool,
    own: Partner | None = None,
    rep: PartnerRep | None = None,
) -> QuerySet[LedgerLine]:
    """The lines the API lists, newest first, each with its `line_status` on `today`: every
    line of the tenant for staff (a line on a draft is on statement); for a partner user their
    own partner's (only those crediting `rep` when given; none without a partner), with the
    status the portal shows them (a draft statement does not count: they have not seen it)."""
    lines = LedgerLine.objects.filter(tenant=tenant)
    if portal:
        if own is None:
            return with_status(lines.none(), today)
        # SECURITY(tenant): a partner user reads their own partner's lines, a rep their own.
        lines = lines.filter(partner=own)
        if rep is not None:
            lines = lines.filter(rep=rep)
        lines = with_status(lines, today, issued_only=True)
    else:
        lines = with_status(lines, today)
    # created_by too: the serializer drops it for partner users after reading it, so a join
    # here keeps their pages at the same number of queries.
    return lines.select_related(
        "partner", "rep", "deal", "rule_set_version__rule_set", "created_by"
    ).order_by("-accrued_on", "-id")


def api_statements(
    *, tenant: Tenant, portal: bool, own: Partner | None = None
) -> QuerySet[Statement]:
    """The statements the API lists, latest period first: every statement of the tenant for
    staff; a partner user's own partner's issued and paid ones (none without a partner)."""
    statements = Statement.objects.filter(tenant=tenant)
    if portal:
        if own is None:
            return statements.none()
        # SECURITY(tenant): the partner's own statements, and only once they are issued.
        statements = statements.filter(partner=own, status__in=ISSUED_STATUSES)
    # The approvers too: read, then dropped for partner users (see api_ledger_lines).
    return statements.select_related(
        "partner", "period", "approved_by", "second_approved_by"
    ).order_by("-period__starts_on", "partner__legal_name", "revision", "id")


def statements_by_ids(*, tenant: Tenant, statement_ids: list[int]) -> QuerySet[Statement]:
    """The tenant's statements among `statement_ids` (staff's bulk actions), as listed."""
    return api_statements(tenant=tenant, portal=False).filter(pk__in=statement_ids)


def unknown_statement_ids(*, tenant: Tenant, statement_ids: list[int]) -> list[int]:
    """The ids that name no statement of the tenant (another tenant's are unknown here too)."""
    known = set(
        Statement.objects.filter(tenant=tenant, pk__in=statement_ids).values_list("pk", flat=True)
    )
    return sorted(set(statement_ids) - known)
