"""A per-period revision of what its scores are computed from, drawn anew by database triggers (SQLite
and PostgreSQL) on every change, so that every process sees a change however it was written."""

from django.db import migrations, models

#: (table, how each row reaches its period(s), columns read by scoring, the revision it changes:
#: ``revision`` for what units reported, ``appraisal`` for what appraisers decided). ``{row}`` is NEW or
#: OLD. Each source is a SELECT of period ids (possibly none).
SOURCES = [
    ("web_submission", "SELECT {row}.period_id AS period_id WHERE 1 = 1",
     ["period_id", "unit_id", "state", '"values"', "not_applicable", "total"], "revision"),
    ("web_adjustment", "SELECT s.period_id AS period_id FROM web_submission s WHERE s.id = {row}.submission_id",
     ["submission_id", "input_id", "accepted", "value"], "appraisal"),
    ("web_explanation", "SELECT s.period_id AS period_id FROM web_submission s JOIN web_adjustment a ON a.submission_id = s.id "
                        "WHERE a.id = {row}.adjustment_id",
     ["adjustment_id", "decision"], "appraisal"),
    ("web_unit", "SELECT DISTINCT s.period_id AS period_id FROM web_submission s WHERE s.unit_id = {row}.id",
     ["name", "group_id", '"order"'], "revision"),
    ("web_unitgroup", "SELECT DISTINCT s.period_id AS period_id FROM web_submission s JOIN web_unit u ON s.unit_id = u.id "
                      "WHERE u.group_id = {row}.id",
     ["code", '"order"'], "revision"),
]
#: Units and groups are counted when they change, not when they are created or deleted: a unit without
#: a report is in no period's scores, and one with a report cannot be deleted (PROTECT).
EVENTS = {"web_unit": ["UPDATE"], "web_unitgroup": ["UPDATE"]}


#: A new random 64-bit revision on every change, never a count: a count comes back to an earlier value
#: when a transaction that changed a report is rolled back, and what that transaction scored and cached
#: would then be served for the next, different change.
RANDOM = {"sqlite": "random()", "postgresql": "(random() * 4611686018427387904)::bigint"}


def _bump(source: str, row: str, vendor: str, column: str) -> str:
    other = "appraisal" if column == "revision" else "revision"
    return (f"INSERT INTO web_scoringrevision (period_id, {column}, {other}) SELECT p.period_id, {RANDOM[vendor]}, 0 "
            f"FROM ({source.format(row=row)}) p WHERE p.period_id IS NOT NULL "
            f"ON CONFLICT (period_id) DO UPDATE SET {column} = excluded.{column}")


def _changed(columns, distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    create, drop = [], []
    for table, source, columns, column in SOURCES:
        for event in EVENTS.get(table, ["INSERT", "UPDATE", "DELETE"]):
            name = f"{table}_scoring_{event.lower()}"
            rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
            if vendor == "postgresql":
                when = f" WHEN ({_changed(columns, 'IS DISTINCT FROM')})" if event == "UPDATE" else ""
                body = "; ".join(_bump(source, r, vendor, column) for r in rows)
                create.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                              f"BEGIN {body}; RETURN NULL; END $$")
                create.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                              f"EXECUTE FUNCTION {name}()")
                drop += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
            else:
                when = f" WHEN {_changed(columns, 'IS NOT')}" if event == "UPDATE" else ""
                body = "".join(_bump(source, r, vendor, column) + "; " for r in rows)
                create.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN {body}END")
                drop.append(f"DROP TRIGGER IF EXISTS {name}")
    return create, drop


def _run(which: int):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("sqlite", "postgresql"):
            raise RuntimeError(f"scoring revision triggers are written for SQLite and PostgreSQL, not {vendor}")
        for sql in _statements(vendor)[which]:
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0008_criterion_verifiers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScoringRevision",
            fields=[
                ("period_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("revision", models.BigIntegerField(default=0)),
                ("appraisal", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "phiên bản dữ liệu chấm điểm của kỳ"},
        ),
        migrations.RunPython(_run(0), _run(1)),
    ]
