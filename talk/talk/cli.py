"""The `talk` command: sandboxes, run reports, flow documentation, reject log."""
from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import click
import httpx
import sqlalchemy as sa

from . import docs as flow_docs
from . import jobs
from .rejects import DEFAULT_PATH as DEFAULT_REJECTS
from . import migrations, run_history
from . import status as sync_status
from .store import COUNTS, DEFAULT_URL, IdentityStore


@click.group()
def main() -> None:
    """Talk: two-way sync of customers, products and orders between business systems."""


# -- sandbox -------------------------------------------------------------------------------------
@main.group()
def sandbox() -> None:
    """Local emulators of the systems' APIs (real HTTP servers on loopback)."""


def _systems(selected: tuple[str, ...]) -> list[str]:
    from talk_sandbox.systems import SYSTEMS

    unknown = [s for s in selected if s not in SYSTEMS]
    if unknown:
        raise click.BadParameter(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(SYSTEMS)}")
    return list(selected) or list(SYSTEMS)


def _url(system: str) -> str:
    from talk_sandbox.processes import base_url

    return base_url(system)


@sandbox.command()
@click.argument("systems", nargs=-1)
def start(systems: tuple[str, ...]) -> None:
    """Start emulators in the background (all by default) and print their base URLs."""
    from talk_sandbox import processes
    from talk_sandbox.systems import SYSTEMS

    for system in _systems(systems):
        url, pid = processes.start(system)
        click.echo(f"{SYSTEMS[system]['title']:<16} {url}  (pid {pid})")


@sandbox.command()
@click.argument("systems", nargs=-1)
def stop(systems: tuple[str, ...]) -> None:
    """Stop emulators started with `talk sandbox start`."""
    from talk_sandbox import processes

    for system in _systems(systems):
        click.echo(f"{system}: {'stopped' if processes.stop(system) else 'not running'}")


@sandbox.command()
@click.argument("systems", nargs=-1)
@click.option("--customers", type=int, default=0, help="Generate this many customers instead of the demo data.")
@click.option("--products", type=int, default=0, help="Generate this many products.")
@click.option("--orders", type=int, default=0, help="Generate this many orders.")
@click.option("--keep", is_flag=True, help="Add to what the sandbox holds instead of starting from empty.")
def seed(systems: tuple[str, ...], customers: int, products: int, orders: int, keep: bool) -> None:
    """Load deterministic demo data (or a sized data set) into running emulators."""
    for system in _systems(systems):
        url = _url(system)
        try:
            if not keep:
                httpx.post(f"{url}/_sandbox/reset", timeout=30).raise_for_status()
            response = httpx.post(f"{url}/_sandbox/seed", params={"customers": customers, "products": products,
                                                                  "orders": orders}, timeout=600)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise click.ClickException(f"{system} sandbox at {url} did not take the seed ({exc}); is it started?")
        counts = response.json()
        click.echo(f"{system}: " + ", ".join(f"{n} {entity}" for entity, n in counts.items()))


@sandbox.command()
@click.argument("system")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@click.option("--clear", is_flag=True, help="Empty the log after printing it.")
@click.option("--summary", is_flag=True, help="Only count reads and writes.")
def log(system: str, as_json: bool, clear: bool, summary: bool) -> None:
    """Print an emulator's request log (method, path, status, time; GraphQL operation and fields)."""
    url = _url(_systems((system,))[0])
    try:
        entries = httpx.get(f"{url}/_sandbox/log", timeout=30).json()
        if clear:
            httpx.delete(f"{url}/_sandbox/log", timeout=30)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{system} sandbox at {url} is not answering ({exc})")
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    if summary:
        from talk_sandbox.common.requestlog import is_write

        writes = sum(1 for e in entries if is_write(e))
        click.echo(f"{system}: {len(entries)} requests, {len(entries) - writes} reads, {writes} writes")
        return
    for e in entries:
        gql = f" {e['operation']} {','.join(e['root_fields'] or [])}" if e.get("operation") else ""
        click.echo(f"{e['method']:<6} {e['status']} {e['duration_ms']:>8.1f}ms {e['path']}{gql}")


