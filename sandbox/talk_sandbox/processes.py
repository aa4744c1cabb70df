"""Start and stop emulators as background processes (used by `talk sandbox` and the tests)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from .common.emulator import data_dir
from .systems import SYSTEMS


def base_url(system: str, port: int | None = None) -> str:
    return f"http://127.0.0.1:{port or SYSTEMS[system]['port']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_sandbox/health", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def start(system: str, port: int | None = None, directory: Path | None = None, timeout: float = 30.0) -> tuple[str, int]:
    """Start one emulator in the background; returns (base URL, pid). Idempotent per port."""
    directory = Path(directory or data_dir())
    directory.mkdir(parents=True, exist_ok=True)
    port = port or SYSTEMS[system]["port"]
    url = base_url(system, port)
    pidfile = directory / f"{system}.pid"
    if is_up(url):
        return url, int(pidfile.read_text()) if pidfile.exists() else 0
    logfile = open(directory / f"{system}.server.log", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "talk_sandbox.serve", system, "--port", str(port), "--dir", str(directory)],
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pidfile.write_text(str(process.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{system} sandbox exited at start; see {directory / f'{system}.server.log'}")
        if is_up(url):
            return url, process.pid
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{system} sandbox did not answer on {url} within {timeout:.0f}s")


def stop(system: str, directory: Path | None = None) -> bool:
    pidfile = Path(directory or data_dir()) / f"{system}.pid"
    if not pidfile.exists():
        return False
    pid = int(pidfile.read_text())
    pidfile.unlink()
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return True


@contextmanager
def running(systems: list[str], directory: Path, ports: dict[str, int] | None = None) -> Iterator[dict[str, str]]:
    """Emulators on free (or given) ports in `directory` for the duration of a test session."""
    ports = ports or {}
    urls = {}
    try:
        for system in systems:
            urls[system], _ = start(system, ports.get(system) or free_port(), directory)
        yield urls
    finally:
        for system in systems:
            stop(system, directory)
