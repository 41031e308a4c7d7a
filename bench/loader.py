"""Fast loading of generated rows into the real models' tables.

On PostgreSQL rows go in with `COPY ... FROM STDIN` (psycopg2's copy_expert) in chunks; on any other
database (the SQLite test run) they go in with `bulk_create`. Rows are dicts keyed by the model's
field attnames (`unit_id`, not `unit`); a field left out takes its default, so a field added to a model
later with a default does not break the generator, and one added without a default fails loudly
before anything is written.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

from scoring.engine.compile import _copy_text

CHUNK_ROWS = 100_000


class MissingValue(ValueError):
    pass


class Loader:
    """Assigns ids and writes rows of a model; counts what it wrote per table."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.counts: Counter[str] = Counter()
        self._next_ids: dict[str, int] = {}
        self._loaded: set[type[models.Model]] = set()
        self.fk_checks_skipped = False

    def skip_fk_checks(self) -> None:
        """Inside the loading transaction on PostgreSQL: no per-row foreign-key triggers (Django's are
        deferred to COMMIT, where millions of them take minutes). The generator writes consistent ids;
        the smoke test checks them on a tiny scale with the checks on. Needs a superuser; else a no-op."""
        if not self.postgres:
            return
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            self.fk_checks_skipped = True
        except DatabaseError:
            self.fk_checks_skipped = False

    def next_id(self, model: type[models.Model]) -> int:
        table = model._meta.db_table
        if table not in self._next_ids:
            found = model._base_manager.aggregate(m=models.Max("pk"))["m"]
            self._next_ids[table] = (found or 0) + 1
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    def ids(self, model: type[models.Model], count: int) -> range:
        start = self.next_id(model)
        self._next_ids[model._meta.db_table] = start + count
        return range(start, start + count)

    def _columns(self, model: type[models.Model], sample: dict) -> tuple[list, dict]:
        fields = list(model._meta.concrete_fields)
        defaults = {}
        now = timezone.now()
        for field in fields:
            if field.attname in sample:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.attname] = now
            elif field.primary_key:
                raise MissingValue(f"{model._meta.label}: rows must carry their id")
            else:
                value = field.get_default()
                if value is None and not field.null:
                    raise MissingValue(f"{model._meta.label}.{field.attname} has no value and no default")
                defaults[field.attname] = value
        return fields, defaults

    def add(self, model: type[models.Model], rows: Iterable[dict]) -> int:
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return 0
        fields, defaults = self._columns(model, rows[0])
        self._loaded.add(model)
        if self.postgres:
            self._copy(model, fields, defaults, rows)
        else:
            objs = [model(**{**defaults, **row}) for row in rows]
            model._base_manager.bulk_create(objs, batch_size=500)
        self.counts[model._meta.db_table] += len(rows)
        return len(rows)

    def _copy(self, model, fields, defaults, rows: list[dict]) -> None:
        table = model._meta.db_table
        names = [f.attname for f in fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        constant = {name: _copy_text(value) for name, value in defaults.items()}
        with connection.cursor() as cursor:
            for start in range(0, len(rows), CHUNK_ROWS):
                buffer = io.StringIO()
                write = buffer.write
                for row in rows[start:start + CHUNK_ROWS]:
                    write("\t".join(
                        _copy_text(row[name]) if name in row else constant[name] for name in names
                    ))
                    write("\n")
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)

    def reset_sequences(self) -> None:
        """Point each loaded table's id sequence past the ids the loader assigned."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in self._loaded:
                table = connection.ops.quote_name(model._meta.db_table)
                pk = model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({pk}), 1), MAX({pk}) IS NOT NULL) "
                    f"FROM {table}",
                    [model._meta.db_table, pk],
                )
