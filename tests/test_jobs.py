"""`talk run JOB`: a job runs to its end when records are rejected and says so in its exit
status only when asked; two jobs that share a destination run at the same time in one project.
Everything through the real command against the sandboxes."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from harness import ROOT, Talk

TALK = str(Path(sys.executable).parent / "talk")
WEBSHOP_TO_SHOPIFY = ("customwebshop", "shopify")
SHOPIFY_TO_WEBSHOP = ("shopify", "customwebshop")


def talk_run(talk: Talk, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([TALK, "run", *args], cwd=ROOT, env={**talk.env, **(env or {})},
                          capture_output=True, text=True, timeout=600)


def pipelines_recorded(talk: Talk, after: int = 0) -> set[tuple[str, str]]:
    return {(r["source"], r["destination"]) for r in talk.store.last_runs(limit=1000) if r["n"] > after}


def last_run_number(talk: Talk) -> int:
    return max((r["n"] for r in talk.store.last_runs(limit=1)), default=0)


def test_a_job_whose_first_pipeline_rejects_runs_its_reverse_pipeline_and_fails_only_when_asked(talk: Talk):
    talk.load_fixture("customwebshop-flows/rejects.json")  # a bad e-mail, a bad price, a phone Shopify refuses

    result = talk_run(talk, "customwebshop-shopify")

    assert result.returncode == 0, result.stderr[-4000:]
    assert pipelines_recorded(talk) == {WEBSHOP_TO_SHOPIFY, SHOPIFY_TO_WEBSHOP}  # the reverse pipeline ran
    assert "customwebshop -> shopify" in result.stdout and "shopify -> customwebshop" in result.stdout
    assert "3 record(s) rejected" in result.stdout
    assert "no run recorded" not in result.stdout

    # Read everything again (the rejected records were never linked, so they are rejected
    # again): with --fail-on-reject the job still runs to its end and then exits 3.
    before = last_run_number(talk)
    strict = talk_run(talk, "--full-refresh", "--fail-on-reject", "customwebshop-shopify")
    assert strict.returncode == 3, strict.stderr[-4000:]
    assert pipelines_recorded(talk, after=before) == {WEBSHOP_TO_SHOPIFY, SHOPIFY_TO_WEBSHOP}
    assert "3 record(s) rejected" in strict.stdout

    # The same from the environment, for one pipeline named by its plugins.
    before = last_run_number(talk)
    one = talk_run(talk, "--full-refresh", "tap-customwebshop", "mapper-talk", "target-shopify",
                   env={"TALK_FAIL_ON_REJECT": "true"})
    assert one.returncode == 3, one.stderr[-4000:]
    assert pipelines_recorded(talk, after=before) == {WEBSHOP_TO_SHOPIFY}


def test_a_failed_pipeline_gives_meltanos_exit_status_and_the_summary_says_what_did_not_run(talk: Talk):
    talk.load_fixture("customwebshop-flows/rejects.json")
    result = talk_run(talk, "customwebshop-shopify", env={"TAP_CUSTOMWEBSHOP_API_KEY": "wrong-key"})

    assert result.returncode == 1, result.stderr[-4000:]
    assert "Extractor failed" in result.stderr  # the webshop refused the key, not a missing executable
    assert SHOPIFY_TO_WEBSHOP not in pipelines_recorded(talk)  # Meltano stops at the failed pipeline
    assert "shopify -> customwebshop: no run recorded" in result.stdout
    assert "meltano run failed with exit status 1" in result.stdout
    # The webshop pipeline's target got to the end of its input (the tap's end closed it), but
    # the run failed, and why is the tap's own line.
    why = "tap-customwebshop: Custom Webshop refused the credentials"
    assert f"customwebshop -> shopify: failed: {why}" in result.stdout

    status = json.loads(talk.cli("status", "--json").stdout)
    [forward] = status["flows"][0]["pipelines"]
    assert (forward["source"], forward["last_run"]["status"]) == ("customwebshop", "failed")
    assert forward["last_run"]["reason"].startswith(why) and "wrong-key" not in forward["last_run"]["reason"]
    text = talk.cli("status").stdout
    assert "customwebshop -> shopify" in text and "FAILED" in text and why in text
    failures = [line for line in talk.cli("report").stdout.splitlines() if "FAILED" in line]
    assert len(failures) == 1 and "customwebshop -> shopify FAILED after" in failures[0] and why in failures[0]


def test_two_jobs_with_one_destination_run_at_the_same_time_in_one_project(talk: Talk):
    for system in ("poweroffice", "shopify", "customwebshop"):  # `talk sandbox seed`: the demo data
        httpx.post(f"{talk.urls[system]}/_sandbox/seed", timeout=600).raise_for_status()

    # One project: one meltano.db (new, so both would create its tables) and one .meltano;
    # both jobs read Shopify in their reverse pipelines (tap-shopify's run directory).
    jobs = ("poweroffice-shopify", "customwebshop-shopify")
    started = time.monotonic()
    processes = {job: subprocess.Popen([TALK, "run", job], cwd=ROOT, env=talk.env, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE) for job in jobs}
    outputs = {job: process.communicate(timeout=600) for job, process in processes.items()}
    took = time.monotonic() - started

    for job, process in processes.items():
        stdout, stderr = outputs[job]
        assert process.returncode == 0, f"{job} exited {process.returncode}:\n{stderr[-6000:]}"
        assert "no run recorded" not in stdout, stdout
        assert "Invalid catalog" not in stderr and "already exists" not in stderr
    assert pipelines_recorded(talk) == {("poweroffice", "shopify"), ("shopify", "poweroffice"),
                                        WEBSHOP_TO_SHOPIFY, SHOPIFY_TO_WEBSHOP}
    # Each run's own Meltano directory is gone with it (only the lock file stays).
    assert [p.name for p in (talk.workdir / ".meltano" / "talk-runs").iterdir()] == ["start.lock"]
    print(f"two jobs at once: {took:.1f}s")
