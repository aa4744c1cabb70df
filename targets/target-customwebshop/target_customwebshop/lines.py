"""An order's lines changed one line at a time, so each line keeps its webshop id.

The write path hands over the lines an order should have: a line that exists in the webshop
carries its webshop `id`, a new line carries none, and a current line missing from the list is
to be removed (a flow that keeps removed lines leaves them in the list). What that becomes:

- a changed line: one `PATCH /orders/{id}/lines/{line_id}` with only the fields that differ;
- a new line: one `POST /orders/{id}/lines`;
- a removed line: one `DELETE /orders/{id}/lines/{line_id}` (after the additions: an order
  keeps at least one line);
- an unchanged line: nothing.

Never `PATCH /orders/{id}` with `lines`: that replaces every line under new ids, which would
unlink every line from its counterpart in the other systems.

Every line write is a write of the order, so each carries If-Match: the version the merge read,
then the ETag each answer returns. A 412 means the order changed after that read (or a retried
write of ours landed): what this update writes is checked against a fresh read, and written
again on its version only if nobody touched those lines meanwhile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from talk.http import ApiError, ApiSession, UnknownOutcome

# Compared as numbers: 2 and 2.0 are one quantity, "159.2" and "159.20" one price.
NUMERIC = {"quantity", "unit_price", "discount_percent"}
# The API's defaults: an empty discount is no discount. Sent as "0" rather than null, so an
# implementation that follows the older document (null refused) takes it too.
DEFAULTS = {"discount_percent": "0"}
# The shop fills these from the line's product when they are empty: an empty value in the
# desired line is no reason to write (and the shop would fill it again).
SHOP_FILLED = {"product_id", "sku", "description"}


@dataclass
class LinePlan:
    changes: list[tuple[str, dict]] = field(default_factory=list)  # (line id, fields to change)
    additions: list[dict] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes or self.additions or self.removals)


def plan_lines(desired: list[dict], current: list[dict]) -> LinePlan:
    plan = LinePlan()
    remaining = {line["id"]: line for line in current}
    for line in desired:
        have = remaining.pop(line.get("id"), None)
        if have is None:
            # A new line; also one whose webshop line is gone (deleted in the shop after the
            # read): the order is to have it, and only a new line can give it that.
            plan.additions.append(line_body(line))
            continue
        changed = line_changes(line, have)
        if changed:
            plan.changes.append((have["id"], changed))
    # An order without lines cannot exist in the webshop (the API refuses to delete the last
    # one): an empty list says no lines are known, not that all are gone.
    plan.removals = list(remaining) if desired else []
    return plan


def line_body(line: dict) -> dict:
    """A new line's body: its empty fields left out, the shop fills their defaults."""
    return {key: value for key, value in line.items() if key != "id" and value is not None}


def line_changes(want: dict, have: dict) -> dict:
    changed = {}
    for key, value in want.items():
        if key == "id" or (value is None and key in SHOP_FILLED):
            continue
        value = DEFAULTS.get(key, value) if value is None else value
        if not same(key, have.get(key), value):
            changed[key] = value
    return changed


def same(key: str, have: Any, want: Any) -> bool:
    if have == want:
        return True
    if key not in NUMERIC:
        return False
    try:
        return Decimal(str(have)) == Decimal(str(want))
    except InvalidOperation:
        return False


def holds(line: dict | None, fields: dict) -> bool:
    return line is not None and all(same(key, line.get(key), value) for key, value in fields.items())


def landed(line: dict, before: dict, fields: dict) -> bool:
    """`line` is `before` with `fields` written: our own write, whose answer was lost."""
    return holds(line, fields) and all(line.get(key) == before.get(key) for key in set(line) | set(before)
                                       if key not in fields)


