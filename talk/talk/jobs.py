"""`talk run JOB [JOB...]`: run Meltano jobs so that several can run at once, and say what they did.

Why not plain `meltano run JOB` when schedules overlap: two `meltano run` processes in one
project share Meltano's files, and Meltano 4.4 does not expect that.

- Plugin run directories. `meltano run` invokes every plugin in `.meltano/run/<plugin>/` (only
  the legacy `meltano elt` uses a directory per job run), so two jobs that both read Shopify
  (`poweroffice-shopify` and `customwebshop-shopify` in their reverse pipelines) share
  `run/tap-shopify/`. Our plugins are installed without `pip_url`, so Meltano never caches
  their catalog: each run truncates and rewrites `tap.properties.json` (discovery, then the
  select rules), and deletes it when it reads it half-written. The other job's tap then fails
  with "Invalid catalog" or "--catalog ... No such file or directory". Worse, `state.json` is
  shared too: each run deletes it and writes its own pipeline's bookmarks there just before
  starting the tap, so one tap can start from the other pipeline's bookmarks and silently
  skip records. Mapper and target configs carry a per-process name and do not collide.
- The system database. The first Meltano command on a new `meltano.db` (or after an upgrade
  of Meltano) creates or migrates its tables; two doing it at once fail with "table job
  already exists". Once it is up to date, SQLite (Meltano puts it in WAL mode) serves both.
- What does not collide: state ids (one per pipeline, `<env>:tap-X-to-target-Y`), the
  `run/bin` symlink (an existing one is kept) and `meltano.yml.lock` (only taken when Meltano
  writes meltano.yml).

So each `talk run` gives Meltano a system directory of its own: `MELTANO_SYS_DIR_ROOT` points
at `<.meltano>/talk-runs/<pid>-<id>/`, in which every entry of the project's `.meltano`
(meltano.db, logs, installed plugins) is a symlink except `run/`. Before that, one run at a
time (a file lock) brings the system database up to date and creates the identity store's
tables if they are missing (every mapper and target process creates them otherwise, just as
unsafely at once). Catalog discovery ran on every run already, so a fresh run directory costs
nothing.

Why a wrapper at all: a target that rejected records used to exit 3, which made `meltano run`
stop before the job's reverse pipeline and exit 1. Targets now exit 0 after rejecting (the
records wait in the retry queue, `talk rejects`), and the job's exit status is decided here, from the identity
store's run history: 0, or 3 when records were rejected and the caller asked to fail on that,
or Meltano's own status when a pipeline failed.

The run history (run_history.py) gets what only this wrapper knows: Meltano's exit status. Each
run passes its own id to the plugins (TALK_JOB_RUN), so the pipeline runs of this job are
told from another job's running at the same time; when Meltano failed, the pipeline that
failed is marked so, with the one line of Meltano's log that says why (meltano_log.py).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import meltano_files
from . import meltano_log, run_history
from .run_history import FAILED, RUNNING, process_alive, system_of
from .store import DEFAULT_URL, IdentityStore

REJECTED_STATUS = 3
RUNS_DIR = "talk-runs"  # under the project's .meltano, beside Meltano's own entries


# -- the project and its jobs ----------------------------------------------------------------------
def project_root(start: Path | None = None) -> Path:
    """Where meltano.yml is: $MELTANO_PROJECT_ROOT, or the nearest directory up from `start`
    (as Meltano finds it)."""
    if os.environ.get("MELTANO_PROJECT_ROOT"):
        return Path(os.environ["MELTANO_PROJECT_ROOT"]).resolve()
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if (directory / "meltano.yml").is_file():
            return directory
    raise FileNotFoundError(f"no meltano.yml in {start} or above it")


def pipelines(project: dict, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(source, destination) of each pipeline that `meltano run NAMES` runs, in order: jobs
    are expanded into their tasks, and in the resulting blocks an extractor starts a pipeline
    and a loader ends it (mappers and utilities in between do not matter here)."""
    plugins = project.get("plugins") or {}
    extractors = {p["name"] for p in plugins.get("extractors") or []}
    loaders = {p["name"] for p in plugins.get("loaders") or []}
    jobs = {job["name"]: job.get("tasks") or [] for job in project.get("jobs") or []}

    blocks: list[str] = []
    for name in names:
        if name in jobs:
            tasks = jobs[name]
            for task in [tasks] if isinstance(tasks, str) else tasks:
                blocks.extend(task.split())
        else:
            blocks.append(name)

    found, source = [], None
    for block in blocks:
        if block in extractors:
            source = system_of(block, "tap-")
        elif block in loaders and source is not None:
            found.append((source, system_of(block, "target-")))
            source = None
    return found


