"""First-contact look-ups through the archive providers' `$filter` (the same lists `index`
reads, restricted by SuperOffice itself): a person or a company by its e-mail, a company by
its organisation number, a product by its Code (the SKU). A handful of rows, one request.

Strings compare without regard to case (SuperOffice's database collation), so an e-mail or a
SKU is one `eq`. An organisation number is kept as people typed it ("923 456 789",
"923456789"), and Talk's key has its letters and digits only: the filter asks for rows that
contain each three-character piece of the key, which finds the number written whole or grouped
in threes (with spaces, dots or dashes) and little else; Talk keeps only the rows whose own key
is the one asked for.
"""
from __future__ import annotations

from talk.client import NotSearchable

from .lost_answers import odata_text

# entity -> match key kind -> the archive column that holds it.
COLUMNS = {
    "contacts": {"email": "email", "org": "orgnr"},
    "persons": {"email": "personEmail"},
    "products": {"sku": "code"},
}
PIECE = 3


def restriction(entity: str, key: str) -> str:
    """The `$filter` that finds the rows which may hold `key`; NotSearchable for a key kind
    the entity's list has no column for."""
    kind, _, value = key.partition(":")
    column = COLUMNS.get(entity, {}).get(kind)
    if column is None or not value:
        raise NotSearchable(f"SuperOffice's {entity} list has no column for {kind}")
    if kind != "org":
        return f"{column} eq {odata_text(value)}"
    pieces = [value[start:start + PIECE] for start in range(0, len(value), PIECE)]
    return " and ".join(f"{column} contains {odata_text(piece)}" for piece in pieces)