# -- runs ----------------------------------------------------------------------------------------
SHOWN_FAILURES = 20  # the newest failed runs `talk report` lists
STORE_URL_OPTION = click.option("--store-url", envvar="TALK_STORE_URL",
                                help="Identity store URL (default sqlite:///var/talk.db).")


def existing_store(store_url: str | None) -> IdentityStore | None:
    """The identity store, or None when it is a SQLite file that does not exist yet (no run
    yet): a command that only reads does not create one. (Opening a store of an earlier Talk
    upgrades it, as every run would.)"""
    url = store_url or DEFAULT_URL
    return None if store_file_missing(url) else IdentityStore(url)


def store_file_missing(url: str) -> bool:
    database = sa.engine.make_url(url).database if url.startswith("sqlite") else None
    return bool(database) and database != ":memory:" and not Path(database).exists()


def _no_store(store_url: str | None) -> str:
    return f"no identity store at {store_url or DEFAULT_URL}"


@main.command()
@STORE_URL_OPTION
@click.option("--runs", "last", type=int, default=0, help="Only the last N pipeline runs.")
def report(store_url: str | None, last: int) -> None:
    """Created / updated / unchanged / rejected per pipeline and entity, from the identity
    store, and every pipeline run that failed, with why (`talk status`: the last run of each)."""
    store = existing_store(store_url)
    pipeline_runs = run_history.latest(store, last or None) if store else []
    if not pipeline_runs:
        click.echo(f"no runs yet ({_no_store(store_url)})" if store is None else "no runs yet")
        return
    click.echo(render_report(run_history.entity_counts(store, [run["run_id"] for run in pipeline_runs])))
    unfinished = [run for run in reversed(pipeline_runs) if run["status"] != run_history.SUCCEEDED]
    if unfinished:
        click.echo("")
    if len(unfinished) > SHOWN_FAILURES:
        click.echo(f"{len(unfinished) - SHOWN_FAILURES} earlier failed run(s) not shown (--runs N: the last N runs)")
    for line in render_unfinished(unfinished[-SHOWN_FAILURES:]):
        click.echo(line)


def render_unfinished(pipeline_runs: list[dict]) -> list[str]:
    """A line per pipeline run that failed (with why) or is still running."""
    lines = []
    for run in pipeline_runs:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run["started_at"] or run["finished_at"]))
        took = run_history.duration(run)
        lasted = "" if took is None else f" after {took:.1f}s" if run["status"] == run_history.FAILED else f" for {took:.0f}s"
        reason = f": {run['reason']}" if run["reason"] else ""
        lines.append(f"{when} {run['source']} -> {run['destination']} {run['status'].upper()}{lasted}{reason}")
    return lines


@main.command(help="""How the sync stands: per flow, each pipeline's last run (when, in local time;
how long; succeeded, failed with why, or running) with what it created, updated, left
unchanged, linked, skipped and rejected; then the open rejects and the conflicts per
destination and the links per Talk entity and system. A run killed outside `talk run` shows
as failed ("did not finish") once its process is gone.

With --json, one object:

""" + sync_status.SHAPE)
@STORE_URL_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print it as one JSON object (for monitoring; shape above).")
def status(store_url: str | None, as_json: bool) -> None:
    store = existing_store(store_url)
    if store is None:
        click.echo(json.dumps(sync_status.nothing_yet(store_url or DEFAULT_URL), indent=2) if as_json
                   else f"no runs yet ({_no_store(store_url)})")
        return
    found = sync_status.collect(store)
    click.echo(json.dumps(found, indent=2) if as_json else sync_status.render(found))


def render_report(rows: list[dict]) -> str:
    totals: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for row in rows:
        key = (row["source"], row["destination"], row["entity"] + (" (dry run)" if row["dry_run"] else ""))
        for count in COUNTS:
            totals[key][count] += row[count] or 0
    header = f"{'pipeline':<30} {'entity':<12}" + "".join(f"{c:>10}" for c in COUNTS)
    lines = [header, "-" * len(header)]
    for (source, destination, entity), counts in totals.items():
        lines.append(f"{source + ' -> ' + destination:<30} {entity:<12}" + "".join(f"{counts[c]:>10}" for c in COUNTS))
    return "\n".join(lines)


