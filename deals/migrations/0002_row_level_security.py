from django.db import migrations
from django.utils import translation

from accounts.db_integrity import tenant_composite_keys
from accounts.rls import rls_bound, tenant_rls

TENANT_MODELS = [
    "PartnerTargetList",
    "TargetAccount",
    "TargetAccountChange",
    "DealStage",
    "Deal",
    "DealConflict",
    "DealStageChange",
    "DealEvent",
    "ProtectionExtension",
    "RegistrationKey",
]


def seed_stages(apps, schema_editor):
    """Existing tenants get the built-in pipeline stages (new ones when they are created:
    deals/signals.py). The same code as the service, run on the historical models."""
    from deals.services.stages import BUILT_IN_STAGES

    Tenant = apps.get_model("accounts", "Tenant")
    DealStage = apps.get_model("deals", "DealStage")
    for tenant in Tenant.objects.all():
        with rls_bound(tenant_id=tenant.pk), translation.override(tenant.default_language or None):
            existing = list(DealStage.objects.filter(tenant=tenant).values_list("code", "name"))
            codes = {code for code, _name in existing}
            names = {name.casefold() for _code, name in existing}
            position = len(existing)
            rows = []
            for code, (kind, criteria) in BUILT_IN_STAGES.items():
                name = str(code.label)
                if code in codes or name.casefold() in names:
                    continue
                rows.append(
                    DealStage(
                        tenant=tenant,
                        code=code,
                        name=name,
                        kind=kind,
                        exit_criteria=str(criteria),
                        position=position,
                    )
                )
                position += 1
            DealStage.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    """Row-level security and composite foreign keys on every deals table; the built-in
    pipeline stages for the tenants that exist."""

    dependencies = [("deals", "0001_initial")]

    operations = [tenant_rls("deals", name) for name in TENANT_MODELS] + [
        tenant_composite_keys("deals", *TENANT_MODELS),
        migrations.RunPython(seed_stages, migrations.RunPython.noop),
    ]
