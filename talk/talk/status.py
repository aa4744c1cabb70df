"""`talk status`: how the sync stands, from the identity store. Per flow, each pipeline's last
run (when, how long, its result and counts), then the open rejects and conflicts per
destination and the links per Talk entity and system. `collect` gives it as one JSON-ready
object (for monitoring, shape in SHAPE below), `render` as text for a person.
"""
from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

import sqlalchemy as sa

from . import flows, run_history
from .schema import conflicts, links, rejects
from .store import COUNTS, IdentityStore

SHAPE = """\b
{
  "store": "sqlite:///var/talk.db",            (a password in the URL is hidden)
  "at": "2026-12-02T10:15:00+01:00",           (when the status was read, local time)
  "flows": [{
    "flow": "poweroffice-shopify",             (flows.yml's name; null for another pair)
    "title": "PowerOffice GO to Shopify",
    "pipelines": [{
      "source": "poweroffice", "destination": "shopify",
      "last_run": {
        "run_id": "...", "status": "succeeded",  (running | succeeded | failed)
        "reason": null,                          (why it failed, one line)
        "started_at": "2026-12-02T10:00:01+01:00", "finished_at": "...",
        "duration_seconds": 12.3,
        "counts": {"created": 3, "updated": 0, "unchanged": 0, "linked": 1, "skipped": 0, "rejected": 0},
                                                 (null: it did not get to the end of its input)
        "entities": {"customer": {"created": 3, ...}, ...}}}]}],
  "rejects": {"open": 2, "by_destination": {"shopify": 2}},   ("(mapping)": the mapper could not map it)
  "conflicts": {"total": 1, "by_destination": {"poweroffice": 1}},
  "links": {"customer": {"poweroffice": 3, "shopify": 3}, ...},
  "message": "no runs yet"                     (only before the first run)
}"""


def nothing_yet(url: str) -> dict:
    """The status before the first run (no identity store yet), in the same shape."""
    return {"store": _shown(url), "at": _iso(time.time()), "flows": [], "message": "no runs yet",
            "rejects": {"open": 0, "by_destination": {}}, "conflicts": {"total": 0, "by_destination": {}}, "links": {}}


def collect(store: IdentityStore) -> dict:
    last_runs = run_history.last_per_pipeline(store)
    counts = _entity_counts(store, [run["run_id"] for run in last_runs])
    grouped: dict[str | None, dict] = {}
    for run in sorted(last_runs, key=_flow_order):
        flow = flow_of(run["source"], run["destination"])
        key = flow.name if flow else f"{run['source']}-{run['destination']}"
        entry = grouped.setdefault(key, {"flow": flow.name if flow else None, "title": flow.title if flow else None,
                                         "pipelines": []})
        entry["pipelines"].append({"source": run["source"], "destination": run["destination"],
                                   "last_run": _run(run, counts.get(run["run_id"], {}))})
    return {
        "store": _shown(store.url),
        "at": _iso(time.time()),
        "flows": list(grouped.values()),
        "rejects": _per_destination(store, rejects.c.destination, rejects.c.status == "open", "open"),
        "conflicts": _per_destination(store, conflicts.c.destination_system, sa.true(), "total"),
        "links": _links(store),
    }


def flow_of(source: str, destination: str) -> flows.Flow | None:
    """The documented flow a pipeline belongs to: its direction or the reverse one."""
    for flow in flows.load().values():
        if {flow.source, flow.destination} == {source, destination}:
            return flow
    return None


def _flow_order(run: dict) -> tuple:
    names = list(flows.load())
    flow = flow_of(run["source"], run["destination"])
    if flow is None:
        return (len(names), run["source"], run["destination"])
    return (names.index(flow.name), run["source"] != flow.source)  # the flow's direction first


