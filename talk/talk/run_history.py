"""Run history: every pipeline run (one target process) from its start, so a run that fails or
dies shows as failed (`talk status`, `talk report`), not as nothing.

- The target records the run `running` when it starts reading its input (`start`), and
  `succeeded` with its per-entity counts at the end of its input (`IdentityStore.record_run`).
- `talk run` knows Meltano's exit status: a pipeline of its job that did not succeed is marked
  `failed` with a one-line reason (`fail`, jobs.py).
- A plain `meltano run` that died leaves `running`. The next run of the same pipeline marks it
  `failed` ("did not finish"): Meltano runs one pipeline at a time per state id, so the earlier
  run is over by then. Until then `talk status` shows it failed once its process is gone
  (`settled`; a run on another host is taken at its word).

A dry run writes nothing into the store, so it has no history either.
"""
from __future__ import annotations

import os
import socket
import time
from typing import TYPE_CHECKING, Iterable

import sqlalchemy as sa

from .schema import pipeline_runs, runs

if TYPE_CHECKING:
    from .store import IdentityStore

RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
DID_NOT_FINISH = "did not finish: it stopped before the end of its input (killed, or its process died)"
JOB_RUN_ENV = "TALK_JOB_RUN"  # set by `talk run` for the plugins Meltano starts
HOST = socket.gethostname()[:255]


def system_of(plugin: str, prefix: str) -> str:
    """The system a tap or target serves, as the run history names it: `tap-shopify` ->
    `shopify`; an inheriting plugin `target-shopify--eu` still writes to `shopify`."""
    return plugin.removeprefix(prefix).split("--")[0]


def process_alive(pid: int) -> bool:
    """Whether a process of this host still runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (not Linux): it answered the signal


def start(store: "IdentityStore", run_id: str, source: str, destination: str, started_at: float | None = None) -> None:
    """A pipeline run begins; earlier runs of the same pipeline still marked running are over."""
    with store._write() as conn:
        conn.execute(pipeline_runs.update()
                     .where(pipeline_runs.c.source == source, pipeline_runs.c.destination == destination,
                            pipeline_runs.c.status == RUNNING)
                     .values(status=FAILED, reason=DID_NOT_FINISH))
        conn.execute(pipeline_runs.insert().values(
            run_id=run_id, source=source, destination=destination, started_at=started_at or time.time(),
            status=RUNNING, job_run=os.environ.get(JOB_RUN_ENV), host=HOST, pid=os.getpid()))


def finished_row(run_id: str, source: str, destination: str, started_at: float | None, status: str = SUCCEEDED,
                 reason: str | None = None) -> dict:
    """The pipeline_runs row of a run that ended (IdentityStore.record_run upserts it)."""
    return dict(run_id=run_id, source=source, destination=destination, started_at=started_at, finished_at=time.time(),
                status=status, reason=reason, job_run=os.environ.get(JOB_RUN_ENV), host=HOST, pid=os.getpid())


def fail(store: "IdentityStore", run_id: str, reason: str) -> None:
    """Mark a run failed (it may have recorded its counts: a tap that died ends the target's
    input as a finished one would)."""
    with store._write() as conn:
        conn.execute(pipeline_runs.update().where(pipeline_runs.c.run_id == run_id).values(
            status=FAILED, reason=reason,
            finished_at=sa.func.coalesce(pipeline_runs.c.finished_at, time.time())))


def fail_unstarted(store: "IdentityStore", run_id: str, source: str, destination: str, job_run: str,
                   started_at: float, reason: str) -> None:
    """A pipeline that failed before its target could record its start."""
    with store._write() as conn:
        conn.execute(pipeline_runs.insert().values(
            run_id=run_id, source=source, destination=destination, started_at=started_at, finished_at=time.time(),
            status=FAILED, reason=reason, job_run=job_run, host=HOST, pid=os.getpid()))


# -- reading ------------------------------------------------------------------------------------------
def settled(run: dict) -> dict:
    """A run as it stands now: one marked running whose process on this host is gone failed."""
    if run["status"] == RUNNING and run.get("host") == HOST and run.get("pid") and not process_alive(run["pid"]):
        return {**run, "status": FAILED, "reason": DID_NOT_FINISH}
    return run


def of_job(store: "IdentityStore", job_run: str) -> list[dict]:
    """The pipeline runs one `talk run` started, in the order they started."""
    query = sa.select(pipeline_runs).where(pipeline_runs.c.job_run == job_run).order_by(pipeline_runs.c.started_at)
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def latest(store: "IdentityStore", limit: int | None = None) -> list[dict]:
    """Pipeline runs, newest first (runs from before run history, with no start, by their end)."""
    when = sa.func.coalesce(pipeline_runs.c.started_at, pipeline_runs.c.finished_at)
    query = sa.select(pipeline_runs).order_by(when.desc(), pipeline_runs.c.run_id)
    if limit:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        return [settled(dict(row)) for row in conn.execute(query).mappings()]


def last_per_pipeline(store: "IdentityStore") -> list[dict]:
    """The newest run of every pipeline that ever ran (one query, however long the history)."""
    when = sa.func.coalesce(pipeline_runs.c.started_at, pipeline_runs.c.finished_at)
    newest = (sa.select(pipeline_runs.c.source, pipeline_runs.c.destination, sa.func.max(when).label("at"))
              .group_by(pipeline_runs.c.source, pipeline_runs.c.destination).subquery())
    query = sa.select(pipeline_runs).join(newest, sa.and_(
        pipeline_runs.c.source == newest.c.source, pipeline_runs.c.destination == newest.c.destination,
        when == newest.c.at)).order_by(pipeline_runs.c.run_id)
    found: dict[tuple[str, str], dict] = {}
    with store.engine.connect() as conn:
        for row in conn.execute(query).mappings():
            found.setdefault((row["source"], row["destination"]), settled(dict(row)))  # one of two started at once
    return list(found.values())


def entity_counts(store: "IdentityStore", run_ids: Iterable[str]) -> list[dict]:
    """The per-entity count rows of these runs, oldest first."""
    run_ids = list(run_ids)
    rows: list[dict] = []
    with store.engine.connect() as conn:
        for begin in range(0, len(run_ids), 500):
            query = sa.select(runs).where(runs.c.run_id.in_(run_ids[begin:begin + 500])).order_by(runs.c.n)
            rows += [dict(row) for row in conn.execute(query).mappings()]
    return sorted(rows, key=lambda row: row["n"])


def duration(run: dict) -> float | None:
    """Seconds the run took (so far, while it runs); None when its start is unknown."""
    if run.get("started_at") is None:
        return None
    end = run.get("finished_at") or (time.time() if run["status"] == RUNNING else None)
    return None if end is None else max(0.0, end - run["started_at"])
