"""A real `draftbot serve` in a subprocess, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

# Upper bounds on waiting for a state (a text, a saved mark), never fixed sleeps: generous so
# that a loaded 2-core CI machine passes, and no slower when the state comes at once.
STATE_TIMEOUT_MS = 60_000
SERVER_START_TIMEOUT_S = 120.0


def patient_expect() -> None:
    """Playwright's `expect` waits 5 s by default, whatever the page's timeout: wait longer."""
    from playwright.sync_api import expect

    expect.set_options(timeout=STATE_TIMEOUT_MS)


def chromium_path() -> str:
    path = shutil.which("chromium") or CHROMIUM
    if not Path(path).exists():
        raise RuntimeError(
            "需要 Debian 的 chromium（apt-get install chromium）才能运行网页端到端测试"
        )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`python -m draftbot serve` on 127.0.0.1 with its own data folder and environment."""

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, ready_path: str = "/"
    ) -> None:
        self.data_dir = data_dir
        self.ready_path = ready_path  # a page that answers 200 once the server is up
        self.port = free_port()
        self.extra_env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "serve.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {**os.environ, "DRAFTBOT_DATA_DIR": str(self.data_dir), **self.extra_env}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "draftbot", "serve", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=1):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("服务器未能启动：" + self.log.read_text(errors="replace"))

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a crash or a pulled plug."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
