"""Create, read, change and delete the REST entities; every change stamps UpdatedDate and
tells the webhooks (`on_event`). The quote chain lives in `quotes`."""
from __future__ import annotations

import copy
from typing import Callable

from ..common.documents import DocumentStore
from . import dates, lists
from .entities import CONTACT, KINDS, PERSON, PRODUCT, SALE, Kind
from .errors import SoError, bad_request, not_found

# Database column names SuperOffice lists in a webhook's Changes, per entity field.
COLUMNS = {
    "Name": "name", "Department": "department", "OrgNr": "orgNr", "Number1": "number1", "Number2": "number2",
    "Category": "category_idx", "Business": "business_idx", "Country": "country_id", "Firstname": "firstname",
    "Lastname": "lastname", "MiddleName": "middleName", "Contact": "contact_id", "Person": "person_id",
    "Heading": "heading", "Amount": "amount", "Status": "status", "Saledate": "saledate", "Currency": "currency_id",
    "Probability": "probability", "Number": "number1",
}
STAMP_COLUMNS = ["updated_associate_id", "updated", "updatedCount"]

EventSink = Callable[[str, str, int, list[str]], None]  # (event, entity, id, changes)


class Records:
    def __init__(self, store: DocumentStore, on_event: EventSink | None = None):
        self.store = store
        self.on_event = on_event or (lambda *args: None)

    # -- reading ---------------------------------------------------------------------------
    def get(self, kind: Kind, id: int) -> dict:
        doc = self.store.get(kind.store, id)
        if doc is None:
            raise not_found(kind.name, id)
        return doc

    def all(self, kind: Kind):
        return self.store.all(kind.store)

    def present(self, kind: Kind, doc: dict, links: dict | None = None) -> dict:
        """The entity as the API shows it: references filled, hidden keys dropped, _Links last."""
        shown = {key: copy.deepcopy(value) for key, value in doc.items() if not key.startswith("_")}
        if kind is CONTACT:
            shown["Persons"] = [self.person_carrier(p) for p in self.store.all(PERSON.store)
                                if (p.get("Contact") or {}).get("ContactId") == doc["ContactId"]]
        if "Contact" in shown and kind is not CONTACT:
            shown["Contact"] = self.contact_carrier(shown["Contact"])
        if kind is SALE and shown.get("Person"):
            person = self.store.get(PERSON.store, shown["Person"]["PersonId"])
            shown["Person"] = self.person_carrier(person) if person else None
        if links is not None and kind is not PRODUCT:  # the Product carrier has no _Links
            shown["_Links"] = links
        return shown

    def contact_carrier(self, ref: dict | None) -> dict | None:
        contact = self.store.get(CONTACT.store, ref["ContactId"]) if ref else None
        if contact is None:
            return None
        first = lambda field: (contact.get(field) or [{}])[0].get("Value", "")  # noqa: E731
        return {
            "ContactId": contact["ContactId"], "Name": contact["Name"], "OrgNr": contact["OrgNr"],
            "Department": contact["Department"], "URL": first("Urls"), "City": contact["Address"]["Postal"]["City"],
            "DirectPhone": first("Phones"), "AssociateId": lists.SYSTEM_ASSOCIATE["AssociateId"],
            "CountryId": (contact.get("Country") or {}).get("CountryId", 0), "EmailAddress": first("Emails"),
            "Kananame": "", "EmailAddressName": "", "URLName": "", "AssociateFullName": lists.SYSTEM_ASSOCIATE["FullName"],
            "BusinessName": (contact.get("Business") or {}).get("Value", ""),
            "CategoryName": (contact.get("Category") or {}).get("Value", ""),
            "CountryName": (contact.get("Country") or {}).get("Name", ""), "Address": contact["Address"],
            "FormattedAddress": contact["Address"]["Formatted"], "FullName": contact["Name"], "IsOwnerContact": False,
            "ActiveErpLinks": 0, "Number1": contact["Number1"], "Number2": contact["Number2"],
        }

    def person_carrier(self, person: dict) -> dict:
        contact = self.contact_carrier(person.get("Contact")) or {}
        first = lambda field: (person.get(field) or [{}])[0].get("Value", "")  # noqa: E731
        return {
            "Position": (person.get("Position") or {}).get("Value", ""), "PersonId": person["PersonId"],
            "Mrmrs": person["Mrmrs"], "Firstname": person["Firstname"], "Lastname": person["Lastname"],
            "MiddleName": person["MiddleName"], "Title": person["Title"], "Description": person["Description"],
            "Email": first("Emails"), "FullName": person["FullName"], "DirectPhone": first("OfficePhones"),
            "FormalName": person["FullName"], "CountryId": (person.get("Country") or {}).get("CountryId", 0),
            "ContactId": contact.get("ContactId", 0), "ContactName": contact.get("Name", ""), "Retired": int(person["Retired"]),
            "Rank": 1, "ActiveInterests": 0, "ContactDepartment": contact.get("Department", ""),
            "ContactCountryId": contact.get("CountryId", 0), "ContactOrgNr": contact.get("OrgNr", ""), "FaxPhone": "",
            "MobilePhone": first("MobilePhones"), "ContactPhone": contact.get("DirectPhone", ""),
            "AssociateName": lists.SYSTEM_ASSOCIATE["Name"], "AssociateId": lists.SYSTEM_ASSOCIATE["AssociateId"],
            "UsePersonAddress": person["UsePersonAddress"], "ContactFax": "", "Kanafname": "", "Kanalname": "",
            "Post1": "", "Post2": "", "Post3": "", "EmailName": "", "ContactFullName": contact.get("Name", ""),
            "ActiveErpLinks": 0, "TicketPriorityId": 0, "SupportLanguageId": 0, "SupportAssociateId": 0,
            "CategoryName": "", "PersonNumber": person["PersonNumber"],
        }

    # -- writing ---------------------------------------------------------------------------
    def create(self, kind: Kind, body: dict, at: str | None = None) -> dict:
        doc = kind.from_body(kind.blank(), body)
        self._check(kind, doc)
        doc[kind.id_field] = self.store.next_id(f"id:{kind.store}")
        self._derive(kind, doc)
        self._stamp(kind, doc, created=True, at=at)
        self.store.put(kind.store, doc[kind.id_field], doc)
        if kind.event:
            self.on_event(f"{kind.event}.created", kind.event, doc[kind.id_field], self._changes(kind, kind.blank(), doc))
        return doc

    def replace(self, kind: Kind, id: int, body: dict, unmodified_since: str | None = None) -> dict:
        """PUT (and, through `present` and a patched copy, PATCH): the body is the whole entity."""
        before = self.get(kind, id)
        check_unmodified(kind, before, unmodified_since)
        after = kind.from_body(before, body)
        for key, value in before.items():
            if key.startswith("_"):
                after[key] = value
        self._check(kind, after)
        self._derive(kind, after)
        return self.save(kind, before, after)

    def save(self, kind: Kind, before: dict, after: dict) -> dict:
        """Store a changed document: UpdatedDate moves and webhooks hear of it; an unchanged one
        is left as it was (SuperOffice writes nothing when nothing changed)."""
        if after == before:
            return before
        self._stamp(kind, after)
        self.store.put(kind.store, after[kind.id_field], after)
        if kind.event:
            changes = self._changes(kind, before, after)
            self.on_event(f"{kind.event}.changed", kind.event, after[kind.id_field], changes)
            if kind is SALE and after["Status"] == "Sold" and before["Status"] != "Sold":
                self.on_event("sale.sold", "sale", after["SaleId"], changes)
        return after

    def delete(self, kind: Kind, id: int, unmodified_since: str | None = None) -> None:
        doc = self.get(kind, id)
        check_unmodified(kind, doc, unmodified_since)
        if kind is CONTACT:  # a company takes its persons along, as deleting it in SuperOffice does
            for person in list(self.store.all(PERSON.store)):
                if (person.get("Contact") or {}).get("ContactId") == id:
                    self.store.delete(PERSON.store, person["PersonId"])
        self.store.delete(kind.store, id)
        if kind.event:
            self.on_event(f"{kind.event}.deleted", kind.event, id, [])

    # -- rules -------------------------------------------------------------------------------
    def _check(self, kind: Kind, doc: dict) -> None:
        for field, ref_kind in (("Contact", CONTACT), ("Person", PERSON)):
            ref = doc.get(field) if kind is not ref_kind else None
            if ref and self.store.get(ref_kind.store, ref[ref_kind.id_field]) is None:
                raise bad_request(f"{ref_kind.name} id {ref[ref_kind.id_field]} does not exist.")
        if kind is SALE and doc["Status"] not in lists.SALE_STATUSES:
            raise bad_request(f"Status must be one of {', '.join(lists.SALE_STATUSES)}.")
        if kind is PERSON and not (doc["Firstname"] or doc["Lastname"]):
            raise bad_request("A person needs a Firstname or a Lastname.")

    def _derive(self, kind: Kind, doc: dict) -> None:
        if kind is PERSON:
            doc["FullName"] = " ".join(p for p in (doc["Firstname"], doc["MiddleName"], doc["Lastname"]) if p)
        if kind is PRODUCT and not doc["ERPProductKey"] and doc["ProductId"]:
            # A product made in SuperOffice's own price list is keyed by its id.
            doc["ERPProductKey"] = str(doc["ProductId"])

    def _stamp(self, kind: Kind, doc: dict, created: bool = False, at: str | None = None) -> None:
        moment = at or dates.now()
        if kind is PRODUCT:
            doc["_updated"] = moment
            if created:
                doc["_created"] = moment
            return
        doc["UpdatedDate"] = moment
        doc["UpdatedBy"] = dict(lists.SYSTEM_ASSOCIATE)
        if created:
            doc["CreatedDate"] = moment
            doc["CreatedBy"] = dict(lists.SYSTEM_ASSOCIATE)

    @staticmethod
    def _changes(kind: Kind, before: dict, after: dict) -> list[str]:
        changed = [field for field in after if not field.startswith("_") and field not in kind.read_only
                   and after.get(field) != before.get(field)]
        id_column = kind.id_field[:-2].lower() + "_id"
        return [id_column] + [COLUMNS.get(f, f[0].lower() + f[1:]) for f in changed] + STAMP_COLUMNS


def check_unmodified(kind: Kind, doc: dict, unmodified_since: str | None) -> None:
    """If-Unmodified-Since: 412 when the entity changed after that moment (to the second)."""
    if not unmodified_since:
        return
    try:
        since = dates.parse_http_date(unmodified_since)
    except ValueError:
        raise bad_request("If-Unmodified-Since is not a date.") from None
    updated = doc.get("_updated") if kind is PRODUCT else doc.get("UpdatedDate")
    if updated and updated != dates.EMPTY_DATE and dates.parse(updated) > since.replace(microsecond=0):
        raise SoError(412, "PreconditionFailed",
                      f"{kind.name} {doc[kind.id_field]} has changed since {unmodified_since}.")


def kind_of(name: str) -> Kind:
    kind = KINDS.get(name.lower())
    if kind is None:
        raise not_found("Entity", name)
    return kind

