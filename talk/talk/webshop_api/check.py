"""`talk check-webshop`: tests a webshop's implementation of the Custom Webshop API against
openapi.yaml and says, check by check, what a webshop developer has to fix.

The check writes: it creates three customers, three products and three orders marked as test
records (external_reference `talk-check-<run>`, names starting "Talk check"), updates them, and
at the end archives the customers and products and cancels the orders (the API has no delete).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Callable

from . import ENTITIES
from .filter_checks import FilterChecks
from .line_checks import OrderLineChecks
from .preflight import preflight
from .probe import Answer, Probe, Skip, expect_etag

SCHEMA = {"customers": "Customer", "products": "Product", "orders": "Order"}
MAX_PAGES = 20
# One field per entity set to a value the schema refuses, for the 422 check.
INVALID = {"customers": ("type", "robot"), "products": ("price_excl_vat", "ten kroner"), "orders": ("currency", "kroner")}  # bounds every walk: a broken cursor must not loop forever


@dataclass
class Outcome:
    name: str
    status: str  # PASS, FAIL or SKIP
    problems: list[str] = field(default_factory=list)


class Conformance(OrderLineChecks, FilterChecks):
    def __init__(self, probe: Probe):
        self.probe = probe
        self.run = secrets.token_hex(4)
        self.marker = f"talk-check-{self.run}"
        self.created: dict[str, list[dict]] = {entity: [] for entity in ENTITIES}
        self.problems: list[str] = []

    # -- running ------------------------------------------------------------------------------
    def checks(self) -> list[tuple[str, Callable[[], None]]]:
        checks = [
            ("authentication: no X-API-Key gives 401 unauthorized", self.check_missing_key),
            ("authentication: a wrong X-API-Key gives 401 unauthorized", self.check_wrong_key),
            ("paging: a malformed cursor gives 400, a limit outside 1-200 gives 400", self.check_paging_parameters),
        ]
        for entity in ENTITIES:
            checks += [
                (f"{entity}: create answers 201 with the record", lambda e=entity: self.check_create(e)),
                (f"{entity}: get by id returns the created record and its ETag", lambda e=entity: self.check_get(e)),
                (f"{entity}: external_reference filter", lambda e=entity: self.check_external_reference(e)),
                (f"{entity}: list pages with limit and cursor, every record once", lambda e=entity: self.check_paging(e)),
                (f"{entity}: updated_since returns only records changed after it", lambda e=entity: self.check_updated_since(e)),
                (f"{entity}: update with the current If-Match", lambda e=entity: self.check_update(e)),
                (f"{entity}: update with a stale If-Match gives 412 version_conflict", lambda e=entity: self.check_stale_update(e)),
                (f"{entity}: unknown id gives 404 not_found", lambda e=entity: self.check_not_found(e)),
                (f"{entity}: invalid input gives 422 validation_failed", lambda e=entity: self.check_invalid(e)),
            ]
        checks += self.filter_checks() + [
            ("customers: a second customer with the same email gives 409 duplicate_email",
             lambda: self.check_duplicate("customers", "email", "duplicate_email")),
            ("products: a second product with the same SKU gives 409 duplicate_sku",
             lambda: self.check_duplicate("products", "sku", "duplicate_sku")),
        ]
        return checks + self.line_checks()

    def run_all(self) -> list[Outcome]:
        outcomes = []
        try:
            for name, check in self.checks():
                self.problems = []
                try:
                    check()
                except Skip as reason:
                    outcomes.append(Outcome(name, "SKIP", [str(reason)]))
                    continue
                status = "FAIL" if self.problems else "PASS"
                outcomes.append(Outcome(name, status, [self.probe.redact(p) for p in self.problems]))
        finally:
            self.clean_up()
        return outcomes

    def call(self, method: str, path: str, **kwargs) -> Answer:
        """A request whose problems count against the running check."""
        answer = self.probe.call(method, path, **kwargs)
        self.problems.extend(answer.problems)
        answer.problems = self.problems
        return answer

    def mine(self, entity: str) -> list[dict]:
        if len(self.created[entity]) < 3:
            raise Skip(f"needs the three test {entity} the create check makes")
        return self.created[entity]

    # -- test records -----------------------------------------------------------------------
    def new_body(self, entity: str, n: int) -> dict:
        tag = f"{self.run}-{n}"
        if entity == "customers":
            body = {"type": "person", "first_name": "Talk check", "last_name": f"Test record {tag}",
                    "email": f"talk-check-{tag}@example.com", "phone": "+47 400 00 000", "external_reference": self.marker,
                    "address": {"line1": "Testveien 1", "line2": None, "postal_code": "0150", "city": "Oslo", "country": "NO"}}
            if n == 3:  # a company, with an organisation number written with spaces, for its filter's check
                number = f"{int(self.run, 16) % 10**9:09d}"
                body.update(type="company", company_name=f"Talk check company {tag}",
                            organisation_number=f"{number[:3]} {number[3:6]} {number[6:]}")
            return body
        if entity == "products":
            return {"sku": f"TALK-CHECK-{tag}".upper(), "name": f"Talk check test product {tag}", "description": "Safe to archive",
                    "price_excl_vat": "100.00", "vat_rate": "0.25", "stock": 0, "external_reference": self.marker}
        customer, product = self.mine("customers")[0], self.mine("products")[0]
        return {"customer_id": customer["id"], "currency": "NOK", "external_reference": self.marker,
                "lines": [{"product_id": product["id"], "sku": product["sku"], "description": "Talk check test line",
                           "quantity": 2, "unit_price": "100.00", "discount_percent": "10"}]}

    def clean_up(self) -> None:
        """Archive what the check created (cancel orders): the API has no delete."""
        change = {"customers": {"archived": True}, "products": {"archived": True}, "orders": {"status": "cancelled"}}
        for entity in ("orders", "customers", "products"):
            for record in self.created[entity]:
                self.probe.call("PATCH", f"/{entity}/{record['id']}", json=change[entity])

    # -- checks -----------------------------------------------------------------------------
    def check_missing_key(self) -> None:
        self.call("GET", "/customers", params={"limit": 1}, auth=False).expect_error(401, "unauthorized")

    def check_wrong_key(self) -> None:
        self.call("GET", "/customers", params={"limit": 1}, auth=False,
                  headers={"X-API-Key": "talk-check-not-a-valid-key"}).expect_error(401, "unauthorized")

    def check_paging_parameters(self) -> None:
        self.call("GET", "/customers", params={"cursor": "not-a-cursor-talk-check"}).expect_error(400, "invalid_cursor")
        for limit in (0, 201):
            self.call("GET", "/customers", params={"limit": limit}).expect_error(400, "invalid_parameter")

    def check_create(self, entity: str) -> None:
        for n in range(1, 4):
            body = self.new_body(entity, n)
            answer = self.call("POST", f"/{entity}", json=body)
            if not answer.expect_status(201) or not answer.expect_schema(SCHEMA[entity]):
                return
            self.created[entity].append(answer.body)
            for key, sent in body.items():
                if key != "lines" and not same(sent, answer.body.get(key)):
                    answer.fail(f"`{key}` was sent as {sent!r} but the created record has {answer.body.get(key)!r}")
            if answer.body["version"] != 1:
                answer.fail(f"a new record must have `version` 1, got {answer.body['version']!r}")
            if entity == "orders":
                self.expect_order(answer, body)

    def expect_order(self, answer: Answer, body: dict) -> None:
        lines = answer.body["lines"]
        if len(lines) != len(body["lines"]):
            answer.fail(f"sent {len(body['lines'])} line(s), the order has {len(lines)}")
            return
        for index, (sent, got) in enumerate(zip(body["lines"], lines)):
            for key, value in sent.items():
                if not same(value, got.get(key)):
                    answer.fail(f"`lines[{index}].{key}` was sent as {value!r} but the order has {got.get(key)!r}")
        if answer.body["total_excl_vat"] != "180.00":
            answer.fail(f"`total_excl_vat` should be \"180.00\" (2 x 100.00 less 10 %), got {answer.body['total_excl_vat']!r}")

    def check_get(self, entity: str) -> None:
        record = self.mine(entity)[0]
        answer = self.call("GET", f"/{entity}/{record['id']}")
        if answer.expect_status(200) and answer.expect_schema(SCHEMA[entity]):
            if answer.body != record:
                changed = sorted(k for k in set(record) | set(answer.body) if answer.body.get(k) != record.get(k))
                answer.fail(f"differs from what the create returned in {', '.join(f'`{k}`' for k in changed)}")
            expect_etag(answer, answer.body["version"])

    def check_external_reference(self, entity: str) -> None:
        ids = {r["id"] for r in self.mine(entity)}
        answer = self.call("GET", f"/{entity}", params={"external_reference": self.marker, "limit": 200})
        data = answer.listed(f"{SCHEMA[entity]}List")
        if data is not None:
            got = [r["id"] for r in data]
            if set(got) != ids:
                answer.fail(f"expected exactly the {len(ids)} records with that external_reference ({', '.join(sorted(ids))}), "
                            f"got {len(got)}: {', '.join(got[:10])}")

    def check_paging(self, entity: str) -> None:
        ids = [r["id"] for r in self.mine(entity)]
        first = self.call("GET", f"/{entity}", params={"limit": 2})
        data = first.listed(f"{SCHEMA[entity]}List")
        if data is not None:
            if len(data) > 2:
                first.fail(f"asked for at most 2 records, got {len(data)}")
            if "next_cursor" in first.body and first.body["next_cursor"] is None:
                first.fail("`next_cursor` is null although there are at least 3 records; the client stops after page one")
        seen = self.walk(entity, {"external_reference": self.marker, "limit": 2}, page_size=2)
        if seen is None:
            return
        for id in ids:
            if seen.count(id) != 1:
                self.problems.append(f"GET /{entity}?external_reference={self.marker}&limit=2, following next_cursor: "
                                     f"record {id} came {seen.count(id)} times, expected once")

    def walk(self, entity: str, params: dict, page_size: int) -> list[str] | None:
        """Follow next_cursor from page one; the ids seen in order, or None when paging broke."""
        seen, cursor, last = [], None, None
        for _ in range(MAX_PAGES):
            answer = self.call("GET", f"/{entity}", params={**params, **({"cursor": cursor} if cursor else {})})
            data = answer.listed(f"{SCHEMA[entity]}List")
            if data is None or "next_cursor" not in answer.body:
                return None
            if len(data) > page_size:
                answer.fail(f"asked for at most {page_size} records, got {len(data)}")
            for record in data:
                key = (record["updated_at"], record["id"])
                if last is not None and key <= last:
                    answer.fail(f"record {record['id']} is out of order: lists must be sorted by (updated_at, id) "
                                "ascending for the cursor to be stable")
                last = key
                seen.append(record["id"])
            cursor = answer.body["next_cursor"]
            if cursor is None:
                return seen
        self.problems.append(f"GET /{entity}: still a next_cursor after {MAX_PAGES} pages of {page_size}; "
                             "the cursor does not advance")
        return None

    def check_updated_since(self, entity: str) -> None:
        records = sorted(self.mine(entity), key=lambda r: r["updated_at"])
        before = shift(records[0]["updated_at"], -1)
        newest = records[-1]["updated_at"]
        cases = [(before, {r["id"] for r in records}, set()), (newest, set(), {records[-1]["id"]})]
        for since, wanted, unwanted in cases:
            params = {"external_reference": self.marker, "updated_since": since, "limit": 200}
            answer = self.call("GET", f"/{entity}", params=params)
            data = answer.listed(f"{SCHEMA[entity]}List")
            if data is None:
                return
            got = {r["id"] for r in data}
            for id in sorted(wanted - got):
                answer.fail(f"record {id} was changed after {since} but is missing")
            for record in data:
                if record["id"] in unwanted or parse(record["updated_at"]) <= parse(since):
                    answer.fail(f"record {record['id']} has updated_at {record['updated_at']}, not after {since}; "
                                "updated_since must return only records with updated_at strictly after it")

    def check_update(self, entity: str) -> None:
        record = self.mine(entity)[0]
        change = {"customers": {"phone": "+47 400 00 001"}, "products": {"stock": 7}, "orders": {"status": "processing"}}[entity]
        etag = f'"{record["version"]}"'
        answer = self.call("PATCH", f"/{entity}/{record['id']}", json=change, headers={"If-Match": etag})
        if not answer.expect_status(200) or not answer.expect_schema(SCHEMA[entity]):
            return
        after = answer.body
        for key, value in change.items():
            if after.get(key) != value:
                answer.fail(f"`{key}` was changed to {value!r} but the record has {after.get(key)!r}")
        if after["version"] != record["version"] + 1:
            answer.fail(f"`version` should go from {record['version']} to {record['version'] + 1}, got {after['version']!r}")
        if parse(after["updated_at"]) <= parse(record["updated_at"]):
            answer.fail(f"`updated_at` must move forward on every update; it stayed {after['updated_at']}, "
                        "so incremental syncs would miss this change")
        expect_etag(answer, after["version"])
        self.created[entity][0] = {**after, "stale_version": record["version"]}

    def check_stale_update(self, entity: str) -> None:
        record = self.mine(entity)[0]
        if "stale_version" not in record:
            raise Skip("needs the update check to have changed the record first")
        stale = f'"{record["stale_version"]}"'
        answer = self.call("PATCH", f"/{entity}/{record['id']}", json={"external_reference": f"{self.marker}-stale"},
                           headers={"If-Match": stale})
        if answer.status in (200, 204):
            answer.fail(f"a PATCH with If-Match {stale} was applied although the record is at version {record['version']}; "
                        "expected 412 with error code `version_conflict`, so concurrent edits are not silently lost")
        else:
            answer.expect_error(412, "version_conflict")

    def check_not_found(self, entity: str) -> None:
        self.call("GET", f"/{entity}/talk-check-missing-{self.run}").expect_error(404, "not_found")

    def check_invalid(self, entity: str) -> None:
        key, value = INVALID[entity]
        answer = self.call("POST", f"/{entity}", json={**self.new_body(entity, 9), key: value})
        if self.keep_if_created(entity, answer):
            answer.fail(f"accepted `{key}` = {value!r}, which the schema does not allow; expected 422 `validation_failed`")
        else:
            answer.expect_error(422, "validation_failed")

    def check_duplicate(self, entity: str, key: str, code: str) -> None:
        record = self.mine(entity)[2]
        body = {**self.new_body(entity, 8), key: record[key]}
        answer = self.call("POST", f"/{entity}", json=body)
        if self.keep_if_created(entity, answer):
            answer.fail(f"created a second {entity[:-1]} with {key} {record[key]}; expected 409 `{code}`")
        else:
            answer.expect_error(409, code)

    def keep_if_created(self, entity: str, answer: Answer) -> bool:
        """Whether a record the implementation should have refused was created; if so, it is
        archived at the end like the rest."""
        if 200 <= answer.status < 300 and isinstance(answer.body, dict) and "id" in answer.body:
            self.created[entity].append(answer.body)
            return True
        return False


# -- helpers ----------------------------------------------------------------------------------------
def same(sent, got) -> bool:
    """Sent values come back equal; decimals may differ in notation only ("10" vs "10.0")."""
    if isinstance(sent, dict) and isinstance(got, dict):
        return all(same(value, got.get(key)) for key, value in sent.items())
    if isinstance(sent, str) and isinstance(got, str) and sent != got:
        try:
            return Decimal(sent) == Decimal(got)
        except ArithmeticError:
            return False
    return sent == got


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def shift(text: str, microseconds: int) -> str:
    moment = parse(text).astimezone(timezone.utc) + timedelta(microseconds=microseconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def render(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        lines.append(f"{outcome.status}  {outcome.name}")
        lines += [f"      - {problem}" for problem in outcome.problems]
    counts = {status: sum(o.status == status for o in outcomes) for status in ("PASS", "FAIL", "SKIP")}
    lines.append(f"\n{len(outcomes)} checks: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return "\n".join(lines)


def check_webshop(base_url: str, api_key: str, timeout: float = 15.0) -> list[Outcome]:
    probe = Probe(base_url, api_key, timeout)
    try:
        preflight(probe)  # raises Unusable (a refused key, a wrong URL): no point running the checks
        return Conformance(probe).run_all()
    finally:
        probe.close()
