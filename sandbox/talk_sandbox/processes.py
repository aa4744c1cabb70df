"""Start and stop emulators as background processes (used by `talk sandbox` and the tests)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from .common.emulator import data_dir
from .systems import SYSTEMS


def base_url(system: str, port: int | None = None, tls: bool = False) -> str:
    return f"{'https' if tls else 'http'}://127.0.0.1:{port or SYSTEMS[system]['port']}"


def certificate(directory: Path | None = None) -> Path:
    """The sandbox's self-signed TLS certificate (for 127.0.0.1 and localhost) in `directory`,
    made with the openssl CLI on first use. Clients verify against this file:
    `httpx.Client(verify=str(certificate(directory)))`. The key sits next to it."""
    directory = Path(directory or data_dir())
    cert, key = directory / "tls-cert.pem", directory / "tls-key.pem"
    if cert.exists() and key.exists():
        return cert
    if shutil.which("openssl") is None:
        raise RuntimeError("TLS sandboxes need the `openssl` command to make their certificate; install openssl")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-keyout", str(key), "-out", str(cert),
         "-subj", "/CN=Talk sandbox", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
        check=True, capture_output=True,
    )
    return cert


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_port(name: str) -> int:
    """A free port chosen once per test process and kept in the environment under `name`, for
    test classes that need their sandbox's URL at import time. Each pytest-xdist worker gets
    its own (the controller may have imported the same conftest and must not hand its port to
    two workers, which would then share, reset and seed one sandbox under each other)."""
    key = f"{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main').upper()}"
    return int(os.environ.setdefault(key, str(free_port())))


def is_up(url: str, verify: ssl.SSLContext | bool = True) -> bool:
    try:
        return httpx.get(f"{url}/_sandbox/health", timeout=1.0, verify=verify).status_code == 200
    except httpx.HTTPError:
        return False


def start(system: str, port: int | None = None, directory: Path | None = None, timeout: float = 30.0,
          tls: bool = False) -> tuple[str, int]:
    """Start one emulator in the background; returns (base URL, pid). Idempotent per port.
    With `tls` it serves HTTPS with `certificate(directory)` and the URL is https://."""
    directory = Path(directory or data_dir())
    directory.mkdir(parents=True, exist_ok=True)
    port = port or SYSTEMS[system]["port"]
    url = base_url(system, port, tls)
    verify = ssl.create_default_context(cafile=str(certificate(directory))) if tls else True
    pidfile = directory / f"{system}.pid"
    if is_up(url, verify):
        return url, int(pidfile.read_text()) if pidfile.exists() else 0
    logfile = open(directory / f"{system}.server.log", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "talk_sandbox.serve", system, "--port", str(port), "--dir", str(directory)]
        + (["--tls"] if tls else []),
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pidfile.write_text(str(process.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{system} sandbox exited at start; see {directory / f'{system}.server.log'}")
        if is_up(url, verify):
            return url, process.pid
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{system} sandbox did not answer on {url} within {timeout:.0f}s")


def exited(pid: int) -> bool:
    """Whether the process is gone. A child of ours stays a zombie (and answers signal 0)
    until it is reaped, so reap it when it is ours."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return True
    except ChildProcessError:
        pass  # started by another process: only the kernel can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


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
        if exited(pid):
            return True
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return True


@contextmanager
def running(systems: list[str], directory: Path, ports: dict[str, int] | None = None,
            tls: bool = False) -> Iterator[dict[str, str]]:
    """Emulators on free (or given) ports in `directory` for the duration of a test session;
    with `tls` they serve HTTPS (verify against `certificate(directory)`)."""
    ports = ports or {}
    urls = {}
    try:
        for system in systems:
            urls[system], _ = start(system, ports.get(system) or free_port(), directory, tls=tls)
        yield urls
    finally:
        for system in systems:
            stop(system, directory)