class LineWriter:
    """Carries out a LinePlan on one order, chaining the order's ETag from answer to answer."""

    def __init__(self, session: ApiSession, order_id: str, current: dict):
        self.session = session
        self.path = f"/orders/{order_id}"
        self.etag = f'"{current.get("version")}"'
        # The order's lines as they should be after each write so far, and the lines still to
        # be written: what a fresh read is compared with when a 412 says the order moved.
        self.expected = {line["id"]: line for line in current.get("lines") or []}
        self.pending: set[str] = set()
        self.removing: set[str] = set()

    @property
    def version(self) -> int:
        return int(self.etag.removeprefix("W/").strip('"'))

    def apply(self, plan: LinePlan) -> None:
        self.removing = set(plan.removals)
        self.pending = {line_id for line_id, _ in plan.changes} | self.removing
        for line_id, fields in plan.changes:
            self.change(line_id, fields)
        for body in plan.additions:
            self.add(body)
        for line_id in plan.removals:
            self.remove(line_id)

    def change(self, line_id: str, fields: dict) -> None:
        path = f"{self.path}/lines/{line_id}"
        try:
            line = self._send("PATCH", path, fields)
        except ApiError as error:
            fresh = self._reread(error, path, mine=(line_id, fields))
            line = fresh[line_id] if holds(fresh[line_id], fields) else self._send("PATCH", path, fields)
        self.expected[line_id] = line
        self.pending.discard(line_id)

    def add(self, body: dict) -> None:
        path = f"{self.path}/lines"
        try:
            line = self._send("POST", path, body, idempotent=False)
        except ApiError as error:
            fresh = self._reread(error, path)
            # A 412 applied nothing; a lost answer applied the line only if a new one with its
            # values is there. Otherwise it is sent once more, on the fresh version.
            line = next((line for id, line in fresh.items() if id not in self.expected and holds(line, body)), None)
            line = line or self._send("POST", path, body, idempotent=False)
        self.expected[line["id"]] = line

    def remove(self, line_id: str) -> None:
        path = f"{self.path}/lines/{line_id}"
        try:
            self._send("DELETE", path)
        except ApiError as error:
            # 404: gone already (our retried DELETE landed, or the shop deleted it too).
            if error.status != 404 and line_id in self._reread(error, path):
                self._send("DELETE", path)
        self.expected.pop(line_id, None)
        self.pending.discard(line_id)

    # -- requests -------------------------------------------------------------------------------
    def _send(self, method: str, path: str, body: dict | None = None, idempotent: bool | None = None) -> Any:
        response = self.session.request(method, path, json=body, headers={"If-Match": self.etag}, idempotent=idempotent)
        self.etag = response.headers.get("ETag", self.etag)
        return response.json() if response.content else None

    def _reread(self, error: ApiError, path: str, mine: tuple[str, dict] | None = None) -> dict[str, dict]:
        """After a 412 or a lost answer: the order's lines as they are now. The update goes on,
        on that version, only if nobody else changed a line it is still to write (`mine`: the
        line being written, which may differ only by our own write that landed)."""
        if error.status != 412 and not isinstance(error, UnknownOutcome):
            raise error
        response = self.session.request("GET", self.path)
        order = response.json()
        lines = {line["id"]: line for line in order.get("lines") or []}
        theirs = self._changed_by_others(lines, mine)
        if theirs:
            raise ApiError(412, f"version_conflict: line(s) {', '.join(theirs)} of this order changed in the webshop "
                                "while it was synced; the next run merges that change", error.method, path) from None
        self.etag = response.headers.get("ETag", f'"{order.get("version")}"')
        return lines

    def _changed_by_others(self, lines: dict[str, dict], mine: tuple[str, dict] | None) -> list[str]:
        others = []
        for line_id in sorted(self.pending):
            now, before = lines.get(line_id), self.expected.get(line_id)
            if now == before or (now is None and line_id in self.removing):
                continue  # untouched, or a line we remove that is gone already
            if mine and line_id == mine[0] and now is not None and landed(now, before, mine[1]):
                continue
            others.append(line_id)
        return others
