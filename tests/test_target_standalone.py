"""A target on its own: a Talk-model stream from a file (a CSV export, say) into Shopify."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from harness import FIXTURES, SECRETS, Talk

INPUT = FIXTURES / "talk" / "customers-and-products.singer"


def run_target(talk: Talk, tmp_path: Path, name: str, **config) -> subprocess.CompletedProcess:
    base = {"base_url": talk.urls["shopify"], "access_token": SECRETS["shopify"][0], "store_url": talk.store_url,
            "reject_log": str(talk.reject_path), "create_from": ["csv"]}
    config_file = tmp_path / f"{name}.json"
    config_file.write_text(json.dumps({**base, **config}))
    with INPUT.open() as stdin:
        return subprocess.run(["target-shopify", "--config", str(config_file)], stdin=stdin, capture_output=True, text=True)


def shopify_emails(talk: Talk) -> list[str]:
    from target_shopify.client import ShopifyClient
    client = ShopifyClient({"base_url": talk.urls["shopify"], "access_token": SECRETS["shopify"][0]})
    try:
        return [c.get("email") for c in client.index("customers")]
    finally:
        client.close()


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(talk: Talk, tmp_path):
    result = run_target(talk, tmp_path, "dry", dry_run=True, fail_on_reject=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert talk.writes("shopify") == []
    summary = next(line for line in result.stderr.splitlines() if "Talk run summary" in line)
    counts = json.loads(summary.split("Talk run summary: ", 1)[1])["counts"]["csv"]
    assert counts["customer"]["created"] == 2 and counts["customer"]["rejected"] == 1
    assert counts["product"]["created"] == 1
    assert talk.store.counts()["links"] == 0


def test_a_talk_stream_from_a_file_is_created_linked_and_its_bad_record_rejected(talk: Talk, tmp_path):
    result = run_target(talk, tmp_path, "real", fail_on_reject=True)
    assert result.returncode == 3, "with fail_on_reject a rejected record is reported in the exit status"
    assert "1 record(s) rejected" in result.stderr
    emails = shopify_emails(talk)
    assert "astrid.lund@example.no" in emails and "post@havbris.example.no" in emails
    assert "no-name@example.no" not in emails
    rejects = talk.rejects()
    assert [r["source"]["id"] for r in rejects] == ["3"]
    assert "a person needs a first or last name" in rejects[0]["reason"]
    assert talk.store.link_for("shopify", "customer", "csv-customer-1") is not None

    again = run_target(talk, tmp_path, "again", fail_on_reject=False)
    assert again.returncode == 0
    assert sorted(emails) == sorted(shopify_emails(talk)), "a second run creates nothing new"


def test_a_pipeline_without_the_mapper_fails_at_once_with_a_clear_message(talk: Talk, tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"base_url": talk.urls["shopify"], "access_token": SECRETS["shopify"][0],
                                  "store_url": talk.store_url}))
    native = '{"type": "SCHEMA", "stream": "customers", "schema": {"type": "object", "properties": {}}, "key_properties": []}\n'
    result = subprocess.run(["target-shopify", "--config", str(config)], input=native, capture_output=True, text=True)
    assert result.returncode != 0
    assert "not 'customers'" in result.stderr and "mapper-talk" in result.stderr
