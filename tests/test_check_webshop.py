"""`talk check-webshop` passes the reference implementation and tells a webshop developer what
to fix in a broken one (the sandbox with its defects switched on), over real loopback HTTP."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from click.testing import CliRunner

from talk.cli import main
from talk_sandbox.processes import running

KEY = "cws_sandbox_api_key_0123456789"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running(["customwebshop"], tmp_path_factory.mktemp("check-webshop")) as urls:
        with httpx.Client(base_url=urls["customwebshop"], timeout=10) as admin:
            admin.post("/_sandbox/seed")
            yield admin


def check(shop, defects=(), key=KEY):
    shop.post("/_sandbox/settings", json={"defects": list(defects)})
    return CliRunner().invoke(main, ["check-webshop", f"{shop.base_url}/api/v1", "--api-key", key])


def failures(output: str) -> list[str]:
    return [line.removeprefix("FAIL  ") for line in output.splitlines() if line.startswith("FAIL")]


def test_the_sandbox_passes_every_check_and_archives_its_test_records(shop):
    result = check(shop)
    assert result.exit_code == 0, result.output
    assert "40 checks: 40 passed, 0 failed, 0 skipped" in result.output and KEY not in result.output
    mine = [c for c in shop.get("/_sandbox/records/customers").json() if (c["external_reference"] or "").startswith("talk-check-")]
    assert len(mine) == 3 and all(c["archived"] for c in mine)
    orders = [o for o in shop.get("/_sandbox/records/orders").json() if (o["external_reference"] or "").startswith("talk-check-")]
    assert orders and all(o["status"] == "cancelled" for o in orders)


@pytest.fixture(scope="module")
def broken(shop):
    """One run against the sandbox with every defect switched on: each must be named on its own."""
    result = check(shop, ["no_next_cursor", "ignore_updated_since", "ignore_if_match", "plain_errors", "new_line_ids"])
    shop.post("/_sandbox/settings", json={"defects": []})
    assert result.exit_code == 1
    return result.output


def test_a_missing_next_cursor_is_reported_as_unpageable(broken):
    assert "customers: list pages with limit and cursor, every record once" in failures(broken)
    assert "GET /customers?limit=2: `next_cursor` missing from the response body; the client cannot page" in broken


def test_an_ignored_updated_since_is_reported_per_record(broken):
    for entity in ("customers", "products", "orders"):
        assert f"{entity}: updated_since returns only records changed after it" in failures(broken)
    assert "updated_since must return only records with updated_at strictly after it" in broken


def test_a_stale_if_match_that_is_applied_is_a_lost_update(broken):
    assert "customers: update with a stale If-Match gives 412 version_conflict" in failures(broken)
    assert "a PATCH with If-Match \"1\" was applied although the record is at version 2" in broken


def test_a_line_that_changes_its_id_when_changed_is_named(broken):
    assert "orders: changing a line's quantity keeps the line's id and the other lines" in failures(broken)
    assert "the line's id changed from 'lin_" in broken and "a line must keep its id for the order's life" in broken
    assert "orders: adding a line answers 201 with the line; the order's version and updated_at move" not in failures(broken)


def test_a_line_write_on_a_stale_if_match_is_named(broken):
    assert "orders: a line write with a stale If-Match gives 412 version_conflict" in failures(broken)


def test_error_bodies_in_another_shape_are_named(broken):
    assert "authentication: no X-API-Key gives 401 unauthorized" in failures(broken)
    assert "`error` missing from the error body; error answers must be" in broken
    assert "customers: create answers 201 with the record" not in failures(broken)


def test_a_refused_key_is_one_line_and_nothing_is_written(shop):
    wrong = "cws_not_the_right_key_987"
    shop.delete("/_sandbox/log")
    result = check(shop, key=wrong)
    assert result.exit_code == 1 and wrong not in result.output
    assert result.output.strip().splitlines() == [
        f"Error: the webshop at {shop.base_url}/api/v1 refused the API key (401): check --api-key / TALK_WEBSHOP_API_KEY"]
    requests = [(e["method"], e["path"]) for e in shop.get("/_sandbox/log").json() if e["path"].startswith("/api/")]
    assert requests == [("GET", "/api/v1/customers")]  # the other checks did not run


def test_a_url_without_the_api_path_names_the_one_to_try(shop):
    result = CliRunner().invoke(main, ["check-webshop", str(shop.base_url), "--api-key", KEY])
    assert result.exit_code == 1 and KEY not in result.output
    assert result.output.strip().splitlines() == [
        f"Error: {shop.base_url} answers 404 on GET /customers: the API's URL ends in /api/v1; try {shop.base_url}/api/v1"]


class FrontPage(BaseHTTPRequestHandler):
    """A shop's web front: every path is an HTML page."""

    def do_GET(self):  # noqa: N802
        body = b"<!doctype html><html><body>Welcome to our shop</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_url_that_answers_html_names_the_api_url_to_try():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FrontPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        result = CliRunner().invoke(main, ["check-webshop", url, "--api-key", KEY])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1 and KEY not in result.output
    assert result.output.strip().splitlines() == [
        f"Error: {url} answers GET /customers with text/html, not the API's JSON: the API's URL ends in /api/v1; try {url}/api/v1"]


def test_nothing_listening_is_one_line_not_a_crash():
    result = CliRunner().invoke(main, ["check-webshop", "http://127.0.0.1:9/api/v1", "--api-key", KEY, "--timeout", "2"])
    assert result.exit_code == 1 and KEY not in result.output
    assert result.output.strip().splitlines() == ["Error: nothing answers at http://127.0.0.1:9/api/v1: is the webshop running?"]
