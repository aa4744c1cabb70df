"""PowerOffice GO v2 records as the emulator keeps them: full DTOs, rules and server-set fields.

Each entity is stored as the complete DTO the API returns (every property, null when unset), so
responses are the stored documents. Sales orders keep their lines inside the order document
(`SalesOrderLines`); the header endpoints leave that key out. Property lists follow the v2
OpenAPI DTOs (CustomerDto, ContactPersonDto, ProductDto, SalesOrderDto, SalesOrderLineDto).
"""
from __future__ import annotations

import copy
import re
import threading
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..common.documents import DocumentStore
from . import limits, stock
from .problem import Problem, not_found  # noqa: F401  (re-exported: the other modules import them from here)
from .validation import (
    check_contact_person,
    check_customer,
    check_external_reference,
    check_product,
    check_sales_order,
)

CUSTOMERS, CONTACT_PERSONS, PRODUCTS, SALES_ORDERS = "customers", "contact_persons", "products", "sales_orders"
ENTITIES = (CUSTOMERS, CONTACT_PERSONS, PRODUCTS, SALES_ORDERS)

CUSTOMER_FIELDS = (
    "Allowance BillableRate ContactCreatedDateTimeOffset ContactGroupIds CreatedFromImportJournalId CurrencyCode "
    "CustomerCreatedDateTimeOffset CustomerSince DateOfBirth DeliveryTerm DeliveryTermId DepartmentCode DepartmentId "
    "DoNotAddLatePaymentFees DoNotAddLatePaymentInterest DoNotAutomatePaymentNotifications EmailAddress "
    "ExternalImportReference ExternalNumber FirstName Id InvoiceBrandingThemeCode InvoiceBrandingThemeId "
    "InvoiceDeliveryType InvoiceEmailAddress InvoiceEmailAddressCC IsActive IsArchived IsPerson IsVatFree "
    "LastChangedDateTimeOffset LastName LegalName MailAddress Name NationalIdNumber NoticeOfDebtCollectionDeliveryType "
    "Number OrganizationNumber PaymentReminderEmailAddress PaymentTerm PaymentTermId PhoneNumber ReminderDeliveryType "
    "SalesPersonEmployeeId SalesPersonEmployeeNumber SendPaymentReminders SubledgerAccountId "
    "TransferToDebtCollectionAgency UseInvoiceFee WebsiteUrl"
).split()
CUSTOMER_READ_ONLY = set(
    "ContactCreatedDateTimeOffset CreatedFromImportJournalId CustomerCreatedDateTimeOffset DeliveryTerm DepartmentCode "
    "Id InvoiceBrandingThemeCode IsActive LastChangedDateTimeOffset PaymentTerm SalesPersonEmployeeNumber "
    "SubledgerAccountId".split()
)
ADDRESS_FIELDS = "AddressLine1 AddressLine2 City CountryCode ExternalCode Id LastChangedDateTimeOffset ZipCode".split()
ADDRESS_WRITABLE = {"AddressLine1", "AddressLine2", "City", "CountryCode", "ExternalCode", "ZipCode"}
PERSON_ADDRESS_FIELDS = "AddressLine1 AddressLine2 City CountryCode ZipCode".split()

CONTACT_PERSON_FIELDS = (
    "ContactId CreatedDateTimeOffset EmailAddress ExternalCode FirstName Id IsActive IsDefault "
    "LastChangedDateTimeOffset LastName MailAddress PhoneNumber Title"
).split()
CONTACT_PERSON_READ_ONLY = {"ContactId", "CreatedDateTimeOffset", "Id", "LastChangedDateTimeOffset"}

PRODUCT_FIELDS = (
    "Code CreatedDateTimeOffset CreatedFromImportJournalId Description Gtin Id IsArchived IsStockItem "
    "LastChangedDateTimeOffset Name OptionalSalesAccount OptionalSalesAccountAgricultureDepartment "
    "OptionalSalesAccountId ProductGroupCode ProductGroupId ProductType StandardSalesAccount "
    "StandardSalesAccountAgricultureDepartment StandardSalesAccountId StockAvailable StockOnHand "
    "StockOnHandLastChangedDatetimeOffset UnitCost UnitOfMeasureCode UnitPrice"
).split()
PRODUCT_READ_ONLY = set(
    "CreatedDateTimeOffset CreatedFromImportJournalId Id LastChangedDateTimeOffset OptionalSalesAccount "
    "ProductGroupCode StandardSalesAccount StockAvailable StockOnHandLastChangedDatetimeOffset".split()
)

