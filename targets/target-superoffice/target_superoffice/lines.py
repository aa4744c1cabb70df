"""Which quote agent calls bring a quote alternative's lines to the lines Talk wants.

The core says which line is which: a wanted line carries `QuoteLineId`, the SuperOffice line
it is linked to, or none when SuperOffice does not have it yet; a present line no wanted line
names is to go (the core keeps it in the list when the flow keeps removed lines). Nothing here
pairs lines by product: that would turn "remove that line, add this one" into an edit of the
line meant to go.

- a wanted line with the id of a present line: one SaveQuoteLine with the line and what
  changed, or no call when nothing did. A quantity change is an edit, never a delete and a
  create (the line keeps its id, rank and everything Talk does not map);
- a wanted line without one (or naming a line deleted in SuperOffice since): CreateQuoteLine
  from its product's ERPProductKey, then SaveQuoteLine with the wanted values;
- a present line no wanted line names: DeleteQuoteLine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

# What Talk writes on a quote line; everything else stays as SuperOffice has it.
WRITABLE = ("ERPProductKey", "Code", "Name", "Quantity", "UnitListPrice", "DiscountPercent", "VAT")
NUMBERS = {"Quantity", "UnitListPrice", "DiscountPercent", "VAT"}


@dataclass
class LinePlan:
    save: list[tuple[dict, dict]] = field(default_factory=list)  # (present line, changed fields)
    add: list[dict] = field(default_factory=list)                # wanted lines to create
    delete: list[int] = field(default_factory=list)              # QuoteLineIds to remove

    def __len__(self) -> int:
        return len(self.save) + len(self.add) + len(self.delete)


def _number(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value)).normalize()
    except InvalidOperation:
        return None


def same(name: str, a: Any, b: Any) -> bool:
    """25, 25.0 and "25.00" are one VAT percentage; "" and None one empty text."""
    if name in NUMBERS:
        return _number(a) == _number(b)
    return (a or None) == (b or None)


def changed_fields(wanted: dict, present: dict) -> dict:
    return {name: wanted[name] for name in WRITABLE if name in wanted and not same(name, wanted[name], present.get(name))}


def line_id(line: dict) -> int | None:
    value = line.get("QuoteLineId")
    try:
        return int(value) if value not in (None, "", 0, "0") else None
    except (TypeError, ValueError):
        return None


def plan(wanted: list[dict], present: list[dict]) -> LinePlan:
    by_id = {int(line["QuoteLineId"]): line for line in present if line.get("QuoteLineId")}
    result, kept = LinePlan(), set()
    for line in wanted:
        number = line_id(line)
        match = by_id.get(number) if number is not None else None
        if match is None or number in kept:
            result.add.append(line)
            continue
        kept.add(number)
        changed = changed_fields(line, match)
        if changed:
            result.save.append((match, changed))
    result.delete = [number for number in by_id if number not in kept]
    return result
