"""The identity store's schema history (talk/talk/migrations): a store the Talk before
migrations wrote is recognised, stamped at the baseline and upgraded with its data kept, on a
real SQLite file and a real PostgreSQL database; a new store ends at the newest revision; and
the revisions make exactly the tables schema.py declares, so the two cannot drift apart."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from talk import migrations, run_history
from talk.store import IdentityStore, metadata

# The tables as the last Talk without migrations created them (metadata.create_all), for SQLite
# and PostgreSQL alike except the type of an autoincrement key.
PREVIOUS_SCHEMA = """
CREATE TABLE links (system VARCHAR(40) NOT NULL, entity VARCHAR(60) NOT NULL, native_id VARCHAR(200) NOT NULL,
    global_id VARCHAR(64) NOT NULL, talk_entity VARCHAR(20) NOT NULL, extra TEXT, linked_at FLOAT NOT NULL,
    PRIMARY KEY (system, entity, native_id));
CREATE UNIQUE INDEX links_by_global ON links (global_id, system, talk_entity);
CREATE TABLE shadows (global_id VARCHAR(64) NOT NULL, system VARCHAR(40) NOT NULL, talk_entity VARCHAR(20) NOT NULL,
    data TEXT NOT NULL, hash VARCHAR(64) NOT NULL, native_updated_at VARCHAR(64), saved_at FLOAT NOT NULL,
    PRIMARY KEY (global_id, system));
CREATE TABLE match_keys (talk_entity VARCHAR(20) NOT NULL, "key" VARCHAR(300) NOT NULL, global_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (talk_entity, "key"));
CREATE TABLE rejects (id {serial} NOT NULL, destination VARCHAR(40) NOT NULL, source_system VARCHAR(40) NOT NULL,
    source_entity VARCHAR(60) NOT NULL, source_id VARCHAR(200) NOT NULL, talk_entity VARCHAR(20) NOT NULL,
    global_id VARCHAR(64), label VARCHAR(300), stage VARCHAR(20) NOT NULL, reason TEXT NOT NULL, record TEXT,
    attempts INTEGER NOT NULL, first_seen FLOAT NOT NULL, last_seen FLOAT NOT NULL, status VARCHAR(12) NOT NULL,
    PRIMARY KEY (id), CONSTRAINT one_reject_per_record UNIQUE (destination, source_system, source_entity, source_id));
CREATE TABLE conflicts (id {serial} NOT NULL, at FLOAT NOT NULL, global_id VARCHAR(64) NOT NULL,
    talk_entity VARCHAR(20) NOT NULL, label VARCHAR(300), property VARCHAR(60) NOT NULL,
    source_system VARCHAR(40) NOT NULL, source_value TEXT, destination_system VARCHAR(40) NOT NULL,
    destination_value TEXT, winner VARCHAR(40) NOT NULL, why VARCHAR(200) NOT NULL, PRIMARY KEY (id));
CREATE INDEX ix_conflicts_global_id ON conflicts (global_id);
CREATE TABLE runs (n {serial} NOT NULL, run_id VARCHAR(64) NOT NULL, finished_at FLOAT NOT NULL,
    source VARCHAR(40) NOT NULL, destination VARCHAR(40) NOT NULL, entity VARCHAR(20) NOT NULL, created INTEGER,
    updated INTEGER, unchanged INTEGER, linked INTEGER, skipped INTEGER, rejected INTEGER, dry_run BOOLEAN,
    PRIMARY KEY (n));
CREATE INDEX ix_runs_run_id ON runs (run_id);
"""

PREVIOUS_DATA = """
INSERT INTO links VALUES ('poweroffice', 'customers', '101', 'g-ola', 'customer', '{{}}', 1.0);
INSERT INTO links VALUES ('shopify', 'customers', 'gid://shopify/Customer/7', 'g-ola', 'customer', '{{}}', 1.0);
INSERT INTO links VALUES ('poweroffice', 'products', '201', 'g-cup', 'product', NULL, 1.0);
INSERT INTO links VALUES ('shopify', 'products', 'gid://shopify/Product/9', 'g-cup', 'product',
    '{{"variant_id": "gid://shopify/ProductVariant/91"}}', 1.0);
