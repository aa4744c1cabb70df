"""Webhooks: registration tests the target first, changes of contacts and sales reach it signed
with X-SuperOffice-Signature (base64 HMAC-SHA256 of the body with the secret), deliveries never
hold up the change, failed ones are retried a bounded number of times, targets are loopback only."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx

from .conftest import agent, ok

SECRET = "webhook-secret-for-the-sandbox"


def register(api, receiver, events: list[str], **extra) -> dict:
    return ok(api.post("/Webhook", json={"Name": "Talk", "Events": events, "TargetUrl": receiver.url, "Secret": SECRET,
                                         "State": "Active", "Type": "webhook", **extra}))


def signed_correctly(call: dict) -> bool:
    expected = base64.b64encode(hmac.new(SECRET.encode(), call["body"], hashlib.sha256).digest()).decode()
    return hmac.compare_digest(call["headers"]["X-SuperOffice-Signature"], expected)


def test_registration_sends_a_test_event_and_a_contact_change_arrives_signed(api, receiver):
    webhook = register(api, receiver, ["contact.created", "contact.changed"])
    assert webhook["WebhookId"] > 0 and webhook["State"] == "Active" and list(webhook)[-1] == "_Links"
    test = receiver.events("test")
    assert len(test) == 1 and test[0]["headers"]["X-Hook-Test"] == "true" and signed_correctly(test[0])

    ok(api.patch("/Contact/1", json={"Department": "Innkjøp"}))
    call = receiver.wait_for("contact.changed")[0]
    assert signed_correctly(call)
    payload = json.loads(call["body"])
    assert (payload["Event"], payload["Entity"], payload["PrimaryKey"], payload["ContextIdentifier"]) == (
        "contact.changed", "contact", 1, "Cust12345")
    assert "department" in payload["Changes"] and "updated" in payload["Changes"]
    assert payload["WebhookName"] == "Talk" and call["headers"]["X-SuperOffice-EventId"] == payload["EventId"]
    assert payload["Timestamp"].endswith("Z")

    created = ok(api.post("/Contact", json={"Name": "Ny Kunde AS"}))
    assert json.loads(receiver.wait_for("contact.created")[0]["body"])["PrimaryKey"] == created["ContactId"]
    ok(api.patch("/Person/1", json={"Title": "Sjef"}))  # not subscribed: nothing sent
    time.sleep(0.3)
    assert receiver.events("person.changed") == []


def test_sale_changes_and_a_sale_marked_sold(api, receiver):
    register(api, receiver, ["sale.changed", "sale.sold"])
    ok(api.patch("/Sale/1", json={"Probability": 80}))
    assert json.loads(receiver.wait_for("sale.changed")[0]["body"])["PrimaryKey"] == 1
    alternative = ok(agent(api, "GetQuoteEntityFromSaleId", {"SaleId": 1}))["QuoteVersions"][0]["QuoteAlternatives"][0]
    ok(agent(api, "PlaceOrder", {"QuoteAlternativeId": alternative["QuoteAlternativeId"], "MarkSaleAsSold": True}))
    sold = receiver.wait_for("sale.sold")
    assert len(sold) == 1 and json.loads(sold[0]["body"])["PrimaryKey"] == 1
    assert len(receiver.wait_for("sale.changed", 2)) == 2
    # A quote line change is no change of the sale: no event.
    line = ok(agent(api, "GetQuoteLines", {"QuoteAlternativeId": alternative["QuoteAlternativeId"]}))[0]
    ok(agent(api, "SaveQuoteLine", {"QuoteLine": {**line, "Quantity": 99}}))
    time.sleep(0.3)
    assert len(receiver.events("sale.changed")) == 2


def test_a_slow_target_never_holds_up_the_change(api, receiver):
    register(api, receiver, ["contact.changed"])
    receiver.delay = 2.0
    started = time.monotonic()
    ok(api.patch("/Contact/2", json={"Number1": "K-2"}))
    assert time.monotonic() - started < 1.0
    assert receiver.wait_for("contact.changed")


def test_failed_deliveries_are_retried_a_bounded_number_of_times(api, base, receiver):
    httpx.post(f"{base}/_sandbox/settings", json={"webhook_attempts": 3, "webhook_retry_delay_ms": 50})
    webhook = register(api, receiver, ["contact.changed"])
    receiver.status = 500
    ok(api.patch("/Contact/3", json={"Number1": "K-3"}))
    assert len(receiver.wait_for("contact.changed", 3)) == 3
    time.sleep(0.5)
    assert len(receiver.events("contact.changed")) == 3  # and no more
    stats = ok(api.get(f"/Webhook/{webhook['WebhookId']}"))
    assert (stats["TotalCalls"], stats["TotalErrors"], stats["LastError"]) == (3, 3, "HTTP 500")


def test_registration_refusals(api, receiver):
    far = api.post("/Webhook", json={"Name": "Far", "Events": ["contact.changed"], "TargetUrl": "https://example.com/hook"})
    assert far.status_code == 400 and "loopback" in far.json()["ErrorMessage"]
    receiver.server.shutdown()
    receiver.server.server_close()
    gone = api.post("/Webhook", json={"Name": "Gone", "Events": ["contact.changed"], "TargetUrl": receiver.url})
    assert gone.status_code == 400 and "test event" in gone.json()["ErrorMessage"]
    assert api.post("/Webhook", json={"Name": "No events", "Events": [], "TargetUrl": receiver.url}).status_code == 400
    assert ok(api.get("/Webhook")) == []
