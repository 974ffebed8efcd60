"""Page latency of the web app on loopback: N concurrent clients on each main page in turn.

Starts `python -m draftbot serve` on a free port with a fresh data folder and seeds one report
per client (a copy of examples/busy-2023.yaml). For each main page, every client thread fetches
that page over its own keep-alive connection, again and again, for `--seconds`. Then, in a
table of their own: the autosave request (POST one cell, every client on a second report of
its own, so the edits never touch the page or download reports), and the downloads (.docx,
.yaml) with `--download-clients` clients on third, untouched reports (a formal Word export
needs the report to pass its checks, which a stream of edits may not leave it in).

    .venv/bin/python bench/web_latency.py [--clients 20] [--seconds 20] [--postgresql]
        [--rounds pages,edit,downloads] [--load python,wrk] [--workers N]
        [--baseline DIR] [--baseline-h11] [--write FILE]

Two load generators (`--load`, default python): `python` = one thread per client in this
process (http.client; its CPU competes with the server's on a small machine, so it overstates
the server's latency), `wrk` = Debian's C load generator (`wrk -c CLIENTS -t 2 --latency`,
one keep-alive connection per client; a Lua script spreads the requests over the clients'
reports in turn and prints every latency it recorded, so the percentiles are computed the same
way for both). With `--load python,wrk` every page has one row per generator, side by side;
autosave and downloads use the Python clients only (they need per-client state).

With `--baseline DIR` (a checkout of an earlier commit, e.g. from `git archive`), a second
server runs that code (PYTHONPATH=DIR/src) on its own copy of the data, and every round is
split into `--reps` slices that alternate between the two servers, so both see the same
load from the rest of the machine: the table gives before/after p95, requests and ratios.
`--baseline-h11` runs the baseline server without httptools and uvloop (they cannot be
imported in it), i.e. on uvicorn's pure-Python h11 parser and asyncio's loop; with
`--baseline .` this compares only that choice.

With `--postgresql` the server keeps its data in PostgreSQL (DRAFTBOT_TEST_DATABASE_URL, else a
throwaway cluster from tests/databases.py) instead of the SQLite file.

Goals (issue 19): page p95 ≤ 50 ms at 20 clients, ≤ 250 ms at 100 clients, 0 errors. The
autosave row is held to the same p95 for the ratio; downloads have no goal (0 errors still).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish  # noqa: E402

PAGES = {
    "报告列表 /": "/",
    "概况": "/reports/{id}",
    "引导填报": "/reports/{id}/guide",
    "表三": "/reports/{id}/tables/3",
    "起草与审核": "/reports/{id}/draft",
    "导出页": "/reports/{id}/export",
}
DOWNLOADS = {
    "Word 下载": "/reports/{id}/download.docx",
    "YAML 下载": "/reports/{id}/download.yaml",
}
EDIT = "自动保存（POST 一格）"
GOALS_MS = {20: 50.0, 100: 250.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    data_dir: Path,
    port: int,
    database_url: str = "",
    source: Path | None = None,
    workers: int = 1,
    h11: bool = False,
) -> subprocess.Popen[bytes]:
    """`draftbot serve` (code of `source`, else this checkout) with `workers` processes,
    answering on `port`; `h11`: without httptools and uvloop (see --baseline-h11)."""
    env = {**os.environ, "DRAFTBOT_DATA_DIR": str(data_dir), "DRAFTBOT_DATABASE_URL": database_url}
    paths = [str(source / "src")] if source is not None else []
    if h11:
        paths.insert(0, str(_hiding_dir(data_dir)))
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    for name in ("DRAFTBOT_LLM_BASE_URL", "DRAFTBOT_LLM_API_KEY", "OPENAI_API_KEY"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "draftbot", "serve", "--port", str(port)]
        + (["--workers", str(workers)] if workers > 1 else []),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(1200):  # spawned workers import everything: slow on a loaded machine
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("服务器未能启动")


def _hiding_dir(data_dir: Path) -> Path:
    """A folder that, first on PYTHONPATH, makes `import httptools` and `import uvloop` fail,
    so uvicorn's "auto" falls back to h11 and asyncio (as where they are not installed)."""
    folder = data_dir / "no-httptools-uvloop"
    folder.mkdir(exist_ok=True)
    for name in ("httptools", "uvloop"):
        (folder / f"{name}.py").write_text(f"raise ImportError('{name} hidden by the bench')\n")
    return folder


