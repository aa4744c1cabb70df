"""PowerOffice GO v2 as a `talk.client.SystemClient`: records in and out in tap-poweroffice's shape.

Creates use the API's create DTOs (sales orders with their lines via /SalesOrders/Complete),
updates are one RFC 6902 JSON Patch per record, and a sales order's lines are reconciled line by
line (PATCH changed, POST new, DELETE removed) because the order PATCH cannot touch them.
"""
from __future__ import annotations

import time
from typing import Any, Iterable

from tap_poweroffice.auth import PACING_MARGIN
from talk.client import NotSearchable
from talk.http import ApiError, ApiSession

from . import lines

DEFAULT_BASE_URL = "https://goapi.poweroffice.net/v2"
MAX_PAGE_SIZE = 20000  # ResourceParameters.MaxPageSize in the v2 spec
PATCH_HEADERS = {"Content-Type": "application/json-patch+json"}

# Server-set properties per entity: never sent on create or patch.
READ_ONLY = {
    "customers": {
        "Id", "ContactCreatedDateTimeOffset", "CreatedFromImportJournalId", "CustomerCreatedDateTimeOffset",
        "DeliveryTerm", "DepartmentCode", "InvoiceBrandingThemeCode", "IsActive", "LastChangedDateTimeOffset",
        "PaymentTerm", "SalesPersonEmployeeNumber", "SubledgerAccountId",
    },
    "contact_persons": {"Id", "ContactId", "CreatedDateTimeOffset", "LastChangedDateTimeOffset"},
    "products": {
        "Id", "CreatedDateTimeOffset", "CreatedFromImportJournalId", "LastChangedDateTimeOffset", "OptionalSalesAccount",
        "ProductGroupCode", "StandardSalesAccount", "StockAvailable", "StockOnHandLastChangedDatetimeOffset",
    },
    "sales_orders": {
        "Id", "BrandingThemeCode", "CreatedDateTimeOffset", "CustomerNo", "DeliveryTerm", "DepartmentCode", "Dim1Code",
        "Dim2Code", "Dim3Code", "IsCreatedByCurrentIntegration", "LastChangedDateTimeOffset", "LineCount",
        "LocationCode", "NetAmount", "PaymentTerm", "ProjectCode", "SalesOrderNo", "SalesPersonEmployeeNumber",
        "TotalAmount", "SalesOrderLines",
    },
}
LINE_READ_ONLY = {
    "Id", "SalesOrderId", "DepartmentCode", "Dim1Code", "Dim2Code", "Dim3Code", "LocationCode", "NetAmount",
    "ProductCode", "ProjectCode", "SellersReferenceEmployeeNo", "TotalAmount", "VatAmount", "VatCode", "VatId", "VatRate",
}
NESTED_READ_ONLY = {"Id", "LastChangedDateTimeOffset"}  # inside MailAddress

# What `index` asks for: ids, match keys and external references only.
INDEX_FIELDS = {
    "customers": "Id,Number,IsPerson,FirstName,LastName,Name,EmailAddress,OrganizationNumber,ExternalImportReference,LastChangedDateTimeOffset",
    "contact_persons": "Id,ContactId,FirstName,LastName,EmailAddress,ExternalCode,LastChangedDateTimeOffset",
    "products": "Id,Code,Name,Gtin,LastChangedDateTimeOffset",
    "sales_orders": "Id,SalesOrderNo,CustomerId,ExternalImportReference,PurchaseOrderReference,LastChangedDateTimeOffset",
}
LIST_PATHS = {"customers": "/Customers", "contact_persons": "/ContactPersons", "products": "/Products", "sales_orders": "/SalesOrders"}


def token_url_for(base_url: str) -> str:
    root = base_url.rstrip("/")
    if root.lower().endswith("/v2"):
        root = root[: -len("/v2")]
    return f"{root}/OAuth/Token"


