"""A Shopify sandbox on a free loopback port for the whole test session, seeded with the demo set."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from talk_sandbox.processes import running

# The helper module sits next to this file; from the repo root another `conftest` is on the path.
sys.path.insert(0, str(Path(__file__).parent))
from shopify_sandbox import PORT, Sandbox  # noqa: E402


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Sandbox:
    with running(["shopify"], tmp_path_factory.mktemp("shopify"), ports={"shopify": PORT}) as urls:
        box = Sandbox(urls["shopify"])
        box.reset()
        yield box


@pytest.fixture(scope="session", autouse=True)
def _sandbox_up(sandbox) -> None:
    """The standard tap tests use the sandbox without asking for it."""
