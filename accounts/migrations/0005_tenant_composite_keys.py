import django.core.validators
from django.db import migrations, models

from accounts.db_integrity import tenant_composite_keys, tenant_unique_keys


class Migration(migrations.Migration):
    """Free text bounded; the keys that tenant-bound foreign keys point at (accounts/db_integrity)."""

    dependencies = [
        ('accounts', '0004_outgoing_email'),
    ]

    operations = [
        migrations.AlterField(
            model_name='tenant',
            name='issuer_address',
            field=models.TextField(blank=True, max_length=500, validators=[django.core.validators.MaxLengthValidator(500)], verbose_name='issuer address'),
        ),
        # Partners and later apps point at memberships; the kernel's own foreign keys point at
    # users (no tenant), so no composite key is due here, but the call keeps the rule in view.
    tenant_unique_keys("accounts", "Membership"),
    tenant_composite_keys("accounts", "Membership", "Invitation", "ApiKey", "AuditEvent"),
]
