"""The quote agent: `POST /{ContextId}/api/v1/Agents/Quote/<Method>` with a JSON request body,
as SuperOffice's QuoteAgent spec names methods and request members."""
from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .entities import SALE
from .errors import SoError, bad_request
from .quotes import ALTERNATIVES, LINES, QUOTES, VERSIONS, Quotes, blank_quote
from .records import Records


def _member(body: dict, name: str, default: Any = None) -> Any:
    """A request member, matched case-insensitively as ASP.NET binds them."""
    return next((value for key, value in body.items() if key.lower() == name.lower()), default)


def _id(body: dict, name: str) -> int:
    try:
        return int(_member(body, name) or 0)
    except (TypeError, ValueError):
        raise bad_request(f"{name} must be a number.") from None


def methods(quotes: Quotes, records: Records) -> dict[str, Callable[[dict, Request], Any]]:
    """Method name -> handler(request body, request) -> answer (None: 204)."""

    def quote_entity_from_sale(body: dict, request: Request) -> dict:
        records.get(SALE, _id(body, "SaleId"))
        quote = quotes.quote_of_sale(_id(body, "SaleId"))
        # A sale without a quote answers an empty QuoteEntity (QuoteId 0), not an error.
        return quotes.shown_entity(quote) if quote else {**blank_quote(), "QuoteVersions": []}

    def place_order(body: dict, request: Request) -> dict:
        quote = quotes.accept(_id(body, "QuoteAlternativeId"), _member(body, "PoNumber", ""),
                              _member(body, "OrderComment", ""))
        updated = [{"Tablename": "quote", "RecordId": quote["QuoteId"]}]
        if _member(body, "MarkSaleAsSold", False):
            sale = records.get(SALE, quote["SaleId"])
            records.save(SALE, sale, {**sale, "Status": "Sold", "Probability": 100})
            updated.append({"Tablename": "sale", "RecordId": quote["SaleId"]})
        return {"IsOk": True, "UserExplanation": "", "TechExplanation": "", "ErrorCode": "",
                "Changes": {"AddedRecords": [], "UpdatedRecords": updated, "DeletedRecords": []},
                "Url": "", "Status": "Ok"}

    def delete_line(body: dict, request: Request) -> None:
        quotes.delete_line(_id(body, "QuoteLineId"))

    return {
        "GetQuoteEntityFromSaleId": quote_entity_from_sale,
        "GetQuote": lambda body, _: quotes.shown_quote(quotes.get(QUOTES, _id(body, "QuoteId"), "Quote")),
        "GetQuoteVersion": lambda body, _: quotes.shown_version(quotes.get(VERSIONS, _id(body, "QuoteVersionId"), "QuoteVersion")),
        "GetQuoteAlternatives": lambda body, _: quotes.alternatives(
            quotes.get(VERSIONS, _id(body, "QuoteVersionId"), "QuoteVersion")["QuoteVersionId"]),
        "GetQuoteAlternative": lambda body, request: quotes.get(
            ALTERNATIVES, request.query_params.get("quoteAlternativeId") or _id(body, "QuoteAlternativeId"), "QuoteAlternative"),
        "GetQuoteLines": lambda body, _: [quotes.shown_line(line) for line in quotes.lines(
            quotes.get(ALTERNATIVES, _id(body, "QuoteAlternativeId"), "QuoteAlternative")["QuoteAlternativeId"])],
        "GetQuoteLine": lambda body, _: quotes.shown_line(quotes.get(LINES, _id(body, "QuoteLineId"), "QuoteLine")),
        "CreateAndSaveQuote": lambda body, _: quotes.shown_entity(quotes.create_quote(
            _id(body, "SaleId"), str(_member(body, "FirstAlternativeName") or ""), _id(body, "ConnectionId"))),
        "CreateQuoteAlternative": lambda body, _: quotes.add_alternative(
            _id(body, "QuoteVersionId"), str(_member(body, "QuoteAlternativeName") or ""),
            str(_member(body, "QuoteAlternativeDescription") or "")),
        "CreateQuoteLine": lambda body, _: quotes.product_line(
            _id(body, "QuoteAlternativeId"), str(_member(body, "ERPProductKey") or "")),
        "SaveQuoteLine": lambda body, _: quotes.save_line(_member(body, "QuoteLine")),
        "DeleteQuoteLine": delete_line,
        # SaveQuoteAlternative takes the alternative itself as the body (the spec's request).
        "SaveQuoteAlternative": lambda body, _: quotes.save_alternative(body),
        "SaveQuoteVersion": lambda body, _: quotes.shown_version(quotes.save_version(_member(body, "QuoteVersion"))),
        "SaveQuote": lambda body, _: quotes.shown_quote(quotes.save_quote(_member(body, "Quote"))),
        "PlaceOrder": place_order,
    }


def add_routes(router: APIRouter, quotes: Quotes, records: Records) -> None:
    handlers = {name.lower(): handler for name, handler in methods(quotes, records).items()}

    @router.post("/Agents/Quote/{method}")
    async def call(method: str, request: Request) -> Response:
        handler = handlers.get(method.lower())
        if handler is None:
            raise SoError(404, "SoNotFoundException", f"The quote agent has no method {method} in this sandbox")
        raw = await request.body()
        try:
            body = await request.json() if raw.strip() else {}
        except ValueError:
            raise bad_request("The request body is not JSON.") from None
        answer = handler(body if isinstance(body, dict) else {}, request)
        return Response(status_code=204) if answer is None else JSONResponse(answer)