def wrk_round(
    port: int, paths: list[str], clients: int, seconds: float, cookie: str
) -> tuple[list[float], list[str]]:
    """`wrk` with `clients` keep-alive connections (2 threads) for `seconds`, requests going
    round the `paths` in turn, with `cookie` (if any): every latency it recorded (seconds)
    and its errors."""
    script = _WRK_SCRIPT.replace("PATHS", ", ".join(f'"{p}"' for p in paths))
    script = script.replace("COOKIE", cookie) if cookie else script.replace(_COOKIE_LINE, "")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = ["wrk", f"-c{clients}", f"-t{min(2, clients)}", f"-d{seconds:g}s"]
        command += ["--timeout", "60s", "-s", lua.name, f"http://127.0.0.1:{port}"]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    times: list[float] = []
    errors: list[str] = []
    for line in done.stdout.splitlines():
        if line.startswith("LATENCY "):
            _, micros, count = line.split()
            times += [float(micros) / 1e6] * int(float(count))
        elif line.startswith("ERRORS "):
            kinds = ("connect", "read", "write", "status", "timeout")
            for kind, count in zip(kinds, line.split()[1:], strict=True):
                errors += [f"wrk: {kind}"] * int(count)
    if not times:
        raise SystemExit("wrk 没有给出结果：" + done.stdout + done.stderr)
    return times, errors


_COOKIE_LINE = 'wrk.headers["Cookie"] = "COOKIE"\n'
# wrk's `done` gets the latency histogram: `#latency` distinct values, `latency(i)` = the
# i-th value (microseconds) and how many requests took it.
_WRK_SCRIPT = r"""
local paths = {PATHS}
local n = 0
wrk.headers["Accept"] = "text/html"
wrk.headers["Cookie"] = "COOKIE"
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("ERRORS %d %d %d %d %d\n", e.connect, e.read, e.write, e.status,
    e.timeout))
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("LATENCY %d %d\n", value, count))
  end
end
"""


def seed(data_dir: Path, count: int, database_url: str = "") -> list[str]:
    from draftbot.config import Settings
    from draftbot.datafile import load_report
    from draftbot.drafting import apply_draft, draft_report
    from draftbot.store import Store

    store = Store(database_url) if database_url else Store.in_folder(data_dir)
    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    # prose drafted offline: a formal Word download needs every section written
    report = apply_draft(report, draft_report(report, Settings(), offline=True))
    return [store.create(report).id for _ in range(count)]


