"""The conformance checks of an order's line endpoints (/orders/{id}/lines): a line keeps its id
while it is changed, each line write is a write of the order (version, updated_at, If-Match),
and an unknown line is 404. They run on the second test order the create check made."""
from __future__ import annotations

from datetime import datetime

from .probe import Answer, Skip, expect_etag

# Why a changed line id matters, said where the checker finds one.
IDENTITY = ("a line must keep its id for the order's life: a client that links the line with another "
            "system's line (an ERP order line) loses the link when the id changes")


class OrderLineChecks:
    """Mixed into Conformance: uses its `call`, `mine` and `problems`."""

    def line_checks(self) -> list[tuple[str, object]]:
        return [
            ("orders: adding a line answers 201 with the line; the order's version and updated_at move", self.check_add_line),
            ("orders: changing a line's quantity keeps the line's id and the other lines", self.check_change_line),
            ("orders: a line write with a stale If-Match gives 412 version_conflict", self.check_stale_line),
            ("orders: deleting a line removes that line only", self.check_delete_line),
            ("orders: an unknown line id gives 404 not_found", self.check_unknown_line),
        ]

    def line_order(self) -> dict:
        """The test order the line checks work on, as the API has it now."""
        order = self.mine("orders")[1]
        answer = self.call("GET", f"/orders/{order['id']}")
        if not answer.expect_status(200) or not answer.expect_schema("Order"):
            raise Skip(f"GET /orders/{order['id']} did not return the order")
        return answer.body

    def check_add_line(self) -> None:
        before = self.line_order()
        product = self.mine("products")[1]
        body = {"product_id": product["id"], "sku": product["sku"], "description": "Talk check added line",
                "quantity": 1, "unit_price": "50.00", "discount_percent": None}
        answer = self.call("POST", f"/orders/{before['id']}/lines", json=body,
                           headers={"If-Match": f'"{before["version"]}"'})
        if not answer.expect_status(201) or not answer.expect_schema("OrderLine"):
            return
        if answer.body["discount_percent"] not in ("0", "0.0", "0.00"):
            answer.fail(f"`discount_percent` was sent as null (no discount) but the line has "
                        f"{answer.body['discount_percent']!r}; null means the default \"0\"")
        after = self.moved(answer, before)
        if after is None:
            return
        ids = [line["id"] for line in after["lines"]]
        if ids[:-1] != [line["id"] for line in before["lines"]] or ids[-1] != answer.body["id"]:
            answer.fail(f"the order's lines should be {[line['id'] for line in before['lines']] + [answer.body['id']]} "
                        f"(the new line after the others), got {ids}; {IDENTITY}")
        if after["total_excl_vat"] != "230.00":
            answer.fail(f"`total_excl_vat` should be \"230.00\" after adding 1 x 50.00, got {after['total_excl_vat']!r}")

    def check_change_line(self) -> None:
        before = self.line_order()
        line = before["lines"][0]
        path = f"/orders/{before['id']}/lines/{line['id']}"
        answer = self.call("PATCH", path, json={"quantity": 3}, headers={"If-Match": f'"{before["version"]}"'})
        if not answer.expect_status(200) or not answer.expect_schema("OrderLine"):
            return
        if answer.body["id"] != line["id"]:
            answer.fail(f"the line's id changed from {line['id']!r} to {answer.body['id']!r}; {IDENTITY}")
        if answer.body["quantity"] != 3:
            answer.fail(f"`quantity` was changed to 3 but the line has {answer.body['quantity']!r}")
        for key in ("product_id", "sku", "unit_price", "discount_percent"):
            if answer.body.get(key) != line.get(key):
                answer.fail(f"only `quantity` was sent, but `{key}` changed from {line.get(key)!r} to {answer.body.get(key)!r}")
        after = self.moved(answer, before)
        kept = answer.body["id"] == line["id"]  # else said above already
        if kept and after is not None and [l["id"] for l in after["lines"]] != [l["id"] for l in before["lines"]]:
            answer.fail(f"the order's line ids went from {[l['id'] for l in before['lines']]} to "
                        f"{[l['id'] for l in after['lines']]}; {IDENTITY}")

    def check_stale_line(self) -> None:
        order = self.line_order()
        if order["version"] < 2:
            raise Skip("needs a line check to have changed the order first")
        stale = f'"{order["version"] - 1}"'
        path = f"/orders/{order['id']}/lines/{order['lines'][0]['id']}"
        answer = self.call("PATCH", path, json={"quantity": 4}, headers={"If-Match": stale})
        if answer.status in (200, 204):
            answer.fail(f"a line PATCH with If-Match {stale} was applied although the order is at version "
                        f"{order['version']}; expected 412 with error code `version_conflict`, as for the order itself")
        else:
            answer.expect_error(412, "version_conflict")

    def check_delete_line(self) -> None:
        before = self.line_order()
        if len(before["lines"]) < 2:
            raise Skip("needs the line the add check makes")
        gone, kept = before["lines"][-1], before["lines"][:-1]
        answer = self.call("DELETE", f"/orders/{before['id']}/lines/{gone['id']}",
                           headers={"If-Match": f'"{before["version"]}"'})
        if not answer.expect_status(204, 200):
            return
        after = self.moved(answer, before)
        if after is not None and after["lines"] != kept:
            answer.fail(f"the order should keep exactly its other lines {[l['id'] for l in kept]} as they were, "
                        f"got {[l['id'] for l in after['lines']]}")

    def check_unknown_line(self) -> None:
        order = self.mine("orders")[1]
        path = f"/orders/{order['id']}/lines/talk-check-missing-{self.run}"
        self.call("PATCH", path, json={"quantity": 1}).expect_error(404, "not_found")
        self.call("DELETE", path).expect_error(404, "not_found")

    # -- helpers ------------------------------------------------------------------------------
    def moved(self, answer: Answer, before: dict) -> dict | None:
        """The order after a line write, which must be a write of the order: version + 1, a
        later updated_at (or incremental syncs never see the line change), the ETag its version."""
        after = self.line_order()
        if after["version"] != before["version"] + 1:
            answer.fail(f"the order's `version` should go from {before['version']} to {before['version'] + 1} "
                        f"when a line changes, got {after['version']!r}")
        if datetime.fromisoformat(after["updated_at"]) <= datetime.fromisoformat(before["updated_at"]):
            answer.fail(f"the order's `updated_at` must move forward when a line changes; it stayed {after['updated_at']}, "
                        "so incremental syncs would miss the change")
        expect_etag(answer, after["version"], "the order's version after the change")
        return after