@main.command()
@STORE_URL_OPTION
@click.option("--all", "show_all", is_flag=True, help="Dismissed rejects too.")
@click.option("--json", "as_json", is_flag=True, help="Print the queue as JSON (for monitoring).")
@click.option("--dismiss", metavar="ID", help="Stop retrying this reject (or 'all').")
@click.option("--retry", metavar="ID", help="Retry a dismissed reject again on every run (or 'all').")
@click.option("--recreate", metavar="ID", type=int, help="A record deleted in its destination: create it again on the next run.")
@click.option("--unlink", metavar="ID", type=int, help="A record deleted in its destination: stop syncing it there.")
def rejects(store_url: str | None, show_all: bool, as_json: bool, dismiss: str | None, retry: str | None,
            recreate: int | None, unlink: int | None) -> None:
    """Records that did not sync: each is tried again on every run until it syncs or is dismissed.

    The history of every reject, with the record as it was, is in the reject log
    (var/rejects.jsonl, TALK_REJECT_LOG)."""
    store = existing_store(store_url)
    if store is None:
        click.echo(f"no open rejects ({_no_store(store_url)}: no run yet)")
        return
    if dismiss or retry:
        target = dismiss or retry
        changed = store.queue.set_status(None if target == "all" else _reject_id(target), "dismissed" if dismiss else "open")
        click.echo(f"{changed} reject(s) {'dismissed' if dismiss else 'reopened: retried on every run'}")
        return
    if recreate or unlink:
        row = next((r for r in store.queue.entries(include_dismissed=True) if r["id"] == (recreate or unlink)), None)
        if row is None or not row["global_id"] or not row["destination"]:
            raise click.ClickException(f"no reject {recreate or unlink} with a destination record (see `talk rejects`)")
        drop = store.drop_link if recreate else store.unlink
        link = drop(row["destination"], row["talk_entity"], row["global_id"])
        what = f"{row['talk_entity']} {row['label'] or row['global_id']}"
        if recreate:
            store.queue.set_status(row["id"], "open")
            click.echo(f"{what}: unlinked from {row['destination']}; the next run creates it there again"
                       + ("" if link else " (it was not linked)"))
        else:
            store.queue.set_status(row["id"], "dismissed")
            click.echo(f"{what}: no longer synced to {row['destination']} (reject {row['id']} dismissed)")
        return
    rows = store.queue.entries(include_dismissed=show_all)
    if as_json:
        click.echo(json.dumps([{k: v for k, v in r.items() if k != "record"} for r in rows], indent=2, default=str))
        return
    if not rows:
        click.echo("no open rejects" if not show_all else "no rejects")
        return
    click.echo(render_rejects(rows))


def _reject_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a reject id (see `talk rejects`) nor 'all'") from None


def render_rejects(rows: list[dict]) -> str:
    def when(t: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))

    lines = [f"{'id':>5}  {'into':<14} {'entity':<9} {'record':<48} {'tries':>5}  {'first seen':<16} {'last seen':<16} reason"]
    for r in rows:
        record = f"{r['label'] or r['global_id'] or ''} ({r['source_system']} {r['source_entity']} {r['source_id']})"
        into = r["destination"] or "(mapping)"
        status = " [dismissed]" if r["status"] == "dismissed" else ""
        lines.append(f"{r['id']:>5}  {into:<14} {r['talk_entity']:<9} {record[:48]:<48} {r['attempts']:>5}  "
                     f"{when(r['first_seen']):<16} {when(r['last_seen']):<16} [{r['stage']}] {r['reason']}{status}")
    return "\n".join(lines)