def read_project(root: Path) -> dict:
    """meltano.yml with its included files (each system's plugins and jobs), as Meltano reads it."""
    return meltano_files.read(root)


# -- Meltano's files, one set per run ----------------------------------------------------------------
def shared_sys_dir(root: Path, env: dict[str, str]) -> Path:
    """The project's Meltano system directory (Meltano resolves a relative one from the project
    root, where it runs)."""
    configured = env.get("MELTANO_SYS_DIR_ROOT")
    return (root / configured).resolve() if configured else root / ".meltano"


@contextmanager
def one_run_at_a_time(shared: Path) -> Iterator[None]:
    """Held while a run prepares what all runs share: creating tables is not safe in two
    processes at once (meltano.db, and the identity store, which each plugin process opens)."""
    (shared / RUNS_DIR).mkdir(parents=True, exist_ok=True)
    with open(shared / RUNS_DIR / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def bring_system_db_up_to_date(meltano: list[str], root: Path, env: dict[str, str]) -> None:
    """Create or migrate meltano.db: any Meltano command that opens the project migrates it,
    and `environment list` does little else (a second run finds it up to date and only pays
    Meltano's start-up, under a second)."""
    result = subprocess.run([*meltano, "environment", "list"], cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise MeltanoFailed(result.returncode)


@contextmanager
def private_sys_dir(shared: Path) -> Iterator[Path]:
    """A Meltano system directory for one run: the project's entries linked in, `run/` its own.
    Removed afterwards (with the state and catalog files Meltano leaves in `run/`)."""
    runs_dir = shared / RUNS_DIR
    remove_abandoned(runs_dir)
    private = runs_dir / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    private.mkdir(parents=True)
    (shared / "logs").mkdir(exist_ok=True)  # so that every run's logs land in the project's
    for entry in shared.iterdir():
        if entry.name not in ("run", RUNS_DIR):
            (private / entry.name).symlink_to(entry)
    try:
        yield private
    finally:
        shutil.rmtree(private, ignore_errors=True)  # unlinks the symlinks, never follows them


def remove_abandoned(runs_dir: Path) -> None:
    """Directories of runs that were killed before they could remove theirs."""
    for directory in runs_dir.glob("*-*"):
        pid = directory.name.split("-")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(directory, ignore_errors=True)


# -- running -----------------------------------------------------------------------------------------
class MeltanoFailed(Exception):
    def __init__(self, status: int):
        super().__init__(f"meltano exited with status {status}")
        self.status = status


@dataclass
class JobRun:
    meltano_status: int
    pipelines: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)  # the per-entity counts this run recorded
    pipeline_runs: list[dict] = field(default_factory=list)  # its pipeline runs (run_history.py)

    @property
    def rejected(self) -> int:
        return sum(row["rejected"] or 0 for row in self.rows)

    def exit_status(self, fail_on_reject: bool) -> int:
        if self.meltano_status:
            return self.meltano_status
        return REJECTED_STATUS if fail_on_reject and self.rejected else 0

    def verdict(self) -> list[str]:
        """What the table of counts does not say: pipelines that failed or did not run, rejects,
        a failure."""
        runs = {(run["source"], run["destination"]): run for run in self.pipeline_runs}
        lines = []
        for source, destination in self.pipelines:
            run = runs.get((source, destination))
            if run is None:
                lines.append(f"{source} -> {destination}: no run recorded (it did not run: Meltano stops at the "
                             "pipeline that fails; a dry run records none)")
            elif run["status"] == FAILED:
                lines.append(f"{source} -> {destination}: failed: {run['reason']}")
        if self.rejected:
            lines.append(f"{self.rejected} record(s) rejected in this run; `talk rejects` lists them with their reasons")
        if self.meltano_status:
            lines.append(f"meltano run failed with exit status {self.meltano_status}; its log above says why")
        return lines


def meltano_command() -> list[str]:
    """The meltano installed beside this Python (the project's environment), else the one on PATH."""
    beside = Path(sys.executable).parent / "meltano"
    return [str(beside) if beside.exists() else "meltano"]


def store_url(url: str | None, root: Path) -> str | None:
    """The identity store the targets write to. They run in the project root, so a relative
    SQLite path (the default `sqlite:///var/talk.db`) is relative to it, not to our cwd."""
    url = url or os.environ.get("TALK_STORE_URL") or DEFAULT_URL
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url[len(prefix):].startswith("/"):
        return prefix + str(root / url[len(prefix):])
    return url


def run_jobs(names: tuple[str, ...], meltano_options: tuple[str, ...] = (), global_options: tuple[str, ...] = (),
             store: str | None = None, root: Path | None = None) -> JobRun:
    """`meltano [GLOBAL] run [OPTIONS] NAMES` in a system directory of its own; returns Meltano's
    exit status and the runs rows the job's pipelines recorded."""
    root = root or project_root()
    job_pipelines = pipelines(read_project(root), names)
    env = dict(os.environ)
    # The plugins (taps, mapper, targets) live in the same environment as this command.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    meltano = [*meltano_command(), *global_options]
    shared = shared_sys_dir(root, env)
    with one_run_at_a_time(shared):
        identity = IdentityStore(store_url(store, root))  # creates or upgrades its tables
        try:
            bring_system_db_up_to_date(meltano, root, env)
        except MeltanoFailed as failed:
            return JobRun(failed.status, job_pipelines)
    job_run, started = uuid.uuid4().hex, time.time()
    with private_sys_dir(shared) as private:
        status, log = run_forwarding_signals([*meltano, "run", *meltano_options, *names], root,
                                             {**env, "MELTANO_SYS_DIR_ROOT": str(private), run_history.JOB_RUN_ENV: job_run})
    recorded = settle(identity, job_run, job_pipelines, status, log, started)
    return JobRun(status, job_pipelines, run_history.entity_counts(identity, [r["run_id"] for r in recorded]), recorded)


def run_forwarding_signals(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, meltano_log.Tail]:
    """Run Meltano in the foreground, its log passed through to our stderr (and its end kept:
    it says why a run failed); a SIGTERM to us (a scheduler stopping the job) goes on to
    Meltano, which stops its plugins, instead of leaving it running without us."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stderr=subprocess.PIPE)
    log = meltano_log.Tail()
    relay = threading.Thread(target=log.relay, args=(process.stderr,), daemon=True)
    relay.start()
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: process.send_signal(signum))
    try:
        status = process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
    relay.join(timeout=30)
    return status, log


# -- what the runs recorded --------------------------------------------------------------------------
def settle(store: IdentityStore, job_run: str, job_pipelines: list[tuple[str, str]], status: int,
           log: meltano_log.Tail, started: float) -> list[dict]:
    """Once Meltano has ended, no pipeline of this job is running any more; when Meltano failed,
    the pipeline that failed is marked so, with why. Returns the job's pipeline runs.

    Meltano runs the pipelines in order and stops at the one that fails. A target that dies is
    still marked running. A tap (or mapper) that dies ends the target's input as a finished one
    would, so that target recorded its counts and succeeded: the last pipeline that ran failed.
    A target that dies before it records its start leaves no row: the next pipeline failed."""
    recorded = run_history.of_job(store, job_run)
    why = meltano_log.reason(log, status) if status else run_history.DID_NOT_FINISH
    for run in recorded:
        if run["status"] == RUNNING:
            run_history.fail(store, run["run_id"], why)
    if status and not any(run["status"] in (RUNNING, FAILED) for run in recorded):
        ran = {(run["source"], run["destination"]) for run in recorded}
        not_run = [pipeline for pipeline in job_pipelines if pipeline not in ran]
        if not_run and (not recorded or meltano_log.failed_part(log) == "loader"):
            source, destination = not_run[0]
            run_history.fail_unstarted(store, uuid.uuid4().hex, source, destination, job_run, started, why)
        elif recorded:
            run_history.fail(store, recorded[-1]["run_id"], why)
    return run_history.of_job(store, job_run)
