"""The tenant's lists (MDO lists in SuperOffice): categories, businesses, countries, currencies,
positions. Fixed for the sandbox; an entity refers to an item by Id and the API fills its name."""
from __future__ import annotations

CATEGORIES = {1: ("Kunde", "Customer"), 2: ("Prospekt", "PotentialCustomer"), 3: ("Partner", "Partner"),
              4: ("Leverandør", "Other"), 5: ("Tapt kunde", "Lost")}
BUSINESSES = {1: "Detaljhandel", 2: "Servering", 3: "Interiør", 4: "Sport og fritid", 5: "Industri"}
# CountryId is SuperOffice's numeric ISO 3166 code.
COUNTRIES = {578: ("Norge", "Norway", "NO", "NOR"), 752: ("Sverige", "Sweden", "SE", "SWE"),
             208: ("Danmark", "Denmark", "DK", "DNK"), 826: ("Storbritannia", "United Kingdom", "GB", "GBR")}
CURRENCIES = {1: "NOK", 2: "SEK", 3: "DKK", 4: "EUR"}
POSITIONS = {1: "Daglig leder", 2: "Innkjøper", 3: "Økonomi", 4: "Selger"}
SALE_STATUSES = ("Open", "Sold", "Lost", "Stalled")

# The integration's own user: what UpdatedBy/CreatedBy show for its writes.
SYSTEM_ASSOCIATE = {
    "AssociateId": 5, "Name": "TALK", "PersonId": 0, "Rank": 1, "Tooltip": "", "Type": "SystemAssociate",
    "GroupIdx": 0, "FullName": "Talk system user", "FormalName": "Talk system user", "Deleted": False,
    "EjUserId": 0, "UserName": "TALK",
}


def item(id: int, value: str) -> dict:
    return {"Id": id, "Value": value, "Tooltip": ""}


def category(id: int) -> dict | None:
    if id not in CATEGORIES:
        return None
    name, group = CATEGORIES[id]
    return {**item(id, name), "CategoryGroup": group, "EnableLeadStatus": False, "Rank": id, "Deleted": False}


def country(id: int) -> dict | None:
    if id not in COUNTRIES:
        return None
    name, english, two, three = COUNTRIES[id]
    return {"CountryId": id, "Name": name, "CurrencyId": 1, "EnglishName": english, "TwoLetterISOCountry": two,
            "ThreeLetterISOCountry": three, "ImageDescription": "", "OrgNrText": "", "InterAreaPrefix": "",
            "DialInPrefix": "", "ZipPrefix": "", "DomainName": "", "AddressLayoutId": 0, "DomesticAddressLayoutId": 0,
            "ForeignAddressLayoutId": 0, "Rank": 0, "Tooltip": "", "Deleted": False}


def country_by_code(code: str) -> int | None:
    return next((id for id, entry in COUNTRIES.items() if entry[2] == code.upper()), None)


def resolve(kind: str, value) -> dict | None:
    """An item a client sent ({"Id": 3} or {"CountryId": 578}) as the API shows it; None when
    empty; a ValueError for an Id the list does not have."""
    if not value:
        return None
    id = int(value.get("CountryId" if kind == "Country" else "Id") or 0) if isinstance(value, dict) else int(value)
    if not id:
        return None
    found = {
        "Category": lambda: category(id),
        "Business": lambda: item(id, BUSINESSES[id]) if id in BUSINESSES else None,
        "Country": lambda: country(id),
        "Currency": lambda: item(id, CURRENCIES[id]) if id in CURRENCIES else None,
        "Position": lambda: item(id, POSITIONS[id]) if id in POSITIONS else None,
    }[kind]()
    if found is None:
        raise ValueError(f"{kind} id {id} does not exist")
    return found
