"""Does one client's heavy upload slow down everyone else? Page latency while another client
uploads the hostile 3.5 MB JSON file (200,000 unknown keys), against the same page idle.

Usage: .venv/bin/python bench/upload_isolation.py [--runs 40] [--write bench/results/upload_isolation.md]
A real `draftbot serve` on 127.0.0.1; medians and the ratio busy/idle measured in one run.
Goal (issue 13): a page loads in under 200 ms while the upload is processed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

BOUNDARY = "draftbotbench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DRAFTBOT_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "draftbot", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get_ms(port, "/")
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def get_ms(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request("GET", path)
    conn.getresponse().read()
    conn.close()
    return (time.perf_counter() - started) * 1000


def upload_body() -> bytes:
    data: dict[str, object] = {"meta": {"agency": "示例县民政局", "report_year": 2023}}
    data.update({f"k{i}": i for i in range(200_000)})
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="many.json"\r\n'
        "Content-Type: application/json\r\n\r\n"
    ).encode()
    return head + json.dumps(data).encode() + f"\r\n--{BOUNDARY}--\r\n".encode()


def uploads(port: int, body: bytes, stop: threading.Event, done: list[float]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/")
    first = conn.getresponse()
    first.read()
    cookie = (first.getheader("set-cookie") or "").split(";", 1)[0]
    headers = {
        "Cookie": cookie,
        "X-CSRF-Token": cookie.split("=", 1)[-1],
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Accept": "application/json",
    }
    while not stop.is_set():
        started = time.perf_counter()
        conn.request("POST", "/reports/from-previous", body=body, headers=headers)
        conn.getresponse().read()
        done.append((time.perf_counter() - started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        proc = start_server(Path(folder), port)
        try:
            paths = ("/", "/static/app.css")
            idle = {p: [get_ms(port, p) for _ in range(args.runs)] for p in paths}
            stop, upload_ms = threading.Event(), []
            worker = threading.Thread(target=uploads, args=(port, upload_body(), stop, upload_ms))
            worker.start()
            while not upload_ms:  # the first upload has gone through: now measure alongside
                time.sleep(0.05)
            busy = {p: [get_ms(port, p) for _ in range(args.runs)] for p in paths}
            stop.set()
            worker.join()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    lines = [
        "# Page latency while another client uploads a hostile 3.5 MB file",
        "",
        f"Command: `.venv/bin/python bench/upload_isolation.py --runs {args.runs}`  ",
        f"Machine: {machine_line()}",
        "",
        f"Uploads during the measurement: {len(upload_ms)}, median "
        f"{statistics.median(upload_ms):.0f} ms each (answered 400 with a short message).",
        "",
        "| page | idle median ms | during uploads median ms | max ms | × idle |",
        "|---|---:|---:|---:|---:|",
    ]
    for path in paths:
        quiet, loaded = statistics.median(idle[path]), statistics.median(busy[path])
        lines.append(
            f"| `{path}` | {quiet:.1f} | {loaded:.1f} | {max(busy[path]):.0f} | {loaded / quiet:.1f} |"
        )
    lines += ["", "Goal: every page under 200 ms while the upload is processed (issue 13)."]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
