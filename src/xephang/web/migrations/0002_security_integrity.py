"""The audit trail's hash chain (existing rows chained in id order), optimistic-locking
versions on reports and adjustments, and failed logins for throttling."""

import django.utils.timezone
from django.db import migrations, models


def chain_existing(apps, schema_editor):
    # The historical model has no signals: compute the chain here with the one hash function.
    from xephang.web.immutable import GENESIS, entry_hash

    AuditEntry = apps.get_model("web", "AuditEntry")
    prev = GENESIS
    for e in AuditEntry.objects.order_by("id").select_related("user"):
        e.user_name = e.user.username if e.user_id else ""
        e.prev_hash = prev
        e.hash = entry_hash(prev, e)
        AuditEntry.objects.filter(pk=e.pk).update(user_name=e.user_name, prev_hash=e.prev_hash, hash=e.hash)
        prev = e.hash


class Migration(migrations.Migration):
    dependencies = [("web", "0001_initial")]

    operations = [
        migrations.AddField("auditentry", "user_name", models.CharField("tài khoản", max_length=150, blank=True, default="")),
        migrations.AddField("auditentry", "prev_hash", models.CharField(max_length=64, default="")),
        migrations.AddField("auditentry", "hash", models.CharField(max_length=64, default="")),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField("auditentry", "prev_hash", models.CharField(max_length=64, unique=True)),
        migrations.AlterField("auditentry", "hash", models.CharField(max_length=64)),
        migrations.AlterField("auditentry", "user_name", models.CharField("tài khoản", max_length=150, blank=True)),
        migrations.AddField("submission", "version", models.PositiveIntegerField("phiên bản", default=0)),
        migrations.AddField("adjustment", "version", models.PositiveIntegerField("phiên bản", default=1)),
        migrations.CreateModel(
            name="LoginFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("username", models.CharField(db_index=True, max_length=150)),
                ("ip", models.CharField(blank=True, db_index=True, max_length=45)),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
        ),
    ]
