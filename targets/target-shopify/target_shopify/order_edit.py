"""One Shopify order edit session: orderEditBegin, the staged line changes, orderEditCommit.

A session is Shopify's only way to change an order's lines (line_edits.py says which changes).
Its requests, for a LinePlan: one orderEditBegin; one orderEditSetQuantity per line whose
quantity changed or that is removed (quantity 0); one orderEditAddVariant or
orderEditAddCustomItem per new line; one orderEditCommit. The commit answers with the order, so
no read follows.

Removed units are not restocked: the stock Shopify shows is the ERP's figure (flows.yml: its
figure replaces Shopify's), and the ERP's next figure has them back already; restocking here
would count them twice and let the shop oversell.

Lost answers. Nothing is saved before the commit, so a session whose staging answer was lost
is simply left (Shopify drops uncommitted sessions) and a new one is begun. The commit is not
safe to repeat: sent again after it landed it would apply the quantities again (harmless) but
add the new lines a second time. So after a lost commit the order is read again: if it holds
the edit, that is the answer; if its lines are as they were before, the whole session is sent
once more; if they are anything else, someone else edited them meanwhile and the record is
refused for the next run to merge.
"""
from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING

from talk.http import ApiError, UnknownOutcome
from tap_shopify import records

from .line_edits import LinePlan, quantity, refusal, same_money

if TYPE_CHECKING:
    from .client import ShopifyClient

log = logging.getLogger("target_shopify.order_edit")

STAFF_NOTE = "Lines synced by Talk"
SESSIONS = 2  # a session whose answer was lost before anything landed is sent once more

BEGIN = ("mutation TalkOrderEditBegin($id: ID!) { orderEditBegin(id: $id) { "
         "calculatedOrder { id } userErrors { field message } } }")
SET_QUANTITY = (
    "mutation TalkOrderEditSetQuantity($id: ID!, $lineItemId: ID!, $quantity: Int!) { "
    "orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity, restock: false) { "
    "calculatedLineItem { id quantity } userErrors { field message } } }"
)
ADD_VARIANT = (
    "mutation TalkOrderEditAddVariant($id: ID!, $variantId: ID!, $quantity: Int!) { "
    "orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity, allowDuplicates: true) { "
    "calculatedLineItem { id originalUnitPriceSet { shopMoney { amount } } } userErrors { field message } } }"
)
ADD_CUSTOM_ITEM = (
    "mutation TalkOrderEditAddCustomItem($id: ID!, $title: String!, $price: MoneyInput!, $quantity: Int!) { "
    "orderEditAddCustomItem(id: $id, title: $title, price: $price, quantity: $quantity) { "
    "calculatedLineItem { id } userErrors { field message } } }"
)


def calculated_line_id(line_item_id: str) -> str:
    """A held line's CalculatedLineItem: Shopify gives it the LineItem's number."""
    return line_item_id.replace("/LineItem/", "/CalculatedLineItem/")


class OrderEdit:
    def __init__(self, client: "ShopifyClient", order_id: str, currency: str):
        self.client, self.order_id, self.currency = client, order_id, currency

    def apply(self, plan: LinePlan, current: dict) -> dict:
        """Carry out the plan on the order whose record (tap shape) is `current`; the order as
        saved, in the same shape."""
        for attempt in range(1, SESSIONS + 1):
            try:
                return self._session(plan)
            except UnknownOutcome as lost:
                fresh = self.client.fetch("orders", self.order_id)
                if fresh is not None and holds_edit(fresh, plan, current):
                    log.info("order %s: the edit's answer was lost (%s), but it landed", self.order_id, lost.detail)
                    return fresh
                if fresh is None or line_state(fresh) != line_state(current):
                    raise ApiError(409, f"the lines of order {self.order_id} changed in Shopify while Talk edited them "
                                        "(or the order is gone); nothing was written, the next run merges that change",
                                   lost.method, lost.url) from None
                if attempt == SESSIONS:
                    raise
                log.info("order %s: the edit's answer was lost (%s) and nothing landed; editing again", self.order_id, lost.detail)
        raise AssertionError("unreachable")

    def _session(self, plan: LinePlan) -> dict:
        session = self.client.mutate(BEGIN, {"id": self.order_id}, "orderEditBegin")["calculatedOrder"]["id"]
        for line_item_id, wanted in plan.quantities:
            # Setting a quantity is safe to repeat within a session: the session retries it.
            self.client.mutate(SET_QUANTITY, {"id": session, "lineItemId": calculated_line_id(line_item_id),
                                              "quantity": wanted}, "orderEditSetQuantity")
        mispriced = [reason for line in plan.additions for reason in self._add(session, line)]
        if mispriced:
            # Not committed: Shopify drops the session, and the order stays as it was.
            raise ApiError(422, refusal(mispriced), "POST", f"{self.client.path} orderEditAddVariant")
        answer = self.client.mutate(self._commit_query(), {"id": session}, "orderEditCommit", idempotent=False)
        return self.client.complete("orders", answer["order"])

    def _add(self, session: str, line: dict) -> list[str]:
        """Stage a new line; what is wrong with it if Shopify prices it otherwise than wanted."""
        variant = (line.get("variant") or {}).get("id")
        if variant:
            added = self.client.mutate(ADD_VARIANT, {"id": session, "variantId": variant, "quantity": quantity(line)},
                                       "orderEditAddVariant", idempotent=False)["calculatedLineItem"]
            price = ((added.get("originalUnitPriceSet") or {}).get("shopMoney") or {}).get("amount")
            wanted = line.get("originalUnitPrice")
            if wanted is not None and not same_money(wanted, price):
                return [f"new line {line.get('sku') or variant}: Shopify adds it at the product's price {price}, not {wanted}"]
            return []
        title = custom_title(line)
        price = {"amount": str(line.get("originalUnitPrice") or 0), "currencyCode": self.currency}
        self.client.mutate(ADD_CUSTOM_ITEM, {"id": session, "title": title, "price": price, "quantity": quantity(line)},
                           "orderEditAddCustomItem", idempotent=False)
        return []

    def _commit_query(self) -> str:
        return (
            f'mutation TalkOrderEditCommit($id: ID!) {{ orderEditCommit(id: $id, notifyCustomer: false, staffNote: "{STAFF_NOTE}") {{ '
            f"order {{ {records.order_selection(self.client.namespaces)} }} userErrors {{ field message }} }} }}"
        )


def line_state(order: dict) -> dict[str, int]:
    """Each line of an order record and its units: what an edit changes."""
    return {line["id"]: quantity(line) for line in order.get("lineItems") or []}


def holds_edit(fresh: dict, plan: LinePlan, before: dict) -> bool:
    """`fresh` is `before` with the plan applied: every quantity set (a removed line gone from
    the record) and, besides the lines it had, exactly the new lines asked for."""
    now, held = line_state(fresh), line_state(before)
    for line_id, wanted in plan.quantities:
        if now.get(line_id, 0) != wanted:
            return False
    added = [line for line in fresh.get("lineItems") or [] if line["id"] not in held]
    return Counter(_kind(line) for line in added) == Counter(_kind(line) for line in plan.additions)


def custom_title(line: dict) -> str:
    """The title a line without a variant is added under (Shopify requires one)."""
    return line.get("title") or line.get("name") or line.get("sku") or "Item"


def _kind(line: dict) -> tuple:
    return ((line.get("variant") or {}).get("id") or custom_title(line), quantity(line))
