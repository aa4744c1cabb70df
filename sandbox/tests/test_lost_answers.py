"""An `after` fault on each emulator's create path: the create is applied and only its answer is
lost (a 503 instead, or the answer after the client has timed out). The record exists although
the client never learnt so: what Talk must cope with when it retries a create."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import httpx
import pytest

SHOPIFY_CREATE = "mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { message } } }"


@dataclass(frozen=True)
class Create:
    path: str
    rule: dict  # what picks the create request out of the others
    body: Callable[[str], dict]
    email_field: str


CREATES = {
    "poweroffice": Create("/v2/Customers", {"method": "POST", "path_prefix": "/v2/Customers"},
                          lambda email: {"Name": "Tapt Svar AS", "EmailAddress": email}, "EmailAddress"),
    # One GraphQL path carries every query and mutation: `body_contains` picks the mutation.
    "shopify": Create("/admin/api/2025-04/graphql.json",
                      {"method": "POST", "path_prefix": "/admin/api/", "body_contains": "customerCreate"},
                      lambda email: {"query": SHOPIFY_CREATE, "variables": {"input": {"email": email}}}, "email"),
    "woocommerce": Create("/wp-json/wc/v3/customers/batch",
                          {"method": "POST", "path_prefix": "/wp-json/wc/v3/customers/batch"},
                          lambda email: {"create": [{"email": email}]}, "email"),
    "customwebshop": Create("/api/v1/customers", {"method": "POST", "path_prefix": "/api/v1/customers"},
                            lambda email: {"type": "person", "first_name": "Tapt", "last_name": "Svar", "email": email},
                            "email"),
}


def emails(client: httpx.Client, create: Create) -> list[str]:
    return [record.get(create.email_field) for record in client.get("/_sandbox/records/customers").json()]


@pytest.fixture(params=sorted(CREATES))
def system(request, sandboxes):
    client = sandboxes[request.param]
    client.post("/_sandbox/reset")
    yield request.param
    client.delete("/_sandbox/faults")


def test_a_create_answered_with_503_was_applied(sandboxes, system):
    client, create = sandboxes[system], CREATES[system]
    client.post("/_sandbox/faults", json={**create.rule, "status": 503, "after": True})
    if system == "shopify":  # a query on the same path is not the mutation the rule waits for
        assert client.post(create.path, json={"query": "{ shop { id } }"}).status_code == 200
    answer = client.post(create.path, json=create.body("lost.503@example.no"))
    assert answer.status_code == 503
    assert "lost.503@example.no" in emails(client, create)
    # The rule was used up: the next create is answered as usual.
    assert client.post(create.path, json=create.body("next@example.no")).status_code in (200, 201)


def test_a_create_answered_after_the_client_gave_up_was_applied(sandboxes, system):
    client, create = sandboxes[system], CREATES[system]
    client.post("/_sandbox/faults", json={**create.rule, "status": 0, "delay_ms": 3000, "after": True})
    with pytest.raises(httpx.ReadTimeout):
        client.post(create.path, json=create.body("lost.timeout@example.no"), timeout=1)
    # Applied before the answer was held back, so it is there while the answer is still on its way.
    assert "lost.timeout@example.no" in emails(client, create)