SALES_ORDER_FIELDS = (
    "BrandingThemeCode BrandingThemeId ContactDeliveryAddressId ContractNo CreatedDateTimeOffset CurrencyCode "
    "CurrencyExchangeRate CustomMatchingReference CustomerId CustomerNo CustomerReference "
    "CustomerReferenceContactPersonId DeliveryDate DeliveryTerm DeliveryTermId DepartmentCode DepartmentId Dim1Code "
    "Dim1Id Dim2Code Dim2Id Dim3Code Dim3Id ExternalImportReference Id ImportedOrderNo IsCreatedByCurrentIntegration "
    "LastChangedDateTimeOffset LineCount LocationCode LocationId NetAmount PaymentTerm PaymentTermId ProjectCode "
    "ProjectId PurchaseOrderReference RelatedInvoiceNo SalesOrderDate SalesOrderNo SalesOrderStatus "
    "SalesPersonEmployeeId SalesPersonEmployeeNumber TotalAmount"
).split()
SALES_ORDER_READ_ONLY = set(
    "BrandingThemeCode CreatedDateTimeOffset CustomerNo DeliveryTerm DepartmentCode Dim1Code Dim2Code Dim3Code Id "
    "IsCreatedByCurrentIntegration LastChangedDateTimeOffset LineCount LocationCode NetAmount PaymentTerm ProjectCode "
    "SalesOrderNo SalesPersonEmployeeNumber TotalAmount".split()
)

# Accrual is left out: the sandbox has no accruals, and the DTO's Accrual object is not nullable.
LINE_FIELDS = (
    "Allowance DepartmentCode DepartmentId Description Dim1Code Dim1Id Dim2Code Dim2Id Dim3Code Dim3Id "
    "ExternalImportReference Id LineType LocationCode LocationId NetAmount ProductCode ProductId ProductUnitCost "
    "ProductUnitPrice ProjectCode ProjectId Quantity SalesOrderId SellersReferenceEmployeeId SellersReferenceEmployeeNo "
    "SortOrder TotalAmount UnitOfMeasureCode UseStandardSalesAccount VatAmount VatCode VatId VatRate "
    "VatReturnSpecification"
).split()
# What "a change in total stock" touches: not a change of the product (LastChangedDateTimeOffset).
STOCK_FIELDS = {"StockOnHand", "StockAvailable", "StockOnHandLastChangedDatetimeOffset", "LastChangedDateTimeOffset"}

LINE_READ_ONLY = set(
    "DepartmentCode Dim1Code Dim2Code Dim3Code Id LocationCode NetAmount ProductCode ProjectCode SalesOrderId "
    "SellersReferenceEmployeeNo TotalAmount VatAmount VatCode VatId VatRate".split()
)
# Fields a create body may carry that the DTO shows read-only (resolved into ids).
LINE_POST_EXTRA = {"ProductCode"}
SALES_ORDER_POST_EXTRA = {"CustomerNo"}

ORDER_ID_NAMESPACE = uuid.UUID("5d2b7a52-6f0e-4d0b-9a57-7a6c1d9f0a01")


class Clock:
    """ISO 8601 timestamps with offset and microseconds, strictly increasing within the process,
    so an exclusive `lastChangedDateTimeOffsetGreaterThan` never loses a change made in the same tick."""

    def __init__(self) -> None:
        self.last = datetime.min.replace(tzinfo=timezone.utc)
        self.lock = threading.Lock()

    def now(self) -> str:
        with self.lock:
            moment = datetime.now(timezone.utc)
            if moment <= self.last:
                moment = self.last + timedelta(microseconds=1)
            self.last = moment
            return moment.isoformat(timespec="microseconds")


