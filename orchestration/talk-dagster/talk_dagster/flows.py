"""What Dagster needs to know about the project's Meltano jobs, read from meltano.yml: the jobs,
the systems each one writes to, and the schedules. A job added to meltano.yml appears in
Dagster without code."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from talk.jobs import pipelines, read_project


@dataclass(frozen=True)
class Flow:
    """One Meltano job: its pipelines (source, destination) in the order Meltano runs them."""

    name: str
    pipelines: tuple[tuple[str, str], ...]

    @property
    def destinations(self) -> tuple[str, ...]:
        """The systems the job writes to (a two-way job writes to both of its systems)."""
        return tuple(dict.fromkeys(destination for _source, destination in self.pipelines))


@dataclass(frozen=True)
class FlowSchedule:
    name: str
    cron: str
    job: str


def flows(root: Path) -> list[Flow]:
    project = read_project(root)
    return [Flow(job["name"], tuple(pipelines(project, (job["name"],)))) for job in project.get("jobs") or []]


def schedules(root: Path) -> list[FlowSchedule]:
    """meltano.yml's schedules of jobs. A legacy `extractor`/`loader` schedule (`meltano elt`)
    is not something `talk run` runs, so it is refused by name rather than left out silently."""
    found = []
    for schedule in read_project(root).get("schedules") or []:
        if "job" not in schedule:
            raise ValueError(f"meltano.yml schedule {schedule.get('name')!r} names no job; "
                             "Dagster runs Meltano jobs only (give it `job:`)")
        found.append(FlowSchedule(schedule["name"], schedule["interval"], schedule["job"]))
    return found
