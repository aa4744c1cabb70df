"""Pacing by Shopify's calculated query cost, shared by the tap and target-shopify's client.

Before a request we estimate its requested cost the way Shopify does (objects 1, scalars 0,
connections 2 + first x node, mutations 10) and, if the last throttle status we saw (refilled
by the time since) cannot pay it, sleep until it can. That keeps a run from provoking a storm
of THROTTLED answers; if one comes anyway, the status it carries makes the next wait exact.
"""
from __future__ import annotations

import re
import threading
import time
from typing import Any, Callable

SINGLE_QUERY_MAX = 1000
MUTATION_COST = 10
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|[{}():$!\[\]=@]')

Field = tuple[str, dict, list]  # name, arguments, children


def parse_selection(query: str) -> tuple[str, list[Field]]:
    """(operation kind, root fields) of a GraphQL document without fragments."""
    tokens = _TOKEN.findall(query)
    kind = tokens[0] if tokens and tokens[0] in ("query", "mutation") else "query"
    fields, _ = _fields(tokens, tokens.index("{") + 1)
    return kind, fields


def _skip_value(tokens: list[str], i: int) -> tuple[Any, int]:
    if tokens[i] == "$":
        return ("$", tokens[i + 1]), i + 2
    if tokens[i] in ("[", "{"):
        depth = 0
        while True:
            depth += tokens[i] in ("[", "{")
            depth -= tokens[i] in ("]", "}")
            i += 1
            if depth == 0:
                return None, i
    return tokens[i], i + 1


def _fields(tokens: list[str], i: int) -> tuple[list[Field], int]:
    fields: list[Field] = []
    while tokens[i] != "}":
        name = tokens[i]
        i += 1
        if i < len(tokens) and tokens[i] == ":":
            name, i = tokens[i + 1], i + 2
        args: dict = {}
        if i < len(tokens) and tokens[i] == "(":
            i += 1
            while tokens[i] != ")":
                key = tokens[i]
                args[key], i = _skip_value(tokens, i + 2)
            i += 1
        children: list[Field] = []
        if i < len(tokens) and tokens[i] == "{":
            children, i = _fields(tokens, i + 1)
        fields.append((name, args, children))
    return fields, i + 1


def _number(value: Any, variables: dict) -> int:
    if isinstance(value, tuple):
        value = variables.get(value[1])
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _cost(fields: list[Field], variables: dict) -> int:
    total = 0
    for name, args, children in fields:
        if not children or name == "pageInfo":
            continue
        nodes = [c for c in children if c[0] == "nodes"] + [g for c in children if c[0] == "edges" for g in c[2] if g[0] == "node"]
        if nodes:
            size = _number(args.get("first") or args.get("last"), variables)
            per_node = max(1 + _cost(node[2], variables) for node in nodes)
            total += 2 + size * per_node
        else:
            total += 1 + _cost(children, variables)
    return total


def estimate_cost(query: str, variables: dict | None = None) -> int:
    kind, fields = parse_selection(query)
    if kind == "mutation":
        return MUTATION_COST * len(fields)
    return _cost(fields, variables or {})


def node_cost(node_selection: str) -> int:
    """Cost of one node of a connection whose node selects `node_selection`."""
    return 1 + estimate_cost("{ " + node_selection + " }")


def page_size(node_selection: str, wanted: int, limit: int = SINGLE_QUERY_MAX) -> int:
    """The largest page (<= wanted, <= 250) whose query stays within Shopify's single-query limit."""
    return max(1, min(wanted, 250, (limit - 2) // node_cost(node_selection)))


class CostPacer:
    """The client's model of its cost bucket, refreshed from every response's throttleStatus."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.sleep = sleep
        self.clock = clock
        self.lock = threading.Lock()
        self.maximum: float | None = None
        self.available: float | None = None
        self.restore_rate: float | None = None
        self.seen_at = 0.0
        self.waited = 0.0
        self.throttled = 0

    def _estimate(self) -> float | None:
        if self.available is None or not self.restore_rate:
            return None
        refilled = self.available + (self.clock() - self.seen_at) * self.restore_rate
        return min(self.maximum or refilled, refilled)

    def delay_for(self, cost: float) -> float:
        """Seconds to wait before a request of this requested cost can be paid."""
        with self.lock:
            available = self._estimate()
            if available is None or cost <= available:
                return 0.0
            cost = min(cost, self.maximum or cost)
            return (cost - available) / self.restore_rate

    def query_limit(self) -> int:
        """The most one query may request: Shopify's single-query cap, or a smaller bucket."""
        if self.maximum is None:
            return SINGLE_QUERY_MAX
        return int(min(SINGLE_QUERY_MAX, self.maximum))

    def wait(self, cost: float) -> float:
        delay = self.delay_for(cost)
        if delay > 0:
            self.sleep(delay)
            self.waited += delay
        return delay

    def observe(self, body: Any) -> dict | None:
        """Read `extensions.cost` from a GraphQL response body; returns it (or None)."""
        cost = ((body or {}).get("extensions") or {}).get("cost") if isinstance(body, dict) else None
        status = (cost or {}).get("throttleStatus")
        if status:
            with self.lock:
                self.maximum = float(status["maximumAvailable"])
                self.available = float(status["currentlyAvailable"])
                self.restore_rate = float(status["restoreRate"])
                self.seen_at = self.clock()
        if is_throttled(body):
            self.throttled += 1
        return cost


def is_throttled(body: Any) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return isinstance(errors, list) and any(
        ((e or {}).get("extensions") or {}).get("code") == "THROTTLED" for e in errors
    )


def error_messages(body: Any) -> str | None:
    """Shopify's own words for top-level GraphQL errors, or None."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return None
    if isinstance(errors, str):
        return errors
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {v}" for k, v in errors.items())
    return "; ".join(str((e or {}).get("message", e)) for e in errors)