def parse_timestamp(value: str) -> datetime:
    """Parse a filter timestamp; a '+' left unencoded in a query string arrives as a space."""
    text = value.strip().replace("Z", "+00:00")
    unencoded_plus = re.match(r"^(.*\d)\s(\d\d:\d\d)$", text)
    if unencoded_plus and len(text) > 19:
        text = f"{unencoded_plus.group(1)}+{unencoded_plus.group(2)}"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Counters:
    """Id and number sequences kept as documents, so a block can be reserved in one write."""

    def __init__(self, store: DocumentStore):
        self.store = store

    def reserve(self, name: str, count: int = 1, start: int = 1) -> int:
        """Reserve `count` consecutive values; returns the first."""
        with self.store.lock:
            current = self.store.get("_counters", name)
            first = current["next"] if current else start
            self.store.put("_counters", name, {"next": first + count})
            return first

    def next(self, name: str, start: int = 1) -> int:
        return self.reserve(name, 1, start)

    def at_least(self, name: str, value: int) -> None:
        """Make sure the sequence continues after `value` (fixtures may bring their own ids)."""
        with self.store.lock:
            current = self.store.get("_counters", name)
            if current is None or current["next"] <= value:
                self.store.put("_counters", name, {"next": value + 1})


def order_uuid(n: int) -> str:
    return str(uuid.uuid5(ORDER_ID_NAMESPACE, f"sales-order-{n}"))


def line_uuid(n: int) -> str:
    return str(uuid.uuid5(ORDER_ID_NAMESPACE, f"sales-order-line-{n}"))


def money(value: float) -> float:
    return round(value + 0.0, 2)


def pick(body: dict, allowed: set[str]) -> dict:
    """The writable part of a create body (unknown and read-only properties are ignored)."""
    if not isinstance(body, dict):
        raise Problem(400, "Invalid request body", "The request body must be a JSON object.")
    return {k: v for k, v in body.items() if k in allowed}


# -- building full DTOs -------------------------------------------------------------------------

