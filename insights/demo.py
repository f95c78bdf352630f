"""Demo data of insights: the demo tenant's snapshots, computed from everything the other
apps' demo loaders wrote (insights loads last: it sits above them all)."""

from accounts.models import Tenant
from accounts.tenancy import tenant_context
from insights.services import kpi_recompute


def load_insights_demo(tenant: Tenant, *, stdout=None) -> int:
    with tenant_context(tenant):
        written = kpi_recompute(tenant=tenant)
    if stdout is not None:
        stdout.write(f"  {tenant.slug}: {written} KPI snapshot rows")
    return written
