# Indexes for the list orderings, trigram search, and search keys that read hiragana as katakana.

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations, models

import partners.models
from partners.validators import HIRAGANA, KATAKANA

# search_key() now folds hiragana into katakana; a stored key was already NFKC, case-folded and
# without spaces, so translating its hiragana gives exactly the new key.
REFRESH_SEARCH_TEXT = (
    f"UPDATE partners_partner SET search_text = translate(search_text, '{HIRAGANA}', '{KATAKANA}') "
    f"WHERE search_text ~ '[{HIRAGANA[0]}-{HIRAGANA[-3]}ゝゞ]'"
)


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0005_tenant_composite_keys'),
    ]

    operations = [
        TrigramExtension(),
        BtreeGinExtension(),
        # Row-level security is forced even for the table's owner: lift it for this one update of
        # every tenant's rows (migrations run as the owner), then force it again.
        migrations.RunSQL(
            [
                "ALTER TABLE partners_partner NO FORCE ROW LEVEL SECURITY",
                REFRESH_SEARCH_TEXT,
                "ALTER TABLE partners_partner FORCE ROW LEVEL SECURITY",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['tenant', '-occurred_on', '-id'], name='activity_tenant_date'),
        ),
        migrations.AddIndex(
            model_name='partner',
            index=models.Index(fields=['tenant', 'legal_name_kana', 'legal_name', 'id'], name='partner_tenant_name'),
        ),
        migrations.AddIndex(
            model_name='partner',
            index=django.contrib.postgres.indexes.GinIndex(fields=['tenant', 'search_text'], opclasses=['int8_ops', 'gin_trgm_ops'], name='partner_search_trgm'),
        ),
        migrations.AddIndex(
            model_name='partnerrep',
            index=models.Index(fields=['tenant', 'partner', '-is_active', 'full_name_kana', 'full_name', 'id'], name='partner_rep_name'),
        ),
        migrations.AddIndex(
            model_name='partnerrep',
            index=models.Index(fields=['tenant', 'full_name_kana', 'full_name'], name='rep_tenant_name'),
        ),
        migrations.AddIndex(
            model_name='prospect',
            index=models.Index(fields=['tenant', '-created_at', '-id'], name='prospect_tenant_created'),
        ),
        # Search keys PostgreSQL keeps for prospects (stored generated columns).
        migrations.AddField(
            model_name='prospect',
            name='products_key',
            field=models.GeneratedField(db_persist=True, expression=partners.models.SearchKey('products_handled'), output_field=models.TextField()),
        ),
        migrations.AddField(
            model_name='prospect',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=partners.models.SearchKey('company_name', 'company_name_kana'), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='prospect',
            index=django.contrib.postgres.indexes.GinIndex(fields=['tenant', 'search_text'], opclasses=['int8_ops', 'gin_trgm_ops'], name='prospect_search_trgm'),
        ),
    ]
