"""A write whose answer is lost, against the real PowerOffice GO emulator: a create is sent once
and found by its ExternalImportReference (customers: the API's filter; sales orders: one slim
read); an update is retried; a 429 is retried; wrong keys and no API end the run at once."""
from __future__ import annotations

import socket
import time

import pytest
from talk.http import AuthFailed, UnknownOutcome, Unreachable
from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.common.emulator import LOST_ANSWERS as LOST

from target_poweroffice.client import PowerOfficeClient

KEYS = {"application_key": "sandbox-application-key", "client_key": "sandbox-client-key",
        "subscription_key": "sandbox-subscription-key"}
CREATES = {  # entity: (create path, a record carrying the global id as its reference)
    "customers": ("/v2/Customers", {"IsPerson": True, "FirstName": "Nora", "LastName": "Bakke",
                                    "EmailAddress": "nora@example.no", "ExternalImportReference": "talk-lost-1"}),
    "sales_orders": ("/v2/SalesOrders/Complete", {"CustomerNo": 10001, "SalesOrderDate": "2024-06-01",
                                                  "ExternalImportReference": "talk-lost-1",
                                                  "SalesOrderLines": [{"ProductCode": "SKU-1001", "Quantity": 2}]}),
}


@pytest.fixture()
def office(url):
    admin = SandboxAdmin(url)
    admin.reset()
    yield admin
    admin.http.close()


def client_for(url: str, **config) -> PowerOfficeClient:
    return PowerOfficeClient({"base_url": f"{url}/v2", **KEYS, **config})


def requests_to(office: SandboxAdmin, method: str, path: str, settle: float = 0) -> list[dict]:
    """Logged requests; `settle` waits for a request whose answer the emulator still holds."""
    time.sleep(settle)
    return [e for e in office.log() if e["method"] == method and e["path"] == path]


@pytest.mark.parametrize("lost", LOST.values(), ids=LOST.keys())
@pytest.mark.parametrize("entity", CREATES)
def test_a_create_whose_answer_is_lost_is_sent_once_and_found_by_its_reference(office, url, entity, lost):
    path, record = CREATES[entity]
    office.fault(method="POST", path_prefix=path, **lost)
    client = client_for(url, timeout=1)
    with pytest.raises(UnknownOutcome):
        client.create(entity, record)
    assert len(requests_to(office, "POST", path, settle=lost.get("delay_ms", 0) / 1000)) == 1

    office.clear_log()
    found = client.find_by_reference(entity, ["talk-lost-1", "talk-never-sent"])
    reads = [e["path"] for e in office.log()]
    assert list(found) == ["talk-lost-1"]
    assert found["talk-lost-1"] == client.fetch(entity, str(found["talk-lost-1"]["Id"]))  # the shape fetch returns
    # customers: one filtered list per global id; sales orders: one slim list, then the match in full
    assert len(reads) == 2, reads
    client.close()


def test_contact_persons_are_found_by_external_code_in_one_request(office, url):
    client = client_for(url)
    organisation = next(c for c in client.index("customers") if not c["IsPerson"])
    person = client.create("contact_persons", {"ContactId": organisation["Id"], "FirstName": "Siv", "LastName": "Strand",
                                               "ExternalCode": "talk-person-1"})
    office.clear_log()
    assert client.find_by_reference("contact_persons", ["talk-person-1", "talk-nobody"]) == {"talk-person-1": person}
    assert len(office.log()) == 1
    assert client.find_by_reference("products", ["talk-lost-1"]) == {}  # PowerOffice products carry no reference
    client.close()


def test_an_update_answered_503_after_it_was_applied_is_retried_and_succeeds(office, url):
    client = client_for(url)
    customer = next(iter(client.index("customers")))
    current = client.fetch("customers", str(customer["Id"]))
    office.fault(method="PATCH", path_prefix="/v2/Customers/", after=True, status=503)
    stored = client.update("customers", str(customer["Id"]), {"PhoneNumber": "+47 999 99 999"}, current)
    assert stored["PhoneNumber"] == "+47 999 99 999"
    assert [e["status"] for e in requests_to(office, "PATCH", f"/v2/Customers/{customer['Id']}")] == [503, 200]
    client.close()


def test_a_create_refused_with_429_is_sent_again_and_lands_once(office, url):
    path, record = CREATES["customers"]
    office.fault(method="POST", path_prefix=path, status=429, headers={"Retry-After": "0"})
    client = client_for(url)
    created = client.create("customers", record)
    assert [e["status"] for e in requests_to(office, "POST", path)] == [429, 201]
    assert [c["Id"] for c in client.index("customers") if c.get("ExternalImportReference") == "talk-lost-1"] == [created["Id"]]
    client.close()


def test_wrong_keys_and_no_api_end_the_run_with_one_clear_error(url):
    client = client_for(url, client_key="wrong-client-key")
    with pytest.raises(AuthFailed, match="Invalid application key or client key"):
        client.fetch("customers", "1")
    client.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here
    client = PowerOfficeClient({"base_url": f"http://127.0.0.1:{port}/v2", **KEYS})
    client.session.max_retries = client.token_session.max_retries = 1
    with pytest.raises(Unreachable, match=rf"cannot reach http://127.0.0.1:{port} \(connection refused\)"):
        client.fetch("customers", "1")
    client.close()
