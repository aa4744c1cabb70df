"""The writes of an order that add something, when their answer is lost.

POST /Sale, CreateAndSaveQuote and SaveQuoteLine of a new line each add a record; when the
answer never comes (talk.http's UnknownOutcome: a 5xx, a timeout) it may have been applied all
the same. Each is looked for where it would have landed before it is sent again, so an order
is never doubled and a quote never gets the same line twice:

- a sale by its `Number`, which holds the Talk id of a sale Talk creates (the mapping's
  external reference; `sale.number1` is an indexed text column of 49 characters);
- a quote by its sale (GetQuoteEntityFromSaleId: one quote per sale);
- a line by the alternative's lines read again: a line that was not there before the save and
  names the wanted product is the one that landed.

Only the sale's own create goes back to the shared write path (`talk.lost_answers.CreateOnce`)
when it did not land; a quote or a line that did not land is sent once more here.
"""
from __future__ import annotations

import logging

from tap_superoffice.client import SuperOfficeClient
from talk.http import UnknownOutcome

log = logging.getLogger("target_superoffice")


def odata_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def sale_ids_by_number(api: SuperOfficeClient, number: str) -> list[int]:
    """Ids of the sales whose Number is `number` (the FindSale archive's `number` column)."""
    rows = api.archive_rows("/Sale", ["saleId"], "saleId", where=f"number eq {odata_text(number)}")
    return [row["saleId"] for row in rows]


def create_sale(api: SuperOfficeClient, fields: dict) -> dict:
    """POST /Sale; after a lost answer, the sale with the same Number if one landed. Without a
    Number, or when none landed, the UnknownOutcome goes to the write path (CreateOnce)."""
    try:
        return api.session.json("POST", "/Sale", json=fields)  # not repeated blindly
    except UnknownOutcome as lost:
        landed = sale_ids_by_number(api, fields["Number"]) if fields.get("Number") else []
        if len(landed) != 1:
            raise
        log.info("sale %s: the answer to POST /Sale was lost (%s), but it landed as sale %s",
                 fields["Number"], lost.detail, landed[0])
        return api.get(f"/Sale/{landed[0]}")


def create_quote(api: SuperOfficeClient, sale_id: int, first_alternative: str) -> dict:
    """CreateAndSaveQuote; after a lost answer, the sale's quote if it landed, else sent once more."""
    request = {"SaleId": sale_id, "ConnectionId": 1, "FirstAlternativeName": first_alternative}
    try:
        return api.agent("CreateAndSaveQuote", request)
    except UnknownOutcome as lost:
        quote = api.agent("GetQuoteEntityFromSaleId", {"SaleId": sale_id}) or {}
        if quote.get("QuoteId"):
            log.info("sale %s: the answer to CreateAndSaveQuote was lost (%s), but the quote landed", sale_id, lost.detail)
            return quote
        return api.agent("CreateAndSaveQuote", request)


def save_new_line(api: SuperOfficeClient, line: dict, known: set[int]) -> dict:
    """SaveQuoteLine of a new line (QuoteLineId 0) into its alternative, whose lines before the
    save are `known`. After a lost answer the alternative's lines are read again: a line not in
    `known` with the same product landed; if none did, the line is sent once more."""
    for attempt in (1, 2):
        try:
            return api.agent("SaveQuoteLine", {"QuoteLine": line}, idempotent=False)
        except UnknownOutcome as lost:
            present = api.agent("GetQuoteLines", {"QuoteAlternativeId": line["QuoteAlternativeId"]}) or []
            landed = [p for p in present if p["QuoteLineId"] not in known and p.get("ERPProductKey") == line.get("ERPProductKey")]
            if landed:
                log.info("quote alternative %s: the answer to SaveQuoteLine was lost (%s), but line %s landed",
                         line["QuoteAlternativeId"], lost.detail, landed[0]["QuoteLineId"])
                return landed[0]
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
