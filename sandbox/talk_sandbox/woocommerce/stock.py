"""Stock as WooCommerce core keeps it when orders come and go (wc-stock-functions.php).

- An order whose status becomes processing, on-hold or completed, or that is paid (`set_paid`),
  reduces stock once: each line whose product manages stock takes its quantity off that
  product's `stock_quantity` and remembers what it took (the line's `_reduced_stock` meta; the
  order's "stock reduced" flag stops a second reduction).
- An order whose status becomes cancelled or pending gives back what its lines took.
- Refunded, failed, trashed and deleted orders give nothing back: core restocks only through a
  refund with `restock_items`, which the emulator does not have.
- A variation without its own `manage_stock` draws on its parent when the parent manages stock.
- A line changed, added or removed through the REST API (`line_items` of an order update)
  adjusts stock as core's wc_maybe_adjust_line_item_product_stock does: in an order that is
  processing, on-hold or completed a line's stock follows its new quantity (the difference to
  what it took; a new line takes its quantity), and a removed line (quantity 0) gives back
  what it took, whatever the order's status.
- Nothing happens when the shop's "Manage stock" setting (`woocommerce_manage_stock`) is "no".

`stock_status` follows the quantity (`catalog.priced`) and the product's `date_modified` moves,
as WooCommerce saves the product. `_reduced_stock` is internal meta (underscore-prefixed, hidden
from REST responses), so the emulator keeps it beside the order, in the `stock_reductions` entity.
"""
from __future__ import annotations

from .catalog import priced, touch_parent
from .records import PRODUCTS, VARIATIONS, Ledger

REDUCTIONS = "stock_reductions"
REDUCE_ON = ("processing", "on-hold", "completed")
RESTORE_ON = ("cancelled", "pending")


class Stock:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.store = ledger.store

    def order_saved(self, order: dict, old_status: str | None, paid: bool = False) -> None:
        """After an order is stored: `old_status` None for a new order (WooCommerce creates
        orders as pending, so a new order's status is a change unless it is pending)."""
        status = order["status"]
        changed = status != (old_status or "pending")
        if paid or (changed and status in REDUCE_ON):
            self.reduce(order)
        elif changed and status in RESTORE_ON:
            self.restore(order)

    def reduce(self, order: dict) -> None:
        taken = self.store.get(REDUCTIONS, order["id"]) or {"reduced": False, "lines": {}}
        if taken["reduced"] or not self.managing():
            return
        for line in order["line_items"]:
            if str(line["id"]) in taken["lines"]:
                continue
            holder = self.stock_holder(line)
            if holder is not None:
                self.move(holder, -line["quantity"])
                taken["lines"][str(line["id"])] = line["quantity"]
        taken["reduced"] = True
        self.store.put(REDUCTIONS, order["id"], taken)

    def restore(self, order: dict) -> None:
        taken = self.store.get(REDUCTIONS, order["id"])
        if not taken or not taken["reduced"] or not self.managing():
            return
        for line in order["line_items"]:
            quantity = taken["lines"].pop(str(line["id"]), None)
            holder = self.stock_holder(line) if quantity else None
            if holder is not None:
                self.move(holder, quantity)
        taken["reduced"] = False
        self.store.put(REDUCTIONS, order["id"], taken)

    def line_saved(self, order: dict, line: dict, quantity: int) -> None:
        """A line of a stored order was changed, added (`quantity` its quantity) or removed
        (`quantity` 0): its product's stock moves by the difference to what the line took."""
        if (quantity and order["status"] not in REDUCE_ON) or not self.managing():
            return
        holder = self.stock_holder(line)
        taken = self.store.get(REDUCTIONS, order["id"]) or {"reduced": False, "lines": {}}
        already = taken["lines"].get(str(line["id"]), 0)
        if holder is None or quantity == already:
            return
        self.move(holder, already - quantity)
        if quantity:
            taken["lines"][str(line["id"])] = quantity
            taken["reduced"] = True  # as core marks the order, so a later status change does not reduce again
        else:
            taken["lines"].pop(str(line["id"]), None)
        self.store.put(REDUCTIONS, order["id"], taken)

    def managing(self) -> bool:
        return self.ledger.settings.get("woocommerce_manage_stock", "yes") == "yes"

    def stock_holder(self, line: dict) -> tuple[str, dict] | None:
        """(entity, record) whose stock a line draws on, or None when nothing manages stock."""
        if line.get("variation_id"):
            variation = self.store.get(VARIATIONS, line["variation_id"])
            if variation is None:
                return None
            if variation.get("manage_stock") is True:
                return VARIATIONS, variation
            parent = self.store.get(PRODUCTS, variation["parent_id"])
            return (PRODUCTS, parent) if parent and parent.get("manage_stock") is True else None
        product = self.store.get(PRODUCTS, line.get("product_id"))
        return (PRODUCTS, product) if product and product.get("manage_stock") is True else None

    def move(self, holder: tuple[str, dict], delta: int) -> None:
        entity, record = holder
        record = {**record, "stock_quantity": (record.get("stock_quantity") or 0) + delta}
        priced(record)
        self.ledger.modified(record)
        self.store.put(entity, record["id"], record)
        if entity == VARIATIONS:
            touch_parent(self.ledger, record["parent_id"])
