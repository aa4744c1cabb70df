"""A Talk order in SuperOffice: a Sale, its Quote and the alternative the order is, with lines.

Read in tap-superoffice's shape: the Sale entity plus `QuoteAlternative` (the chosen one: the
accepted alternative, else the active version's likely one; null for a sale without a quote)
plus `QuoteLines` (that alternative's lines, each with its `SaleId`). Three requests: GET
/Sale/{id}, GetQuoteEntityFromSaleId and GetQuoteLines. The lines' UpdatedDate (the QuoteLine
archive's) is left out: nothing the mapping reads from the target side needs it.

Written through the REST Sale and the quote agent:
- create: POST /Sale, CreateAndSaveQuote (a quote with one version and one alternative, which
  is the likely one), then per line CreateQuoteLine from the product's ERPProductKey and
  SaveQuoteLine with the wanted quantity, price, discount and VAT. The sale's Number is the
  Talk id; an answer lost on the way is looked for before anything is sent again
  (`lost_answers.py`). A failure after the sale exists deletes it again (with its quote), so
  the next run does not find half an order;
- update: the sale's own fields by one JSON Patch with If-Unmodified-Since (a sale someone
  changed since it was read is not overwritten: 412, the record waits for the next run), the
  lines by `lines.plan`: one SaveQuoteLine per changed line, CreateQuoteLine + SaveQuoteLine per
  new line, DeleteQuoteLine per line gone, nothing for an unchanged line.
"""
from __future__ import annotations

import logging
from typing import Any

from tap_superoffice.alternatives import chosen_alternative_id
from tap_superoffice.client import SuperOfficeClient
from talk.http import ApiError

from . import lines, lost_answers, patch
from .stamps import unmodified_since

log = logging.getLogger("target_superoffice")

PATCH_HEADERS = {"Content-Type": "application/json-patch+json"}
# The sale's fields Talk writes (lines go through the quote agent). Number holds the Talk id of a
# sale Talk creates (the mapping's external reference): a lost answer is looked for by it.
SALE_FIELDS = ("Heading", "Contact", "Person", "Saledate", "Status", "Number")
FIRST_ALTERNATIVE = "Talk"


def chosen_alternative(quote: dict) -> tuple[dict | None, dict]:
    """(alternative, its version) of a QuoteEntity: the one that makes the order, chosen as
    tap-superoffice chooses it (accepted, else the active version's likely one)."""
    chosen = chosen_alternative_id(quote)
    for version in quote.get("QuoteVersions") or []:
        for alternative in version.get("QuoteAlternatives") or []:
            if alternative.get("QuoteAlternativeId") == chosen:
                return alternative, version
    return None, {}


def read_entity(api: SuperOfficeClient, path: str) -> dict | None:
    """A REST entity as the tap emits it (without `_Links`), or None when it is gone."""
    try:
        found = api.get(path)
    except ApiError as error:
        if error.status == 404:
            return None
        raise
    found.pop("_Links", None)
    return found


