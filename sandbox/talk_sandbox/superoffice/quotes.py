"""The quote chain behind a sale: Sale 1-1 Quote 1-n QuoteVersion 1-n QuoteAlternative 1-n QuoteLine.

Totals are computed as SuperOffice computes them:
- a line: SubTotal = Quantity x UnitListPrice; DiscountAmount = SubTotal x DiscountPercent / 100
  (or DiscountPercent from DiscountAmount when UserValueOverride is "DiscountAmount");
  TotalPrice = SubTotal - DiscountAmount; EarningAmount = TotalPrice - Quantity x UnitCost;
- an alternative: SubTotal = the sum of its lines' TotalPrice, its own discount taken the same
  way, TotalPrice = SubTotal - DiscountAmount, VAT = the VAT amount (each line's TotalPrice x
  its VAT %, scaled by the alternative's discount);
- the sale's Amount is the TotalPrice of the likely alternative of the active version.
A line keeps its own change time (the QuoteLine archive's updatedDate): changing a line moves
it and the totals, never the sale's UpdatedDate.
"""
from __future__ import annotations

from typing import Any

from ..common.documents import DocumentStore
from . import dates
from .entities import PRODUCT, SALE
from .errors import SoError, bad_request, not_found

QUOTES, VERSIONS, ALTERNATIVES, LINES = "quotes", "quote_versions", "quote_alternatives", "quote_lines"
EMPTY = dates.EMPTY_DATE
EXTRA = {f"ExtraField{n}": "" for n in range(1, 6)}


def blank_quote() -> dict:
    return {"QuoteId": 0, "SaleId": 0, "QuoteConnectionId": 1, "ERPQuoteKey": "", "ERPOrderKey": "",
            "ActiveQuoteVersionId": 0, "AcceptedQuoteAlternativeId": 0, "UseValuesFromQuote": 1, "DocumentId": 0,
            "PoNumber": "", "OrderComment": "", "PreferredEmailCulture": ""}


def blank_version() -> dict:
    return {"QuoteVersionId": 0, "ERPQuoteVersionKey": "", "QuoteId": 0, "Description": "", "Number": "1",
            "State": "Draft", "ArchivedState": "Unknown", "Status": "Ok", "Reason": "", "LikelyQuoteAlternativeId": 0,
            "SentDate": EMPTY, "FollowupId": 0, "ExpirationDate": EMPTY, "DeliveryCountryId": 578,
            "HasOwnDeliveryAddress": False, "InvoiceCountryId": 578, "HasOwnInvoiceAddress": False,
            "ERPPaymentTermsKey": "", "ERPPaymentTypeKey": "", "ERPDeliveryTermsKey": "", "ERPDeliveryTypeKey": "",
            "Rank": 1, "ApprovedBy": 0, "ApprovedText": "", "ApprovedRegisteredBy": 0, "ApprovedRegisteredDate": EMPTY,
            **EXTRA, "LastRecalculated": EMPTY, "Updated": EMPTY, "UpdatedAssociateId": 0, "Registered": EMPTY,
            "RegisteredAssociateId": 5, "RequestAssociateId": 0, "RequestComment": ""}


def blank_alternative() -> dict:
    return {"QuoteAlternativeId": 0, "ERPQuoteAlternativeKey": "", "QuoteVersionId": 0, "Name": "", "Description": "",
            "Status": "Ok", "Reason": "", "ERPDiscountPercent": 0.0, "ERPDiscountAmount": 0.0, "DiscountPercent": 0.0,
            "DiscountAmount": 0.0, "UserValueOverride": "None", "VATInfo": "", "VAT": 0.0, "EarningPercent": 0.0,
            "EarningAmount": 0.0, "SubTotal": 0.0, "TotalPrice": 0.0, **EXTRA}


