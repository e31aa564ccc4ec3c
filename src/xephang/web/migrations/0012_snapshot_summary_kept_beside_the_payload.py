"""Each snapshot's summary (its content without the units' criteria rows) kept beside its payload, for
the pages that list units; written for the snapshots already stored, from their payloads."""

import django.db.models.deletion
from django.db import migrations, models

from xephang.web.immutable import canonical_json_fast, load_json


def summarise_stored(apps, schema_editor):
    Snapshot = apps.get_model("web", "Snapshot")
    SnapshotSummary = apps.get_model("web", "SnapshotSummary")
    for snap in Snapshot.objects.all().iterator(chunk_size=1):
        data = load_json(snap.payload)
        groups = []
        for g in data["groups"]:  # as models.summarise: every unit without its criteria rows
            short = {**g, "units": [{k: v for k, v in u.items() if k != "criteria"} for u in g["units"]]}
            if "unranked" in g:
                short["unranked"] = [{k: v for k, v in u.items() if k != "criteria"} for u in g["unranked"]]
            groups.append(short)
        text = canonical_json_fast({**data, "groups": groups})
        SnapshotSummary.objects.bulk_create([SnapshotSummary(snapshot_id=snap.pk, text=text)])


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0011_report_revision_kept_by_the_database'),
    ]

    operations = [
        migrations.CreateModel(
            name='SnapshotSummary',
            fields=[
                ('snapshot', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='web.snapshot')),
                ('text', models.TextField(verbose_name='kết quả không kèm điểm từng tiêu chí (JSON)')),
            ],
        ),
        migrations.RunPython(summarise_stored, migrations.RunPython.noop),
    ]