class Sales:
    def __init__(self, api: SuperOfficeClient):
        self.api = api

    # -- reading ------------------------------------------------------------------------------
    def fetch(self, sale_id: str) -> dict | None:
        sale = read_entity(self.api, f"/Sale/{sale_id}")
        if sale is None:
            return None
        quote = self.api.agent("GetQuoteEntityFromSaleId", {"SaleId": sale["SaleId"]}) or {}
        alternative, _ = chosen_alternative(quote)
        sale["QuoteAlternative"] = alternative
        sale["QuoteLines"] = []
        if alternative is not None:
            found = self.api.agent("GetQuoteLines", {"QuoteAlternativeId": alternative["QuoteAlternativeId"]}) or []
            sale["QuoteLines"] = [{**line, "SaleId": sale["SaleId"]} for line in found]
        return sale

    # -- writing ------------------------------------------------------------------------------
    def create(self, record: dict) -> dict:
        wanted = list(record.get("QuoteLines") or [])
        fields = {key: value for key, value in record.items() if key in SALE_FIELDS and value is not None}
        if not fields.get("Contact") and not fields.get("Person"):
            raise ApiError(400, "a SuperOffice sale belongs to a company (Contact) or a person: the order's customer "
                                "is linked to neither in SuperOffice", "POST", "/Sale")
        self._check_products(wanted)
        fields.setdefault("Heading", f"Order {str(fields.get('Saledate') or '')[:10]}".strip())
        sale = lost_answers.create_sale(self.api, fields)
        try:
            if wanted:
                quote = lost_answers.create_quote(self.api, sale["SaleId"], FIRST_ALTERNATIVE)
                alternative, _ = chosen_alternative(quote)
                known: set[int] = set()
                for line in wanted:
                    known.add(self._add_line(alternative["QuoteAlternativeId"], line, known)["QuoteLineId"])
        except Exception:
            # Half an order is worse than none: the next run creates the whole of it again.
            log.warning("sale %s: its quote could not be written; deleting the sale again", sale["SaleId"])
            self.api.session.request("DELETE", f"/Sale/{sale['SaleId']}")
            raise
        return self.fetch(str(sale["SaleId"])) or sale

    def update(self, sale_id: str, changes: dict, current: dict) -> dict:
        changes = dict(changes)
        wanted = changes.pop("QuoteLines", None)
        sale_changes = {path: value for path, value in changes.items() if path.split(".")[0] in SALE_FIELDS}
        refused = sorted(set(changes) - set(sale_changes))
        if refused:
            raise ApiError(400, f"Talk does not write {', '.join(refused)} of a SuperOffice sale", "PATCH", f"/Sale/{sale_id}")
        if sale_changes:
            headers = {**PATCH_HEADERS, **unmodified_since(current)}
            self.api.session.json("PATCH", f"/Sale/{sale_id}", json=patch.document(sale_changes, current), headers=headers)
        if wanted is not None:
            self._write_lines(current, wanted)
        return self.fetch(sale_id) or current

    # -- lines --------------------------------------------------------------------------------
    def _write_lines(self, current: dict, wanted: list[dict]) -> None:
        alternative = current.get("QuoteAlternative")
        if alternative is None:
            if not wanted:
                return
            quote = lost_answers.create_quote(self.api, current["SaleId"], FIRST_ALTERNATIVE)
            alternative, _ = chosen_alternative(quote)
        todo = lines.plan(wanted, current.get("QuoteLines") or [])
        self._check_products(todo.add + [{**present, **changed} for present, changed in todo.save if "ERPProductKey" in changed])
        for present, changed in todo.save:
            self._save_line(present, changed)
        known = {line["QuoteLineId"] for line in current.get("QuoteLines") or []}
        for line in todo.add:
            known.add(self._add_line(alternative["QuoteAlternativeId"], line, known)["QuoteLineId"])
        for number in todo.delete:
            try:
                self.api.agent("DeleteQuoteLine", {"QuoteLineId": number}, idempotent=True)
            except ApiError as error:
                if error.status != 404:  # already gone: what was wanted
                    raise

    def _add_line(self, alternative_id: int, wanted: dict, known: set[int]) -> dict:
        """CreateQuoteLine fills a new line from the product (name, code, price, VAT, cost); the
        wanted values go on top and SaveQuoteLine stores it (it adds: after a lost answer the
        alternative's lines other than `known` are looked at before it is sent again)."""
        line = self.api.agent("CreateQuoteLine", {"QuoteAlternativeId": alternative_id,
                                                  "ERPProductKey": wanted["ERPProductKey"]}, idempotent=True)
        line.update({name: wanted[name] for name in lines.WRITABLE if wanted.get(name) is not None})
        return lost_answers.save_new_line(self.api, line, known)

    def _save_line(self, present: dict, changed: dict) -> dict:
        line = {key: value for key, value in present.items() if key not in ("SaleId", "UpdatedDate")}
        if "ERPProductKey" in changed:
            # Another product on the same line: its fields from the product, the line's identity kept.
            fresh = self.api.agent("CreateQuoteLine", {"QuoteAlternativeId": present["QuoteAlternativeId"],
                                                       "ERPProductKey": changed["ERPProductKey"]}, idempotent=True)
            line.update({key: value for key, value in fresh.items() if key not in ("QuoteLineId", "Rank", "QuoteAlternativeId")})
        line.update(changed)
        # Saving a line that exists sets its values: safe to send again.
        return self.api.agent("SaveQuoteLine", {"QuoteLine": line}, idempotent=True)

    def _check_products(self, wanted: list[dict]) -> None:
        for line in wanted:
            if not line.get("ERPProductKey"):
                raise ApiError(400, "SuperOffice makes quote lines from a product (its ERPProductKey); the line "
                                    f"{line.get('Name') or line.get('Code') or ''!r} names no product linked in SuperOffice",
                               "POST", "/Agents/Quote/CreateQuoteLine")
