"""Collection queries as WordPress answers them: filters, orderby/order, page/per_page/offset,
and the X-WP-Total, X-WP-TotalPages and Link headers."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from datetime import timezone
from urllib.parse import urlencode

from . import dates
from .errors import invalid_params

Test = Callable[[dict], bool]
DATE_FILTERS = {"after": ("date_created", 1), "before": ("date_created", -1),
                "modified_after": ("date_modified", 1), "modified_before": ("date_modified", -1)}


def comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def one_of(values: Iterable[str]) -> str:
    values = list(values)
    return ", ".join(values[:-1]) + f", and {values[-1]}" if len(values) > 1 else values[0]


def truthy(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes")


def lookup(record: dict, path: str) -> Any:
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record


@dataclass(frozen=True)
class Collection:
    """How one endpoint lists: its sort keys, default order, search fields and own filters.
    A query parameter the collection does not know is ignored, as WordPress does."""

    orderby: dict[str, Callable[[dict], Any]]
    default_orderby: str
    default_order: str
    search_fields: tuple[str, ...]
    filters: dict[str, Callable[[str], Test]] = field(default_factory=dict)
    date_filters: bool = True
    # Parameter defaults the endpoint applies when a request leaves them out (status=any...).
    defaults: dict[str, str] = field(default_factory=dict)


def integers(name: str, text: str) -> list[int]:
    try:
        return [int(part) for part in comma_list(text)]
    except ValueError:
        raise invalid_params({name: f"{name}[0] is not of type integer."}) from None


def bounded_int(params: dict, name: str, default: int, low: int, high: int | None = None) -> int:
    text = params.get(name, "")
    if not text.strip():
        return default
    if high is None:
        reason = f"{name} must be greater than or equal to {low}"
    else:
        reason = f"{name} must be between {low} (inclusive) and {high} (inclusive)"
    try:
        value = int(text)
    except ValueError:
        raise invalid_params({name: f"{name} is not of type integer."}) from None
    if value < low or (high is not None and value > high):
        raise invalid_params({name: reason})
    return value


def selection(collection: Collection, params: dict, zone) -> tuple[list[Test], list[int] | None]:
    """The tests a record must pass, and the `include` ids (their order matters for orderby=include)."""
    tests: list[Test] = []
    include = integers("include", params["include"]) if params.get("include", "").strip() else None
    if include is not None:
        wanted = set(include)
        tests.append(lambda r: r["id"] in wanted)
    if params.get("exclude", "").strip():
        unwanted = set(integers("exclude", params["exclude"]))
        tests.append(lambda r: r["id"] not in unwanted)
    if params.get("search", "").strip():
        needle = params["search"].strip().lower()
        tests.append(lambda r: any(needle in str(lookup(r, f) or "").lower() for f in collection.search_fields))
    if collection.date_filters:
        query_zone = timezone.utc if truthy(params.get("dates_are_gmt", "")) else zone
        for name, (date_field, sign) in DATE_FILTERS.items():
            if params.get(name, "").strip():
                try:
                    moment = dates.parse_query_date(params[name], query_zone)
                except ValueError:
                    raise invalid_params({name: "Invalid date."}) from None
                tests.append(lambda r, f=date_field, m=moment, s=sign: (
                    (dates.record_moment(r, f) or m) > m if s > 0 else (dates.record_moment(r, f) or m) < m))
    own = [make(params[name]) for name, make in collection.filters.items() if params.get(name, "").strip()]
    tests.extend(own)
    return tests, include


def ordered(records: list[dict], collection: Collection, params: dict, include: list[int] | None) -> list[dict]:
    orderby = params.get("orderby", "").strip() or collection.default_orderby
    if orderby not in collection.orderby:
        raise invalid_params({"orderby": f"orderby is not one of {one_of(collection.orderby)}."})
    order = params.get("order", "").strip() or collection.default_order
    if order not in ("asc", "desc"):
        raise invalid_params({"order": "order is not one of asc and desc."})
    if orderby == "include" and include is not None:
        position = {id_: n for n, id_ in enumerate(include)}
        return sorted(records, key=lambda r: position[r["id"]])
    key = collection.orderby[orderby]
    return sorted(records, key=lambda r: (key(r), r["id"]), reverse=order == "desc")


def page_of(records: Iterable[dict], collection: Collection, params: dict, url: str, zone) -> tuple[list[dict], dict]:
    """One page of the collection and the paging headers."""
    page = bounded_int(params, "page", 1, 1)
    per_page = bounded_int(params, "per_page", 10, 1, 100)
    offset = bounded_int(params, "offset", -1, 0)
    tests, include = selection(collection, {**collection.defaults, **params}, zone)
    chosen = ordered([r for r in records if all(test(r) for test in tests)], collection, params, include)
    start = offset if offset >= 0 else (page - 1) * per_page
    total = len(chosen)
    pages = math.ceil(total / per_page)
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    links = []
    if page > 1:
        links.append(f'<{url}?{urlencode({**params, "page": min(page - 1, max(pages, 1))})}>; rel="prev"')
    if page < pages:
        links.append(f'<{url}?{urlencode({**params, "page": page + 1})}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return chosen[start:start + per_page], headers
