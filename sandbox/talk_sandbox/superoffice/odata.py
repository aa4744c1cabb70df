"""OData over archive providers: $select, $filter, $orderby, $top, $skip and the answer's envelope.

Filter syntax is SuperOffice's archive restrictions, not standard OData: `<column> <operator>
<value>` joined by `and`/`or` with parentheses, e.g. `updatedDate afterTime '2024-01-01T00:00:00'
and category oneOf (1,3)`. Operators: eq/equals/is, ne/unequals/isNot, lt/less, le, gt/greater,
ge, begins, notBegins, contains, notContains, oneOf, notOneOf, afterTime/after, beforeTime/before.
Strings compare case-insensitively (SuperOffice's database collation). Rows are ordered by the
primary key unless $orderby says otherwise; $top/$skip page them.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Callable, Iterable

from . import dates
from .errors import bad_request

Row = dict[str, Any]
Test = Callable[[Row], bool]

TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<paren>[(),])|(?P<word>[^\s(),']+))")


def tokens(text: str) -> list[tuple[str, str]]:
    out, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise bad_request(f"$filter cannot be read at '{text[position:]}'.")
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


def _literal(kind: str, text: str) -> Any:
    if kind == "string":
        return text[1:-1].replace("''", "'")
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text  # a bare word (SuperOffice accepts unquoted values)


def _text(value: Any) -> str:
    return "" if value is None else str(value).lower()


def _number_or_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return _text(value)


def _same(left: Any, right: Any) -> bool:
    a, b = _number_or_text(left), _number_or_text(right)
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return _text(left) == _text(right)
    return a == b


def _moment(value: Any) -> datetime:
    try:
        return dates.parse(str(value))
    except ValueError:
        raise bad_request(f"'{value}' is not a date.") from None


def _compare(op: str, column_value: Any, value: Any) -> bool:
    a, b = _number_or_text(column_value), _number_or_text(value)
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        a, b = _text(column_value), _text(value)
    return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op]


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": _same, "equals": _same, "is": _same, "=": _same,
    "ne": lambda a, b: not _same(a, b), "unequals": lambda a, b: not _same(a, b), "isnot": lambda a, b: not _same(a, b),
    "lt": lambda a, b: _compare("lt", a, b), "less": lambda a, b: _compare("lt", a, b),
    "le": lambda a, b: _compare("le", a, b), "gt": lambda a, b: _compare("gt", a, b),
    "greater": lambda a, b: _compare("gt", a, b), "ge": lambda a, b: _compare("ge", a, b),
    "begins": lambda a, b: _text(a).startswith(_text(b)), "notbegins": lambda a, b: not _text(a).startswith(_text(b)),
    "contains": lambda a, b: _text(b) in _text(a), "notcontains": lambda a, b: _text(b) not in _text(a),
    "oneof": lambda a, b: any(_same(a, item) for item in b), "notoneof": lambda a, b: not any(_same(a, item) for item in b),
    # Dates: strictly after / before the moment given, to the second (SuperOffice stores seconds).
    "aftertime": lambda a, b: a not in (None, dates.EMPTY_DATE) and _moment(a) > _moment(b),
    "after": lambda a, b: a not in (None, dates.EMPTY_DATE) and _moment(a) > _moment(b),
    "beforetime": lambda a, b: a not in (None, dates.EMPTY_DATE) and _moment(a) < _moment(b),
    "before": lambda a, b: a not in (None, dates.EMPTY_DATE) and _moment(a) < _moment(b),
}


class FilterParser:
    """filter := term ('or' term)*; term := factor ('and' factor)*; factor := '(' filter ')' | comparison."""

    def __init__(self, text: str, columns: Iterable[str]):
        self.items = tokens(text)
        self.position = 0
        self.columns = {name.lower(): name for name in columns}

    def parse(self) -> Test:
        test = self._or()
        if self.position != len(self.items):
            raise bad_request(f"$filter has unexpected '{self.items[self.position][1]}'.")
        return test

    def _peek(self) -> tuple[str, str] | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def _take(self) -> tuple[str, str]:
        item = self._peek()
        if item is None:
            raise bad_request("$filter ends too early.")
        self.position += 1
        return item

    def _or(self) -> Test:
        return self._joined("or", self._and, any)

    def _and(self) -> Test:
        return self._joined("and", self._factor, all)

    def _joined(self, word: str, part: Callable[[], Test], combine: Callable) -> Test:
        tests = [part()]
        while (self._peek() or ("", ""))[1].lower() == word:
            self.position += 1
            tests.append(part())
        return tests[0] if len(tests) == 1 else (lambda row: combine(test(row) for test in tests))

    def _factor(self) -> Test:
        if self._peek() == ("paren", "("):
            self.position += 1
            test = self._or()
            if self._take() != ("paren", ")"):
                raise bad_request("$filter has an unclosed parenthesis.")
            return test
        kind, name = self._take()
        column = self.columns.get(name.lower())
        if kind != "word" or column is None:
            raise bad_request(f"$filter names an unknown column '{name}'.")
        _, operator = self._take()
        compare = OPERATORS.get(operator.lower())
        if compare is None:
            raise bad_request(f"$filter operator '{operator}' is not supported.")
        value = self._value()
        return lambda row: compare(row.get(column), value)

    def _value(self) -> Any:
        kind, text = self._take()
        if (kind, text) != ("paren", "("):
            return _literal(kind, text)
        values = []
        while True:
            kind, text = self._take()
            if (kind, text) == ("paren", ")"):
                return values
            if (kind, text) != ("paren", ","):
                values.append(_literal(kind, text))


def order(rows: list[Row], order_by: str, columns: Iterable[str]) -> list[Row]:
    known = {name.lower(): name for name in columns}
    for part in reversed([p.strip() for p in order_by.split(",") if p.strip()]):
        name, _, direction = part.partition(" ")
        column = known.get(name.lower())
        if column is None:
            raise bad_request(f"$orderby names an unknown column '{name}'.")
        rows = sorted(rows, key=lambda row: _sort_key(row.get(column)), reverse=direction.strip().lower() == "desc")
    return rows


def _sort_key(value: Any) -> tuple:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, _text(value))


def query_int(params: dict[str, str], name: str) -> int | None:
    if params.get(name) in (None, ""):
        return None
    try:
        value = int(params[name])
    except ValueError:
        raise bad_request(f"{name} must be a whole number.") from None
    if value < 0:
        raise bad_request(f"{name} cannot be negative.")
    return value
