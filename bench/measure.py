"""In-process measurements against one bench_* database, run by bench.run in a process of its own:

    python -m bench.measure compile  --db bench_small [--repeat 3] [--profile DIR]
    python -m bench.measure export   --db bench_small [--repeat 3] [--profile DIR]
    python -m bench.measure queries  --db bench_small
    python -m bench.measure sessions --db bench_small
    python -m bench.measure profile-pages --db bench_small --out DIR

Each prints one line `BENCHRESULT {json}` at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

from bench.dbs import django_env_setup, read_meta


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _spread(values: list[float]) -> dict:
    med = _median(values)
    return {"runs": [round(v, 3) for v in values], "median": round(med, 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "spread_pct": round(100 * (max(values) - min(values)) / med, 1)}


def _quarter(meta: dict):
    from datetime import date

    from branches.periods import Quarter

    # The last complete quarter before the generated data's "today": a full quarter of records.
    return Quarter.of(date.fromisoformat(meta["today"])).previous()


def _profiled(fn, out: Path | None, name: str):
    if out is None:
        return fn()
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        return fn()
    finally:
        profiler.stop()
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False),
                                         encoding="utf-8")


# ---- 1. the compile against one SQL statement ---------------------------------------------------

def _forget_snapshots() -> None:
    """Every run starts from the generated database: earlier runs' snapshots (62,000 item scores per
    compile at full scale) are removed, so repeated runs measure the same thing."""
    from django.db import connection

    from scoring.models import RankingSnapshot, SnapshotEntry, SnapshotItemScore

    tables = [m._meta.db_table for m in (SnapshotItemScore, SnapshotEntry, RankingSnapshot)]
    assert connection.settings_dict["NAME"].startswith("bench_")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def _snapshot_copy_text(snapshot) -> dict[str, str]:
    """The rows the compile wrote for `snapshot`, as COPY text (PostgreSQL's own output: the floor writes them back)."""
    from django.db import connection

    from scoring.models import SnapshotEntry, SnapshotItemScore

    out = {}
    entries = SnapshotEntry._meta.db_table
    items = SnapshotItemScore._meta.db_table
    for table, where in ((entries, f"snapshot_id = {int(snapshot.pk)}"),
                         (items, f"entry_id IN (SELECT id FROM {entries} WHERE snapshot_id = {int(snapshot.pk)})")):
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY (SELECT * FROM {table} WHERE {where}) TO STDOUT", buffer)
        out[table] = buffer.getvalue()
    return out


def _floor_write(payload: dict[str, str]) -> float:
    """COPY as many rows as the compile wrote, with the same columns and values, into tables shaped like the
    snapshot's (same indexes, no foreign keys: like the real ones), committed as a draft compile commits."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        for table in payload:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS floor_{table} (LIKE {table} INCLUDING ALL)")
            cursor.execute(f"TRUNCATE floor_{table}")
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        for table, text in payload.items():
            cursor.copy_expert(f"COPY floor_{table} FROM STDIN", io.StringIO(text))
    elapsed = time.perf_counter() - t0
    with connection.cursor() as cursor:
        for table in payload:
            cursor.execute(f"TRUNCATE floor_{table}")
    return elapsed


def _expected_outcome(item, fact, deadline):
    """The engine's scoring methods applied to the floor's counts (not timed: it checks the counts)."""
    from decimal import Decimal

    from scoring.engine import methods
    from scoring.models import RubricItem

    M = RubricItem.Method
    if item.method == M.COUNT_TARGET:
        return methods.count_target(item.max_points, fact.counts, item.target or Decimal(1))
    if item.method == M.ON_TIME:
        return methods.on_time(item.max_points, fact.filed, deadline)
    if item.method == M.RATIO:
        return methods.ratio(item.max_points, fact.done, fact.due)
    return methods.deduction_per(item.max_points, fact.instances, item.deduction or Decimal(0))


def _check_against_floor(snapshot, rows, columns, deadline) -> dict:
    """Every computed item score of the snapshot against the floor's per-obligation counts: count, target
    and points must be equal."""
    from bench import floor_sql
    from scoring.engine.sources import Fact
    from scoring.models import RubricItem, SnapshotItemScore

    by_branch = {row[0]: dict(zip(columns, row[3:], strict=True)) for row in rows}
    items = {i.pk: i for i in RubricItem.objects.filter(rubric=snapshot.rubric)}
    compared = mismatched = 0
    examples = []
    for s in SnapshotItemScore.objects.filter(entry__snapshot=snapshot, item__isnull=False).values(
            "entry__branch_id", "item_id", "count", "target", "points").iterator(chunk_size=5000):
        item = items.get(s["item_id"])
        if item is None or item.method == RubricItem.Method.MANUAL or item.source not in floor_sql.FRAGMENTS:
            continue
        row = by_branch.get(s["entry__branch_id"])
        fact = Fact(**floor_sql.facts(item.source, row)) if row is not None else Fact()
        expected = _expected_outcome(item, fact, deadline)
        got = (s["points"], s["count"], s["target"])
        want = (expected.points, getattr(expected, "count", None), getattr(expected, "target", None))
        ok = got[0] == want[0] and (want[1] is None or got[1] == want[1]) and (want[2] is None or got[2] == want[2])
        compared += 1
        if not ok:
            mismatched += 1
            if len(examples) < 5:
                examples.append({"branch_id": s["entry__branch_id"], "source": item.source,
                                 "engine": [str(v) for v in got], "floor": [str(v) for v in want]})
    return {"compared": compared, "mismatched": mismatched, "examples": examples,
            "compares": "points, count and target of every computed item score"}


def measure_compile(meta: dict, repeat: int, profile: Path | None) -> dict:
    """Rounds of: the floor's read (one SQL statement, per obligation), the floor's write (COPY of as many
    rows as the compile writes), then the compile itself, its read (scoring.engine.compile.compute) and its
    write (write_snapshot) timed apart. Each round's ratio is taken under the same load."""
    from django.db import connection

    from bench import floor_sql
    from branches.models import YearSettings
    from scoring.engine import compile as engine
    from scoring.engine.compile import rubric_for
    from scoring.models import RubricItem, SnapshotItemScore

    quarter = _quarter(meta)
    rubric = rubric_for(quarter)
    if rubric is None:
        return {"error": f"no rubric in force for {quarter}"}
    sources = sorted({i.source for i in rubric.items.all() if i.method != RubricItem.Method.MANUAL and i.source})
    sql, columns = floor_sql.statement(sources)
    deadline = YearSettings.deadline_for(quarter.year)
    params = floor_sql.params(quarter, deadline)

    def run_floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def run_compile():
        t0 = time.perf_counter()
        rubric_used, results = engine.compute(quarter)
        t1 = time.perf_counter()
        snapshot = engine.write_snapshot(quarter, rubric_used, results)
        return snapshot, t1 - t0, time.perf_counter() - t1

    _forget_snapshots()
    rows = run_floor()  # warm the buffer cache for both sides alike
    snapshot, _r, _w = run_compile()
    payload = _snapshot_copy_text(snapshot)
    payload_rows = {table: text.count("\n") for table, text in payload.items()}
    rounds = []
    for n in range(max(3, repeat)):
        _forget_snapshots()
        t0 = time.perf_counter()
        rows = run_floor()
        floor_read = time.perf_counter() - t0
        floor_write = _floor_write(payload)
        if n == max(3, repeat) - 1 and profile is not None:
            snapshot, read, write = _profiled(run_compile, profile, "compile")
        else:
            snapshot, read, write = run_compile()
        rounds.append({"floor_read_s": floor_read, "floor_write_s": floor_write, "compile_read_s": read,
                       "compile_write_s": write})

    def series(key):
        return [r[key] for r in rounds]

    def ratio_spread(num, den):
        return _spread([sum(r[k] for k in num) / sum(r[k] for k in den) for r in rounds])

    total = ratio_spread(("compile_read_s", "compile_write_s"), ("floor_read_s", "floor_write_s"))
    read = ratio_spread(("compile_read_s",), ("floor_read_s",))
    write = ratio_spread(("compile_write_s",), ("floor_write_s",))
    return {
        "quarter": str(quarter),
        "rubric": str(rubric),
        "sources": sources,
        "rounds": rounds,
        "compile_median_s": _median([r["compile_read_s"] + r["compile_write_s"] for r in rounds]),
        "floor_median_s": _median([r["floor_read_s"] + r["floor_write_s"] for r in rounds]),
        "ratio": total["median"],
        "ratio_spread": total,
        "read": {"compile_median_s": _median(series("compile_read_s")),
                 "floor_median_s": _median(series("floor_read_s")), "ratio": read["median"], "spread": read},
        "write": {"compile_median_s": _median(series("compile_write_s")),
                  "floor_median_s": _median(series("floor_write_s")), "ratio": write["median"], "spread": write,
                  "rows": payload_rows},
        "floor_rows": len(rows or []),
        "snapshot_entries": snapshot.entries.count(),
        "snapshot_item_scores": SnapshotItemScore.objects.filter(entry__snapshot=snapshot).count(),
        "check": _check_against_floor(snapshot, rows, columns, deadline),
        "floor_sql": sql,
    }


# ---- 3. the Excel export against XlsxWriter from a list in memory -------------------------------

def _floor_xlsx(sheets: list[tuple[str, list, list[list]]], constant_memory: bool = False) -> bytes:
    """XlsxWriter writing the rows from a list: in memory (the fastest), or row by row through temporary files
    as the export does so that its memory stays bounded (the fastest way within the memory target)."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True} if constant_memory else {"in_memory": True})
    for name, headers, rows in sheets:
        ws = workbook.add_worksheet(name[:31])
        ws.write_row(0, 0, headers)
        for r, row in enumerate(rows, start=1):
            ws.write_row(r, 0, row)
    workbook.close()
    return out.getvalue()


def measure_export(meta: dict, repeat: int, profile: Path | None) -> dict:
    from scoring.exporters import QuarterScoresExporter
    from scoring.selectors import latest_snapshot

    quarter = _quarter(meta)
    snapshot = latest_snapshot(quarter=quarter)
    if snapshot is None:
        return {"error": f"no snapshot of {quarter} to export"}

    def export() -> bytes:
        out = io.BytesIO()
        QuarterScoresExporter(snapshot).write_xlsx(out)
        return out.getvalue()

    # The same rows, read once and kept in memory (plain Python values: bool as text, as the export writes).
    sheets = []
    for sheet in QuarterScoresExporter(snapshot).sheets():
        rows = [["是" if v is True else ("" if v is False or v is None else v) for v in row] for row in sheet.rows]
        sheets.append((sheet.name, [str(h) for h in sheet.headers], rows))
    cells = sum(len(rows) * len(headers) for _, headers, rows in sheets)

    export()
    _floor_xlsx(sheets)  # warm both
    export_times, floor_times, stream_floor_times, size, floor_size = [], [], [], 0, 0
    for n in range(repeat):
        t0 = time.perf_counter()
        data = _profiled(export, profile, "export") if (profile is not None and n == repeat - 1) else export()
        export_times.append(time.perf_counter() - t0)
        size = len(data)
        t0 = time.perf_counter()
        floor_size = len(_floor_xlsx(sheets))
        floor_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _floor_xlsx(sheets, constant_memory=True)
        stream_floor_times.append(time.perf_counter() - t0)
    return {
        "quarter": str(quarter),
        "snapshot": f"{snapshot.quarter} v{snapshot.version}",
        "rows": sum(len(rows) for _, _, rows in sheets),
        "cells": cells,
        "export_seconds": export_times,
        "export_median_s": _median(export_times),
        "floor_seconds": floor_times,
        "floor_median_s": _median(floor_times),
        "ratio": _median(export_times) / _median(floor_times),
        "ratio_spread": _spread([e / f for e, f in zip(export_times, floor_times, strict=True)]),
        "constant_memory_floor_seconds": stream_floor_times,
        "ratio_vs_constant_memory_floor": _median(export_times) / _median(stream_floor_times),
        "bytes": size,
        "floor_bytes": floor_size,
    }


def export_memory(meta: dict) -> dict:
    """Peak memory of one Excel export (Python allocations, tracemalloc) written to a temporary file as the
    download does, in the large-workbook (constant memory) mode; the quarter is compiled first if it has no
    snapshot yet."""
    import resource
    import tempfile
    import tracemalloc

    from scoring.exporters import QuarterScoresExporter
    from scoring.selectors import latest_snapshot
    from scoring.services import compile_quarter

    quarter = _quarter(meta)
    snapshot = latest_snapshot(quarter=quarter) or compile_quarter(quarter=quarter)
    branches = snapshot.entries.count()
    # Measured the way a 10x workbook (a million cells) is written, row by row, whatever this one's size:
    # the small ones built in memory would not extrapolate.
    QuarterScoresExporter.in_memory_cells = 0
    with tempfile.TemporaryFile() as warm:
        QuarterScoresExporter(snapshot).write_xlsx(warm)  # imports and per-process caches outside the peak
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    with tempfile.TemporaryFile() as file:
        QuarterScoresExporter(snapshot).write_xlsx(file)
        size = file.tell()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"branches": branches, "peak_mb": round(peak / 2**20, 2), "bytes": size,
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "max_rss_mb_before": round(rss_before / 1024, 1)}


# ---- 4. queries per page and per compile ------------------------------------------------------

def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def page_urls() -> dict[str, str | None]:
    from django.urls import NoReverseMatch, reverse

    urls = {}
    for key, name in (("dashboard", "branches:dashboard"), ("home", "pairing:home")):
        try:
            urls[key] = reverse(name)
        except NoReverseMatch:
            urls[key] = None
    urls["floor"] = reverse("bench_floor")
    return urls


def page_users(meta: dict) -> dict[str, str]:
    return {"dashboard": meta["users"]["org_admin"], "home": meta["users"]["secretary"],
            "floor": meta["users"]["secretary"]}


def measure_queries(meta: dict) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branches.freshness import empty_cache
    from scoring.services import compile_quarter

    out: dict[str, dict] = {}
    # The compile first: every database then has a snapshot of the quarter when its pages are counted.
    quarter = _quarter(meta)
    try:
        with CaptureQueriesContext(connection) as ctx:
            compile_quarter(quarter=quarter)
        out["compile"] = {"count": len(ctx.captured_queries), "quarter": str(quarter)}
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        out["compile"] = {"count": None, "error": str(exc)[:300]}
    try:
        from scoring.exporters import QuarterScoresExporter
        from scoring.selectors import latest_snapshot

        snapshot = latest_snapshot(quarter=quarter)
        with CaptureQueriesContext(connection) as ctx:
            QuarterScoresExporter(snapshot).write_xlsx(io.BytesIO())
        out["export"] = {"count": len(ctx.captured_queries)}
    except Exception as exc:  # noqa: BLE001
        out["export"] = {"count": None, "error": str(exc)[:300]}
    urls = page_urls()
    users = page_users(meta)
    for key in ("dashboard", "home"):
        if urls[key] is None:
            out[key] = {"count": None, "error": "url not wired yet"}
            continue
        client = _client(users[key])
        client.get(urls[key])  # first request warms per-process caches (content types, translations)
        empty_cache()  # count the queries of a request that computes the page (this run's keys only)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(urls[key])
        out[key] = {"count": len(ctx.captured_queries), "status": response.status_code, "url": urls[key],
                    "bytes": len(response.content),
                    "sql": [" ".join(q["sql"].split())[:200] for q in ctx.captured_queries]}
    return out


SECRETARIES = 2500  # distinct secretaries the mixed workload draws from (all of them when fewer)
WRITE_TITLE = "bench-write"


def _session_for(user) -> str:
    """A logged-in session of `user`, saved where the server reads it (cached_db: database and cache)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def sessions(meta: dict) -> dict:
    """Session cookies of logged-in users for the load generator, and the URLs it should ask for: the
    dashboard's reader, the cheap-or-not secretary of the single-page runs, and up to SECRETARIES
    secretaries drawn at random (seeded) for the mixed workload, with what a write (logging an activity)
    needs."""
    import random

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from branches.models import Role
    from pairing.models import ActivityKind

    urls = page_urls()
    users = page_users(meta)
    cookies = {}
    for key, username in users.items():
        client = _client(username)
        cookies[key] = client.cookies["sessionid"].value
        if urls.get(key):
            response = client.get(urls[key])
            if response.status_code != 200:
                urls[key + "_status"] = response.status_code
    user_ids = sorted(Role.objects.filter(kind=Role.Kind.SECRETARY, branch__isnull=False)
                      .values_list("user_id", flat=True).distinct())
    chosen = random.Random(20).sample(user_ids, min(SECRETARIES, len(user_ids)))
    secretaries = [_session_for(u) for u in get_user_model().objects.filter(pk__in=chosen).order_by("pk")]
    kind = ActivityKind.objects.filter(is_active=True).order_by("pk").first()
    urls["write"] = reverse("pairing:activity_create")
    return {"urls": urls, "cookies": cookies, "users": users, "secretaries": secretaries,
            "write": {"kind": kind.pk if kind else None, "title": WRITE_TITLE}}


def dashboard_cold(meta: dict, repeat: int = 5) -> dict:
    """The org dashboard computed with nothing cached (in-process, production settings): time, queries,
    the table rows it shows and its size. Compared across scales it shows whether the cost follows the
    rows shown or the organisation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branches.freshness import empty_cache

    url = page_urls()["dashboard"]
    client = _client(meta["users"]["org_admin"])
    client.get(url)  # per-process caches (templates, translations)
    times, queries, html = [], 0, ""
    for _ in range(repeat):
        empty_cache()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        times.append(time.perf_counter() - t0)
        queries, html = len(ctx.captured_queries), response.content.decode()
    return {"url": url, "seconds": times, "median_ms": round(_median(times) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1),
            "queries": queries, "rows_shown": html.count("<tr"), "bytes": len(html)}


def forget_writes(meta: dict) -> dict:
    """Remove the activities the mixed workload logged, so the next measurement sees the generated data."""
    from django.db import connection

    from pairing.models import Activity

    assert connection.settings_dict["NAME"].startswith("bench_")
    qs = Activity.objects.filter(title__startswith=WRITE_TITLE)
    removed = qs.count()
    qs.delete()
    return {"removed": removed}


def profile_pages(meta: dict, out: Path) -> dict:
    urls = page_urls()
    users = page_users(meta)
    done = {}
    for key in ("dashboard", "home"):
        if urls[key] is None:
            continue
        client = _client(users[key])
        client.get(urls[key])
        _profiled(lambda c=client, u=urls[key]: c.get(u), out, f"page_{key}")
        done[key] = str(out / f"page_{key}.txt")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["compile", "export", "queries", "sessions", "profile-pages",
                                         "forget-writes", "dashboard-cold", "export-memory"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of the last run here")
    parser.add_argument("--out", type=Path, default=Path("bench/results/profiles"))
    args = parser.parse_args(argv)
    meta = read_meta(args.db)
    if meta is None:
        print(f"{args.db} has not been generated (python -m bench.generate)", file=sys.stderr)
        return 2
    django_env_setup(args.db)
    if args.what == "compile":
        result = measure_compile(meta, args.repeat, args.profile)
    elif args.what == "export":
        result = measure_export(meta, args.repeat, args.profile)
    elif args.what == "queries":
        result = measure_queries(meta)
    elif args.what == "sessions":
        result = sessions(meta)
    elif args.what == "forget-writes":
        result = forget_writes(meta)
    elif args.what == "export-memory":
        result = export_memory(meta)
    elif args.what == "dashboard-cold":
        result = dashboard_cold(meta)
    else:
        result = profile_pages(meta, args.out)
    print("BENCHRESULT " + json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
