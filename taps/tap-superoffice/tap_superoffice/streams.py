"""SuperOffice streams: what changed, from an archive list, then each changed entity read whole.

An archive list (`GET /Contact`, `/Person`, `/Sale`, `/Product`, `/Archive/QuoteLine`) names
the records changed since the bookmark (`$filter=<date column> afterTime '...'`, only the key
and the date selected, paged by primary key); one GET per changed record gives the entity as
the REST API shapes it. Records keep SuperOffice's PascalCase names; `_Links` is dropped and
dates are UTC with a Z (dates.py).

Bookmarks are the archive's dates, never later than two seconds before the server answered
the list (dates.settled_before): dates have one-second resolution and `afterTime` is strict,
so a bookmark on the current second would skip a record changed later in that second.
"""
from __future__ import annotations

import json
import typing as t
from importlib import resources

from singer_sdk import Stream
from talk.http import ApiError

from .alternatives import AlternativeMap, alternatives_of, chosen_alternative_id, sale_statuses
from .client import SuperOfficeClient
from .dates import filter_time, instant, settled_before, utc_dates, utc_text

SETTLE_SECONDS = 2


def load_schema(name: str) -> dict:
    return json.loads((resources.files(__package__) / "schemas" / f"{name}.json").read_text())


class SuperOfficeStream(Stream):
    """One entity (`Contact`): `GET /Contact` lists changes by `contactId`, `GET /Contact/{id}`
    reads one, whose key is `ContactId`."""

    entity: t.ClassVar[str] = ""
    date_column: t.ClassVar[str] = "updatedDate"
    extra_columns: t.ClassVar[list[str]] = []
    replication_key = "UpdatedDate"
    is_sorted = False  # listed in key order, not change order

    def __init__(self, tap, **kwargs) -> None:
        super().__init__(tap, schema=load_schema(self.name), **kwargs)
        if self.entity:
            self.primary_keys = [f"{self.entity}Id"]

    @property
    def list_path(self) -> str:
        return f"/{self.entity}"

    @property
    def key_column(self) -> str:
        return f"{self.entity[0].lower()}{self.entity[1:]}Id"

    @property
    def client(self) -> SuperOfficeClient:
        return self._tap.client

    # -- what changed ----------------------------------------------------------------------
    def changed_rows(self, context: dict | None) -> list[dict]:
        """The archive rows (key, date and extra_columns) of records changed since the bookmark."""
        start = self.get_starting_timestamp(context)
        where = f"{self.date_column} afterTime '{filter_time(start)}'" if start else ""
        columns = [self.key_column, *self.extra_columns, self.date_column]
        return list(self.client.archive_rows(self.list_path, columns, self.key_column, where))

    def bookmark_rows(self, rows: list[dict], context: dict | None) -> None:
        """Move the bookmark to the newest listed change, but not into a second that had not
        ended when the list was read; never back."""
        dates = [instant(row[self.date_column]) for row in rows if utc_text(row.get(self.date_column))]
        if not dates:
            return
        newest = min(max(dates), settled_before(self.client.listed_at, SETTLE_SECONDS))
        start = self.get_starting_timestamp(context)
        if start is not None and newest <= start:
            return
        self.stream_state["replication_key"] = self.replication_key
        self.stream_state["replication_key_value"] = utc_text(newest.isoformat())

    def _increment_stream_state(self, latest_record: dict, *, context: dict | None = None) -> None:
        """Bookmarks are set from the list (bookmark_rows), not from the records emitted: a
        record emitted for another reason (the lines of a changed sale) carries an older date."""

    # -- reading ---------------------------------------------------------------------------
    def read_entity(self, record_id: t.Any) -> dict | None:
        """The entity as GET /{Entity}/{id} answers it, None if it was deleted since it was listed."""
        try:
            entity = self.client.get(f"/{self.entity}/{record_id}")
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        if entity is None:
            return None
        entity.pop("_Links", None)
        return entity

    def shaped(self, record: dict) -> dict:
        return utc_dates(record, self.schema)

    def get_records(self, context: dict | None) -> t.Iterable[dict]:
        rows = self.changed_rows(context)
        for row in rows:
            record = self.read_entity(row[self.key_column])
            if record is not None:
                yield self.shaped(self.completed(record, row))
        self.bookmark_rows(rows, context)

    def completed(self, record: dict, row: dict) -> dict:
        """What a stream adds to the entity from its archive row."""
        return record


class ContactsStream(SuperOfficeStream):
    """Companies: the ContactEntity."""

    name, entity = "contacts", "Contact"


class PersonsStream(SuperOfficeStream):
    """Persons: the PersonEntity (its Contact is the company it belongs to)."""

    name, entity = "persons", "Person"
    date_column = "personUpdatedDate"  # SimplePerson's name for it


class ProductsStream(SuperOfficeStream):
    """Products: the Product carrier plus UpdatedDate, which only its archive row has."""

    name, entity = "products", "Product"

    def completed(self, record: dict, row: dict) -> dict:
        record["UpdatedDate"] = row.get("updatedDate")
        return record


