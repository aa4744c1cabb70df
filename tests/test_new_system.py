"""`talk new-system acme` in a copy of the project: the scaffold installs, its generated tests
pass as generated, it shows in `talk docs` and `talk sandbox`, and a real `meltano run` carries
its emulator's customers into the Custom Webshop sandbox. Nothing outside the new system's
own files (and its flow entries) is edited by hand: that is the point of the registry."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from harness import ROOT
from talk_sandbox.processes import free_port, running

TALK = str(Path(sys.executable).parent / "talk")
ACME_EMAILS = {"kari.nordmann@example.no", "per.hansen@example.no", "post@fjordhandel.example.no"}


def uv() -> list[str]:
    """The uv `make install` uses, whose cache holds every package: the one on PATH outside this
    venv (which holds Meltano's own uv, of another version with another cache), else the base
    interpreter's."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)
    found = shutil.which("uv", path=path)
    return [found] if found else [os.path.realpath(sys.executable), "-m", "uv"]


def copy_project(destination: Path) -> None:
    """The project's files as git knows them (tracked, and new ones not ignored): no .venv, var."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project with the system `acme` scaffolded and installed (offline, from uv's cache)."""
    root = tmp_path_factory.mktemp("project")
    copy_project(root)
    port = free_port()
    made = subprocess.run([TALK, "new-system", "acme", "--title", "Acme", "--port", str(port), "--root", str(root)],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_", "MELTANO_", "TALK_", "PYTEST_"))}
    env.update(UV_PYTHON_DOWNLOADS="never", UV_PYTHON=os.path.realpath(sys.executable), UV_COMPILE_BYTECODE="0")
    for command in (["lock"], ["sync", "--frozen", "--all-packages"]):
        # Offline: uv's cache holds every package `make install` installed. A cache that lacks
        # the index pages a new lock needs (a fresh machine) is filled from PyPI instead.
        done = subprocess.run([*uv(), *command, "--offline"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            done = subprocess.run([*uv(), *command], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"uv {' '.join(command)}:\n{done.stderr[-3000:]}"
    env["PATH"] = f"{root / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"  # the copy's talk, meltano and plugins
    return {"root": root, "env": env, "port": port, "scaffolded": made.stdout}


def run(project, *command: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), cwd=project["root"], env={**project["env"], **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def test_the_scaffold_writes_only_the_new_systems_files_and_its_flow(project):
    written = {line.removeprefix("wrote ") for line in project["scaffolded"].splitlines() if line.startswith("wrote ")}
    assert {"taps/tap-acme/tap_acme/tap.py", "targets/target-acme/target_acme/client.py",
            "targets/target-acme/target_acme/mapping.yml", "targets/target-acme/target_acme/emulator.py",
            "plugins/acme.meltano.yml", "docs/systems/acme.md", "talk/talk/flows.yml"} <= written
    outside = {path for path in written if not path.startswith(("taps/tap-acme/", "targets/target-acme/"))}
    assert outside == {"plugins/acme.meltano.yml", "docs/systems/acme.md", "talk/talk/flows.yml"}
    again = subprocess.run([TALK, "new-system", "acme", "--root", str(project["root"])], capture_output=True, text=True)
    assert again.returncode == 1 and "a system 'acme' exists already" in again.stderr


def test_the_generated_tests_pass_as_generated(project):
    result = run(project, "pytest", "-q", "-p", "no:cacheprovider", "taps/tap-acme", "targets/target-acme")
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in summary and "skipped" not in summary and "failed" not in summary, summary


def test_the_new_system_shows_in_talk_docs(project):
    result = run(project, "talk", "docs", "--flow", "acme-customwebshop")
    assert result.returncode == 0, result.stderr
    assert "Acme to Custom Webshop Dataflow" in result.stdout
    assert "   * - email\n     - email" in result.stdout  # a property row, from both mapping files


def test_its_customers_reach_the_webshop_sandbox_through_meltano_run(project, tmp_path):
    sandbox_dir = {"TALK_SANDBOX_DIR": str(tmp_path / "sandbox")}
    started = run(project, "talk", "sandbox", "start", "acme", env=sandbox_dir)
    try:
        assert started.returncode == 0, started.stderr
        assert started.stdout.startswith("Acme") and f"http://127.0.0.1:{project['port']}" in started.stdout
        seeded = run(project, "talk", "sandbox", "seed", "acme", env=sandbox_dir)
        assert seeded.stdout.strip() == "acme: 3 customers", seeded.stderr

        with running(["customwebshop"], tmp_path / "webshop") as urls:
            webshop = urls["customwebshop"]
            env = {"TALK_STORE_URL": f"sqlite:///{tmp_path}/talk.db", "TALK_REJECT_LOG": str(tmp_path / "rejects.jsonl"),
                   "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path}/meltano.db",
                   "MELTANO_SYS_DIR_ROOT": str(tmp_path / ".meltano"), "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
                   # tap-acme reads the emulator its plugins file points at: no URL for it here.
                   "TARGET_CUSTOMWEBSHOP_BASE_URL": f"{webshop}/api/v1"}
            result = run(project, "meltano", "run", "tap-acme", "mapper-talk", "target-customwebshop", env=env)
            assert result.returncode == 0, result.stderr[-6000:]
            customers = httpx.get(f"{webshop}/_sandbox/records/customers", timeout=30).json()
    finally:
        run(project, "talk", "sandbox", "stop", "acme", env=sandbox_dir)

    arrived = {c["email"]: c for c in customers}
    assert set(arrived) == ACME_EMAILS
    assert (arrived["kari.nordmann@example.no"]["first_name"], arrived["kari.nordmann@example.no"]["last_name"]) == (
        "Kari", "Nordmann")
    assert arrived["post@fjordhandel.example.no"]["type"] == "company"
    assert arrived["post@fjordhandel.example.no"]["company_name"] == "Fjord Handel AS"
    assert all(c["external_reference"] for c in customers)  # linked: Talk's global ids
    assert '"created": 3' in result.stderr
