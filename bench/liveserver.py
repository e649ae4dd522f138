"""A real Changan server for browser tests and benchmarks: its own SQLite
file, the demo city loaded, static files collected as in production, on a
free port of the loopback interface."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LiveServer:
    url: str
    env: dict
    var: Path

    def manage(self, *args: str) -> str:
        command = [sys.executable, str(ROOT / "manage.py"), *args]
        return subprocess.run(
            command, env=self.env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout


def server_env(var: Path) -> dict:
    # Its own in-process cache: a shared Redis (REDIS_URL in CI) would carry
    # rate-limit counters from one run to the next.
    return {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        # Production settings, shifted in time as the tests are (CHANGAN_CLOCK_SHIFT_DAYS).
        "DJANGO_SETTINGS_MODULE": "changan_site.live_server_settings",
        "CHANGAN_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'changan.sqlite3'}",
        "DEBUG": "false",
        # SMS (codes, reporter notifications) land in a file the tests can read.
        "NOTIFY_SMS_BACKEND": "notify.backends.FileBackend",
        "NOTIFY_FILE_PATH": str(var / "outbox.jsonl"),
        # The demo's early-warning days with fewer scan replicates (p ≥ 1/200, enough for 0.01).
        "EARLY_WARNING_SCAN_REPLICATES": "199",
    }


def setup_commands(cases: int) -> list[list[str]]:
    return [
        ["migrate", "--no-input", "-v0"],
        ["load_demo", "--no-progress", "--cases", str(cases)],
        ["collectstatic", "--no-input", "-v0"],
    ]


class Preparation:
    """The server's database and static files, made in a background process:
    a test session starts it early and the browser tests wait for it, so the
    demo city loads while the other tests run on the other core."""

    def __init__(self, var: Path, *, cases: int = 200):
        self.var = var
        self.log = var / "prepare.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "prepare", str(var), str(cases)],
                env=server_env(var), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends its manage.py steps too
            )  # fmt: skip

    def stop(self) -> None:
        """End the preparation if it still runs (a session stopped before its browser tests)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait()

    def wait(self) -> None:
        if self.proc.wait() != 0:
            raise RuntimeError(f"preparing the server failed:\n{self.log.read_text()[-4000:]}")


@contextmanager
def live_server(var: Path, *, cases: int = 200, prepared: Preparation | None = None) -> Iterator[LiveServer]:
    env = server_env(var)
    server = LiveServer(url="", env=env, var=var)
    if prepared is None:
        for command in setup_commands(cases):
            server.manage(*command)
    else:
        prepared.wait()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(f"{server.url}/login/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.3)
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":  # python bench/liveserver.py prepare VAR CASES (what Preparation runs)
    count = sys.argv[3]  # (the folder comes in the environment: CHANGAN_VAR_DIR)
    for command in setup_commands(int(count)):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], cwd=ROOT, check=True)