def writable(record: dict, read_only: set[str]) -> dict:
    """The part of a tap-shaped record a create call may carry (nulls and server fields dropped)."""
    body = {}
    for key, value in record.items():
        if key in read_only or value is None:
            continue
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in NESTED_READ_ONLY and v is not None}
            if not value:
                continue
        body[key] = value
    return body


def value_at(record: dict | None, dotted: str) -> Any:
    node: Any = record
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def patch_document(changes: dict, current: dict | None) -> list[dict]:
    """JSON Patch for dotted native paths: replace what has a value, add what has none."""
    operations = []
    for dotted, value in changes.items():
        op = "replace" if value_at(current, dotted) is not None else "add"
        operations.append({"op": op, "path": "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in dotted.split(".")), "value": value})
    return operations


class PowerOfficeClient:
    """Reads and writes PowerOffice GO v2 for the shared target logic (see talk.client.SystemClient)."""

    system = "poweroffice"

    def __init__(self, config: dict):
        self.base_url = (config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        self.token_url = config.get("token_url") or token_url_for(self.base_url)
        self._application_key = config["application_key"]
        self._client_key = config["client_key"]
        self._subscription_key = config["subscription_key"]
        self.page_size = min(int(config.get("page_size") or MAX_PAGE_SIZE), MAX_PAGE_SIZE)
        rate = float(config.get("requests_per_second", 10) or 0)
        self._token: str | None = None
        self._token_expires = 0.0
        self._contact_of: dict[str, int] = {}  # contact person id -> owning customer id
        user_agent = config.get("user_agent") or "talk-target-poweroffice/0.1"
        self.token_session = ApiSession(self.token_url, timeout=60, user_agent=user_agent)
        self.session = ApiSession(
            self.base_url,
            auth_headers=self._auth_headers,
            on_unauthorized=self._forget_token,
            min_interval=PACING_MARGIN / rate if rate else 0.0,
            timeout=float(config.get("timeout") or 60),
            user_agent=user_agent,
            probe_path="/Products?PageSize=1&Fields=Id",
        )

    # -- auth ---------------------------------------------------------------------------------
    def _auth_headers(self) -> dict[str, str]:
        if self._token is None or time.monotonic() >= self._token_expires:
            self._renew_token()
        return {"Authorization": f"Bearer {self._token}", "Ocp-Apim-Subscription-Key": self._subscription_key}

    def _forget_token(self) -> None:
        self._token = None

    def _renew_token(self) -> None:
        # A token request only reads a token: safe to repeat through the same retry policy.
        body = self.token_session.json(
            "POST", self.token_url, idempotent=True, auth=(self._application_key, self._client_key),
            headers={"Ocp-Apim-Subscription-Key": self._subscription_key}, data={"grant_type": "client_credentials"},
        ) or {}
        lifetime = float(body.get("expires_in") or 1200)
        self._token = body["access_token"]
        self._token_expires = time.monotonic() + lifetime - min(60.0, lifetime * 0.1)

    # -- SystemClient ---------------------------------------------------------------------------
    def fetch(self, entity: str, native_id: str) -> dict | None:
        try:
            if entity == "sales_orders":
                return self._complete_order(self.session.json("GET", f"/SalesOrders/{native_id}/Complete"))
            if entity == "contact_persons":
                contact_id = self._contact_id(str(native_id))
                if contact_id is None:
                    return None
                return self.session.json("GET", f"/ContactPersons/{contact_id}/{self._person_id(native_id)}")
            return self.session.json("GET", f"{LIST_PATHS[entity]}/{native_id}")
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def index(self, entity: str) -> Iterable[dict]:
        for record in self._pages(LIST_PATHS[entity], {"Fields": INDEX_FIELDS[entity]}):
            if entity == "contact_persons":
                self._contact_of[str(record["Id"])] = record["ContactId"]
            yield record

    def search(self, entity: str, key: str) -> list[dict]:
        """Products by a code without letters, with the list's `codes` filter: one request. The v2 lists of
        customers and contact persons filter by ids, numbers, external references and
        timestamps only, not by e-mail or organisation number: those are NotSearchable, and
        the write path reads their slim index once instead."""
        kind, _, value = key.partition(":")
        if entity != "products" or kind != "sku" or not value:
            raise NotSearchable(f"PowerOffice GO cannot filter {LIST_PATHS.get(entity, entity)} by {kind}")
        if "," in value:
            raise NotSearchable(f"product code {value!r} holds a comma, which the codes filter reads as a separator")
        if value.lower() != value.upper():
            # The key is upper case, and the spec does not say whether the filter ignores case:
            # a product coded "Abc-1" would not be found by ABC-1 or abc-1, and would be created
            # a second time. Only a code without letters is safe to look up.
            raise NotSearchable(f"product code {value!r} has letters, and PowerOffice GO's codes filter may "
                                "compare case")
        return list(self._pages("/Products", {"codes": value, "Fields": INDEX_FIELDS["products"]}))

    def find_by_reference(self, entity: str, global_ids: list[str]) -> dict[str, dict]:
        """Customers: the API's externalImportReference filter, one request per global id.
        Contact persons: the externalCodes filter, one request for all. Sales orders: the v2
        spec's /SalesOrders has no reference filter, so one slim read (Id and reference, 20000
        a page), then each match in full. (`onlyCreatedByCurrentIntegration` would narrow it,
        but an order missed there is created twice, and this runs only after a lost answer.)
        Products carry no external reference in PowerOffice: nothing to find by."""
        wanted = list(dict.fromkeys(global_ids))
        if entity == "customers":
            found = {}
            for global_id in wanted:
                for record in self._pages("/Customers", {"externalImportReference": global_id}):
                    found.setdefault(record.get("ExternalImportReference"), record)
            return {g: found[g] for g in wanted if g in found}
        if entity == "contact_persons":
            found = {}
            for record in self._pages("/ContactPersons", {"externalCodes": ",".join(wanted)}) if wanted else ():
                self._contact_of[str(record["Id"])] = record["ContactId"]
                found.setdefault(record.get("ExternalCode"), record)
            return {g: found[g] for g in wanted if g in found}
        if entity == "sales_orders":
            ids = {}
            for header in self._pages("/SalesOrders", {"Fields": "Id,ExternalImportReference"}):
                if header.get("ExternalImportReference") in wanted:
                    ids.setdefault(header["ExternalImportReference"], header["Id"])
            orders = {g: self.fetch(entity, str(native_id)) for g, native_id in ids.items()}
            return {g: order for g, order in orders.items() if order is not None}
        return {}

    def create(self, entity: str, record: dict) -> dict:
        # Every create below is a POST the session does not repeat blindly: a lost answer
        # raises UnknownOutcome, and the write path looks for the record before sending again.
        if entity == "customers":
            return self.session.json("POST", "/Customers", json=writable(record, READ_ONLY[entity]))
        if entity == "products":
            return self.session.json("POST", "/Products", json=writable(record, READ_ONLY[entity]))
        if entity == "contact_persons":
            contact_id = record.get("ContactId")
            if contact_id is None:
                raise ApiError(400, "a contact person needs ContactId (the owning customer's Id)", "POST", "/ContactPersons")
            created = self.session.json("POST", f"/ContactPersons/{contact_id}", json=writable(record, READ_ONLY[entity]))
            self._contact_of[str(created["Id"])] = created["ContactId"]
            return created
        if entity == "sales_orders":
            body = writable(record, READ_ONLY[entity])
            if body.get("CustomerId") is None and record.get("CustomerNo") is not None:
                body["CustomerNo"] = record["CustomerNo"]
            body["SalesOrderLines"] = [self._line_body(line) for line in record.get("SalesOrderLines") or []]
            return self._complete_order(self.session.json("POST", "/SalesOrders/Complete", json=body))
        raise ValueError(f"PowerOffice has no entity {entity!r}")

    def update(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        changes = dict(changes)
        desired_lines = changes.pop("SalesOrderLines", None)
        operations = patch_document(changes, current)
        path = self._item_path(entity, native_id, current)
        stored = self.session.json("PATCH", path, json=operations, headers=PATCH_HEADERS) if operations else None
        if entity == "sales_orders":
            if desired_lines is not None:
                self._reconcile_lines(str(native_id), desired_lines, current.get("SalesOrderLines"))
            return self.fetch(entity, native_id) or {}
        return stored if stored is not None else (self.fetch(entity, native_id) or {})

    def close(self) -> None:
        self.session.close()
        self.token_session.close()

    # -- sales order lines ----------------------------------------------------------------------
    def _reconcile_lines(self, order_id: str, desired: list[dict], current: list[dict] | None) -> None:
        """One PATCH per changed line with only what changed, one POST per new line, one DELETE
        per line no longer wanted; nothing for a line that did not change (lines.py)."""
        if current is None:
            current = list(self._pages(f"/SalesOrders/{order_id}/Lines", {}))
        todo = lines.plan(desired, current, self._line_body)
        for present, changed in todo.patch:
            if "ProductCode" in changed:  # a line names its product by id when it is changed
                changed["ProductId"] = self._product_id(changed.pop("ProductCode"))
            self.session.json("PATCH", f"/SalesOrders/{order_id}/Lines/{present['Id']}",
                              json=patch_document(changed, present), headers=PATCH_HEADERS)
        for line in todo.post:
            self.session.json("POST", f"/SalesOrders/{order_id}/Lines", json=self._line_body(line))
        for line_id in todo.delete:
            self.session.request("DELETE", f"/SalesOrders/{order_id}/Lines/{line_id}")

    def _line_body(self, line: dict) -> dict:
        body = writable(line, LINE_READ_ONLY)
        if line.get("ProductId") is None and line.get("ProductCode"):
            body["ProductCode"] = line["ProductCode"]  # create DTOs resolve the code themselves
        return body

    def _product_id(self, code: str) -> int | None:
        found = self.session.json("GET", "/Products", params={"codes": code, "Fields": "Id,Code"}) or []
        return next((p["Id"] for p in found if p.get("Code") == code), None)

    # -- helpers ----------------------------------------------------------------------------------
    def _pages(self, path: str, params: dict) -> Iterable[dict]:
        page = 1
        while True:
            batch = self.session.json("GET", path, params={**params, "PageNumber": page, "PageSize": self.page_size})
            if not batch:
                return
            yield from batch
            if len(batch) < self.page_size:
                return
            page += 1

    def _item_path(self, entity: str, native_id: str, current: dict | None) -> str:
        if entity == "contact_persons":
            contact_id = (current or {}).get("ContactId") or self._contact_id(str(native_id))
            return f"/ContactPersons/{contact_id}/{self._person_id(native_id)}"
        return f"{LIST_PATHS[entity]}/{native_id}"

    @staticmethod
    def _person_id(native_id: str) -> str:
        return str(native_id).rsplit("/", 1)[-1]

    def _contact_id(self, native_id: str) -> int | None:
        """The owning customer of a contact person ('contactId/id' ids carry it; else look it up once)."""
        if "/" in native_id:
            return int(native_id.split("/", 1)[0])
        if native_id not in self._contact_of:
            for _ in self.index("contact_persons"):
                pass
        return self._contact_of.get(native_id)

    @staticmethod
    def _complete_order(order: dict | None) -> dict | None:
        if order is None:
            return None
        for line in order.get("SalesOrderLines") or []:
            line.setdefault("SalesOrderId", order["Id"])
        order["SalesOrderLines"] = order.get("SalesOrderLines") or []
        return order
