"""A WooCommerce sandbox on a fixed loopback port for the whole test session, seeded with the demo set."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from talk_sandbox.processes import running

# The helper module sits next to this file; from the repo root another `conftest` is on the path.
sys.path.insert(0, str(Path(__file__).parent))
from woocommerce_sandbox import PORT, Sandbox  # noqa: E402


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Sandbox:
    with running(["woocommerce"], tmp_path_factory.mktemp("woocommerce"), ports={"woocommerce": PORT}) as urls:
        box = Sandbox(urls["woocommerce"])
        box.reset()
        yield box


@pytest.fixture(scope="session", autouse=True)
def _sandbox_up(sandbox) -> None:
    """The standard tap tests use the sandbox without asking for it."""


@pytest.fixture
def demo(sandbox):
    """Other modules' tests (the standard tap tests) expect the demo set back."""
    yield sandbox
    sandbox.reset(demo=True)