class SalesStream(SuperOfficeStream):
    """Sales whose Status is one of `sale_statuses` (default Sold): the SaleEntity plus
    `QuoteAlternative`, the alternative that makes the order (alternatives.py), null without a
    quote. A status change moves the sale's UpdatedDate, so a sale that becomes Sold is listed
    on the next run. The lines of the chosen alternative are read here (GetQuoteLines) and
    emitted by quote_lines; each quote's alternatives are remembered in this stream's state."""

    name, entity = "sales", "Sale"
    extra_columns: t.ClassVar[list[str]] = ["status"]

    def get_records(self, context: dict | None) -> t.Iterable[dict]:
        known = AlternativeMap(self.stream_state)
        statuses = sale_statuses(self.config)
        rows = self.changed_rows(context)
        for row in rows:
            sale_id = int(row[self.key_column])
            if str(row.get("status") or "").lower() not in statuses:
                known.forget_sale(sale_id)  # e.g. Sold -> Lost: its line changes are no order's now
                continue
            sale = self.read_entity(sale_id)
            if sale is None or str(sale.get("Status") or "").lower() not in statuses:
                continue  # deleted, or its status changed again since the list was read
            quote = self.client.agent("GetQuoteEntityFromSaleId", {"SaleId": sale_id}) or {}
            known.learn_quote(sale_id, quote, emitted=True)
            chosen = chosen_alternative_id(quote)
            sale["QuoteAlternative"] = next(
                (alt for alt in alternatives_of(quote) if alt.get("QuoteAlternativeId") == chosen), None)
            lines = self.client.agent("GetQuoteLines", {"QuoteAlternativeId": chosen}) if chosen else []
            self._tap.sale_lines[sale_id] = (chosen, lines or [])
            yield self.shaped(sale)
        self.bookmark_rows(rows, context)


class QuoteLinesStream(SuperOfficeStream):
    """Quote lines of orders: the QuoteLine as GetQuoteLines answers it, plus `SaleId` and
    `UpdatedDate` (the QuoteLine archive's updatedDate).

    - Every line of the chosen alternative of each sale emitted this run (read by the sales
      stream; their dates from one archive list per page of alternatives).
    - Lines changed since the bookmark whose alternative is the chosen one of a sale in
      sale_statuses, also when the sale did not change: the mapper joins them into their order
      by SaleId. Their alternatives are looked up in what the sales stream learnt
      (alternatives.py); one GetQuoteLines per alternative with changed lines.
    """

    name = "quote_lines"
    primary_keys: t.ClassVar[list[str]] = ["QuoteLineId"]
    list_path = "/Archive/QuoteLine"
    key_column = "quoteLineId"  # no REST entity: its lines come from the quote agent
    extra_columns: t.ClassVar[list[str]] = ["quoteAlternativeId"]

    def get_records(self, context: dict | None) -> t.Iterable[dict]:
        emitted_sales = dict(self._tap.sale_lines)
        yield from self.lines_of_emitted_sales(emitted_sales)
        rows = self.changed_rows(context)
        known = AlternativeMap(self._tap.streams["sales"].stream_state)
        changed: dict[int, dict[int, str]] = {}  # alternative -> line id -> archive date
        for row in rows:
            alternative_id = int(row["quoteAlternativeId"])
            found = known.get(alternative_id) or known.resolve(self.client, alternative_id, sale_statuses(self.config))
            sale_id, emitted = found
            if emitted and sale_id not in emitted_sales:
                changed.setdefault(alternative_id, {})[int(row[self.key_column])] = row[self.date_column]
        for alternative_id, dates in changed.items():
            sale_id = known.get(alternative_id)[0]
            for line in self.client.agent("GetQuoteLines", {"QuoteAlternativeId": alternative_id}) or []:
                if line.get("QuoteLineId") in dates:
                    yield self.line_record(line, sale_id, dates[line["QuoteLineId"]])
        self.bookmark_rows(rows, context)

    def lines_of_emitted_sales(self, sales: dict[int, tuple[int, list[dict]]]) -> t.Iterable[dict]:
        by_alternative = {alternative: sale_id for sale_id, (alternative, lines) in sales.items() if lines}
        dates = self.line_dates(sorted(by_alternative))
        for sale_id, (_, lines) in sales.items():
            for line in lines:
                yield self.line_record(line, sale_id, dates.get(int(line["QuoteLineId"])))

    def line_dates(self, alternatives: list[int], per_list: int = 100) -> dict[int, str]:
        """quoteLineId -> updatedDate for every line of these alternatives (the agent's QuoteLine
        has no date): one archive list per `per_list` alternatives."""
        dates: dict[int, str] = {}
        for at in range(0, len(alternatives), per_list):
            ids = ",".join(str(a) for a in alternatives[at:at + per_list])
            for row in self.client.archive_rows(self.list_path, [self.key_column, self.date_column], self.key_column,
                                                f"quoteAlternativeId oneOf ({ids})"):
                dates[int(row[self.key_column])] = row[self.date_column]
        return dates

    def line_record(self, line: dict, sale_id: int, updated: str | None) -> dict:
        return self.shaped({**line, "SaleId": sale_id, "UpdatedDate": updated})