def blank_line() -> dict:
    return {"QuoteLineId": 0, "ERPQuoteLineKey": "", "QuoteAlternativeId": 0, "ERPProductKey": "", "Status": "Ok",
            "Reason": "", "Quantity": 1.0, "DeliveredQuantity": 0.0, "Rank": 1, "Name": "", "Description": "", "Code": "",
            "QuantityUnit": "", "PriceUnit": "", "ItemNumber": "", "Url": "", "ProductCategoryKey": "",
            "ProductFamilyKey": "", "ProductTypeKey": "", "Supplier": "", "SupplierCode": "", "Thumbnail": "",
            "VATInfo": "", "VAT": 0.0, "UnitCost": 0.0, "UnitMinimumPrice": 0.0, "UnitListPrice": 0.0, "ExtraInfo": [],
            "RawExtraInfo": "", "IsSubscription": False, "SubscriptionUnit": "", "SubscriptionQuantity": 0.0,
            "SubscriptionStart": EMPTY, "ERPDiscountPercent": 0.0, "ERPDiscountAmount": 0.0, "DiscountPercent": 0.0,
            "DiscountAmount": 0.0, "UserValueOverride": "None", "EarningPercent": 0.0, "EarningAmount": 0.0,
            "SubTotal": 0.0, "TotalPrice": 0.0, "Rights": "", "Rule": "", **EXTRA}


# What a client may set; everything else is the server's (ids, links, computed totals).
COMPUTED = {"SubTotal", "TotalPrice", "EarningPercent", "EarningAmount", "VAT"}
LINE_FIXED = {"QuoteLineId", "QuoteAlternativeId", "SubTotal", "TotalPrice", "EarningPercent", "EarningAmount"}
ALTERNATIVE_FIXED = {"QuoteAlternativeId", "QuoteVersionId"} | COMPUTED
VERSION_FIXED = {"QuoteVersionId", "QuoteId", "LastRecalculated", "Updated", "Registered", "UpdatedAssociateId",
                 "RegisteredAssociateId"}
QUOTE_FIXED = {"QuoteId", "SaleId", "ActiveQuoteVersionId"}


def money(value: float) -> float:
    return round(value + 0.0, 2)


def take(target: dict, body: Any, fixed: set[str]) -> dict:
    """Copy the writable members of `body` (names matched case-insensitively) onto `target`."""
    if not isinstance(body, dict):
        raise bad_request("The request names no object to save.")
    given = {key.lower(): value for key, value in body.items()}
    for field, current in list(target.items()):
        if field in fixed or field.lower() not in given or given[field.lower()] is None:
            continue
        value = given[field.lower()]
        if isinstance(current, float):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise bad_request(f"{field} must be a number.") from None
        elif isinstance(current, bool):
            value = bool(value)
        elif isinstance(current, int):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise bad_request(f"{field} must be a whole number.") from None
        elif current == EMPTY:
            value = dates.normalise(str(value))
        target[field] = value
    return target


def line_totals(line: dict) -> dict:
    line["SubTotal"] = money(line["Quantity"] * line["UnitListPrice"])
    if line["UserValueOverride"] == "DiscountAmount":
        line["DiscountAmount"] = money(line["DiscountAmount"])
        line["DiscountPercent"] = round(line["DiscountAmount"] / line["SubTotal"] * 100, 4) if line["SubTotal"] else 0.0
    else:
        line["DiscountAmount"] = money(line["SubTotal"] * line["DiscountPercent"] / 100)
    line["TotalPrice"] = money(line["SubTotal"] - line["DiscountAmount"])
    line["EarningAmount"] = money(line["TotalPrice"] - line["Quantity"] * line["UnitCost"])
    line["EarningPercent"] = round(line["EarningAmount"] / line["TotalPrice"] * 100, 2) if line["TotalPrice"] else 0.0
    return line


