"""The four REST entities (Contact, Person, Sale, Product) as SuperOffice shows them.

A stored document holds the entity's own fields; references to other entities are stored as
ids (`{"ContactId": 3}`) and filled in as SuperOffice's short carriers when the entity is shown
(`present`), so a renamed company shows its new name on its persons and sales at once without
changing their UpdatedDate. Field names and shapes follow the Swagger specs (ContactEntity,
PersonEntity, SaleEntity, Product); fields the sandbox has no use for are left out.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Callable

from . import dates, lists
from .errors import bad_request

EMPTY = dates.EMPTY_DATE
TABLE_RIGHT = {"Mask": "Select Insert Update Delete", "Reason": ""}


def structured_address(kind: str) -> dict:
    return {"AtypeIdx": kind, "Address1": "", "Address2": "", "Address3": "", "City": "", "County": "", "State": "",
            "Zipcode": "", "Formatted": ""}


def address(street_kind: str, postal_kind: str) -> dict:
    return {"Wgs84Latitude": 0.0, "Wgs84Longitude": 0.0, "Street": structured_address(street_kind),
            "Postal": structured_address(postal_kind), "Formatted": ""}


class Kind:
    """One entity: its URL name, id field, stored fields with their defaults, and how a body's
    values become stored values (`readers`: field -> function(value) -> stored value)."""

    def __init__(self, name: str, store: str, id_field: str, defaults: dict, read_only: set[str],
                 readers: dict[str, Callable[[Any], Any]], event: str | None):
        self.name, self.store, self.id_field, self.defaults = name, store, id_field, defaults
        self.read_only = read_only | {id_field, "UpdatedDate", "CreatedDate", "UpdatedBy", "CreatedBy", "TableRight"}
        self.readers = readers
        self.event = event  # webhook entity name, None when SuperOffice sends no events for it

    def blank(self) -> dict:
        return copy.deepcopy(self.defaults)

    def from_body(self, base: dict, body: dict) -> dict:
        """The document a PUT of `body` onto `base` stores: every writable field from the body
        (names matched case-insensitively) or its default; read-only fields stay as in `base`."""
        if not isinstance(body, dict):
            raise bad_request(f"The body must be a {self.name} entity (a JSON object).")
        given = {key.lower(): value for key, value in body.items()}
        result = {}
        for field, default in self.defaults.items():
            if field in self.read_only:
                result[field] = copy.deepcopy(base.get(field, default))
            elif field.lower() in given and given[field.lower()] is not None:
                reader = self.readers.get(field, _same_type(default, field))
                result[field] = reader(given[field.lower()])
            else:
                result[field] = copy.deepcopy(default)
        return result


def _same_type(default: Any, field: str) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise bad_request(f"{field} must be true or false.")
            return value
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            try:
                return type(default)(value)
            except (TypeError, ValueError):
                raise bad_request(f"{field} must be a number.") from None
        if isinstance(default, str):
            if default == EMPTY:
                try:
                    return dates.normalise(str(value))
                except ValueError:
                    raise bad_request(f"{field} is not a date.") from None
            return str(value)
        return copy.deepcopy(value)
    return read


def elements(kind: str) -> Callable[[Any], list]:
    """Emails, phones and URLs: [{Value, StrippedValue, Description}]; StrippedValue is what
    SuperOffice searches on (a phone number's digits)."""
    def read(value: Any) -> list:
        if not isinstance(value, list):
            raise bad_request(f"{kind} must be a list of {{Value, Description}}.")
        out = []
        for entry in value:
            text = str((entry or {}).get("Value") or "").strip()
            if not text:
                continue
            stripped = re.sub(r"\D", "", text) if kind == "phone" else text
            out.append({"Value": text, "StrippedValue": stripped, "Description": str(entry.get("Description") or "")})
        return out
    return read


def list_item(kind: str) -> Callable[[Any], dict | None]:
    def read(value: Any) -> dict | None:
        try:
            return lists.resolve(kind, value)
        except (ValueError, TypeError, AttributeError) as error:
            raise bad_request(str(error)) from None
    return read


def reference(id_field: str) -> Callable[[Any], dict | None]:
    """A reference to another entity, stored as its id (existence is checked by the records layer)."""
    def read(value: Any) -> dict | None:
        try:
            id = int(value.get(id_field) or 0) if isinstance(value, dict) else int(value or 0)
        except (TypeError, ValueError, AttributeError):
            raise bad_request(f"{id_field} must be a number.") from None
        return {id_field: id} if id else None
    return read


def address_reader(street_kind: str, postal_kind: str) -> Callable[[Any], dict]:
    def read(value: Any) -> dict:
        result = address(street_kind, postal_kind)
        if not isinstance(value, dict):
            return result
        given = {key.lower(): v for key, v in value.items()}
        for part in ("Street", "Postal"):
            source = {key.lower(): v for key, v in (given.get(part.lower()) or {}).items()}
            for field in result[part]:
                if field != "AtypeIdx" and source.get(field.lower()) is not None:
                    result[part][field] = str(source[field.lower()])
            lines = [result[part][f] for f in ("Address1", "Address2", "Address3")] + [
                f"{result[part]['Zipcode']} {result[part]['City']}".strip()]
            result[part]["Formatted"] = "\n".join(line for line in lines if line)
        result["Formatted"] = result["Postal"]["Formatted"] or result["Street"]["Formatted"]
        return result
    return read


def _common(id_field: str) -> dict:
    return {id_field: 0}


def _stamps() -> dict:
    return {"UpdatedDate": EMPTY, "CreatedDate": EMPTY, "UpdatedBy": None, "CreatedBy": None}


def _extras() -> dict:
    return {"UserDefinedFields": {}, "ExtraFields": {}, "CustomFields": {}, "TableRight": dict(TABLE_RIGHT)}


CONTACT = Kind("Contact", "contacts", "ContactId", {
    **_common("ContactId"), "Name": "", "Department": "", "OrgNr": "", "Number1": "", "Number2": "",
    **_stamps(), "Emails": [], "Urls": [], "Phones": [], "Faxes": [], "Description": "",
    "Associate": dict(lists.SYSTEM_ASSOCIATE), "Business": None, "Category": None, "Country": lists.country(578),
    "Persons": [], "NoMailing": False, "Xstop": False, "Deleted": 0, "Address": address("ContactStreetAddress", "ContactPostalAddress"),
    "ActiveErpLinks": 0, **_extras(),
}, read_only={"Persons", "Associate", "ActiveErpLinks", "Deleted"}, readers={
    "Emails": elements("email"), "Urls": elements("url"), "Phones": elements("phone"), "Faxes": elements("phone"),
    "Business": list_item("Business"), "Category": list_item("Category"), "Country": list_item("Country"),
    "Address": address_reader("ContactStreetAddress", "ContactPostalAddress"),
}, event="contact")

PERSON = Kind("Person", "persons", "PersonId", {
    **_common("PersonId"), "Firstname": "", "MiddleName": "", "Lastname": "", "Mrmrs": "", "Title": "",
    **_stamps(), "BirthDate": EMPTY, "Emails": [], "Description": "", "PrivatePhones": [], "MobilePhones": [],
    "OfficePhones": [], "Position": None, "Contact": None, "Country": lists.country(578), "PersonNumber": "",
    "FullName": "", "NoMailing": False, "UsePersonAddress": False, "Retired": False,
    "Address": address("Unknown", "PersonPrivateAddress"), "Salutation": "", "ActiveErpLinks": 0, **_extras(),
}, read_only={"FullName", "ActiveErpLinks"}, readers={
    "Emails": elements("email"), "PrivatePhones": elements("phone"), "MobilePhones": elements("phone"),
    "OfficePhones": elements("phone"), "Position": list_item("Position"), "Country": list_item("Country"),
    "Contact": reference("ContactId"), "Address": address_reader("Unknown", "PersonPrivateAddress"),
}, event="person")

SALE = Kind("Sale", "sales", "SaleId", {
    **_common("SaleId"), "Heading": "", "SaleText": "", "Contact": None, "Person": None, "Currency": lists.resolve("Currency", 1),
    "Status": "Open", "Saledate": EMPTY, "Amount": 0.0, "Earning": 0.0, "EarningPercent": 0.0, "Number": "",
    "Probability": 0, **_stamps(), "Completed": "NotStarted", "NextDueDate": EMPTY, "Postit": "",
    "Associate": dict(lists.SYSTEM_ASSOCIATE), "ActiveErpLinks": 0, **_extras(),
}, read_only={"Associate", "ActiveErpLinks"}, readers={
    "Contact": reference("ContactId"), "Person": reference("PersonId"), "Currency": list_item("Currency"),
}, event="sale")

PRODUCT = Kind("Product", "products", "ProductId", {
    **_common("ProductId"), "ERPProductKey": "", "ERPPriceListKey": "", "Name": "", "Description": "", "Code": "",
    "PriceUnit": "NOK", "QuantityUnit": "stk", "IsSubscription": False, "ItemNumber": "", "Url": "",
    "VAT": 25.0, "VATInfo": "", "UnitCost": 0.0, "UnitMinimumPrice": 0.0, "UnitListPrice": 0.0, "InAssortment": True,
    "Supplier": "", "SupplierCode": "", "InStock": 0.0, "ExtraInfo": [], "TableRight": dict(TABLE_RIGHT),
}, read_only=set(), readers={}, event=None)
# SuperOffice's Product carrier has no UpdatedDate/CreatedDate (its archive has updatedDate):
# the stamps are kept out of the entity and in the document's hidden "_updated"/"_created".
for stamp in ("UpdatedDate", "CreatedDate", "UpdatedBy", "CreatedBy"):
    PRODUCT.read_only.discard(stamp)

KINDS = {kind.name.lower(): kind for kind in (CONTACT, PERSON, SALE, PRODUCT)}