@main.command()
@STORE_URL_OPTION
@click.option("--limit", type=int, default=50, show_default=True, help="How many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
def conflicts(store_url: str | None, limit: int, as_json: bool) -> None:
    """Properties both sides changed since the last sync: the record, both values, which won and why."""
    store = existing_store(store_url)
    rows = store.conflicts(limit) if store else []
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("no conflicts")
    for r in rows:
        click.echo(f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(r['at']))} {r['talk_entity']} {r['label'] or r['global_id']}: "
                   f"{r['property']} {r['source_system']}={r['source_value']!r} vs {r['destination_system']}="
                   f"{r['destination_value']!r} -> {r['winner']} ({r['why']})")


@main.group("store")
def store_commands() -> None:
    """The identity store's schema: which revision it is at, and bringing it to the newest.
    (Every run brings the store it opens to the newest revision by itself.)"""


@store_commands.command("version")
@STORE_URL_OPTION
def store_version(store_url: str | None) -> None:
    """The store's schema revision, and whether it is the newest; changes nothing."""
    url = store_url or DEFAULT_URL
    if store_file_missing(url):
        click.echo(_no_store(store_url))
        return
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            revision = migrations.current(conn)
    finally:
        engine.dispose()
    if revision == migrations.HEAD:
        click.echo(f"{revision} (the newest)")
    else:
        click.echo(f"{revision or 'empty'} (the newest is {migrations.HEAD}: `talk store upgrade` or any run brings it there)")


@store_commands.command("upgrade")
@STORE_URL_OPTION
def store_upgrade(store_url: str | None) -> None:
    """Bring the store to the newest schema revision (a new store is created), printing the
    revision before and after."""
    before, after = IdentityStore(store_url).revisions
    shown = sa.engine.make_url(store_url or DEFAULT_URL).render_as_string(hide_password=True)
    click.echo(f"identity store {shown}: {before or 'empty'} -> {after}" if before != after
               else f"identity store {shown}: already at {after}, the newest")


@main.command()
@click.option("--clear", is_flag=True, help="Empty the plan after printing it.")
def preview(clear: bool) -> None:
    """What dry runs planned (TARGET_<SYSTEM>_DRY_RUN=true): each record they would create,
    link or update, named as a person knows it."""
    from .preview import default_path, read as read_preview

    path = default_path(os.environ.get("TALK_REJECT_LOG") or DEFAULT_REJECTS)
    lines = read_preview(path)
    if not lines:
        click.echo("no dry run planned anything yet")
    for line in lines:
        click.echo(f"{line['at']} {line['text']}")
    if clear and path.exists():
        path.unlink()


@main.command()
@click.option("--flow", help="Only this flow (e.g. poweroffice-shopify).")
@click.option("--out", type=click.Path(file_okay=False), help="Write one .rst file per flow into this directory.")
def docs(flow: str | None, out: str | None) -> None:
    """The documented flows' property tables, rendered from the mapping files."""
    from .flows import load as load_flows

    known = list(load_flows())
    if flow is not None and flow not in known:
        raise click.BadParameter(f"no flow {flow!r}; known flows: {', '.join(known)}", param_hint="--flow")
    rendered = flow_docs.render_all(flow)
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        for name, text in rendered.items():
            (Path(out) / f"{name}.rst").write_text(text)
            click.echo(f"wrote {Path(out) / f'{name}.rst'}")
    else:
        click.echo("\n\n".join(rendered.values()))


@main.command("check-webshop")
@click.argument("url")
@click.option("--api-key", required=True, envvar="TALK_WEBSHOP_API_KEY", show_envvar=True,
              help="The webshop's API key (sent as X-API-Key; never printed).")
@click.option("--timeout", default=15.0, show_default=True, help="Seconds to wait for each response.")
def check_webshop(url: str, api_key: str, timeout: float) -> None:
    """Test a Custom Webshop API implementation at URL (e.g. http://127.0.0.1:8705/api/v1)
    against Talk's API document; exits 1 if any check fails.

    It WRITES to the webshop: it creates 3 customers, 3 products and 3 orders marked as test
    records (external_reference "talk-check-<run>", names starting "Talk check", SKUs
    "TALK-CHECK-..."), updates them, and at the end archives the customers and products and
    cancels the orders (the API has no delete). Run it against a test shop. Talk's own flows
    never sync these records (the `ignore` rule in the webshop's mapping file).
    """
    from .webshop_api.check import check_webshop as run_checks, render
    from .webshop_api.preflight import Unusable

    try:
        outcomes = run_checks(url, api_key, timeout)
    except Unusable as reason:  # one line instead of forty checks failing for the same reason
        raise click.ClickException(str(reason)) from None
    click.echo(render(outcomes))
    if any(outcome.status == "FAIL" for outcome in outcomes):
        sys.exit(1)


