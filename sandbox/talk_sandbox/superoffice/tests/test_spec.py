"""Every kind of answer the emulator gives validates against SuperOffice's Swagger specs, field
names included (skipped when the specs in ../shared/reference/superoffice are absent)."""
from __future__ import annotations

import pytest

from talk_sandbox.superoffice.spec_check import SpecChecker, load_specs


@pytest.fixture(scope="module")
def checker():
    specs = load_specs()
    if specs is None:
        pytest.skip("SuperOffice Swagger specs not found (set TALK_SUPEROFFICE_SPECS)")
    return SpecChecker(specs)


def valid(checker: SpecChecker, method: str, path: str, response, status: int = 200):
    assert response.status_code == status, response.text
    body = response.json() if response.content else None
    assert checker.response_errors(method, f"/api/v1{path}", status, body) == []
    return body


def test_entities_match_the_spec(api, checker):
    for name, id in (("Contact", 1), ("Person", 1), ("Sale", 2)):
        valid(checker, "get", f"/{name}/default", api.get(f"/{name}/default"))
        entity = valid(checker, "get", f"/{name}/{{id}}", api.get(f"/{name}/{id}"))
        valid(checker, "put", f"/{name}/{{id}}", api.put(f"/{name}/{id}", json=entity))
        valid(checker, "get", f"/{name}", api.get(f"/{name}", params={"$top": 2}))
    valid(checker, "post", "/Contact", api.post("/Contact", json={"Name": "Spec AS", "Category": {"Id": 1}}))
    valid(checker, "post", "/Person", api.post("/Person", json={"Firstname": "Spec", "Contact": {"ContactId": 1}}))
    valid(checker, "post", "/Sale", api.post("/Sale", json={"Heading": "Spec", "Contact": {"ContactId": 1}}))
    valid(checker, "get", "/Product/default", api.get("/Product/default"))
    product = valid(checker, "get", "/Product/{productId}", api.get("/Product/1"))
    valid(checker, "put", "/Product/{id}", api.put("/Product/1", json=product))
    valid(checker, "post", "/Product", api.post("/Product", json={"Name": "Spec", "ERPProductKey": "SPEC-1"}))
    valid(checker, "get", "/Product", api.get("/Product"))
    valid(checker, "delete", "/Person/{id}", api.delete("/Person/5"), 204)
    valid(checker, "get", "/Archive/{archiveProviderName}", api.get("/Archive/QuoteLine"))


def test_quote_agent_answers_match_the_spec(api, checker):
    def call(method: str, body: dict, status: int = 200):
        return valid(checker, "post", f"/Agents/Quote/{method}", api.post(f"/Agents/Quote/{method}", json=body), status)

    entity = call("GetQuoteEntityFromSaleId", {"SaleId": 2})
    version = entity["QuoteVersions"][0]
    call("GetQuoteVersion", {"QuoteVersionId": version["QuoteVersionId"]})
    alternatives = call("GetQuoteAlternatives", {"QuoteVersionId": version["QuoteVersionId"]})
    alternative_id = alternatives[0]["QuoteAlternativeId"]
    lines = call("GetQuoteLines", {"QuoteAlternativeId": alternative_id})
    call("GetQuoteLine", {"QuoteLineId": lines[0]["QuoteLineId"]})
    call("GetQuote", {"QuoteId": entity["QuoteId"]})
    sale = api.post("/Sale", json={"Heading": "Spec", "Contact": {"ContactId": 1}}).json()
    created = call("CreateAndSaveQuote", {"SaleId": sale["SaleId"], "FirstAlternativeName": "A"})
    new_version = created["QuoteVersions"][0]
    new_alternative = new_version["QuoteAlternatives"][0]
    draft = call("CreateQuoteLine", {"QuoteAlternativeId": new_alternative["QuoteAlternativeId"], "ERPProductKey": "SKU-1001"})
    saved = call("SaveQuoteLine", {"QuoteLine": draft})
    call("SaveQuoteAlternative", {**new_alternative, "DiscountPercent": 5})
    call("CreateQuoteAlternative", {"QuoteVersionId": new_version["QuoteVersionId"], "QuoteAlternativeName": "B"})
    call("SaveQuoteVersion", {"QuoteVersion": new_version})
    call("SaveQuote", {"Quote": {"QuoteId": created["QuoteId"], "PoNumber": "PO-1"}})
    call("PlaceOrder", {"QuoteAlternativeId": new_alternative["QuoteAlternativeId"], "MarkSaleAsSold": True})
    call("DeleteQuoteLine", {"QuoteLineId": saved["QuoteLineId"]}, 204)


def test_webhook_answers_match_the_spec(api, checker, receiver):
    valid(checker, "get", "/Webhook/default", api.get("/Webhook/default"))
    webhook = valid(checker, "post", "/Webhook", api.post("/Webhook", json={
        "Name": "Spec", "Events": ["contact.changed"], "TargetUrl": receiver.url, "Secret": "s", "State": "Active",
        "Type": "webhook"}))
    valid(checker, "get", "/Webhook/{id}", api.get(f"/Webhook/{webhook['WebhookId']}"))
    valid(checker, "put", "/Webhook/{id}", api.put(f"/Webhook/{webhook['WebhookId']}", json={"State": "Stopped"}))
    valid(checker, "get", "/Webhook", api.get("/Webhook"))
    valid(checker, "delete", "/Webhook/{id}", api.delete(f"/Webhook/{webhook['WebhookId']}"), 204)
