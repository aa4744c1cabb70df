from __future__ import annotations

import pytest

from talk_sandbox.processes import running
from talk_sandbox.systems import SYSTEMS

from harness import Talk


@pytest.fixture(scope="session")
def sandbox_urls(tmp_path_factory):
    """Every emulator, each a real process on a free loopback port."""
    with running(list(SYSTEMS), tmp_path_factory.mktemp("sandbox")) as urls:
        yield urls


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for the session (scripts/test.sh installs it when missing)."""
    from talk_sandbox.postgres import running_postgres, server_binaries

    if server_binaries() is None:
        pytest.fail("PostgreSQL server binaries are missing: run the tests with `make test`, which installs them")
    with running_postgres() as url:
        yield url


@pytest.fixture
def talk(sandbox_urls, tmp_path) -> Talk:
    project = Talk(sandbox_urls, tmp_path)
    project.reset()
    return project
