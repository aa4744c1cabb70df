"""`talk status` and the run history behind it: one real `talk run` of customwebshop-shopify
against the sandboxes, then what `talk status` (text and --json) and `talk report` say about
it; a run that died outside `talk run`; and the commands in a directory with no store yet.
(A run that fails under `talk run` is in test_jobs.py, beside the other failed-run checks.)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import ROOT, Talk
from talk import run_history
from talk.cli import main
from talk.store import IdentityStore

TALK = str(Path(sys.executable).parent / "talk")


@pytest.fixture(scope="module")
def synced(sandbox_urls, tmp_path_factory) -> Talk:
    """The webshop's three customers, two products and two orders, synced into an empty Shopify
    by `talk run customwebshop-shopify` (both pipelines)."""
    talk = Talk(sandbox_urls, tmp_path_factory.mktemp("status"))
    talk.reset()
    talk.load("customwebshop", "customers", [])  # nothing else: Shopify starts empty
    talk.load_fixture("customwebshop-flows/webshop.json")
    result = subprocess.run([TALK, "run", "customwebshop-shopify"], cwd=ROOT, env=talk.env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    return talk


def status_json(talk: Talk, *args: str) -> dict:
    result = talk.cli("status", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_status_json_names_the_flow_its_last_runs_their_counts_and_the_links(synced: Talk):
    status = status_json(synced)

    [flow] = status["flows"]
    assert (flow["flow"], flow["title"]) == ("customwebshop-shopify", "Custom Webshop to Shopify")
    forward, reverse = flow["pipelines"]  # the flow's direction first
    assert (forward["source"], forward["destination"]) == ("customwebshop", "shopify")
    assert (reverse["source"], reverse["destination"]) == ("shopify", "customwebshop")
    run = forward["last_run"]
    assert (run["status"], run["reason"]) == ("succeeded", None)
    assert run["started_at"] <= run["finished_at"] and 0 < run["duration_seconds"] < 300
    assert run["counts"] == {"created": 7, "updated": 0, "unchanged": 0, "linked": 0, "skipped": 0, "rejected": 0}
    assert {entity: c["created"] for entity, c in run["entities"].items()} == {"customer": 3, "product": 2, "order": 2}
    # What the forward pipeline wrote comes back as an echo: nothing to write the other way.
    back = reverse["last_run"]
    assert back["status"] == "succeeded" and back["counts"]["created"] == back["counts"]["updated"] == 0
    assert back["started_at"] >= run["finished_at"]

    assert {entity: status["links"][entity] for entity in ("customer", "product", "order")} == {
        "customer": {"customwebshop": 3, "shopify": 3}, "product": {"customwebshop": 2, "shopify": 2},
        "order": {"customwebshop": 2, "shopify": 2}}
    assert status["rejects"] == {"open": 0, "by_destination": {}}
    assert status["conflicts"] == {"total": 0, "by_destination": {}}


def test_status_as_text_and_the_report_say_the_same(synced: Talk):
    text = synced.cli("status").stdout
    assert "customwebshop-shopify: Custom Webshop to Shopify" in text
    forward = next(line for line in text.splitlines() if "customwebshop -> shopify" in line)
    assert "succeeded" in forward and "created 7" in forward and "rejected 0" in forward
    assert "open rejects: 0" in text and "customer   customwebshop 3  shopify 3" in text

    report = synced.cli("report").stdout
    assert "FAILED" not in report
    created = {line.split()[3]: int(line.split()[4]) for line in report.splitlines()
               if line.startswith("customwebshop -> shopify")}
    assert created == {"customer": 3, "product": 2, "order": 2}


def test_a_run_that_died_outside_talk_run_shows_as_failed_and_the_next_run_records_it_so(tmp_path, monkeypatch):
    """A plain `meltano run` killed mid-way leaves its run marked running: once its process is
    gone `talk status` and `talk report` show it failed, and the pipeline's next run writes that down."""
    url = f"sqlite:///{tmp_path}/talk.db"
    # A real process starts a run and ends without finishing it (as a killed target would).
    subprocess.run([sys.executable, "-c", "from talk import run_history; from talk.store import IdentityStore; "
                    f"run_history.start(IdentityStore({url!r}), 'died', 'poweroffice', 'shopify')"], check=True)
    monkeypatch.setenv("TALK_STORE_URL", url)

    status = json.loads(CliRunner().invoke(main, ["status", "--json"]).output)
    run = status["flows"][0]["pipelines"][0]["last_run"]
    assert (status["flows"][0]["flow"], run["status"]) == ("poweroffice-shopify", "failed")
    assert run["reason"].startswith("did not finish")
    report = CliRunner().invoke(main, ["report"]).output
    assert "poweroffice -> shopify FAILED" in report and "did not finish" in report

    store = IdentityStore(url)
    run_history.start(store, "next", "poweroffice", "shopify")
    assert [(r["run_id"], r["status"]) for r in run_history.latest(store)] == [("next", "running"), ("died", "failed")]


def test_talk_run_marks_the_pipeline_whose_target_died_failed_with_the_line_that_says_why(tmp_path):
    from talk import jobs, meltano_log

    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    os.environ[run_history.JOB_RUN_ENV] = "job-1"
    try:
        store.record_run("first", "customwebshop", "shopify", {("customwebshop", "customer"): {"created": 1}})
        run_history.start(store, "second", "shopify", "customwebshop")
    finally:
        del os.environ[run_history.JOB_RUN_ENV]
    log = meltano_log.Tail()
    log.lines.extend([
        "2026-12-02T08:07:28Z [info     ] target-customwebshop Traceback (most recent call last):",
        "2026-12-02T08:07:28Z [info     ] target-customwebshop RuntimeError: the disk is full",
        "2026-12-02T08:07:29Z [error    ] meltano      Loader failed"])

    runs = jobs.settle(store, "job-1", [("customwebshop", "shopify"), ("shopify", "customwebshop")], 1, log, 0.0)

    assert [(r["run_id"], r["status"], r["reason"]) for r in runs] == [
        ("first", "succeeded", None), ("second", "failed", "target-customwebshop: RuntimeError: the disk is full")]


def test_report_status_rejects_and_conflicts_before_any_run_say_so_and_create_no_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TALK_STORE_URL", raising=False)
    said = {command: CliRunner().invoke(main, command.split()).output
            for command in ("report", "status", "status --json", "rejects", "conflicts")}
    assert said["report"] == said["status"] == "no runs yet (no identity store at sqlite:///var/talk.db)\n"
    assert json.loads(said["status --json"])["message"] == "no runs yet"
    assert said["rejects"].startswith("no open rejects") and said["conflicts"] == "no conflicts\n"
    assert list(tmp_path.iterdir()) == []  # no var/, no var/talk.db