def _run(run: dict, entities: dict[str, dict[str, int]]) -> dict:
    took = run_history.duration(run)
    return {
        "run_id": run["run_id"], "status": run["status"], "reason": run["reason"],
        "started_at": _iso(run["started_at"]), "finished_at": _iso(run["finished_at"]),
        "duration_seconds": None if took is None else round(took, 1),
        # None: the run recorded no counts (it did not get to the end of its input)
        "counts": {count: sum(c[count] for c in entities.values()) for count in COUNTS} if entities else None,
        "entities": entities,
    }


def _entity_counts(store: IdentityStore, run_ids: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """run id -> Talk entity -> counts (the mapper's unknown streams, source '?', included)."""
    found: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in run_history.entity_counts(store, run_ids):
        tally = found[row["run_id"]].setdefault(row["entity"], dict.fromkeys(COUNTS, 0))
        for count in COUNTS:
            tally[count] += row[count] or 0
    return found


def _per_destination(store: IdentityStore, destination: sa.Column, where, total: str) -> dict:
    query = sa.select(destination, sa.func.count()).where(where).group_by(destination).order_by(destination)
    with store.engine.connect() as conn:
        by_destination = {(name or "(mapping)"): n for name, n in conn.execute(query)}
    return {total: sum(by_destination.values()), "by_destination": by_destination}


def _links(store: IdentityStore) -> dict[str, dict[str, int]]:
    query = (sa.select(links.c.talk_entity, links.c.system, sa.func.count())
             .group_by(links.c.talk_entity, links.c.system).order_by(links.c.talk_entity, links.c.system))
    found: dict[str, dict[str, int]] = defaultdict(dict)
    with store.engine.connect() as conn:
        for entity, system, n in conn.execute(query):
            found[entity][system] = n
    return dict(found)


def _shown(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _iso(when: float | None) -> str | None:
    return None if when is None else dt.datetime.fromtimestamp(when).astimezone().isoformat(timespec="seconds")


# -- text ---------------------------------------------------------------------------------------------
def render(status: dict) -> str:
    lines = [f"Talk status at {_local(status['at'])} (identity store {status['store']})"]
    if not status["flows"]:
        lines.append("no runs yet")
    for flow in status["flows"]:
        lines += ["", f"{flow['flow']}: {flow['title']}" if flow["flow"] else "(not a documented flow)"]
        for pipeline in flow["pipelines"]:
            lines += _pipeline_lines(pipeline)
    rejects_open, conflicts_total = status["rejects"], status["conflicts"]
    lines += ["", f"open rejects: {rejects_open['open']}{_split(rejects_open)}"
                  + ("  (talk rejects)" if rejects_open["open"] else ""),
              f"conflicts: {conflicts_total['total']}{_split(conflicts_total)}"
                  + ("  (talk conflicts)" if conflicts_total["total"] else "")]
    lines += ["", "links:" if status["links"] else "links: none yet"]
    for entity, systems in status["links"].items():
        lines.append(f"  {entity:<11}" + "  ".join(f"{system} {n}" for system, n in systems.items()))
    return "\n".join(lines)


def _pipeline_lines(pipeline: dict) -> list[str]:
    run = pipeline["last_run"]
    result = {"failed": "FAILED", "running": "running"}.get(run["status"], run["status"])
    when = _local(run["started_at"] or run["finished_at"])
    took = "" if run["duration_seconds"] is None else ("for " if run["status"] == "running" else "took ") + \
        _duration(run["duration_seconds"])
    counts = "  ".join(f"{count} {n}" for count, n in run["counts"].items()) if run["counts"] else "no counts"
    lines = [f"  {pipeline['source'] + ' -> ' + pipeline['destination']:<30} {result:<10} {when}  {took:<12} {counts}"]
    if run["reason"]:
        lines.append(f"      {run['reason']}")
    return lines


def _split(totals: dict) -> str:
    parts = ", ".join(f"{name} {n}" for name, n in totals["by_destination"].items())
    return f" ({parts})" if parts else ""


def _local(iso: str | None) -> str:
    return "-" if iso is None else dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m {secs:02d}s" if minutes < 60 else f"{minutes // 60}h {minutes % 60:02d}m"
