"""Resolvers for the order editing schema: the five mutations and what a CalculatedOrder shows.
Imported after `resolvers` (it uses that module's helpers and wraps its node lookup)."""
from __future__ import annotations

from . import order_edits
from .listing import paginate
from .resolvers import _field, _money_bag, _payload
from .schema import schema
from .store import gid_kind, gid_number


def _calculated(store, session: dict, line_id: str | None = None) -> dict:
    """A payload's calculatedOrder (and, given a line id, its calculatedLineItem)."""
    order = dict(session, _store=store)
    if line_id is None:
        return {"calculatedOrder": order}
    lines = order_edits.calculated_lines(store, session) + order_edits.added_lines(session)
    line = next((line for line in lines if line["id"] == line_id), None)
    return {"calculatedOrder": order, "calculatedLineItem": dict(line, _currency=_currency(order)) if line else None}


def _staged(key_names: tuple[str, ...], write) -> dict:
    """A staging mutation's payload: userErrors, or the session with the line it touched."""
    answer = _payload("_result", write)
    result = answer.pop("_result")
    if result is None:
        return {**{k: None for k in key_names}, **answer}
    return {**result, **answer}


def _currency(session: dict) -> str:
    return order_edits.order_of(session["_store"], session).get("currencyCode") or "NOK"


def _lines(kind: str):
    def resolve(session: dict, info, **args) -> dict:
        store = session["_store"]
        lines = order_edits.calculated_lines(store, session) if kind == "lineItems" else order_edits.added_lines(session)
        currency = _currency(session)
        return paginate([dict(line, _currency=currency) for line in lines], lambda line: (0,), args)
    return resolve


def _totals(session: dict) -> tuple[int, object]:
    store = session["_store"]
    lines = order_edits.calculated_lines(store, session) + order_edits.added_lines(session)
    return (sum(line["quantity"] for line in lines),
            sum(float(line.get("discounted") or 0) * line["quantity"] for line in lines))


def _begin(_, info, id):
    return _staged(("calculatedOrder",), lambda: _calculated(info.context, order_edits.begin(info.context, id)))


def _set_quantity(_, info, id, lineItemId, quantity, restock=None, locationId=None):
    def write():
        session, line_id = order_edits.set_quantity(info.context, id, lineItemId, quantity, restock)
        return _calculated(info.context, session, line_id)
    return _staged(("calculatedOrder", "calculatedLineItem"), write)


def _add_variant(_, info, id, variantId, quantity, locationId=None, allowDuplicates=False):
    def write():
        session, line_id = order_edits.add_variant(info.context, id, variantId, quantity, bool(allowDuplicates))
        return _calculated(info.context, session, line_id)
    return _staged(("calculatedOrder", "calculatedLineItem"), write)


def _add_custom_item(_, info, id, title, price, quantity, locationId=None, requiresShipping=None, taxable=None):
    def write():
        session, line_id = order_edits.add_custom_item(info.context, id, title, price, quantity)
        return _calculated(info.context, session, line_id)
    return _staged(("calculatedOrder", "calculatedLineItem"), write)


def _commit(_, info, id, notifyCustomer=None, staffNote=None):
    return _payload("order", lambda: order_edits.commit(info.context, id, staffNote))


_field("LineItem", "currentQuantity", lambda line, info: order_edits.current_quantity(line))
_field("CalculatedOrder", "originalOrder", lambda session, info: order_edits.order_of(session["_store"], session))
_field("CalculatedOrder", "lineItems", _lines("lineItems"))
_field("CalculatedOrder", "addedLineItems", _lines("addedLineItems"))
_field("CalculatedOrder", "subtotalLineItemsQuantity", lambda session, info: _totals(session)[0])
_field("CalculatedOrder", "subtotalPriceSet", lambda session, info: _money_bag(_totals(session)[1], _currency(session)))
_field("CalculatedOrder", "totalPriceSet", lambda session, info: _money_bag(_totals(session)[1], _currency(session)))
_field("CalculatedLineItem", "editableQuantity", lambda line, info: line["quantity"])
_field("CalculatedLineItem", "editableQuantityBeforeChanges", lambda line, info: line["before"])
_field("CalculatedLineItem", "restockable", lambda line, info: bool(line.get("variantId")))
_field("CalculatedLineItem", "variant", lambda line, info: (info.context.variant(line["variantId"]) or (None, None))[1]
       if line.get("variantId") else None)
_field("CalculatedLineItem", "originalUnitPriceSet", lambda line, info: _money_bag(line.get("price") or 0, line.get("_currency") or "NOK"))
_field("CalculatedLineItem", "discountedUnitPriceSet",
       lambda line, info: _money_bag(line.get("discounted") or 0, line.get("_currency") or "NOK"))

_field("Mutation", "orderEditBegin", _begin)
_field("Mutation", "orderEditSetQuantity", _set_quantity)
_field("Mutation", "orderEditAddVariant", _add_variant)
_field("Mutation", "orderEditAddCustomItem", _add_custom_item)
_field("Mutation", "orderEditCommit", _commit)

# `node(id:)` and the Node interface learn the calculated order.
_node_before, _type_before = schema.query_type.fields["node"].resolve, schema.type_map["Node"].resolve_type


def _node(root, info, id):
    if gid_kind(id) == "CalculatedOrder":
        session = info.context.get(order_edits.ENTITY, gid_number(id))
        return dict(session, _store=info.context) if session else None
    return _node_before(root, info, id)


def _resolve_type(value, info, abstract_type):
    if gid_kind(value.get("id")) == "CalculatedOrder":
        return "CalculatedOrder"
    return _type_before(value, info, abstract_type)


_field("QueryRoot", "node", _node)
schema.type_map["Node"].resolve_type = _resolve_type