INSERT INTO shadows VALUES ('g-ola', 'shopify', 'customer', '{{"email": "ola@example.no"}}', 'h', NULL, 1.0);
INSERT INTO match_keys VALUES ('customer', 'email:ola@example.no', 'g-ola');
INSERT INTO runs (run_id, finished_at, source, destination, entity, created, updated, unchanged, linked, skipped,
    rejected, dry_run) VALUES ('run-1', 1700000000.0, 'poweroffice', 'shopify', 'customer', 1, 0, 0, 1, 0, 0, {false});
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """An empty database: a new SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/talk.db"
        return
    server = sa.engine.make_url(request.getfixturevalue("postgres_url"))
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def execute_script(url: str, script: str) -> None:
    engine = sa.create_engine(url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for statement in script.format(serial="SERIAL" if postgres else "INTEGER",
                                       false="FALSE" if postgres else "0").split(";"):
            if statement.strip():
                conn.exec_driver_sql(statement)
    engine.dispose()


def revision(url: str) -> str | None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = migrations.current(conn)
    engine.dispose()
    return found


def test_a_store_the_previous_talk_wrote_is_upgraded_with_its_data_kept(url):
    execute_script(url, PREVIOUS_SCHEMA)
    execute_script(url, PREVIOUS_DATA)
    assert revision(url) == migrations.BASELINE  # recognised by its tables

    store = IdentityStore(url)

    assert store.revisions == (migrations.BASELINE, migrations.HEAD)
    assert revision(url) == migrations.HEAD
    assert store.global_id("poweroffice", "customers", "101") == "g-ola"
    assert store.link_for("shopify", "customer", "g-ola").native_id == "gid://shopify/Customer/7"
    assert store.shadow("g-ola", "shopify") == {"email": "ola@example.no"}
    assert store.match("customer", ["email:ola@example.no"]) == "g-ola"
    # The Shopify product link became the link of its variant, the product kept as an extra.
    cup = store.link_for("shopify", "product", "g-cup")
    assert (cup.entity, cup.native_id, cup.extra) == (
        "product_variants", "gid://shopify/ProductVariant/91", {"product_id": "gid://shopify/Product/9"})
    # The earlier run is in the run history, as a run that got to its end, its start unknown.
    [run] = run_history.latest(store)
    assert (run["run_id"], run["source"], run["destination"], run["status"]) == ("run-1", "poweroffice", "shopify", "succeeded")
    assert run["started_at"] is None and run["finished_at"] == 1700000000.0
    assert [(r["entity"], r["created"], r["linked"]) for r in run_history.entity_counts(store, ["run-1"])] == [("customer", 1, 1)]
    # New writes use the new run history, and opening the store again changes nothing.
    store.record_run("run-2", "poweroffice", "shopify", {("poweroffice", "product"): {"updated": 2}}, started_at=1700000100.0)
    again = IdentityStore(url)
    assert again.revisions == (migrations.HEAD, migrations.HEAD)
    assert [r["run_id"] for r in run_history.latest(again)] == ["run-2", "run-1"]
    assert again.link_for("shopify", "product", "g-cup").native_id == "gid://shopify/ProductVariant/91"


def test_a_new_store_ends_at_the_newest_revision_with_the_tables_schema_py_declares(url):
    store = IdentityStore(url)
    assert store.revisions == (None, migrations.HEAD)
    with store.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_a_store_brought_up_from_the_baseline_has_what_create_all_makes(tmp_path):
    """The revisions are the history, schema.py what the code uses: they must agree on every
    table, column, index and unique constraint."""
    upgraded, new, created = (sa.create_engine(f"sqlite:///{tmp_path}/{name}.db") for name in ("upgraded", "new", "created"))
    execute_script(str(upgraded.url), PREVIOUS_SCHEMA)
    IdentityStore(str(upgraded.url))
    IdentityStore(str(new.url))
    metadata.create_all(created)

    def described(engine: sa.Engine) -> dict:
        inspector = sa.inspect(engine)
        return {table: (
            [(c["name"], str(c["type"]), c["nullable"], c["primary_key"]) for c in inspector.get_columns(table)],
            sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
            sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
        ) for table in inspector.get_table_names() if table != migrations.VERSION_TABLE}

    assert described(upgraded) == described(created) == described(new)


def test_the_newest_revision_is_the_one_the_store_checks_for():
    script = ScriptDirectory.from_config(migrations.config())
    assert script.get_heads() == [migrations.HEAD]
    assert [r.revision for r in script.walk_revisions()][-1] == migrations.BASELINE


def test_talk_store_version_and_upgrade_say_where_the_store_is(tmp_path):
    from click.testing import CliRunner

    from talk.cli import main

    url = f"sqlite:///{tmp_path}/talk.db"
    execute_script(url, PREVIOUS_SCHEMA)
    runner = CliRunner()
    version = runner.invoke(main, ["store", "version", "--store-url", url])
    assert version.output.startswith(f"{migrations.BASELINE} (the newest is {migrations.HEAD}")
    assert revision(url) == migrations.BASELINE  # looking changed nothing
    upgrade = runner.invoke(main, ["store", "upgrade", "--store-url", url])
    assert upgrade.output == f"identity store {url}: {migrations.BASELINE} -> {migrations.HEAD}\n"
    assert runner.invoke(main, ["store", "version", "--store-url", url]).output == f"{migrations.HEAD} (the newest)\n"
    assert "already at" in runner.invoke(main, ["store", "upgrade", "--store-url", url]).output
