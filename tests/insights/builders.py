"""Snapshot rows written by hand, for the pages that read them: the engine's own arithmetic
is proved in test_kpi_engine.py, so these tests state each figure a page starts from."""

import datetime

from django_scopes import scopes_disabled

from insights.models import KpiSnapshot

Q1 = datetime.date(2026, 4, 1)  # fiscal Q1 2026 (the tenant's year starts in April)
Q4_PREVIOUS = datetime.date(2026, 1, 1)  # fiscal Q4 2025


def snapshot(
    tenant, *, kind="quarter", start=Q1, subject_kind, subject_id, partner=None, **measures
):
    with scopes_disabled():
        return KpiSnapshot.objects.create(
            tenant=tenant,
            period_kind=kind,
            period_start=start,
            subject_kind=subject_kind,
            subject_id=subject_id,
            partner=partner,
            **measures,
        )


def rep_row(rep, *, start=Q1, views=0, registered=0, won=0, **measures):
    return snapshot(
        rep.tenant,
        start=start,
        subject_kind="rep",
        subject_id=rep.pk,
        partner=rep.partner,
        asset_views=views,
        deals_registered=registered,
        deals_won=won,
        reps_known=1,
        reps_producing=1 if registered else 0,
        **measures,
    )


def partner_row(partner, *, start=Q1, **measures):
    return snapshot(
        partner.tenant,
        start=start,
        subject_kind="partner",
        subject_id=partner.pk,
        partner=partner,
        **measures,
    )
