"""Run every benchmark against its floor, in one run, and write the results.

    make bench                                   # small: 1/50 of an oilfield (and 1/5 for the query check)
    python -m bench.run                          # the same
    python -m bench.run --scale full             # a whole oilfield: 5,000 branches, 500,000 activities
    python -m bench.run --scale 10x              # a group company: 50,000 branches, 5,000,000 activities
    python -m bench.run --scale 0.1              # any factor of the full scale (up to 10)
    python -m bench.run --scale full --profile   # also write pyinstrument profiles to bench/results/profiles/
    python -m bench.run --scale full --only pages,queries   # only some measurements (the others: not measured)

Measured, each as a ratio to its floor from the same run on the same database:
  1. compiling one quarter's ranking (scoring.engine.compile: compute, then write_snapshot, timed apart) vs. the
     complete floor: one hand-written SQL statement giving every branch's counts per obligation for every
     source the rubric uses (bench/floor_sql.py; the engine's points, counts and targets are checked against
     it), plus a COPY of as many entry and item-score rows as the compile writes; read and write reported apart;
  2. pages under a mixed workload against gunicorn with the production settings: 12 connections ask for the
     home pages of up to 2,500 secretaries drawn at random, 2 the org dashboard, 2 log activities (so cached
     pages are dropped as in production), from a cold cache, vs. a view returning a constant (floor_views.py);
     the dashboard computed with nothing cached, in-process, at two scales; one reader's cached pages too;
  3. the quarter's Excel export (scoring.exporters) vs. XlsxWriter writing the same rows from a list, and its
     peak memory;
  4. queries per page, per compile and per export at 1x and 10x scale (must not grow).
Every measurement runs in rounds (default 3): the median and the spread are reported, and the machine's load
average is recorded at the start, between measurements and at the end.

Databases are PostgreSQL `bench_<scale>` (and `bench_<scale>_x10` / `bench_<scale>_d10` for the query
check); an existing one of the same scale and generator version is reused unless --force. The server
listens on 127.0.0.1 only, on the first free port of 8190-8199 unless --port; every load run is bounded in
time (--duration) and connections (16). The cache is the bench's own Redis database (BENCH_CACHE_URL, default
db 15) and every key of a run is under `bench:<run id>:`; keys are dropped by that prefix, never by FLUSHDB.
Results: bench/results/latest.json, latest.md and a timestamped copy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench import MAX_FACTOR, NAMED_SCALES

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Ratios to the floor measured in the same run, except dashboard_cold_ms (milliseconds, computed with nothing cached)
# and export_peak_mb (megabytes of Python allocations at their peak, extrapolated to 10x where not run there).
TARGETS = {"compile_vs_floor": 2.0, "home_mixed_p95_vs_floor": 10.0, "dashboard_cold_ms": 300.0,
           "export_vs_floor": 1.5, "export_peak_mb_at_10x": 200.0}
CONNECTIONS = 16
HOST = "127.0.0.1"


def parse_scale(text: str) -> tuple[str, float]:
    if text in NAMED_SCALES:
        return text, NAMED_SCALES[text]
    factor = float(text)
    if not 0 < factor <= MAX_FACTOR:
        raise ValueError(f"scale factor must be in (0, {MAX_FACTOR:g}]")
    for name, value in NAMED_SCALES.items():
        if abs(value - factor) < 1e-9:
            return name, value
    return "f" + f"{factor:g}".replace(".", "_"), factor


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _python() -> str:
    return sys.executable


def _run_json(args: list[str], marker: str, timeout: float, env: dict | None = None) -> dict:
    """Run a bench subprocess; its stderr streams through; return the JSON after `marker` on stdout."""
    proc = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith(marker)] if marker else \
        [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(args)} printed no result")
    return json.loads(lines[-1][len(marker):].strip() if marker else lines[-1])


# ---- the machine ---------------------------------------------------------------------------------

def machine() -> dict:
    info = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        import psycopg2

        from bench.dbs import db_url

        with psycopg2.connect(db_url("postgres")) as conn, conn.cursor() as cur:
            cur.execute("SHOW server_version")
            info["postgresql"] = cur.fetchone()[0]
    except Exception as exc:  # noqa: BLE001
        info["postgresql"] = f"unknown ({exc})"
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run([wrk, "--version"], capture_output=True, text=True)
        info["wrk"] = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "wrk"
    return info


# ---- databases -----------------------------------------------------------------------------------

def generate(factor: float, db: str, force: bool) -> dict:
    args = [_python(), "-m", "bench.generate", "--scale", f"{factor:g}", "--db", db] + (["--force"] if force else [])
    log(f"generating {db} (factor {factor:g}){' from scratch' if force else ''}")
    started = time.monotonic()
    result = _run_json(args, "", timeout=20 * 60 * max(1.0, factor))  # a group company takes a while
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    state = "reused" if result.get("reused") else f"generated in {result['wall_seconds']}s"
    log(f"{db}: {state}")
    return result


def measure(what: str, db: str, *extra: str, timeout: float = 30 * 60) -> dict:
    log(f"measuring {what} on {db}")
    return _run_json([_python(), "-m", "bench.measure", what, "--db", db, *extra], "BENCHRESULT", timeout=timeout)


# ---- pages under load ----------------------------------------------------------------------------

WRK_LUA = r"""
wrk.method = "GET"
wrk.headers["Cookie"] = "sessionid=%(cookie)s"
wrk.headers["X-Forwarded-Proto"] = "https"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; s3 = 0; s4 = 0; s5 = 0 end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1 elseif status >= 300 then s3 = s3 + 1 end
end
function done(summary, latency, requests)
  local bad_total, t3, t4, t5 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad"); t3 = t3 + t:get("s3"); t4 = t4 + t:get("s4"); t5 = t5 + t:get("s5")
  end
  io.write(string.format(
    'BENCHWRK {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, "p90_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "mean_us": %%.1f, "non200": %%d, "status_3xx": %%d, "status_4xx": %%d, ' ..
    '"status_5xx": %%d, "errors": {"connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean, bad_total, t3, t4, t5,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
"""


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    log("wrk is missing: installing Debian's package (apt-get install -y wrk)")
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, timeout=600)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-q"], check=False, timeout=600)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, timeout=600)
    wrk = shutil.which("wrk")
    if not wrk:
        raise RuntimeError("wrk is not installed and could not be installed (apt-get install wrk)")
    return wrk


def wrk_run(wrk: str, url: str, cookie: str, duration: int, threads: int, *, connections: int = CONNECTIONS,
            script: str | None = None) -> dict:
    """One wrk run; `script` replaces the default (one cookie, GET) with a Lua script of its own."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script if script is not None else WRK_LUA % {"cookie": cookie})
    try:
        args = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "60s", "-s", file.name, url]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(file.name)
    return _wrk_result(proc.stdout, proc.stderr)


def _wrk_result(stdout: str, stderr: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("BENCHWRK ")]
    if not lines:
        raise RuntimeError(f"wrk printed no result: {stdout[-500:]} {stderr[-500:]}")
    result = json.loads(lines[-1][len("BENCHWRK "):])
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result["p50_ms"] = round(result["p50_us"] / 1000, 2)
    result["p95_ms"] = round(result["p95_us"] / 1000, 2)
    return result


# The mixed workload's scripts: the same report as WRK_LUA; `request()` picks a secretary at random per request.
_LUA_REPORT = WRK_LUA[WRK_LUA.index("local threads"):]
MIXED_HOME_LUA = r"""
local cookies = {%(cookies)s}
local path = "%(path)s"
-- wrk.format uses the headers given instead of wrk.headers (only Host is copied): all of them here.
function request()
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. cookies[math.random(#cookies)],
                                  ["X-Forwarded-Proto"] = "https"})
end
""" + _LUA_REPORT
MIXED_WRITE_LUA = r"""
local cookies = {%(cookies)s}
local path = "%(path)s"
local csrf = "%(csrf)s"
local n = 0
function request()
  n = n + 1
  local body = "date=%(date)s&kind=%(kind)s&title=%(title)s+" .. n .. "&guest_count=0&location=&summary=&joint="
  return wrk.format("POST", path, {["Cookie"] = "sessionid=" .. cookies[math.random(#cookies)] ..
    "; csrftoken=" .. csrf, ["X-CSRFToken"] = csrf, ["X-Forwarded-Proto"] = "https", ["Origin"] = "%(origin)s",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
function delay() return %(delay_ms)d end
""" + _LUA_REPORT.replace("if status ~= 200 then", "if status ~= 302 then")


def _lua_list(values: list[str]) -> str:
    return ",".join(f'"{v}"' for v in values)


def free_port(preferred: int | None) -> int:
    """`preferred` if given, else the first port of 8190-8199 nobody listens on (another run may hold 8190)."""
    import socket

    for port in ([preferred] if preferred else range(8190, 8200)):
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8190-8199 (pass --port 81NN)")


def load_average() -> dict:
    one, five, fifteen = os.getloadavg()
    return {"1m": round(one, 2), "5m": round(five, 2), "15m": round(fifteen, 2)}


def spread(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {}
    median = statistics.median(values)
    return {"runs": [round(v, 4) for v in values], "median": round(median, 4), "min": round(min(values), 4),
            "max": round(max(values), 4),
            "spread_pct": round(100 * (max(values) - min(values)) / median, 1) if median else None}


def collectstatic(db: str) -> None:
    """The production settings serve hashed static files from STATIC_ROOT: collect them first."""
    from bench.dbs import django_env

    log("collectstatic (production settings)")
    subprocess.run([_python(), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=django_env(db),
                   check=True, timeout=600)


class Server:
    """gunicorn with the production settings and gunicorn.conf.py, on 127.0.0.1 only."""

    def __init__(self, db: str, port: int, **extra_env: str):
        from bench.dbs import django_env

        self.port = port
        # Workers are not recycled and requests not logged during a measurement: a recycle re-imports
        # Django mid-run and shows up as a latency tail of the floor itself.
        self.env = django_env(db, GUNICORN_BIND=f"{HOST}:{port}", GUNICORN_LOG_LEVEL="warning",
                              GUNICORN_MAX_REQUESTS="0", GUNICORN_ACCESS_LOG="", PYTHONPATH=str(ROOT),
                              **extra_env)
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"bench_gunicorn_{port}.log"

    def describe(self) -> dict:
        return {"command": "gunicorn config.wsgi --config gunicorn.conf.py",
                "bind": f"{HOST}:{self.port}", "settings": "config.settings.production",
                "workers": self.env.get("WEB_CONCURRENCY") or "gunicorn.conf.py default (2 x CPUs + 1, at most 8)",
                "threads": self.env.get("GUNICORN_THREADS") or "1"}

    def __enter__(self) -> Server:
        gunicorn = str(Path(_python()).with_name("gunicorn"))
        config = ROOT / "gunicorn.conf.py"
        args = [gunicorn, "config.wsgi"] + (["--config", str(config)] if config.exists() else []) + \
            ["--bind", f"{HOST}:{self.port}"]
        with open(self.log_path, "w") as out:
            self.proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                request = urllib.request.Request(f"http://{HOST}:{self.port}/healthz",
                                                 headers={"X-Forwarded-Proto": "https"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the group of the gunicorn we started, nothing else
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def warm_up(url: str, cookie: str, requests: int = 12, limit_s: float = 60) -> dict:
    """Sequential requests, so every worker has served the page once (templates compiled, catalogs
    loaded) and no abandoned request is still running when the measured run starts."""
    started = time.monotonic()
    times, statuses = [], []
    for _ in range(requests):
        if time.monotonic() - started > limit_s:
            break
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Cookie": f"sessionid={cookie}"})
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                statuses.append(response.status)
        except OSError as exc:
            statuses.append(str(exc)[:80])
        times.append(round((time.perf_counter() - t0) * 1000, 1))
    return {"sequential_ms": times, "statuses": sorted({str(s) for s in statuses})}


def _mixed_round(wrk: str, base: str, session: dict, duration: int, write_delay_ms: int) -> dict:
    """One run of the mixed workload: 12 connections ask for the home pages of secretaries drawn at random,
    2 the org dashboard, 2 log activities as random secretaries (each write drops its branches' cached pages,
    as in production), all at once. Each stream reports its own latencies."""
    from concurrent.futures import ThreadPoolExecutor

    urls, cookies, secretaries = session["urls"], session["cookies"], session["secretaries"]
    csrf = "benchcsrf" + "0" * 23  # any 32 letters and digits: Django compares the header with the cookie
    home = MIXED_HOME_LUA % {"cookies": _lua_list(secretaries), "path": urls["home"]}
    write = MIXED_WRITE_LUA % {"cookies": _lua_list(secretaries), "path": urls["write"], "csrf": csrf,
                               "origin": base.replace("http://", "https://"), "kind": session["write"]["kind"],
                               "title": session["write"]["title"], "date": datetime.now().date().isoformat(),
                               "delay_ms": write_delay_ms}
    runs = {
        "home": lambda: wrk_run(wrk, base + urls["home"], "", duration, 1, connections=12, script=home),
        "dashboard": lambda: wrk_run(wrk, base + urls["dashboard"], cookies["dashboard"], duration, 1,
                                     connections=2),
        "writes": lambda: wrk_run(wrk, base + urls["write"], "", duration, 1, connections=2, script=write),
    }
    with ThreadPoolExecutor(len(runs)) as pool:
        futures = {key: pool.submit(fn) for key, fn in runs.items()}
        out = {key: f.result() for key, f in futures.items()}
    total = sum(r["requests"] for r in out.values())
    out["write_share"] = round(out["writes"]["requests"] / total, 3) if total else None
    out["distinct_secretaries"] = len(secretaries)
    return out


def measure_pages(db: str, port: int, duration: int, rounds: int = 3, write_delay_ms: int = 40) -> dict:
    """Each round: the constant view (the floor), then the mixed workload from a cold cache (this run's keys
    dropped). Then once: one secretary's home and the dashboard alone (everything cached: the easy case),
    and the home with nothing cached at all."""
    from bench.dbs import cache_prefix, drop_cache_keys

    wrk = ensure_wrk()
    threads = max(1, min(2, os.cpu_count() or 1))
    session = measure("sessions", db)
    urls, cookies = session["urls"], session["cookies"]
    out: dict = {"connections": CONNECTIONS, "wrk_threads": threads, "duration_s": duration, "urls": urls,
                 "distinct_secretaries": len(session["secretaries"]), "rounds": []}
    server = Server(db, port)
    out["server"] = server.describe()
    with server:
        base = f"http://{HOST}:{port}"
        log(f"warm-up of every worker: floor, dashboard, home ({len(session['secretaries'])} secretaries)")
        for key in ("floor", "dashboard", "home"):
            out[key + "_warmup"] = warm_up(base + urls[key], cookies[key])
        for n in range(rounds):
            round_out: dict = {"load_before": load_average()}
            log(f"round {n + 1}/{rounds}: floor {urls['floor']}, wrk {duration} s, {CONNECTIONS} connections")
            round_out["floor"] = wrk_run(wrk, base + urls["floor"], cookies["floor"], duration, threads)
            removed = drop_cache_keys(cache_prefix(db))
            log(f"round {n + 1}/{rounds}: mixed workload from a cold cache ({removed} keys of this run dropped)")
            round_out["mixed"] = _mixed_round(wrk, base, session, duration, write_delay_ms)
            round_out["load_after"] = load_average()
            out["rounds"].append(round_out)
        for key in ("dashboard", "home"):
            log(f"{key} alone (one reader, cached): wrk {duration} s")
            out[key] = wrk_run(wrk, base + urls[key], cookies[key], duration, threads)
    out["writes_removed"] = measure("forget-writes", db).get("removed")
    with Server(db, port, PAGE_CACHE_SECONDS="0"):
        log(f"home_computed {urls['home']} (PAGE_CACHE_SECONDS=0): warm-up, then wrk for {duration} s")
        out["home_computed_warmup"] = warm_up(f"http://{HOST}:{port}{urls['home']}", cookies["home"])
        out["home_computed"] = wrk_run(wrk, f"http://{HOST}:{port}{urls['home']}", cookies["home"], duration,
                                       threads)
    out["floor_used"] = min((r["floor"] for r in out["rounds"]), key=lambda r: r["p95_us"])
    ratios = {}
    for stream in ("home", "dashboard", "writes"):
        for stat in ("p95_us", "p50_us"):
            ratios[f"mixed_{stream}_{stat[:3]}"] = spread(
                [r["mixed"][stream][stat] / r["floor"][stat] for r in out["rounds"] if r["floor"][stat]])
    out["ratios_by_round"] = ratios
    for key in ("home", "dashboard", "writes"):
        bad = sum(r["mixed"][key]["non200"] for r in out["rounds"])
        if bad:
            out.setdefault("warnings", []).append(f"mixed {key}: {bad} responses not as expected")
    return out


TEN_X_BRANCHES = 50_000


def export_memory(dbs: set[str]) -> dict:
    """The export's peak memory on each database, and at 10x (50,000 branches): measured there if one of the
    databases is that large, else a straight line through the two largest measurements (or proportional to
    the branches, from one), which says so in `basis`."""
    points = sorted((measure("export-memory", db) for db in dbs), key=lambda m: m["branches"])
    out: dict = {"measured": points}
    big = [p for p in points if p["branches"] >= TEN_X_BRANCHES]
    if big:
        out["peak_mb_at_10x"], out["basis"] = big[0]["peak_mb"], "measured at 10x"
    elif len(points) >= 2 and points[-1]["branches"] > points[-2]["branches"]:
        a, b = points[-2], points[-1]
        slope = (b["peak_mb"] - a["peak_mb"]) / (b["branches"] - a["branches"])
        out["peak_mb_at_10x"] = round(b["peak_mb"] + slope * (TEN_X_BRANCHES - b["branches"]), 1)
        out["basis"] = f"extrapolated from {a['branches']:,} and {b['branches']:,} branches"
    elif points:
        out["peak_mb_at_10x"] = round(points[-1]["peak_mb"] * TEN_X_BRANCHES / points[-1]["branches"], 1)
        out["basis"] = f"proportional to {points[-1]['branches']:,} branches (an upper bound)"
    return out


# ---- the run -------------------------------------------------------------------------------------

def _ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small",
                        help="small (1/50 of full, default), full (5,000 branches, 500,000 activities), or a factor")
    parser.add_argument("--duration", type=int, help="seconds of each load run (default 10 small, 30 full)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the compile and the export (median)")
    parser.add_argument("--port", type=int, help="the server's port (default: the first free one of 8190-8199)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the page measurements (median, spread)")
    parser.add_argument("--force", action="store_true", help="regenerate the databases")
    parser.add_argument("--skip-pages", action="store_true", help="no load test")
    parser.add_argument("--only", default="", help="comma-separated subset of compile,export,queries,pages")
    parser.add_argument("--profile", action="store_true", help="write pyinstrument profiles to bench/results/profiles")
    args = parser.parse_args(argv)
    name, factor = parse_scale(args.scale)
    duration = max(2, min(120, args.duration or (30 if factor >= 0.5 else 10)))
    if args.port is not None and not 8100 <= args.port <= 8199:
        parser.error("the benchmark's ports are 8100-8199 (8190-8199 by default; an engineer's own otherwise)")
    kinds = {"compile", "export", "queries", "pages"}
    only = {k.strip() for k in args.only.split(",") if k.strip()} or kinds
    if only - kinds:
        parser.error(f"--only takes {', '.join(sorted(kinds))}")
    if args.skip_pages:
        only.discard("pages")

    main_db = f"bench_{name}"
    if factor * 10 <= NAMED_SCALES["full"] + 1e-9:
        q_small, q_big = (factor, main_db), (factor * 10, f"bench_{name}_x10")
    else:
        q_small, q_big = (factor / 10, f"bench_{name}_d10"), (factor, main_db)
    started = time.monotonic()
    # This run's cache keys are bench:<run id>:<database>: in the bench's own Redis database, dropped by prefix.
    run_id = os.environ.setdefault("BENCH_RUN_ID", f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}")
    from bench.dbs import CACHE_URL, cache_prefix, drop_cache_keys

    results: dict = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
                     "cache": {"url": CACHE_URL, "prefix": f"bench:{run_id}:*"},
                     "load": {"start": load_average()}}
    log(f"load average at start: {results['load']['start']} on {os.cpu_count()} CPUs")

    gen = {main_db: generate(factor, main_db, args.force)}
    if only & {"queries", "pages"}:  # the other scale is for the query counts and the cold dashboard
        for f, db in (q_small, q_big):
            if db not in gen:
                gen[db] = generate(f, db, args.force)
    else:
        q_small = q_big = (factor, main_db)
    results["scale"] = {
        "name": name, "factor": factor, "db": main_db, "counts": gen[main_db]["counts"],
        "target_counts": gen[main_db]["target"], "generation_seconds": gen[main_db].get("seconds"),
        "rubric": gen[main_db].get("rubric"),
        "query_scales": {"1x": {"factor": q_small[0], "db": q_small[1], "counts": _brief(gen[q_small[1]])},
                         "10x": {"factor": q_big[0], "db": q_big[1], "counts": _brief(gen[q_big[1]])}},
    }
    profile_dir = RESULTS / "profiles" / name
    prof = ["--profile", str(profile_dir)] if args.profile else []

    collectstatic(main_db)
    skipped = {"skipped": "not measured in this run (--only " + ",".join(sorted(only)) + ")"}
    compile_result = measure("compile", main_db, "--repeat", str(args.repeat), *prof) if "compile" in only \
        else dict(skipped)
    export_result = measure("export", main_db, "--repeat", str(args.repeat), *prof) if "export" in only \
        else dict(skipped)
    by_db = {db: measure("queries", db) if "queries" in only else {} for db in {q_small[1], q_big[1]}}
    if "export" in only:
        export_result["memory"] = export_memory({db for db in (main_db, q_small[1], q_big[1])})
    results["load"]["after_compile_export_queries"] = load_average()
    pages = None
    if "pages" in only:
        port = free_port(args.port)
        results["dashboard_cold"] = {db: measure("dashboard-cold", db) for db in sorted({q_small[1], q_big[1]})}
        pages = measure_pages(main_db, port, duration, rounds=max(1, args.rounds))
        if args.profile:
            measure("profile-pages", main_db, "--out", str(profile_dir))
    for db in {main_db, q_small[1], q_big[1]}:
        drop_cache_keys(cache_prefix(db))
    results["load"]["end"] = load_average()
    if only != kinds:
        results["notes"] = [f"only {', '.join(sorted(only))} measured in this run; the others show —"]
    results = assemble(results, compile_result=compile_result, export_result=export_result,
                       queries={"1x": by_db[q_small[1]], "10x": by_db[q_big[1]]}, pages=pages)
    if args.profile:
        results["profiles"] = sorted(str(p.relative_to(ROOT)) for p in profile_dir.glob("*.txt"))
    results["seconds"] = round(time.monotonic() - started, 1)
    write_results(results)
    print(markdown(results))
    return 0


def assemble(results: dict, *, compile_result: dict, export_result: dict, queries: dict[str, dict],
             pages: dict | None) -> dict:
    """The results document: measurements, ratios to their floors, targets met, query counts by scale."""
    notes: list[str] = list(results.get("notes", []))
    results["compile"] = compile_result
    results["export"] = export_result
    for key in ("compile", "export"):
        if results[key].get("error"):
            notes.append(f"{key}: {results[key]['error']}")
    if compile_result.get("check", {}).get("mismatched"):
        notes.append(f"the SQL floor disagreed with the engine on {compile_result['check']['mismatched']} item scores")
    results["queries"] = {}
    for key in ("dashboard", "home", "compile", "export"):
        small_count = queries["1x"].get(key, {}).get("count")
        big_count = queries["10x"].get(key, {}).get("count")
        results["queries"][key] = {"1x": small_count, "10x": big_count,
                                   "constant": None if small_count is None or big_count is None
                                   else small_count == big_count}
        for scale in ("1x", "10x"):
            if queries[scale].get(key, {}).get("error"):
                notes.append(f"queries {key} at {scale}: {queries[scale][key]['error']}")
    if pages is not None:
        results["pages"] = pages
        notes.extend(pages.get("warnings", []))
    floor = pages["floor_used"] if pages else None

    def page_ratio(key: str, stat: str):
        return _ratio(pages[key][stat], floor[stat]) if pages and key in pages else None

    by_round = pages["ratios_by_round"] if pages else {}
    cold = results.get("dashboard_cold", {}).get(results["scale"]["db"], {})
    results["ratios"] = {
        "compile_vs_floor": compile_result.get("ratio"),
        "compile_read_vs_floor": compile_result.get("read", {}).get("ratio"),
        "compile_write_vs_floor": compile_result.get("write", {}).get("ratio"),
        "home_mixed_p95_vs_floor": by_round.get("mixed_home_p95", {}).get("median"),
        "home_mixed_p50_vs_floor": by_round.get("mixed_home_p50", {}).get("median"),
        "dashboard_mixed_p95_vs_floor": by_round.get("mixed_dashboard_p95", {}).get("median"),
        "writes_mixed_p95_vs_floor": by_round.get("mixed_writes_p95", {}).get("median"),
        "dashboard_cold_ms": cold.get("median_ms"),
        "export_vs_floor": export_result.get("ratio"),
        "export_vs_constant_memory_floor": export_result.get("ratio_vs_constant_memory_floor"),
        "export_peak_mb_at_10x": export_result.get("memory", {}).get("peak_mb_at_10x"),
        "dashboard_alone_p95_vs_floor": page_ratio("dashboard", "p95_us"),
        "home_alone_p95_vs_floor": page_ratio("home", "p95_us"),
        "home_computed_p95_vs_floor": page_ratio("home_computed", "p95_us"),
    }
    results["targets"] = TARGETS
    results["met"] = {key: (None if results["ratios"].get(key) is None else results["ratios"][key] <= limit)
                      for key, limit in TARGETS.items()}
    results["met"]["queries_constant"] = all(v["constant"] for v in results["queries"].values()
                                             if v["constant"] is not None)
    load = results.get("load", {})
    if any(v.get("1m", 0) > (results["machine"].get("cpu_count") or 1) for v in load.values()):
        notes.append(f"the machine was loaded (load average {load}); absolute times are inflated, ratios less so")
    results["notes"] = notes
    results["findings"] = "bench/results/FINDINGS.md: causes of missed targets, from the profiles, and the fixes"
    return results


def _brief(gen: dict) -> dict:
    c = gen["counts"]
    return {k: c[k] for k in ("branches", "pairs", "partnerships", "members", "activities")}


def write_results(results: dict, directory: Path = RESULTS, stamp: bool = True) -> None:
    """latest.json/.md (the last run), latest-<scale>.json/.md (the last run of that scale) and a
    timestamped copy of the JSON."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n"
    name = results["scale"]["name"]
    table = markdown(results)
    for base in ("latest", f"latest-{name}"):
        (directory / f"{base}.json").write_text(text, encoding="utf-8")
        (directory / f"{base}.md").write_text(table, encoding="utf-8")
    if stamp:
        stamp_text = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        (directory / f"{stamp_text}-{name}.json").write_text(text, encoding="utf-8")
    log(f"results written to {directory}/latest.json, latest-{name}.json and .md")


def _fmt_ratio(value) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _fmt_spread(sp: dict | None) -> str:
    if not sp:
        return ""
    return f" (runs {', '.join(f'{v:.2f}' for v in sp['runs'])}; spread {sp['spread_pct']}%)"


def markdown(results: dict) -> str:
    s, m, r, met = results["scale"], results["machine"], results["ratios"], results["met"]
    c = s["counts"]
    load = results.get("load", {})
    lines = [
        f"# Benchmarks — scale `{s['name']}` (factor {s['factor']:g})",
        "",
        f"{c['branches']:,} branches, {c['pairs']:,} pairs, {c['partnerships']:,} partnerships, "
        f"{c['members']:,} members, {c['activities']:,} activities; generated {results['generated_at']}.",
        f"Machine: {m.get('cpu_count')} CPUs ({m.get('cpu_model', '?')}), {m.get('memory_gb', '?')} GB, "
        f"PostgreSQL {m.get('postgresql')}, Python {m.get('python')}, Django {m.get('django', '?')}.",
        "Load average (1 min) " + ", ".join(f"{k}: {v.get('1m')}" for k, v in load.items()) + ".",
        f"Cache: {results.get('cache', {}).get('url')} keys {results.get('cache', {}).get('prefix')} (dropped by prefix).",
        "",
        "| measurement | result | target | met |",
        "|---|---|---|---|",
    ]
    comp, exp = results.get("compile", {}), results.get("export", {})
    by_round = results.get("pages", {}).get("ratios_by_round", {})
    labels = {
        "compile_vs_floor": ("compile one quarter vs complete floor (SQL per obligation + COPY)",
                             _fmt_spread(comp.get("ratio_spread"))),
        "home_mixed_p95_vs_floor": ("secretary home p95, mixed workload, vs constant view",
                                    _fmt_spread(by_round.get("mixed_home_p95"))),
        "dashboard_cold_ms": ("org dashboard computed with nothing cached (ms)", ""),
        "export_vs_floor": ("quarter Excel export vs XlsxWriter from a list", _fmt_spread(exp.get("ratio_spread"))),
        "export_peak_mb_at_10x": ("export peak memory at 10× (MB)", exp.get("memory", {}).get("basis", "")
                                  and f" ({exp['memory']['basis']})"),
    }
    for key, (label, extra) in labels.items():
        ok = met.get(key)
        value = r.get(key)
        shown = "—" if value is None else (f"{value:.0f}" if key.endswith("_ms") or key.endswith("_mb_at_10x")
                                          else f"{value:.2f}×")
        unit = "" if key.endswith("_ms") or key.endswith("_at_10x") else "×"
        lines.append(f"| {label} | {shown}{extra} | ≤ {TARGETS[key]:g}{unit} | "
                     f"{'—' if ok is None else ('yes' if ok else '**no**')} |")
    for key, label in (("compile_read_vs_floor", "compile: reading and counting vs the floor's SQL"),
                       ("compile_write_vs_floor", "compile: writing the snapshot vs COPY of as many rows"),
                       ("export_vs_constant_memory_floor", "export vs XlsxWriter from a list, row by row (constant_memory)"),
                       ("home_mixed_p50_vs_floor", "secretary home median, mixed workload"),
                       ("dashboard_mixed_p95_vs_floor", "org dashboard p95, mixed workload"),
                       ("writes_mixed_p95_vs_floor", "logging an activity p95, mixed workload"),
                       ("dashboard_alone_p95_vs_floor", "org dashboard p95, one reader, cached"),
                       ("home_alone_p95_vs_floor", "one secretary's home p95, cached"),
                       ("home_computed_p95_vs_floor", "secretary home p95, nothing cached (PAGE_CACHE_SECONDS=0)")):
        lines.append(f"| {label} | {_fmt_ratio(r.get(key))} | — | — |")
    pages = results.get("pages")
    if pages:
        shares = [rd["mixed"]["write_share"] for rd in pages["rounds"]]
        lines += ["", f"Mixed workload: {pages['distinct_secretaries']:,} distinct secretaries at random, "
                      f"writes {', '.join(f'{x:.0%}' for x in shares if x is not None)} of requests per round."]
    cold = results.get("dashboard_cold")
    if cold:
        lines += ["", "| dashboard, nothing cached | median ms | queries | table rows shown | bytes |",
                  "|---|---|---|---|---|"]
        for db, v in cold.items():
            lines.append(f"| {db} | {v.get('median_ms')} | {v.get('queries')} | {v.get('rows_shown')} | "
                         f"{v.get('bytes')} |")
    lines += ["", "| queries | 1× | 10× | constant |", "|---|---|---|---|"]
    q1, q10 = s["query_scales"]["1x"], s["query_scales"]["10x"]
    for key, v in results["queries"].items():
        constant = "—" if v["constant"] is None else ("yes" if v["constant"] else "**no**")
        lines.append(f"| {key} | {v['1x'] if v['1x'] is not None else '—'} | "
                     f"{v['10x'] if v['10x'] is not None else '—'} | {constant} |")
    lines += ["", f"1× = factor {q1['factor']:g} ({q1['counts']['branches']:,} branches), "
                  f"10× = factor {q10['factor']:g} ({q10['counts']['branches']:,} branches)."]
    if results.get("notes"):
        lines += ["", "Notes:"] + [f"- {n}" for n in results["notes"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
