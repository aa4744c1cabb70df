"""Which requests bring a PowerOffice GO sales order's lines to the lines Talk wants.

The order PATCH cannot touch lines; each line has its own endpoints (POST, PATCH and DELETE
/SalesOrders/{id}/Lines[/{lineId}]), and a line keeps its Id until it is deleted. The core
says which line is which: a wanted line carries `Id`, the PowerOffice line it is linked to, or
none when PowerOffice does not have it yet; a present line no wanted line names is to go (the
core keeps a line in the list when the flow keeps removed lines).

So nothing here guesses. Pairing a wanted line without an Id with a present line of the same
product would turn "remove that line, add this one" into an edit of the line meant to be
removed (its own price, discount and text carried into the new one, its link pointing at
another line); lines of orders that were linked before their lines were are paired by the core
(talk.lines.pair) before the record reaches the target, with the links that tell it which
line is which. A quantity change is always an edit of the line, never a delete and a create.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class LinePlan:
    patch: list[tuple[dict, dict]] = field(default_factory=list)  # (present line, changed fields)
    post: list[dict] = field(default_factory=list)                # wanted lines to add
    delete: list[str] = field(default_factory=list)               # Ids of present lines to remove

    def __len__(self) -> int:
        return len(self.patch) + len(self.post) + len(self.delete)


def plan(wanted: list[dict], present: list[dict], body: Callable[[dict], dict]) -> LinePlan:
    """`body(line)`: the writable fields of a wanted line (no Id, no server-set fields)."""
    by_id = {str(line["Id"]): line for line in present}
    result, kept = LinePlan(), set()
    for line in wanted:
        line_id = None if line.get("Id") in (None, "") else str(line["Id"])
        match = by_id.get(line_id) if line_id is not None else None
        if match is None or line_id in kept:
            # New here, or linked to a line deleted in PowerOffice since: the order still wants it.
            result.post.append(line)
            continue
        kept.add(line_id)
        changed = changed_fields(body(line), match)
        if changed:
            result.patch.append((match, changed))
    result.delete = [line_id for line_id in by_id if line_id not in kept]
    return result


# A line entered in PowerOffice without a discount has Allowance null: that is Talk's discount
# of 0, no reason to write the line.
NULL_IS_ZERO = {"Allowance"}


def changed_fields(wanted: dict, present: dict) -> dict:
    """What differs. `ProductCode` is read-only on a line: it is kept (for the client to resolve
    into a ProductId) only when it names another product and no ProductId is given."""
    changed = {key: value for key, value in wanted.items()
               if key != "ProductCode" and present.get(key) != value
               and not (key in NULL_IS_ZERO and present.get(key) is None and value == 0)}
    code = wanted.get("ProductCode")
    if code and wanted.get("ProductId") is None and present.get("ProductCode") != code:
        changed["ProductCode"] = code
    return changed
