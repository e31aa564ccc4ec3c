"""A per-report revision of what its score is computed from, drawn anew by database triggers (SQLite and
PostgreSQL) on every change to the report, its adjustments and their explanations, its unit or its
unit's group: the columns watched are those that change the period's ``ScoringRevision`` (migration
0009), so that scores cached under an older period revision can be brought up to date by reading again
only the reports whose revision changed."""

from importlib import import_module

from django.db import migrations, models

period_revision = import_module("xephang.web.migrations.0009_scoring_revision_kept_by_the_database")
_changed, RANDOM = period_revision._changed, period_revision.RANDOM
COLUMNS = {table: columns for table, _, columns, _ in period_revision.SOURCES}

#: (table, the events, how a row reaches its report(s): a SELECT of submission ids, possibly none).
#: ``{row}`` is NEW or OLD. An adjustment and an explanation count at both stages (the reported stage
#: reads the report again for nothing: one row).
SOURCES = [
    ("web_submission", ["INSERT", "UPDATE"], "SELECT {row}.id AS submission_id WHERE 1 = 1"),
    ("web_adjustment", ["INSERT", "UPDATE", "DELETE"], "SELECT {row}.submission_id AS submission_id WHERE 1 = 1"),
    (
        "web_explanation",
        ["INSERT", "UPDATE", "DELETE"],
        "SELECT a.submission_id AS submission_id FROM web_adjustment a WHERE a.id = {row}.adjustment_id",
    ),
    ("web_unit", ["UPDATE"], "SELECT s.id AS submission_id FROM web_submission s WHERE s.unit_id = {row}.id"),
    (
        "web_unitgroup",
        ["UPDATE"],
        "SELECT s.id AS submission_id FROM web_submission s JOIN web_unit u ON s.unit_id = u.id "
        "WHERE u.group_id = {row}.id",
    ),
]


def _bump(source: str, row: str, vendor: str) -> str:
    # Only reports that exist: an adjustment deleted with its report must not leave a number behind.
    return (
        f"INSERT INTO web_reportrevision (submission_id, revision) SELECT r.submission_id, {RANDOM[vendor]} "
        f"FROM ({source.format(row=row)}) r JOIN web_submission s ON s.id = r.submission_id WHERE s.id IS NOT NULL "
        f"ON CONFLICT (submission_id) DO UPDATE SET revision = excluded.revision"
    )


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    create, drop = [], []
    distinct = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    triggers = []
    for table, events, source in SOURCES:
        for event in events:
            # A report's own row: NEW (its id does not change); a row reaching a report: both sides.
            rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
            if table == "web_submission":
                rows = ["NEW"]
            changed = _changed(COLUMNS[table], distinct) if event == "UPDATE" else ""
            triggers.append((table, event, [_bump(source, r, vendor) for r in rows], changed))
    triggers.append(("web_submission", "DELETE", ["DELETE FROM web_reportrevision WHERE submission_id = OLD.id"], ""))
    for table, event, statements, changed in triggers:
        name = f"{table}_report_revision_{event.lower()}"
        if vendor == "postgresql":
            when = f" WHEN ({changed})" if changed else ""
            body = "; ".join(statements)
            create.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
            )
            create.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {name}()"
            )
            drop += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
        else:
            when = f" WHEN {changed}" if changed else ""
            body = "".join(s + "; " for s in statements)
            create.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN {body}END")
            drop.append(f"DROP TRIGGER IF EXISTS {name}")
    # Reports already written get their first number.
    create.append(
        f"INSERT INTO web_reportrevision (submission_id, revision) SELECT id, {RANDOM[vendor]} FROM web_submission"
    )
    return create, drop


def _run(which: int):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("sqlite", "postgresql"):
            raise RuntimeError(f"report revision triggers are written for SQLite and PostgreSQL, not {vendor}")
        for sql in _statements(vendor)[which]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0010_snapshot_unit_rows_written_by_orjson"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportRevision",
            fields=[
                (
                    "submission",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="scoring_revision",
                        serialize=False,
                        to="web.submission",
                    ),
                ),
                ("revision", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "phiên bản dữ liệu chấm điểm của báo cáo"},
        ),
        migrations.RunPython(_run(0), _run(1)),
    ]