def alternative_totals(alternative: dict, lines: list[dict]) -> dict:
    sub_total = money(sum(line["TotalPrice"] for line in lines))
    alternative["SubTotal"] = sub_total
    if alternative["UserValueOverride"] == "DiscountAmount":
        alternative["DiscountAmount"] = money(alternative["DiscountAmount"])
        alternative["DiscountPercent"] = round(alternative["DiscountAmount"] / sub_total * 100, 4) if sub_total else 0.0
    else:
        alternative["DiscountAmount"] = money(sub_total * alternative["DiscountPercent"] / 100)
    total = money(sub_total - alternative["DiscountAmount"])
    alternative["TotalPrice"] = total
    share = total / sub_total if sub_total else 1.0  # the alternative's discount lowers the VAT too
    alternative["VAT"] = money(sum(line["TotalPrice"] * line["VAT"] / 100 for line in lines) * share)
    cost = sum(line["Quantity"] * line["UnitCost"] for line in lines)
    alternative["EarningAmount"] = money(total - cost)
    alternative["EarningPercent"] = round(alternative["EarningAmount"] / total * 100, 2) if total else 0.0
    return alternative


class Quotes:
    """The quote documents and the rules that keep their totals and the sale's Amount right."""

    def __init__(self, store: DocumentStore):
        self.store = store

    # -- lookups ---------------------------------------------------------------------------
    def get(self, collection: str, id: Any, kind: str) -> dict:
        try:
            doc = self.store.get(collection, int(id))
        except (TypeError, ValueError):
            raise bad_request(f"{kind}Id must be a number.") from None
        if doc is None:
            raise not_found(kind, id)
        return doc

    def quote_of_sale(self, sale_id: int) -> dict | None:
        return next((q for q in self.store.all(QUOTES) if q["SaleId"] == sale_id), None)

    def versions(self, quote_id: int) -> list[dict]:
        return [v for v in self.store.all(VERSIONS) if v["QuoteId"] == quote_id]

    def alternatives(self, version_id: int) -> list[dict]:
        return [a for a in self.store.all(ALTERNATIVES) if a["QuoteVersionId"] == version_id]

    def lines(self, alternative_id: int) -> list[dict]:
        found = [line for line in self.store.all(LINES) if line["QuoteAlternativeId"] == alternative_id]
        return sorted(found, key=lambda line: (line["Rank"], line["QuoteLineId"]))

    def chain_of_alternative(self, alternative: dict) -> tuple[dict, dict]:
        version = self.get(VERSIONS, alternative["QuoteVersionId"], "QuoteVersion")
        return version, self.get(QUOTES, version["QuoteId"], "Quote")

    # -- what the agent answers ------------------------------------------------------------
    @staticmethod
    def shown_line(line: dict) -> dict:
        return {key: value for key, value in line.items() if not key.startswith("_")}

    def shown_version(self, version: dict) -> dict:
        return {**version, "QuoteAlternatives": self.alternatives(version["QuoteVersionId"])}

    def shown_entity(self, quote: dict) -> dict:
        return {**quote, "QuoteVersions": [self.shown_version(v) for v in self.versions(quote["QuoteId"])]}

    def shown_quote(self, quote: dict) -> dict:
        version = self.store.get(VERSIONS, quote["ActiveQuoteVersionId"])
        likely = self.store.get(ALTERNATIVES, version["LikelyQuoteAlternativeId"]) if version else None
        return {**quote, "ActiveQuoteVersion": self.shown_version(version) if version else None,
                "FavoriteQuoteAlternative": likely}

    # -- changes ---------------------------------------------------------------------------
    def create_quote(self, sale_id: int, first_alternative: str, connection_id: int = 1, at: str | None = None) -> dict:
        if self.store.get(SALE.store, sale_id) is None:
            raise not_found("Sale", sale_id)
        if self.quote_of_sale(sale_id):
            raise SoError(400, "ArgumentException", f"Sale {sale_id} already has a quote.")
        moment = at or dates.now()
        quote = {**blank_quote(), "QuoteId": self.store.next_id("id:quotes"), "SaleId": sale_id,
                 "QuoteConnectionId": connection_id or 1}
        version = {**blank_version(), "QuoteVersionId": self.store.next_id("id:quote_versions"),
                   "QuoteId": quote["QuoteId"], "Registered": moment, "Updated": moment, "LastRecalculated": moment}
        quote["ActiveQuoteVersionId"] = version["QuoteVersionId"]
        self.store.put(QUOTES, quote["QuoteId"], quote)
        self.store.put(VERSIONS, version["QuoteVersionId"], version)
        first = self.add_alternative(version["QuoteVersionId"], first_alternative or "Alternativ 1")
        version["LikelyQuoteAlternativeId"] = first["QuoteAlternativeId"]
        self.store.put(VERSIONS, version["QuoteVersionId"], version)
        self.follow_sale(quote)
        return quote

    def add_alternative(self, version_id: int, name: str, description: str = "") -> dict:
        self.get(VERSIONS, version_id, "QuoteVersion")
        alternative = {**blank_alternative(), "QuoteAlternativeId": self.store.next_id("id:quote_alternatives"),
                       "QuoteVersionId": version_id, "Name": name, "Description": description}
        self.store.put(ALTERNATIVES, alternative["QuoteAlternativeId"], alternative)
        return alternative

    def product_line(self, alternative_id: int, erp_product_key: str) -> dict:
        """CreateQuoteLine: a new, unsaved line filled from the product with that ERPProductKey."""
        alternative = self.get(ALTERNATIVES, alternative_id, "QuoteAlternative")
        product = next((p for p in self.store.all(PRODUCT.store) if p["ERPProductKey"] == erp_product_key), None)
        if product is None:
            raise SoError(404, "SoNotFoundException", f"Product with ERPProductKey {erp_product_key} not found")
        line = blank_line()
        for field in ("ERPProductKey", "Name", "Description", "Code", "QuantityUnit", "PriceUnit", "ItemNumber", "Url",
                      "Supplier", "SupplierCode", "VAT", "VATInfo", "UnitCost", "UnitMinimumPrice", "UnitListPrice",
                      "IsSubscription"):
            line[field] = product[field]
        line["QuoteAlternativeId"] = alternative["QuoteAlternativeId"]
        line["Rank"] = len(self.lines(alternative_id)) + 1
        return line_totals(line)

    def save_line(self, body: Any, at: str | None = None) -> dict:
        if not isinstance(body, dict):
            raise bad_request("SaveQuoteLine needs a QuoteLine.")
        given = {key.lower(): value for key, value in body.items()}
        line_id = int(given.get("quotelineid") or 0)
        if line_id:
            line = self.get(LINES, line_id, "QuoteLine")
        else:
            alternative = self.get(ALTERNATIVES, given.get("quotealternativeid") or 0, "QuoteAlternative")
            line = {**blank_line(), "QuoteAlternativeId": alternative["QuoteAlternativeId"],
                    "Rank": len(self.lines(alternative["QuoteAlternativeId"])) + 1}
        before = dict(line)
        line = line_totals(take(dict(line), body, LINE_FIXED))
        if line_id and line == before:
            return self.shown_line(line)
        moment = at or dates.now()
        if not line_id:
            line["QuoteLineId"] = self.store.next_id("id:quote_lines")
            line["_created"] = moment
        line["_updated"] = moment
        self.store.put(LINES, line["QuoteLineId"], line)
        self.recalculate(line["QuoteAlternativeId"])
        return self.shown_line(line)

    def delete_line(self, line_id: Any) -> None:
        line = self.get(LINES, line_id, "QuoteLine")
        self.store.delete(LINES, line["QuoteLineId"])
        self.recalculate(line["QuoteAlternativeId"])

    def save_alternative(self, body: Any) -> dict:
        given = {key.lower(): value for key, value in (body if isinstance(body, dict) else {}).items()}
        alternative_id = int(given.get("quotealternativeid") or 0)
        if alternative_id:
            alternative = self.get(ALTERNATIVES, alternative_id, "QuoteAlternative")
        else:
            alternative = self.add_alternative(int(given.get("quoteversionid") or 0), str(given.get("name") or ""))
        take(alternative, body, ALTERNATIVE_FIXED)
        self.store.put(ALTERNATIVES, alternative["QuoteAlternativeId"], alternative)
        return self.recalculate(alternative["QuoteAlternativeId"])

    def save_version(self, body: Any) -> dict:
        given = {key.lower(): value for key, value in (body if isinstance(body, dict) else {}).items()}
        version = self.get(VERSIONS, given.get("quoteversionid") or 0, "QuoteVersion")
        take(version, body, VERSION_FIXED)
        ids = {a["QuoteAlternativeId"] for a in self.alternatives(version["QuoteVersionId"])}
        if version["LikelyQuoteAlternativeId"] not in ids:
            raise bad_request(f"QuoteAlternative {version['LikelyQuoteAlternativeId']} is not in this version.")
        version["Updated"] = dates.now()
        self.store.put(VERSIONS, version["QuoteVersionId"], version)
        self.follow_sale(self.get(QUOTES, version["QuoteId"], "Quote"))
        return version

    def save_quote(self, body: Any) -> dict:
        given = {key.lower(): value for key, value in (body if isinstance(body, dict) else {}).items()}
        quote = self.get(QUOTES, given.get("quoteid") or 0, "Quote")
        take(quote, body, QUOTE_FIXED)
        self.check_accepted(quote)
        self.store.put(QUOTES, quote["QuoteId"], quote)
        return quote

    def accept(self, alternative_id: Any, po_number: str, comment: str) -> dict:
        """PlaceOrder: the customer accepted this alternative."""
        alternative = self.get(ALTERNATIVES, alternative_id, "QuoteAlternative")
        version, quote = self.chain_of_alternative(alternative)
        quote.update(AcceptedQuoteAlternativeId=alternative["QuoteAlternativeId"], PoNumber=po_number or quote["PoNumber"],
                     OrderComment=comment or quote["OrderComment"], ERPOrderKey=quote["ERPOrderKey"] or f"ORDER-{quote['QuoteId']}")
        version.update(State="Sold", Updated=dates.now())
        self.store.put(QUOTES, quote["QuoteId"], quote)
        self.store.put(VERSIONS, version["QuoteVersionId"], version)
        return quote

    def check_accepted(self, quote: dict) -> None:
        accepted = quote["AcceptedQuoteAlternativeId"]
        if accepted:
            alternative = self.get(ALTERNATIVES, accepted, "QuoteAlternative")
            if self.chain_of_alternative(alternative)[1]["QuoteId"] != quote["QuoteId"]:
                raise bad_request(f"QuoteAlternative {accepted} belongs to another quote.")

    def recalculate(self, alternative_id: int) -> dict:
        alternative = self.get(ALTERNATIVES, alternative_id, "QuoteAlternative")
        alternative_totals(alternative, self.lines(alternative_id))
        self.store.put(ALTERNATIVES, alternative_id, alternative)
        version, quote = self.chain_of_alternative(alternative)
        version["LastRecalculated"] = dates.now()
        self.store.put(VERSIONS, version["QuoteVersionId"], version)
        self.follow_sale(quote)
        return alternative

    def follow_sale(self, quote: dict) -> None:
        """The sale's Amount follows the likely alternative; stored without moving UpdatedDate."""
        sale = self.store.get(SALE.store, quote["SaleId"])
        version = self.store.get(VERSIONS, quote["ActiveQuoteVersionId"])
        likely = self.store.get(ALTERNATIVES, version["LikelyQuoteAlternativeId"]) if version else None
        if sale is None or likely is None:
            return
        if (sale["Amount"], sale["Earning"]) != (likely["TotalPrice"], likely["EarningAmount"]):
            sale.update(Amount=likely["TotalPrice"], Earning=likely["EarningAmount"],
                        EarningPercent=likely["EarningPercent"])
            self.store.put(SALE.store, sale["SaleId"], sale)

    def delete_for_sale(self, sale_id: int) -> None:
        quote = self.quote_of_sale(sale_id)
        if quote is None:
            return
        for version in self.versions(quote["QuoteId"]):
            for alternative in self.alternatives(version["QuoteVersionId"]):
                for line in self.lines(alternative["QuoteAlternativeId"]):
                    self.store.delete(LINES, line["QuoteLineId"])
                self.store.delete(ALTERNATIVES, alternative["QuoteAlternativeId"])
            self.store.delete(VERSIONS, version["QuoteVersionId"])
        self.store.delete(QUOTES, quote["QuoteId"])
