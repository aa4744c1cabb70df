"""A Custom Webshop sandbox on a free loopback port for the whole test session, seeded with the demo shop."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from talk_sandbox.processes import running

# The helper module sits next to this file; from the repo root another `conftest` is on the path.
sys.path.insert(0, str(Path(__file__).parent))
from webshop_sandbox import PORT, Sandbox  # noqa: E402


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Sandbox:
    with running(["customwebshop"], tmp_path_factory.mktemp("customwebshop"), ports={"customwebshop": PORT}) as urls:
        box = Sandbox(urls["customwebshop"])
        box.reset()
        yield box


@pytest.fixture(scope="session", autouse=True)
def _sandbox_up(sandbox) -> None:
    """The standard tap tests use the sandbox without asking for it."""
