"""Which quote alternative makes a sale's order, and which sale a quote line belongs to.

A sale's order is one alternative of its quote: the accepted one (Quote.AcceptedQuoteAlternativeId,
set when an order is placed), else the likely alternative of the active version
(QuoteVersion.LikelyQuoteAlternativeId of Quote.ActiveQuoteVersionId) — the one SuperOffice
takes the sale's Amount from.

A quote line knows only its alternative, and changing a line moves neither the sale nor the
quote. So the tap keeps, in the sales stream's state, what it learnt of each alternative
(`AlternativeMap`: alternative id -> [sale id, whether its lines are emitted: it is its sale's
chosen alternative and the sale's status is one of sale_statuses]), and asks the quote agent
only about an alternative it has not seen (four calls: alternative, version, quote, sale).
"""
from __future__ import annotations

from typing import Any, Iterable

from talk.http import ApiError

from .client import SuperOfficeClient

STATE_KEY = "quote_alternatives"


def sale_statuses(config: dict) -> set[str]:
    """The sale statuses that make an order (setting sale_statuses, default Sold), lower case:
    SuperOffice's list values compare case-insensitively."""
    return {str(status).strip().lower() for status in config.get("sale_statuses") or ["Sold"]}


def chosen_alternative_id(quote: dict) -> int:
    """The alternative that makes the order, from a QuoteEntity (GetQuoteEntityFromSaleId) or a
    Quote plus its versions; 0 when the sale has no quote."""
    if not quote or not quote.get("QuoteId"):
        return 0
    if quote.get("AcceptedQuoteAlternativeId"):
        return int(quote["AcceptedQuoteAlternativeId"])
    active = quote.get("ActiveQuoteVersionId")
    for version in quote.get("QuoteVersions") or []:
        if version.get("QuoteVersionId") == active:
            return int(version.get("LikelyQuoteAlternativeId") or 0)
    return 0


def alternatives_of(quote: dict) -> Iterable[dict]:
    for version in (quote or {}).get("QuoteVersions") or []:
        yield from version.get("QuoteAlternatives") or []


class AlternativeMap:
    """alternative id -> [sale id, emitted], kept in a stream's state dict (ids as text keys:
    the state is JSON)."""

    def __init__(self, state: dict):
        self.known: dict[str, list[Any]] = state.setdefault(STATE_KEY, {})

    def learn_quote(self, sale_id: int, quote: dict, emitted: bool) -> None:
        """Every alternative of a sale's quote, read from its QuoteEntity."""
        chosen = chosen_alternative_id(quote)
        self.forget_sale(sale_id)
        for alternative in alternatives_of(quote):
            alternative_id = int(alternative["QuoteAlternativeId"])
            self.known[str(alternative_id)] = [sale_id, emitted and alternative_id == chosen]

    def forget_sale(self, sale_id: int) -> None:
        """The sale left sale_statuses (or its quote changed): none of its lines is emitted
        until it is read again."""
        for entry in self.known.values():
            if entry[0] == sale_id:
                entry[1] = False

    def get(self, alternative_id: int) -> tuple[int, bool] | None:
        entry = self.known.get(str(alternative_id))
        return (int(entry[0]), bool(entry[1])) if entry else None

    def resolve(self, client: SuperOfficeClient, alternative_id: int, statuses: set[str]) -> tuple[int, bool]:
        """An alternative not seen before: its sale and whether its lines are emitted, from the
        quote agent and the sale's Status, remembered for the next time."""
        try:
            alternative = client.agent("GetQuoteAlternative", params={"quoteAlternativeId": alternative_id}) or {}
        except ApiError as error:
            if error.status != 404:
                raise
            return 0, False  # deleted since its line was listed: nothing to emit
        version = client.agent("GetQuoteVersion", {"QuoteVersionId": alternative.get("QuoteVersionId")}) or {}
        quote = client.agent("GetQuote", {"QuoteId": version.get("QuoteId")}) or {}
        sale_id = int(quote.get("SaleId") or 0)
        chosen = chosen_alternative_id({**quote, "QuoteVersions": [version]})
        status = (client.get(f"/Sale/{sale_id}", {"$select": "Status"}) or {}).get("Status") if sale_id else None
        emitted = bool(sale_id) and str(status or "").lower() in statuses and chosen == alternative_id
        self.known[str(alternative_id)] = [sale_id, emitted]
        return sale_id, emitted
