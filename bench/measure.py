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


def measure_compile(meta: dict, repeat: int, profile: Path | None) -> dict:
    from django.db import connection

    from bench import floor_sql
    from branches.models import YearSettings
    from scoring.engine.compile import rubric_for
    from scoring.models import RubricItem, SnapshotItemScore
    from scoring.services import compile_quarter

    quarter = _quarter(meta)
    rubric = rubric_for(quarter)
    if rubric is None:
        return {"error": f"no rubric in force for {quarter}"}
    sources = sorted({i.source for i in rubric.items.all() if i.method != RubricItem.Method.MANUAL and i.source})
    sql, columns = floor_sql.statement(sources)
    params = floor_sql.params(quarter, YearSettings.deadline_for(quarter.year))

    def run_floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    _forget_snapshots()
    run_floor()  # warm the buffer cache for both sides alike
    floor_times, rows = [], None
    for _ in range(max(3, repeat)):
        t0 = time.perf_counter()
        rows = run_floor()
        floor_times.append(time.perf_counter() - t0)

    compile_times, snapshot = [], None
    for n in range(repeat):
        t0 = time.perf_counter()
        if n == repeat - 1 and profile is not None:
            snapshot = _profiled(lambda: compile_quarter(quarter=quarter), profile, "compile")
        else:
            snapshot = compile_quarter(quarter=quarter)
        compile_times.append(time.perf_counter() - t0)

    # The floor must compute what the engine computed: compare its counts with the snapshot's.
    floor_by_branch = {row[0]: dict(zip(columns, row[3:], strict=True)) for row in rows}
    compared = mismatched = 0
    examples = []
    for s in SnapshotItemScore.objects.filter(entry__snapshot=snapshot, item__isnull=False).values(
            "entry__branch_id", "item__source", "item__method", "count", "target"):
        source = s["item__source"]
        if source not in floor_sql.FRAGMENTS or s["count"] is None:
            continue
        count_col, target_col = floor_sql.FRAGMENTS[source][2]
        floor = floor_by_branch.get(s["entry__branch_id"], {})
        expected_count = floor.get(count_col, 0)
        ok = int(s["count"]) == int(expected_count or 0)
        if target_col and s["target"] is not None:
            ok = ok and int(s["target"]) == int(floor.get(target_col, 0) or 0)
        compared += 1
        if not ok:
            mismatched += 1
            if len(examples) < 5:
                examples.append({"branch_id": s["entry__branch_id"], "source": source, "engine": [
                    str(s["count"]), str(s["target"])], "floor": [expected_count, floor.get(target_col)]})
    entries = snapshot.entries.count()
    return {
        "quarter": str(quarter),
        "rubric": str(rubric),
        "sources": sources,
        "compile_seconds": compile_times,
        "compile_median_s": _median(compile_times),
        "floor_seconds": floor_times,
        "floor_median_s": _median(floor_times),
        "ratio": _median(compile_times) / _median(floor_times),
        "floor_rows": len(rows or []),
        "snapshot_entries": entries,
        "snapshot_item_scores": SnapshotItemScore.objects.filter(entry__snapshot=snapshot).count(),
        "check": {"compared": compared, "mismatched": mismatched, "examples": examples},
        "floor_sql": sql,
    }


# ---- 3. the Excel export against XlsxWriter from a list in memory -------------------------------

def _floor_xlsx(sheets: list[tuple[str, list, list[list]]]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
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
    export_times, floor_times, size, floor_size = [], [], 0, 0
    for n in range(repeat):
        t0 = time.perf_counter()
        data = _profiled(export, profile, "export") if (profile is not None and n == repeat - 1) else export()
        export_times.append(time.perf_counter() - t0)
        size = len(data)
        t0 = time.perf_counter()
        floor_size = len(_floor_xlsx(sheets))
        floor_times.append(time.perf_counter() - t0)
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
        "bytes": size,
        "floor_bytes": floor_size,
    }


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
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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
        cache.clear()  # count the queries of a request that computes the page, not one served from the cache
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(urls[key])
        out[key] = {"count": len(ctx.captured_queries), "status": response.status_code, "url": urls[key],
                    "bytes": len(response.content),
                    "sql": [" ".join(q["sql"].split())[:200] for q in ctx.captured_queries]}
    return out


def sessions(meta: dict) -> dict:
    """Session cookies of logged-in users for the load generator, and the URLs it should ask for."""
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
    return {"urls": urls, "cookies": cookies, "users": users}


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
    parser.add_argument("what", choices=["compile", "export", "queries", "sessions", "profile-pages"])
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
    else:
        result = profile_pages(meta, args.out)
    print("BENCHRESULT " + json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