class Records:
    """Creates, changes and shapes the PowerOffice entities in a DocumentStore."""

    def __init__(self, store: DocumentStore, settings: dict):
        self.store = store
        self.settings = settings
        self.counters = Counters(store)
        self.clock = Clock()

    # customers
    def customer_dto(self, body: dict, ids: dict | None = None) -> dict:
        """A full CustomerDto from a create body; `ids` lets bulk seeding pass reserved numbers."""
        ids = ids or {}
        now = body.get("LastChangedDateTimeOffset") or self.clock.now()
        dto = {field: None for field in CUSTOMER_FIELDS}
        dto.update(pick(body, set(CUSTOMER_FIELDS) - {"MailAddress"}))
        dto["Id"] = body.get("Id") or ids.get("Id") or self.counters.next("customer_id", 1000001)
        dto["Number"] = body.get("Number") or ids.get("Number") or self.counters.next("customer_no", 10000)
        dto["SubledgerAccountId"] = body.get("SubledgerAccountId") or 7000000 + int(dto["Id"]) % 1000000
        for key in ("ContactCreatedDateTimeOffset", "CustomerCreatedDateTimeOffset", "LastChangedDateTimeOffset"):
            dto[key] = body.get(key) or now
        dto["IsPerson"] = bool(body.get("IsPerson"))
        dto["IsArchived"] = bool(body.get("IsArchived"))
        dto["IsActive"] = not dto["IsArchived"]
        dto["CurrencyCode"] = body.get("CurrencyCode") or "NOK"
        for key in ("InvoiceDeliveryType", "ReminderDeliveryType", "NoticeOfDebtCollectionDeliveryType"):
            dto[key] = body.get(key) or "PdfByEmail"
        dto["ContactGroupIds"] = body.get("ContactGroupIds") or []
        dto["MailAddress"] = self.contact_address(body.get("MailAddress"), now, ids.get("AddressId"))
        if dto["IsPerson"] and dto.get("FirstName") and dto.get("LastName"):
            dto["Name"] = f"{dto['FirstName']} {dto['LastName']}"
        return dto

    def contact_address(self, given: dict | None, now: str, address_id: int | None = None) -> dict:
        address = {field: None for field in ADDRESS_FIELDS}
        address.update(pick(given or {}, ADDRESS_WRITABLE | {"Id", "LastChangedDateTimeOffset"}))
        address["Id"] = address["Id"] or address_id or self.counters.next("address_id", 3000001)
        address["LastChangedDateTimeOffset"] = address["LastChangedDateTimeOffset"] or now
        return address

    def create_customer(self, body: dict) -> dict:
        body = pick(body, (set(CUSTOMER_FIELDS) - CUSTOMER_READ_ONLY) | {"Number"})
        probe = {**body, "Id": None}
        check_customer(self.store, probe)
        dto = self.customer_dto(body)
        return self.store.put(CUSTOMERS, dto["Id"], dto)

    def customer_changed(self, before: dict, after: dict) -> dict:
        check_customer(self.store, after)
        if after.get("IsPerson") and after.get("FirstName") and after.get("LastName"):
            after["Name"] = f"{after['FirstName']} {after['LastName']}"
        after["IsActive"] = not after.get("IsArchived")
        now = self.clock.now()
        if after.get("MailAddress") != before.get("MailAddress"):
            after["MailAddress"]["LastChangedDateTimeOffset"] = now
        after["LastChangedDateTimeOffset"] = now
        return after

    # contact persons
    def contact_person_dto(self, contact_id: int, body: dict, person_id: int | None = None) -> dict:
        now = body.get("LastChangedDateTimeOffset") or self.clock.now()
        dto = {field: None for field in CONTACT_PERSON_FIELDS}
        dto.update(pick(body, set(CONTACT_PERSON_FIELDS) - {"MailAddress"}))
        dto["Id"] = body.get("Id") or person_id or self.counters.next("contact_person_id", 5000001)
        dto["ContactId"] = int(contact_id)
        dto["CreatedDateTimeOffset"] = body.get("CreatedDateTimeOffset") or now
        dto["LastChangedDateTimeOffset"] = now
        dto["IsActive"] = True if body.get("IsActive") is None else bool(body["IsActive"])
        dto["IsDefault"] = bool(body.get("IsDefault"))
        address = {field: None for field in PERSON_ADDRESS_FIELDS}
        address.update(pick(body.get("MailAddress") or {}, set(PERSON_ADDRESS_FIELDS)))
        dto["MailAddress"] = address
        return dto

    def create_contact_person(self, contact_id: int, body: dict) -> dict:
        if self.store.get(CUSTOMERS, contact_id) is None:
            raise not_found("Contact", contact_id)
        body = pick(body, set(CONTACT_PERSON_FIELDS) - CONTACT_PERSON_READ_ONLY)
        check_contact_person(body)
        dto = self.contact_person_dto(contact_id, body)
        return self.store.put(CONTACT_PERSONS, dto["Id"], dto)

    def contact_person_changed(self, before: dict, after: dict) -> dict:
        check_contact_person(after)
        after["LastChangedDateTimeOffset"] = self.clock.now()
        return after

    # products
    def product_dto(self, body: dict, product_id: int | None = None, reserved: float = 0.0) -> dict:
        """A full ProductDto; `reserved` is what confirmed orders already hold of it (fixtures)."""
        now = body.get("LastChangedDateTimeOffset") or self.clock.now()
        dto = {field: None for field in PRODUCT_FIELDS}
        dto.update(pick(body, set(PRODUCT_FIELDS)))
        dto["Id"] = body.get("Id") or product_id or self.counters.next("product_id", 2000001)
        dto["CreatedDateTimeOffset"] = body.get("CreatedDateTimeOffset") or now
        dto["LastChangedDateTimeOffset"] = now
        dto["IsArchived"] = bool(body.get("IsArchived"))
        dto["IsStockItem"] = bool(body.get("IsStockItem"))
        dto["ProductType"] = body.get("ProductType") or "Product"
        dto["UnitOfMeasureCode"] = body.get("UnitOfMeasureCode") or "EA"
        dto["StandardSalesAccount"] = dto["StandardSalesAccount"] or 3000
        if dto["IsStockItem"]:
            dto["StockOnHandLastChangedDatetimeOffset"] = dto.get("StockOnHandLastChangedDatetimeOffset") or now
        stock.available(dto, reserved)
        return dto

    def create_product(self, body: dict) -> dict:
        body = pick(body, set(PRODUCT_FIELDS) - PRODUCT_READ_ONLY)
        check_product(self.store, {**body, "Id": None})
        dto = self.product_dto(body)
        return self.store.put(PRODUCTS, dto["Id"], dto)

    def product_changed(self, before: dict, after: dict) -> dict:
        """A patched product: StockAvailable follows StockOnHand (keeping what is reserved), and
        a change of the stock alone leaves LastChangedDateTimeOffset as it was (see `stock`)."""
        check_product(self.store, after)
        now = self.clock.now()
        if before.get("IsStockItem"):
            reserved = stock.reserved_in(before)
        else:  # becoming a stock item: its open confirmed orders start to reserve
            reserved = stock.reserved_for(self.store, after["Id"])
        if after.get("StockOnHand") != before.get("StockOnHand") or (after.get("IsStockItem") and not before.get("IsStockItem")):
            after["StockOnHandLastChangedDatetimeOffset"] = now
        stock.available(after, reserved)
        if any(after.get(key) != before.get(key) for key in set(after) - STOCK_FIELDS):
            after["LastChangedDateTimeOffset"] = now
        return after

    # sales orders
    def resolve_customer(self, body: dict) -> dict:
        title = "Sales order validation error(s)"
        if body.get("CustomerId") is not None:
            customer = self.store.get(CUSTOMERS, body["CustomerId"])
            if customer is None:
                raise Problem(400, title, f"Customer with id = {body['CustomerId']} not found.")
            return customer
        if body.get("CustomerNo") is not None:
            for customer in self.store.all(CUSTOMERS):
                if customer.get("Number") == body["CustomerNo"]:
                    return customer
            raise Problem(400, title, f"Customer with number = {body['CustomerNo']} not found.")
        raise Problem(400, title, "CustomerId or CustomerNo is required.")

    def resolve_product(self, line: dict) -> dict | None:
        title = "Sales order line validation error(s)"
        if line.get("ProductId") is not None:
            product = self.store.get(PRODUCTS, line["ProductId"])
            if product is None:
                raise Problem(400, title, f"Product with id = {line['ProductId']} not found.")
            return product
        if line.get("ProductCode"):
            for product in self.store.all(PRODUCTS):
                if product.get("Code") == line["ProductCode"]:
                    return product
            raise Problem(400, title, f"Product with code = '{line['ProductCode']}' not found.")
        return None

    def line_dto(self, order_id: str, body: dict, sort_order: int, product: dict | None, line_id: str | None = None) -> dict:
        dto = {field: None for field in LINE_FIELDS}
        dto.update(pick(body, set(LINE_FIELDS) - LINE_READ_ONLY))
        dto["Id"] = body.get("Id") or line_id or line_uuid(self.counters.next("sales_order_line"))
        dto["SalesOrderId"] = order_id
        dto["LineType"] = body.get("LineType") or "Normal"
        dto["SortOrder"] = sort_order if body.get("SortOrder") is None else body["SortOrder"]
        dto["UseStandardSalesAccount"] = True if body.get("UseStandardSalesAccount") is None else body["UseStandardSalesAccount"]
        self.line_product(dto, product, inherit=True)
        self.line_amounts(dto)
        return dto

    def line_product(self, line: dict, product: dict | None, inherit: bool) -> None:
        if product is None:
            line["ProductId"] = line["ProductCode"] = None
            return
        line["ProductId"] = product["Id"]
        line["ProductCode"] = product.get("Code")
        if inherit:
            if line.get("ProductUnitPrice") is None:
                line["ProductUnitPrice"] = product.get("UnitPrice")
            if line.get("ProductUnitCost") is None:
                line["ProductUnitCost"] = product.get("UnitCost")
            if line.get("Description") is None:
                line["Description"] = product.get("Name")
            if line.get("UnitOfMeasureCode") is None:
                line["UnitOfMeasureCode"] = product.get("UnitOfMeasureCode")

    def line_amounts(self, line: dict) -> None:
        if line.get("LineType") not in (None, "Normal") or line.get("ProductId") is None:
            line.update(NetAmount=0.0, VatAmount=0.0, TotalAmount=0.0, VatCode=None, VatId=None, VatRate=None)
            return
        rate = float(self.settings.get("vat_rate", 0.25))
        quantity = float(line.get("Quantity") or 0)
        price = float(line.get("ProductUnitPrice") or 0)
        allowance = float(line.get("Allowance") or 0)
        net = money(quantity * price * (1 - allowance / 100))
        vat = money(net * rate)
        line.update(NetAmount=net, VatAmount=vat, TotalAmount=money(net + vat), VatCode="3", VatId=3, VatRate=rate)

    @staticmethod
    def order_totals(order: dict) -> None:
        lines = order.get("SalesOrderLines") or []
        order["LineCount"] = len(lines)
        order["NetAmount"] = money(sum(line["NetAmount"] for line in lines))
        order["TotalAmount"] = money(sum(line["TotalAmount"] for line in lines))

    def sales_order_dto(self, body: dict, customer: dict, number: int | None = None, lines: list[dict] | None = None) -> dict:
        now = body.get("LastChangedDateTimeOffset") or self.clock.now()
        n = number or self.counters.next("sales_order_no", 1)
        dto = {field: None for field in SALES_ORDER_FIELDS}
        dto.update(pick(body, set(SALES_ORDER_FIELDS)))
        dto["Id"] = body.get("Id") or order_uuid(n)
        dto["SalesOrderNo"] = body.get("SalesOrderNo") or n
        dto["CustomerId"] = customer["Id"]
        dto["CustomerNo"] = customer.get("Number")
        dto["CurrencyCode"] = body.get("CurrencyCode") or customer.get("CurrencyCode") or "NOK"
        dto["SalesOrderStatus"] = body.get("SalesOrderStatus") or "Draft"
        dto["SalesOrderDate"] = body.get("SalesOrderDate") or date.today().isoformat()
        dto["CreatedDateTimeOffset"] = body.get("CreatedDateTimeOffset") or now
        dto["LastChangedDateTimeOffset"] = now
        dto["IsCreatedByCurrentIntegration"] = True if body.get("IsCreatedByCurrentIntegration") is None else body["IsCreatedByCurrentIntegration"]
        dto["SalesOrderLines"] = lines if lines is not None else [
            self.line_dto(dto["Id"], line, index, self.resolve_product(line))
            for index, line in enumerate(body.get("SalesOrderLines") or [])
        ]
        self.order_totals(dto)
        return dto

    def create_sales_order(self, body: dict) -> dict:
        writable = (set(SALES_ORDER_FIELDS) - SALES_ORDER_READ_ONLY) | SALES_ORDER_POST_EXTRA | {"SalesOrderLines"}
        body = pick(body, writable)
        customer = self.resolve_customer(body)
        check_external_reference(self.store, SALES_ORDERS, {**body, "Id": None}, "Sales order validation error(s)", "sales order")
        lines = []
        for line in body.get("SalesOrderLines") or []:
            if not isinstance(line, dict):
                raise Problem(400, "Sales order line validation error(s)", "Each sales order line must be an object.")
            lines.append(pick(line, (set(LINE_FIELDS) - LINE_READ_ONLY) | LINE_POST_EXTRA))
        check_sales_order({**body, "SalesOrderLines": lines})
        for line in lines:
            self.resolve_product(line)  # validate every line before anything is stored
        dto = self.sales_order_dto({**body, "SalesOrderLines": lines}, customer)
        return self.save_order(dto, None)

    def sales_order_changed(self, before: dict, after: dict) -> dict:
        if after.get("CustomerId") != before.get("CustomerId"):
            customer = self.resolve_customer({"CustomerId": after.get("CustomerId")})
            after["CustomerNo"] = customer.get("Number")
        check_external_reference(self.store, SALES_ORDERS, after, "Sales order validation error(s)", "sales order")
        if after.get("SalesOrderStatus") is None:
            raise limits.invalid("Sales order validation error(s)", "SalesOrderStatus", "SalesOrderStatus must be Draft or Confirmed.")
        check_sales_order(after)
        after["LastChangedDateTimeOffset"] = self.clock.now()
        return after

    def add_line(self, order: dict, body: dict) -> dict:
        body = pick(body, (set(LINE_FIELDS) - LINE_READ_ONLY) | LINE_POST_EXTRA)
        limits.check("sales_order_line", body, "Sales order line validation error(s)")
        product = self.resolve_product(body)
        before = copy.deepcopy(order)
        lines = order.setdefault("SalesOrderLines", [])
        next_sort = max([line.get("SortOrder") or 0 for line in lines], default=-1) + 1
        line = self.line_dto(order["Id"], body, next_sort, product)
        lines.append(line)
        self.order_totals(order)  # sub-entity change: the header's LastChangedDateTimeOffset stays
        self.save_order(order, before)
        return line

    def line_changed(self, before: dict, after: dict) -> dict:
        limits.check("sales_order_line", after, "Sales order line validation error(s)")
        if after.get("ProductId") != before.get("ProductId"):
            self.line_product(after, self.resolve_product({"ProductId": after.get("ProductId")}), inherit=False)
        self.line_amounts(after)
        return after

    # every write of a sales order goes through these two, so reservations never miss one
    def save_order(self, order: dict, before: dict | None) -> dict:
        """Store an order (`before`: as it was stored, None for a new one) and move the stock
        its reservation changed."""
        self.store.put(SALES_ORDERS, order["Id"], order)
        stock.order_changed(self.store, before, order)
        return order

    def delete_order(self, order: dict) -> None:
        self.store.delete(SALES_ORDERS, order["Id"])
        stock.order_changed(self.store, order, None)
