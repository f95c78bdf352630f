from django.db import migrations

from accounts.rls import tenant_rls


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        tenant_rls("accounts", "Membership", readable_by_own_user=True),
        tenant_rls("accounts", "Invitation"),
        tenant_rls("accounts", "ApiKey"),
        tenant_rls("accounts", "AuditEvent"),
    ]
