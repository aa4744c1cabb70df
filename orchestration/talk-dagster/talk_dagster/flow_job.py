"""One Dagster job per Meltano job: one op that runs it the way `talk run JOB` does
(talk.jobs.run_jobs: a Meltano run directory of its own, the runs table read afterwards) and
records Talk's summary as the op's output metadata, so Dagster's run history has the counts."""
# No `from __future__ import annotations` here: Dagster reads the op's config class from its annotation.

from collections import defaultdict
from pathlib import Path

from dagster import (Backoff, Config, Failure, Jitter, JobDefinition, MetadataValue, OpExecutionContext, Out,
                     Output, RetryPolicy, job, op)
from talk.cli import render_report
from talk.jobs import JobRun, run_jobs
from talk.store import COUNTS

from .flows import Flow

# A failed run (Meltano's exit status: an API down, a timeout that outlasted the plugins' own
# retries) is tried again twice, 1 and then 2 minutes later, give or take a fifth. Rejected
# records are not a failure to retry: they wait in the retry queue and every run tries them again.
RETRY = RetryPolicy(max_retries=2, delay=60, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)

# Run tags that the run queue limits (deploy/dagster.yaml): a run carries one per system its job
# writes to, so two runs that write to one system are never launched at the same time.
DESTINATION_TAG = "talk/destination-{system}"
MELTANO_JOB_TAG = "talk/meltano-job"


class FlowRunConfig(Config):
    """`talk run`'s options, per run (the launchpad, a schedule's run config)."""

    fail_on_reject: bool = False  # fail the run (never retried) when records were rejected
    full_refresh: bool = False
    force: bool = False  # run although Meltano still marks a killed earlier run as running
    environment: str | None = None  # Meltano environment; default $MELTANO_ENVIRONMENT or meltano.yml's


def dagster_name(name: str) -> str:
    """Dagster names allow letters, digits and underscores only: poweroffice-shopify -> poweroffice_shopify."""
    return name.replace("-", "_")


def destination_tags(flow: Flow) -> dict[str, str]:
    return {DESTINATION_TAG.format(system=system): "true" for system in flow.destinations}


def summary_metadata(result: JobRun) -> dict:
    """Counts per pipeline (and per entity within it) from the runs this job recorded, plus
    the table `talk run` prints."""
    per_pipeline: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in result.rows:
        entity = row["entity"] + (" (dry run)" if row["dry_run"] else "")
        counts = per_pipeline[f"{row['source']} -> {row['destination']}"].setdefault(entity, dict.fromkeys(COUNTS, 0))
        for count in COUNTS:
            counts[count] += row[count] or 0
    metadata: dict = {
        "summary": MetadataValue.md("```\n" + "\n".join([render_report(result.rows), *result.verdict()]) + "\n```"),
        "rejected": MetadataValue.int(result.rejected),
        "meltano_exit_status": MetadataValue.int(result.meltano_status),
    }
    for pipeline, entities in per_pipeline.items():
        metadata[pipeline] = MetadataValue.json(entities)
    return metadata


def flow_job(flow: Flow, root: Path) -> JobDefinition:
    @op(name=f"run_{dagster_name(flow.name)}", retry_policy=RETRY, out=Out(dict),
        description=f"talk run {flow.name}: " + ", then ".join(f"{s} -> {d}" for s, d in flow.pipelines))
    def run_flow(context: OpExecutionContext, config: FlowRunConfig):
        flags = {"--full-refresh": config.full_refresh, "--force": config.force}
        result = run_jobs((flow.name,), tuple(flag for flag, given in flags.items() if given),
                          ("--environment", config.environment) if config.environment else (), root=root)
        metadata = summary_metadata(result)
        if result.meltano_status:
            raise Failure(f"meltano run {flow.name} failed with exit status {result.meltano_status}; "
                          "the step's log says why", metadata=metadata)  # retried (RETRY)
        if config.fail_on_reject and result.rejected:
            raise Failure(f"{result.rejected} record(s) rejected in talk run {flow.name}; `talk rejects` lists them",
                          metadata=metadata, allow_retries=False)
        if result.rejected:
            context.log.warning(f"{result.rejected} record(s) rejected; they wait in the retry queue (`talk rejects`)")
        return Output({"rejected": result.rejected, "rows": len(result.rows)}, metadata=metadata)

    @job(name=dagster_name(flow.name), tags={MELTANO_JOB_TAG: flow.name, **destination_tags(flow)},
         description=f"Meltano job {flow.name} (meltano.yml), run as `talk run {flow.name}`")
    def the_job():
        run_flow()

    return the_job
