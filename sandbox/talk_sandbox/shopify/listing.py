"""Connections: Shopify's `query` search syntax, sort keys and opaque cursors."""
from __future__ import annotations

import base64
import contextvars
import json
import re
from datetime import datetime, timezone
from typing import Any, Callable

from graphql import GraphQLError

MAX_PAGE = 250
# Set while a bulk operation runs its query: connections ignore pagination and return every node.
BULK: contextvars.ContextVar[bool] = contextvars.ContextVar("shopify_bulk", default=False)
# A value is a bare word or a quoted string, in which a backslash escapes the next character.
VALUE = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+"""
TERM = re.compile(rf"(-)?(?:(\w+):(>=|<=|>|<)?({VALUE})|({VALUE}))")


def parse_time(value: str) -> datetime | None:
    value = value.strip().strip("'\"")
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def unquote(value: str) -> str:
    """A search value as meant: outer quotes off, backslash escapes resolved."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_query(text: str | None) -> list[tuple[bool, str | None, str, str]]:
    """`updated_at:>='2024-01-01' email:a@b.no` -> [(negated, field, comparator, value), ...]."""
    terms = []
    for match in TERM.finditer(text or ""):
        negated, field, comparator, value, bare = match.groups()
        if bare is not None:
            if bare.upper() in ("AND", "OR"):
                continue
            terms.append((bool(negated), None, ":", unquote(bare)))
        else:
            terms.append((bool(negated), field.lower(), comparator or ":", unquote(value)))
    return terms


def _compare(actual: Any, comparator: str, wanted: str) -> bool:
    if actual is None:
        return False
    if isinstance(actual, list):
        return any(_compare(item, comparator, wanted) for item in actual)
    if isinstance(actual, datetime):
        moment = parse_time(wanted)
        if moment is None:
            return False
        return {
            ":": actual == moment, ">": actual > moment, ">=": actual >= moment,
            "<": actual < moment, "<=": actual <= moment,
        }[comparator]
    if isinstance(actual, (int, float)):
        try:
            number = float(wanted)
        except ValueError:
            return False
        return {
            ":": actual == number, ">": actual > number, ">=": actual >= number,
            "<": actual < number, "<=": actual <= number,
        }[comparator]
    text, wanted = str(actual).lower(), wanted.lower()
    if wanted.endswith("*"):
        return text.startswith(wanted[:-1])
    return text == wanted


def matches(terms: list, fields: Callable[[str], Any], free_text: Callable[[], list[str]]) -> bool:
    for negated, field, comparator, value in terms:
        if field is None:
            hit = any(value.lower() in (text or "").lower() for text in free_text())
        else:
            hit = _compare(fields(field), comparator, value)
        if hit == negated:
            return False
    return True


def encode_cursor(key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> tuple:
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(cursor.encode())))
    except (ValueError, TypeError):
        raise GraphQLError("Invalid cursor for current pagination sort.") from None


def paginate(items: list, sort_key: Callable[[Any], tuple], args: dict) -> dict:
    """A Relay connection page of `items` (already filtered) as Shopify pages them."""
    if BULK.get():
        args = {"reverse": args.get("reverse"), "first": None, "last": None}
        ordered = sorted(items, key=sort_key, reverse=bool(args["reverse"]))
        return {"edges": [{"cursor": encode_cursor(sort_key(i)), "node": i} for i in ordered], "nodes": ordered,
                "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}}
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if first is not None and last is not None:
        raise GraphQLError("providing both first and last is not supported")
    size = first if first is not None else last
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(f"The maximum number of items that can be requested in a single page is {MAX_PAGE}.")
    reverse = bool(args.get("reverse"))
    keyed = sorted(((sort_key(item), item) for item in items), key=lambda pair: pair[0], reverse=reverse)
    keys = [list(key) for key, _ in keyed]

    def beyond(key, cursor) -> bool:
        return key < cursor if reverse else key > cursor

    start, end = 0, len(keyed)
    if args.get("after"):
        cursor = list(decode_cursor(args["after"]))
        while start < end and not beyond(keys[start], cursor):
            start += 1
    if args.get("before"):
        cursor = list(decode_cursor(args["before"]))
        while end > start and not beyond(cursor, keys[end - 1]):
            end -= 1
    if first is not None:
        window = (start, min(end, start + first))
    else:
        window = (max(start, end - last), end)
    page = keyed[window[0]:window[1]]
    edges = [{"cursor": encode_cursor(key), "node": item} for key, item in page]
    return {
        "edges": edges,
        "nodes": [item for _, item in page],
        "pageInfo": {
            "hasNextPage": window[1] < len(keyed),
            "hasPreviousPage": window[0] > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
