import django.core.validators
from django.db import migrations, models

from accounts.db_integrity import tenant_composite_keys


class Migration(migrations.Migration):

    """Free text bounded; composite foreign keys (accounts/db_integrity): a row and the row
    it points at belong to the same tenant, or PostgreSQL refuses the write."""

    dependencies = [
        ("accounts", "0005_tenant_composite_keys"),
        ("partners", "0004_portal_settings"),
    ]

    operations = [
        migrations.AlterField(
            model_name='activity',
            name='notes',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='partner',
            name='notes',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='partnerpersona',
            name='goals',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='goals'),
        ),
        migrations.AlterField(
            model_name='prospect',
            name='message',
            field=models.TextField(blank=True, max_length=3000, validators=[django.core.validators.MaxLengthValidator(3000)], verbose_name='message'),
        ),
        tenant_composite_keys(
        "partners",
        "PartnerType",
        "Partner",
        "PartnerStatusChange",
        "PartnerRep",
        "CadenceRule",
        "Activity",
        "ActivityStaffAttendee",
        "ActivityRepAttendee",
        "DigestDelivery",
        "LostReason",
        "Prospect",
        "ProspectStageChange",
        "PartnerPersona",
        "PortalSettings",
    ),
]
