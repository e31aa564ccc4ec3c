"""Every snapshot's units, one row each with its criteria rows (derived from the snapshot's payload)."""

import json

import django.db.models.deletion
from django.db import migrations, models


def copy_units(apps, schema_editor):
    Snapshot = apps.get_model("web", "Snapshot")
    SnapshotUnit = apps.get_model("web", "SnapshotUnit")
    for snap in Snapshot.objects.all().iterator():
        rows, order = [], 0
        for g in json.loads(snap.payload)["groups"]:
            for u in g["units"]:
                rows.append(SnapshotUnit(snapshot_id=snap.pk, unit_id=u["unit_id"], group=g["id"], order=order,
                                         criteria=u.get("criteria") or []))
                order += 1
        SnapshotUnit.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0002_security_integrity'),
    ]

    operations = [
        migrations.CreateModel(
            name='SnapshotUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit_id', models.IntegerField(verbose_name='mã đơn vị')),
                ('group', models.CharField(max_length=64, verbose_name='khối')),
                ('order', models.PositiveIntegerField(verbose_name='thứ tự')),
                ('criteria', models.JSONField(default=list, verbose_name='điểm từng tiêu chí')),
                ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='units', to='web.snapshot')),
            ],
            options={
                'ordering': ['snapshot', 'order'],
                'constraints': [models.UniqueConstraint(fields=('snapshot', 'unit_id'), name='snapshot_unit_unique')],
            },
        ),
        migrations.RunPython(copy_units, migrations.RunPython.noop),
    ]