# -- jobs ----------------------------------------------------------------------------------------
@main.command("run")
@click.argument("names", nargs=-1, required=True, metavar="JOB [JOB...]")
@click.option("--fail-on-reject", is_flag=True, envvar="TALK_FAIL_ON_REJECT", show_envvar=True,
              help="Exit with status 3 when records were rejected in this run (they wait in the retry queue either way).")
@click.option("--full-refresh", is_flag=True, help="Read everything again, ignoring saved bookmarks.")
@click.option("--force", is_flag=True, help="Run even though Meltano still marks a killed earlier run as running.")
@click.option("--no-state-update", is_flag=True, help="Do not save bookmarks (a trial run).")
@click.option("--environment", help="Meltano environment (default: meltano.yml's default_environment).")
@click.option("--store-url", envvar="TALK_STORE_URL", help="Identity store URL (default sqlite:///var/talk.db).")
def run_job(names: tuple[str, ...], fail_on_reject: bool, full_refresh: bool, force: bool, no_state_update: bool,
            environment: str | None, store_url: str | None) -> None:
    """Run Meltano jobs (`meltano run JOB`), each in a Meltano run directory of its own so that
    jobs can run at the same time, then print per pipeline and entity what they created,
    updated, left unchanged, linked, skipped and rejected.

    A job runs all its pipelines even when one rejected records. Exit status: 0; 3 when
    records were rejected and --fail-on-reject (or TALK_FAIL_ON_REJECT=true) is given;
    Meltano's own status when a pipeline failed.
    """
    flags = {"--full-refresh": full_refresh, "--force": force, "--no-state-update": no_state_update}
    meltano_options = tuple(flag for flag, given in flags.items() if given)
    try:
        result = jobs.run_jobs(names, meltano_options, ("--environment", environment) if environment else (), store_url)
    except FileNotFoundError as missing:  # no meltano.yml here or above
        raise click.ClickException(f"{missing}: run talk run in the Talk project (or set MELTANO_PROJECT_ROOT)") from None
    click.echo(f"\ntalk run {' '.join(names)}")
    click.echo(render_report(result.rows))
    for line in result.verdict():
        click.echo(line)
    sys.exit(result.exit_status(fail_on_reject))


# -- a new system ----------------------------------------------------------------------------------
@main.command("new-system")
@click.argument("name")
@click.option("--title", help="How people call the system (default: NAME capitalised).")
@click.option("--flow-with", "partner", default="customwebshop", show_default=True,
              help="Add a flow NAME-SYSTEM (customers) to flows.yml and its job; 'none' for no flow.")
@click.option("--port", type=int, help="The emulator's default port (default: the next one no system uses).")
@click.option("--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=".",
              show_default=True, help="The Talk project to add it to.")
def new_system(name: str, title: str | None, partner: str, port: int | None, root: Path) -> None:
    """Scaffold a new system NAME: taps/tap-NAME, targets/target-NAME (client, mapping file,
    emulator, registration), plugins/NAME.meltano.yml, tests that pass as generated and
    docs/systems/NAME.md. Then `uv lock && make install` (the lock learns the two new packages)
    and see docs/adding-a-system.md."""
    from .scaffold import ScaffoldError, create

    try:
        written = create(root, name, title, None if partner == "none" else partner, port)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    for path in written:
        click.echo(f"wrote {path.relative_to(root.resolve())}")
    click.echo(f"\nNext: uv lock && make install, then `talk sandbox start {name}` and the generated tests "
               f"(pytest taps/tap-{name} targets/target-{name}); docs/adding-a-system.md has the rest.")


if __name__ == "__main__":
    sys.exit(main())
