"""The code location: `dagster dev -m talk_dagster.definitions`, run where meltano.yml is (or
with MELTANO_PROJECT_ROOT set): a job and a schedule per meltano.yml job and schedule."""
from __future__ import annotations

from pathlib import Path

from dagster import Definitions, ScheduleDefinition
from talk.jobs import project_root

from .flow_job import dagster_name, flow_job
from .flows import flows, schedules


def build_definitions(root: Path) -> Definitions:
    jobs = {flow.name: flow_job(flow, root) for flow in flows(root)}
    unknown = [s.name for s in schedules(root) if s.job not in jobs]
    if unknown:
        raise ValueError(f"meltano.yml schedule(s) {', '.join(unknown)} name a job meltano.yml does not define")
    # Schedules start stopped, as Dagster's do: turn them on in the UI or with
    # `dagster schedule start` once the deployment points at the real systems.
    return Definitions(
        jobs=list(jobs.values()),
        schedules=[ScheduleDefinition(name=dagster_name(s.name), cron_schedule=s.cron, job=jobs[s.job],
                                      description=f"meltano.yml schedule {s.name}") for s in schedules(root)],
    )


defs = build_definitions(project_root())
