"""SuperOffice (Web API v1) as a `talk.client.SystemClient`: records in and out in
tap-superoffice's shape (the REST entities, PascalCase, without `_Links`).

Sign-in, the tenant's API root, pacing and retries are tap-superoffice's `SuperOfficeClient`
(on talk.http's ApiSession: one policy). Contacts, persons and products are written with POST
and with one JSON Patch per update, sent with If-Unmodified-Since so an edit made in SuperOffice
after Talk read the record is never overwritten. Sales go through `sales.py`.

A sale Talk creates carries the Talk id in its `Number` (the mapping's external reference), so
`find_by_reference` finds a sale whose create answer was lost, or that a killed run created
without linking it. Contacts, persons and products hold no Talk id: a create whose answer was
lost is looked for by match keys in a fresh index (a company by organisation number or e-mail,
a person by e-mail, a product by SKU, which is its ERPProductKey).
"""
from __future__ import annotations

from typing import Iterable

from tap_superoffice.client import SuperOfficeClient

from . import patch
from .lost_answers import odata_text, sale_ids_by_number
from .sales import PATCH_HEADERS, Sales, read_entity
from .search import restriction
from .stamps import unmodified_since

PATHS = {"contacts": "/Contact", "persons": "/Person", "products": "/Product", "sales": "/Sale"}

# Index columns (archive providers) and how each row becomes a partial record in the tap's
# shape: the id, the match keys and what the mapping needs to read them.
INDEX_COLUMNS = {
    "contacts": (["contactId", "name", "orgnr", "email", "updatedDate"], "contactId"),
    "persons": (["personId", "firstname", "lastname", "personEmail", "contactId", "personUpdatedDate"], "personId"),
    "products": (["productId", "erpProductKey", "code", "name", "updatedDate"], "productId"),
    "sales": (["saleId", "number", "contactId", "updatedDate"], "saleId"),
}


def _elements(value: str) -> list[dict]:
    return [{"Value": value}] if value else []


def _ref(field: str, value: int) -> dict | None:
    return {field: value} if value else None


def index_record(entity: str, row: dict) -> dict:
    if entity == "contacts":
        return {"ContactId": row["contactId"], "Name": row["name"], "OrgNr": row["orgnr"],
                "Emails": _elements(row["email"]), "UpdatedDate": row["updatedDate"]}
    if entity == "persons":
        return {"PersonId": row["personId"], "Firstname": row["firstname"], "Lastname": row["lastname"],
                "Emails": _elements(row["personEmail"]), "Contact": _ref("ContactId", row["contactId"]),
                "UpdatedDate": row["personUpdatedDate"]}
    if entity == "products":
        return {"ProductId": row["productId"], "ERPProductKey": row["erpProductKey"], "Code": row["code"],
                "Name": row["name"], "UpdatedDate": row["updatedDate"]}
    return {"SaleId": row["saleId"], "Number": row["number"], "Contact": _ref("ContactId", row["contactId"]),
            "UpdatedDate": row["updatedDate"]}


class SuperOfficeTargetClient:
    """Reads and writes SuperOffice for the shared target logic (see talk.client.SystemClient)."""

    system = "superoffice"

    def __init__(self, config: dict):
        self.api = SuperOfficeClient(config, user_agent=config.get("user_agent") or "talk-target-superoffice/0.1")
        self.session = self.api.session
        self.sales = Sales(self.api)

    # -- SystemClient ---------------------------------------------------------------------------
    def fetch(self, entity: str, native_id: str) -> dict | None:
        if entity == "sales":
            return self.sales.fetch(native_id)
        if entity == "products":
            return self._product(native_id)
        return self._entity(entity, native_id)

    def index(self, entity: str) -> Iterable[dict]:
        columns, key = INDEX_COLUMNS[entity]
        for row in self.api.archive_rows(PATHS[entity], columns, key):
            yield index_record(entity, row)

    def search(self, entity: str, key: str) -> list[dict]:
        """The index's rows that may hold `key`, restricted by the archive's own `$filter`
        (search.py); NotSearchable for what the lists cannot filter by (sales: by Number only)."""
        where = restriction(entity, key)
        columns, primary_key = INDEX_COLUMNS[entity]
        return [index_record(entity, row) for row in self.api.archive_rows(PATHS[entity], columns, primary_key, where=where)]

    def find_by_reference(self, entity: str, global_ids: list[str]) -> dict[str, dict]:
        if entity != "sales":
            return {}  # no Talk id there: the write path looks by match key
        found = {}
        for global_id in global_ids:
            for sale_id in sale_ids_by_number(self.api, global_id):
                sale = self.sales.fetch(str(sale_id))
                if sale is not None:
                    found[global_id] = sale
                    break
        return found

    def create(self, entity: str, record: dict) -> dict:
        if entity == "sales":
            return self.sales.create(record)
        body = patch.body(patch.flatten(record))
        if entity == "products":
            # A product Talk creates is keyed by its SKU, as an ERP's products are.
            if not body.get("ERPProductKey") and body.get("Code"):
                body["ERPProductKey"] = body["Code"]
            created = self.session.json("POST", PATHS[entity], json=body)
            return self._product(created["ERPProductKey"]) or created
        created = self.session.json("POST", PATHS[entity], json=body)  # not repeated blindly
        created.pop("_Links", None)
        return created

    def update(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        if entity == "sales":
            return self.sales.update(native_id, changes, current)
        number = current["ProductId"] if entity == "products" else native_id
        headers = {**PATCH_HEADERS, **unmodified_since(current)}
        stored = self.session.json("PATCH", f"{PATHS[entity]}/{number}", json=patch.document(changes, current),
                                   headers=headers)
        if entity == "products":
            return self._product(native_id) or stored
        stored.pop("_Links", None)
        return stored

    def close(self) -> None:
        self.api.close()

    # -- helpers ----------------------------------------------------------------------------------
    def _entity(self, entity: str, native_id: str) -> dict | None:
        return read_entity(self.api, f"{PATHS[entity]}/{native_id}")

    def _product(self, erp_product_key: str) -> dict | None:
        """The product with that ERPProductKey plus its UpdatedDate: the Product carrier has no
        dates, its archive row has `updatedDate` (and the ProductId to read it by)."""
        rows = list(self.api.archive_rows("/Product", ["productId", "updatedDate"], "productId",
                                          where=f"erpProductKey eq {odata_text(erp_product_key)}"))
        if not rows:
            return None
        product = self._entity("products", str(rows[0]["productId"]))
        return None if product is None else {**product, "UpdatedDate": rows[0]["updatedDate"]}