class Client(threading.Thread):
    """One browser: its own connection, CSRF cookie and report; runs one page until `until`."""

    def __init__(self, port: int, report_id: str, edit_id: str = "") -> None:
        super().__init__(daemon=True)
        self.port, self.report_id, self.edit_id = port, report_id, edit_id or report_id
        self.times: list[float] = []
        self.errors: list[str] = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        _, headers, _ = self._request("GET", "/")
        jar: SimpleCookie = SimpleCookie()
        jar.load(headers.get("set-cookie", ""))
        self.token = jar["draftbot_csrf"].value
        self.cookie = f"draftbot_csrf={self.token}"
        self.version = self._version(self.edit_id)
        self.job: tuple[str, str, float, threading.Barrier] | None = None

    def run_page(self, name: str, path: str, until: float, barrier: threading.Barrier) -> None:
        self.times, self.errors = [], []
        self.conn.close()  # a fresh connection per round: the server drops idle ones after 5 s
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        barrier.wait()
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            if name == EDIT:
                status = self._edit()
            else:
                status, _, _ = self._request("GET", path.format(id=self.report_id), self.cookie)
            self.times.append(time.perf_counter() - t0)
            if status != 200:
                self.errors.append(f"{name}: HTTP {status}")

    def _edit(self) -> int:
        body = f'{{"version": {self.version}, "changes": {{"table2.licensing": "{self.version % 50}"}}}}'
        status, _, _ = self._request(
            "POST",
            f"/api/reports/{self.edit_id}/edit",
            self.cookie,
            body.encode(),
            {"Content-Type": "application/json", "X-CSRF-Token": self.token},
        )
        if status == 200:
            self.version += 1
        return status

    def _version(self, report_id: str) -> int:
        import json

        _, _, data = self._request("GET", f"/api/reports/{report_id}/state", self.cookie)
        return int(json.loads(data)["version"])

    def _request(self, method, path, cookie="", body=None, extra=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html", **(extra or {})}
        if cookie:
            headers["Cookie"] = cookie
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_round(clients: list[Client], name: str, path: str, seconds: float) -> list[Client]:
    barrier = threading.Barrier(len(clients))
    until = time.perf_counter() + seconds + 0.05
    threads = [
        threading.Thread(target=c.run_page, args=(name, path, until, barrier)) for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--download-clients", type=int, default=4)
    parser.add_argument("--postgresql", action="store_true", help="data in PostgreSQL")
    parser.add_argument("--rounds", default="pages,edit,downloads", help="which tables to run")
    parser.add_argument("--load", default="python", help="load generators: python, wrk or both")
    parser.add_argument("--baseline", type=Path, default=None, help="earlier checkout to compare")
    parser.add_argument(
        "--baseline-h11", action="store_true", help="baseline without httptools and uvloop"
    )
    parser.add_argument("--reps", type=int, default=4, help="alternating slices per round")
    parser.add_argument("--workers", type=int, default=1, help="server processes (serve --workers)")
    parser.add_argument("--baseline-workers", type=int, default=1, help="same, baseline server")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    args.loads = [name for name in ("python", "wrk") if name in args.load.split(",")]
    if not args.loads:
        parser.error("--load: python、wrk 或 python,wrk")
    with contextlib.ExitStack() as stack:
        database_url = ""
        if args.postgresql:
            sys.path.insert(0, str(ROOT / "tests"))
            from databases import fresh_schema, server_url

            database_url = stack.enter_context(fresh_schema(stack.enter_context(server_url())))
        if args.baseline:
            compare(args)
        else:
            measure(args, database_url)


def _jobs(args: argparse.Namespace) -> list[tuple[str, str, str, str]]:
    """(row label, request name, path, load generator) in the order they run: each page once
    per generator (wrk rows labelled “· wrk”), then autosave and downloads (Python clients)."""
    rounds = set(args.rounds.split(","))
    jobs = []
    if "pages" in rounds:
        for name, path in PAGES.items():
            for load in args.loads:
                jobs.append((name + (" · wrk" if load == "wrk" else ""), name, path, load))
    if "edit" in rounds:
        jobs.append((EDIT, EDIT, "", "python"))
    if "downloads" in rounds:
        jobs += [(name, name, path, "python") for name, path in DOWNLOADS.items()]
    return jobs


def _run_job(
    job: tuple[str, str, str, str], clients: list[Client], few: list[Client], seconds: float
) -> tuple[list[float], list[str]]:
    """One round of `job` for `seconds`: the latencies (seconds) and errors."""
    _, name, path, load = job
    if load == "wrk":
        paths = [path.format(id=c.report_id) for c in clients]
        return wrk_round(clients[0].port, paths, len(clients), seconds, clients[0].cookie)
    who = few if name in DOWNLOADS else clients
    run_round(who, name, path, seconds)
    return [t for c in who for t in c.times], [e for c in who for e in c.errors]


def _command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run (options left at their default omitted)."""
    parts = [f".venv/bin/python bench/web_latency.py --clients {args.clients}"]
    parts.append(f"--seconds {args.seconds:g}")
    parts += ["--postgresql"] if args.postgresql else []
    parts += [f"--rounds {args.rounds}"] if args.rounds != "pages,edit,downloads" else []
    parts += [f"--load {','.join(args.loads)}"] if args.loads != ["python"] else []
    parts += [f"--workers {args.workers}"] if args.workers > 1 else []
    if args.baseline:
        parts += [f"--baseline {args.baseline} --reps {args.reps}"]
        parts += ["--baseline-h11"] if args.baseline_h11 else []
        parts += (
            [f"--baseline-workers {args.baseline_workers}"] if args.baseline_workers > 1 else []
        )
    parts += [f"--write {args.write}"] if args.write else []
    return "Command: `" + " ".join(parts) + "`  "


def _loads_note(args: argparse.Namespace) -> list[str]:
    if args.loads == ["python"]:
        return []
    return [
        "",
        "Rows “· wrk”: the same page loaded by `wrk` (C, 2 threads, one keep-alive connection "
        "per client, requests going round the clients' reports) instead of one Python thread "
        "per client in the bench process. Both generators share the 2 cores with the server; "
        "wrk spends far less CPU per request than a Python thread, so under wrk the server "
        "gets more of the machine. Neither is a browser on another machine, which would leave "
        "the server every core.",
    ]


def _processes(workers: int) -> str:
    return "one process" if workers == 1 else f"{workers} worker processes (`--workers {workers}`)"


def compare(args: argparse.Namespace) -> None:
    """Baseline and current server side by side, rounds alternating in `args.reps` slices."""
    load_before = os.getloadavg()[0]
    n, k = args.clients, args.download_clients
    jobs = _jobs(args)
    times: dict[tuple[str, str], list[float]] = {}
    errors: dict[tuple[str, str], list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sides: dict[str, tuple[subprocess.Popen[bytes], list[Client], list[Client]]] = {}
        try:
            for side, source, workers, h11 in (
                ("before", args.baseline, args.baseline_workers, args.baseline_h11),
                ("after", None, args.workers, False),
            ):
                data_dir = Path(tmp) / side
                data_dir.mkdir()
                ids = seed(data_dir, 2 * n + k)
                port = free_port()
                server = start_server(data_dir, port, source=source, workers=workers, h11=h11)
                clients = [Client(port, ids[i], ids[n + i]) for i in range(n)]
                few = [Client(port, ids[2 * n + i]) for i in range(k)]
                sides[side] = (server, clients, few)
            for job in jobs:
                label, name = job[0], job[1]
                span = args.seconds / (2 if name in DOWNLOADS else 1) / args.reps
                for _ in range(args.reps):
                    for side, (_, clients, few) in sides.items():
                        got, failed = _run_job(job, clients, few, span)
                        times.setdefault((label, side), []).extend(got)
                        errors.setdefault((label, side), []).extend(failed)
        finally:
            for server, _, _ in sides.values():
                server.terminate()
                server.wait()
    load_after = os.getloadavg()[0]
    before_code = f"the code in {args.baseline}" + (
        " without httptools and uvloop (uvicorn's h11 parser, asyncio's loop)"
        if args.baseline_h11
        else ""
    )
    lines = [
        f"# Web latency before/after, {n} concurrent clients, rounds alternating",
        "",
        _command(args),
        f"Machine: {machine_line()}; 1-minute load average {load_before:.1f} before the run, "
        f"{load_after:.1f} after",
        "",
        f"Two `draftbot serve` servers (SQLite WAL, offline drafter), each on its own copy of "
        f"the data: “before” runs {before_code}, {_processes(args.baseline_workers)}; “after” "
        f"this checkout, {_processes(args.workers)}. Each row: {args.seconds:g} s per server in "
        f"{args.reps} alternating slices, so both share the same machine load. Autosave and "
        "downloads on reports of their own.",
        *_loads_note(args),
        "",
        "| Request | p50 before | p50 after | p95 before (ms) | p95 after (ms) | p95 after/before "
        "| requests before | requests after | errors before | errors after | p95 goal | "
        "after/goal |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    goal = GOALS_MS.get(n)
    for label, name, _, _ in jobs:
        before, after = times[(label, "before")], times[(label, "after")]
        p95b, p95a = percentile(before, 0.95) * 1000, percentile(after, 0.95) * 1000
        has_goal = goal and name not in DOWNLOADS
        lines.append(
            f"| {label} | {statistics.median(before) * 1000:.0f} | "
            f"{statistics.median(after) * 1000:.0f} | {p95b:.0f} | {p95a:.0f} | "
            f"{p95a / p95b:.2f} | {len(before)} | {len(after)} | "
            f"{len(errors[(label, 'before')])} | {len(errors[(label, 'after')])} | "
            + (f"{goal:.0f} ms | {p95a / goal:.2f} |" if has_goal else "— | — |")
        )
    seen = sorted({e for key, errs in errors.items() for e in errs if key[1] == "after"})
    if seen:
        lines += ["", "Errors (after): " + "; ".join(seen[:5])]
    publish(lines, args.write)


def measure(args: argparse.Namespace, database_url: str) -> None:
    load_before = os.getloadavg()[0]
    goal = GOALS_MS.get(args.clients)
    results: list[tuple[str, int, list[float], list[str]]] = []
    n, k = args.clients, args.download_clients
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        ids = seed(data_dir, 2 * n + k, database_url)  # pages, edits, downloads: own reports
        port = free_port()
        server = start_server(data_dir, port, database_url, workers=args.workers)
        try:
            clients = [Client(port, ids[i], ids[n + i]) for i in range(n)]
            few = [Client(port, ids[2 * n + i]) for i in range(k)]
            for job in _jobs(args):
                label, name = job[0], job[1]
                span = args.seconds / (2 if name in DOWNLOADS else 1)
                got, failed = _run_job(job, clients, few, span)
                results.append((label, len(few if name in DOWNLOADS else clients), got, failed))
        finally:
            server.terminate()
            server.wait()
    load_after = os.getloadavg()[0]
    lines = [
        f"# Web page latency, {args.clients} concurrent clients"
        + (", data in PostgreSQL" if args.postgresql else ""),
        "",
        _command(args),
        f"Machine: {machine_line()}; 1-minute load average {load_before:.1f} before the run, "
        f"{load_after:.1f} after (other work on the shared machine shows up in the tail)",
        "",
        f"`draftbot serve`, {_processes(args.workers)} (uvicorn, "
        f"{'PostgreSQL' if args.postgresql else 'SQLite WAL'}, offline drafter) on loopback; each "
        f"client has its own keep-alive connection and its own report (busy-2023). Every page "
        f"row: all {args.clients} clients on that page for {args.seconds:g} s.",
        *_loads_note(args),
        "",
    ]
    pages = [r for r in results if r[0].split(" · ")[0] in PAGES]
    others = [r for r in results if r[0].split(" · ")[0] not in PAGES]
    for load in args.loads:
        mine = [r for r in pages if r[0].endswith(" · wrk") == (load == "wrk")]
        if not mine:
            continue
        p95s = [percentile(values, 0.95) * 1000 for _, _, values, _ in mine]
        worst = max(p95s)
        errors = sum(len(errs) for *_, errs in mine)
        summary = f"Pages ({'wrk' if load == 'wrk' else 'Python clients'}): worst p95 "
        summary += f"{worst:.0f} ms, median of the page p95s {statistics.median(p95s):.0f} ms, "
        summary += f"{errors} errors"
        if goal:
            summary += f"; goal p95 ≤ {goal:.0f} ms and 0 errors: ratio {worst / goal:.2f} (worst)"
        lines += [summary, ""]
    if pages:
        lines += _table(pages, goal)
    if others:
        lines += [
            "",
            f"Autosave (every client on a second report of its own, {args.seconds:g} s) and "
            f"downloads ({args.download_clients} clients on untouched reports, "
            f"{args.seconds / 2:g} s each); the downloads have no latency goal.",
            "",
            *_table(others, goal),
        ]
    errors_seen = [e for _, _, _, errs in results for e in errs]
    if errors_seen:
        lines += ["", "Errors: " + "; ".join(sorted(set(errors_seen))[:5])]
    publish(lines, args.write)


def _table(results: list[tuple[str, int, list[float], list[str]]], goal: float | None) -> list[str]:
    lines = [
        "| Request | clients | requests | errors | p50 (ms) | p95 (ms) | max (ms) | p95 goal | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, n, values, errors in results:
        p95 = percentile(values, 0.95) * 1000
        has_goal = goal and name not in DOWNLOADS
        target = f"{goal:.0f} ms" if has_goal else "—"
        ratio = f"{p95 / goal:.2f}" if goal and has_goal else "—"
        lines.append(
            f"| {name} | {n} | {len(values)} | {len(errors)} | "
            f"{statistics.median(values) * 1000:.0f} | {p95:.0f} | {max(values) * 1000:.0f} | "
            f"{target} | {ratio} |"
        )
    return lines


def _collect(name: str, clients: list[Client]) -> tuple[str, int, list[float], list[str]]:
    values = [t for c in clients for t in c.times]
    errors = [e for c in clients for e in c.errors]
    return name, len(clients), values, errors


if __name__ == "__main__":
    main()
