"""Talk's Meltano jobs as Dagster jobs (orchestration/talk-dagster): one flow run in-process
against the sandboxes, with Talk's identity store and Dagster's run history in PostgreSQL (the
deployment's instance config, deploy/dagster.yaml), and the definitions checked against the project."""
from __future__ import annotations

import os
import shutil
from collections import Counter

import pytest
import sqlalchemy as sa
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus

from harness import ROOT, Talk
from postgres_databases import fresh_database
from talk.jobs import pipelines, read_project
from talk.store import IdentityStore
from talk_dagster import build_definitions
from talk_dagster.flow_job import DESTINATION_TAG, dagster_name

DEPLOY = ROOT / "orchestration" / "talk-dagster" / "deploy"


@pytest.fixture(scope="module")
def instance(postgres_url, tmp_path_factory):
    """The deployment's Dagster instance (deploy/dagster.yaml), its storage in a PostgreSQL database of its own."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    database = fresh_database(postgres_url, "dagster")
    psycopg2_url = sa.engine.make_url(database).set(drivername="postgresql").render_as_string(hide_password=False)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_POSTGRES_URL", psycopg2_url)
        with DagsterInstance.from_config(str(home)) as dagster_instance:
            yield dagster_instance


def test_a_flow_runs_as_a_dagster_job_into_the_sandboxes_and_its_counts_are_in_the_run_history(
        talk: Talk, instance: DagsterInstance, postgres_url: str, monkeypatch):
    store_url = fresh_database(postgres_url, "dagster_talk")
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    for key, value in {**talk.env, "TALK_STORE_URL": store_url}.items():  # the op runs in this process
        if os.environ.get(key) != value:
            monkeypatch.setenv(key, value)

    result = build_definitions(ROOT).get_job_def("poweroffice_shopify").execute_in_process(instance=instance)

    assert result.success
    emails = Counter(c.get("email") for c in talk.records("shopify", "customers"))
    for email in ("ola.nordmann@example.no", "kari.hansen@example.no", "post@fjordkaffe.example.no",
                  "nils.berg@fjordkaffe.example.no", "kari.shopify@example.com"):
        assert emails[email] == 1, f"{email} appears {emails[email]} times in Shopify"
    store = IdentityStore(store_url)  # the links are in PostgreSQL
    ola = store.global_id("poweroffice", "customers", "101")
    assert ola and store.link_for("shopify", "customer", ola) is not None

    run = instance.get_run_by_id(result.run_id)  # Dagster's own run history, in PostgreSQL
    assert run.status == DagsterRunStatus.SUCCESS and run.tags["talk/meltano-job"] == "poweroffice-shopify"
    [output] = instance.all_logs(result.run_id, of_type=DagsterEventType.STEP_OUTPUT)
    metadata = output.dagster_event.step_output_data.metadata
    forward = metadata["poweroffice -> shopify"].data
    created = sum(forward[entity]["created"] for entity in forward)
    linked = sum(forward[entity]["linked"] for entity in forward)
    assert forward["customer"]["created"] + forward["customer"]["linked"] == 4  # PowerOffice's customers and contact person
    assert created == sum(row["created"] for row in store.last_runs(limit=100)
                          if (row["source"], row["destination"]) == ("poweroffice", "shopify"))
    assert created > 0 and linked > 0
    assert "shopify -> poweroffice" in metadata and metadata["rejected"].value == 0
    assert "poweroffice -> shopify" in metadata["summary"].value


def test_every_meltano_job_is_a_dagster_job_on_its_schedule_and_jobs_writing_to_one_system_queue_for_it(
        instance: DagsterInstance):
    project = read_project(ROOT)
    repository = build_definitions(ROOT).get_repository_def()
    jobs = {job["name"]: repository.get_job(dagster_name(job["name"])) for job in project["jobs"]}
    assert {job.tags["talk/meltano-job"] for job in jobs.values()} == set(jobs)
    assert {s["job"] for s in project["schedules"]} == set(jobs)
    for schedule in project["schedules"]:
        defined = repository.get_schedule_def(dagster_name(schedule["name"]))
        assert defined.cron_schedule == schedule["interval"] and defined.job_name == dagster_name(schedule["job"])

    writers: dict[str, set[str]] = {}
    for name in jobs:
        for _source, destination in pipelines(project, (name,)):
            writers.setdefault(destination, set()).add(name)
    assert writers["shopify"] == {"poweroffice-shopify", "customwebshop-shopify"}
    for system, names in writers.items():  # the tag the run queue limits: exactly the jobs that write there
        assert {name for name, job in jobs.items() if DESTINATION_TAG.format(system=system) in job.tags} == names

    limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {(limit["key"], limit["limit"]) for limit in limits} == {(DESTINATION_TAG.format(system=s), 1) for s in writers}
