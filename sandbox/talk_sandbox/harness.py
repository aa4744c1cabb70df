"""Drives the real thing for end-to-end tests and benchmarks: sandboxes over HTTP, `meltano run`
as a user runs it, each project isolated in its own directory."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from talk.rejects import read as read_rejects
from talk import systems as registry
from talk.store import IdentityStore

from .common.requestlog import is_write
from .systems import SYSTEMS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

# Every installed system's sandbox credentials (talk.systems): no output may show one.
SECRETS = {name: list(system.sandbox_secrets) for name, system in registry.registered().items()}


class Talk:
    """One isolated Talk project: its own identity store, reject log and Meltano state."""

    def __init__(self, urls: dict[str, str], workdir: Path):
        self.urls = urls
        self.workdir = workdir
        self.store_url = f"sqlite:///{workdir}/talk.db"
        self.reject_path = workdir / "rejects.jsonl"
        self.env = {
            **os.environ,
            "TALK_STORE_URL": self.store_url,
            "TALK_REJECT_LOG": str(self.reject_path),
            "MELTANO_DATABASE_URI": f"sqlite:///{workdir}/meltano.db",
            # Meltano's run directory (plugin configs, catalogs) per project, so that runs of
            # several projects at once (tests, benchmarks) do not overwrite each other's files.
            "MELTANO_SYS_DIR_ROOT": str(workdir / ".meltano"),
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        for system, url in urls.items():  # every plugin points at this run's emulators
            self.env[f"TAP_{system.upper()}_BASE_URL"] = self.env[f"TARGET_{system.upper()}_BASE_URL"] = self.api_url(system)
        self.runs: list[subprocess.CompletedProcess] = []

    def api_url(self, system: str) -> str:
        """The `base_url` a plugin of `system` takes: the emulator's root plus its API path."""
        return self.urls[system] + SYSTEMS[system]["api_path"]

    # -- meltano -------------------------------------------------------------------------------
    def meltano(self, *args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["meltano", *args], cwd=ROOT, env={**self.env, **(env or {})}, capture_output=True, text=True,
            timeout=timeout,
        )
        self.runs.append(result)
        return result

    def cli(self, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """The `talk` command, in this project."""
        result = subprocess.run(["talk", *args], cwd=ROOT, env={**self.env, **(env or {})}, capture_output=True,
                                text=True, timeout=timeout)
        self.runs.append(result)
        return result

    def run(self, *pipeline: str, env: dict | None = None, expect_ok: bool = True) -> subprocess.CompletedProcess:
        result = self.meltano("run", *pipeline, env=env)
        if expect_ok and result.returncode != 0:
            raise AssertionError(f"meltano run {' '.join(pipeline)} failed ({result.returncode}):\n{result.stderr[-6000:]}")
        return result

    def kill_after_writes(self, pipeline: tuple[str, ...], system: str, writes: int, path_prefix: str,
                          method: str | None = None, timeout: float = 120) -> int:
        """Start `meltano run PIPELINE` with every write to `system` slowed down, kill it (tap,
        mapper and target: the whole process group) once `system` has taken `writes` writes,
        clear the faults; returns how many writes it took (under `path_prefix`). A crash in the
        middle of a sync."""
        rule = {"path_prefix": path_prefix, "status": 0, "delay_ms": 250, "times": 1000}

        def taken() -> int:
            return sum(1 for entry in self.writes(system) if entry["path"].startswith(path_prefix))

        self.fault(system, **({"method": method} if method else {}), **rule)
        process = subprocess.Popen(["meltano", "run", *pipeline], cwd=ROOT, env=self.env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline and taken() < writes and process.poll() is None:
                time.sleep(0.1)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.clear_faults()
        return taken()

    def run_job(self, job: str = "poweroffice-shopify", **kwargs) -> subprocess.CompletedProcess:
        return self.run(job, **kwargs)

    # -- sandboxes -----------------------------------------------------------------------------
    def reset(self) -> None:
        for url in self.urls.values():
            httpx.post(f"{url}/_sandbox/reset", timeout=30).raise_for_status()

    def load(self, system: str, entity: str, records: list[dict]) -> list[dict]:
        response = httpx.post(f"{self.urls[system]}/_sandbox/load/{entity}", json=records, timeout=60)
        response.raise_for_status()
        return response.json()["records"]

    def load_fixture(self, name: str) -> dict[str, dict[str, list[dict]]]:
        data = json.loads((FIXTURES / name).read_text())
        stored: dict[str, dict[str, list[dict]]] = {}
        for system, entities in data.items():
            for entity, records in entities.items():
                stored.setdefault(system, {})[entity] = self.load(system, entity, records)
        return stored

    def records(self, system: str, entity: str) -> list[dict]:
        response = httpx.get(f"{self.urls[system]}/_sandbox/records/{entity}", timeout=60)
        response.raise_for_status()
        return response.json()

    def delete_record(self, system: str, entity: str, id) -> None:
        """Delete a record in `system` as its own back office would: "deleted in the destination"."""
        response = httpx.delete(f"{self.urls[system]}/_sandbox/records/{entity}/{id}", timeout=30)
        response.raise_for_status()

    def log(self, system: str) -> list[dict]:
        return httpx.get(f"{self.urls[system]}/_sandbox/log", timeout=60).json()

    def clear_logs(self) -> None:
        for url in self.urls.values():
            httpx.delete(f"{url}/_sandbox/log", timeout=30)

    def writes(self, system: str) -> list[dict]:
        """Requests that changed data: REST methods other than GET (token requests excluded),
        GraphQL mutations (except those that start or cancel a bulk read)."""
        return [entry for entry in self.log(system) if is_write(entry)]

    def settings(self, system: str, **values) -> dict:
        return httpx.post(f"{self.urls[system]}/_sandbox/settings", json=values, timeout=30).json()

    def fault(self, system: str, **rule) -> None:
        httpx.post(f"{self.urls[system]}/_sandbox/faults", json=rule, timeout=30).raise_for_status()

    def clear_faults(self) -> None:
        """Every emulator answers normally again."""
        for url in self.urls.values():
            httpx.delete(f"{url}/_sandbox/faults", timeout=30).raise_for_status()

    # -- the store and the reject log -----------------------------------------------------------
    @property
    def store(self) -> IdentityStore:
        return IdentityStore(self.store_url)

    def rejects(self) -> list[dict]:
        return read_rejects(self.reject_path)

    def outputs(self) -> str:
        """Everything the runs printed plus the reject log: where a secret must never appear."""
        text = "".join(r.stdout + r.stderr for r in self.runs)
        if self.reject_path.exists():
            text += self.reject_path.read_text()
        return text
