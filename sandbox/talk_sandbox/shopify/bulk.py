"""Bulk query operations: `bulkOperationRunQuery`, `currentBulkOperation`, `bulkOperationCancel`.

As in Shopify (API versions before 2026-01) an app runs one bulk query at a time per shop; the
operation answers CREATED, is RUNNING for `bulk_delay_seconds`, then COMPLETED (or FAILED when
the `bulk_error_code` setting names an error code). The state advances whenever the operation is
looked at, so no background thread is needed.

The result is a JSONL file: one line per node of the top-level connection, and every node of a
nested connection on a line of its own carrying `__parentId` (the id of the node it belongs to),
right after its parent when `groupObjects` is true (the default before API 2026-01); with
`groupObjects: false` every top-level line comes first and the nested lines after them, as
Shopify promises no grouping then. Plain nested objects and lists stay inline. Pagination arguments are
ignored: a bulk query reads the whole connection. The file is served at
`/bulk-operation-outputs/<n>.jsonl?signature=...` (a stand-in for Shopify's signed storage URL;
it is outside `/_sandbox`, so downloads appear in the request log) and needs no access token.
"""
from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from graphql import (
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    execute,
    get_named_type,
    get_operation_ast,
    parse,
    validate,
)

from .listing import BULK
from .store import gid, now

ACTIVE = ("CREATED", "RUNNING", "CANCELING")
MAX_CONNECTIONS = 5
MAX_DEPTH = 2


def is_connection(kind) -> bool:
    return kind.name.endswith("Connection") and "nodes" in getattr(kind, "fields", {})


def _fields(selection_set, parent) -> Iterator[tuple[str, FieldNode, Any]]:
    """(response key, field node, field definition) of a selection set, fragments inlined."""
    for selection in (selection_set.selections if selection_set else []):
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name.startswith("__") or name not in parent.fields:
                continue
            yield (selection.alias.value if selection.alias else name), selection, parent.fields[name]
        elif isinstance(selection, InlineFragmentNode):
            if selection.type_condition is None or selection.type_condition.name.value == parent.name:
                yield from _fields(selection.selection_set, parent)


def _node_selections(field: FieldNode, connection) -> list[tuple[str, Any]]:
    """How a connection field selects its nodes: [("nodes", selection) | ("edges", (key, selection))]."""
    out = []
    for key, child, _ in _fields(field.selection_set, connection):
        if child.name.value == "nodes":
            out.append(("nodes", (key, child.selection_set)))
        elif child.name.value == "edges":
            edge = get_named_type(connection.fields["edges"].type)
            for node_key, grandchild, _ in _fields(child.selection_set, edge):
                if grandchild.name.value == "node":
                    out.append(("edges", (key, node_key, grandchild.selection_set)))
    return out


def check(schema, text: str) -> tuple[list[dict], Any]:
    """userErrors for a bulk query document, and the parsed document."""
    def invalid(message: str) -> tuple[list[dict], None]:
        return [{"field": ["query"], "message": message, "code": "INVALID"}], None

    try:
        document = parse(text)
    except GraphQLError as exc:
        return invalid(f"Invalid bulk query: {exc.message}")
    errors = validate(schema, document)
    if errors:
        return invalid(f"Invalid bulk query: {errors[0].message}")
    operation = get_operation_ast(document)
    if operation is None or operation.operation != OperationType.QUERY:
        return invalid("Bulk queries must be a single query operation.")
    roots = list(_fields(operation.selection_set, schema.query_type))
    if len(roots) != 1 or not is_connection(get_named_type(roots[0][2].type)):
        return invalid("Bulk queries must select exactly one top-level connection field.")
    count = 0

    def walk(selection_set, parent, depth: int, parent_has_id: bool) -> str | None:
        nonlocal count
        for _, field, definition in _fields(selection_set, parent):
            kind = get_named_type(definition.type)
            if not hasattr(kind, "fields"):
                continue
            if is_connection(kind):
                count += 1
                if depth > MAX_DEPTH:
                    return f"Bulk queries cannot nest connections more than {MAX_DEPTH} levels deep."
                if depth > 1 and not parent_has_id:
                    return f"The parent of the nested connection '{field.name.value}' must select 'id'."
                node_type = get_named_type(kind.fields["nodes"].type)
                for how, selection in _node_selections(field, kind):
                    sel = selection[1] if how == "nodes" else selection[2]
                    has_id = any(f.name.value == "id" for _, f, _ in _fields(sel, node_type))
                    problem = walk(sel, node_type, depth + 1, has_id)
                    if problem:
                        return problem
            else:
                problem = walk(field.selection_set, kind, depth, parent_has_id)
                if problem:
                    return problem
        return None

    problem = walk(operation.selection_set, schema.query_type, 1, True)
    if problem:
        return invalid(problem)
    if count > MAX_CONNECTIONS:
        return invalid(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections.")
    return [], document


def jsonl_lines(schema, document, data: dict) -> list[dict]:
    """The lines of a bulk result: nested connections split out with `__parentId`."""
    operation = get_operation_ast(document)
    out: list[dict] = []

    def split(selection_set, node_type, node: dict, parent_id: str | None) -> None:
        line: dict = {}
        children = []
        for key, field, definition in _fields(selection_set, node_type):
            if key not in node or key in line:
                continue
            kind = get_named_type(definition.type)
            if hasattr(kind, "fields") and is_connection(kind):
                children.append((field, kind, node[key]))
            else:
                line[key] = node[key]
        if parent_id is not None:
            line["__parentId"] = parent_id
        out.append(line)
        for field, kind, value in children:
            connection(field, kind, value, node.get("id"))

    def connection(field, kind, value, parent_id) -> None:
        if not value:
            return
        node_type = get_named_type(kind.fields["nodes"].type)
        selections = _node_selections(field, kind)
        if not selections:
            return
        how, selection = selections[0]
        if how == "nodes":
            key, sel = selection
            nodes = value.get(key) or []
        else:
            key, node_key, sel = selection
            nodes = [(edge or {}).get(node_key) or {} for edge in value.get(key) or []]
        for node in nodes:
            split(sel, node_type, node, parent_id)

    for key, field, definition in _fields(operation.selection_set, schema.query_type):
        connection(field, get_named_type(definition.type), (data or {}).get(key), None)
    return out


class BulkOperations:
    """The shop's bulk query operations (in memory; results as files beside the store)."""

    def __init__(self, emulator, directory: Path):
        self.emulator = emulator
        self.directory = directory
        self.lock = threading.RLock()
        self.operations: dict[int, dict] = {}
        self.started: dict[int, float] = {}
        self.base_url = "http://127.0.0.1"

    def clear(self) -> None:
        with self.lock:
            self.operations.clear()
            self.started.clear()

    # -- lookups -----------------------------------------------------------------------
    def get(self, number: int | None) -> dict | None:
        with self.lock:
            if number not in self.operations:
                return None
            self._advance(number)
            return self.operations[number]

    def current(self) -> dict | None:
        with self.lock:
            return self.get(max(self.operations)) if self.operations else None

    def path(self, number: int) -> Path:
        return self.directory / f"{number}.jsonl"

    def signature_ok(self, number: int, signature: str) -> bool:
        op = self.operations.get(number)
        return bool(op) and secrets.compare_digest(op["_signature"], signature or "")

    # -- mutations ---------------------------------------------------------------------
    def run(self, schema, query: str, group: bool = True) -> dict:
        with self.lock:
            current = self.current()
            if current and current["status"] in ACTIVE:
                return {"bulkOperation": None, "userErrors": [{
                    "field": None, "code": "OPERATION_IN_PROGRESS",
                    "message": f"A bulk query operation for this app and shop is already in progress: {current['id']}.",
                }]}
            errors, _document = check(schema, query)
            if errors:
                return {"bulkOperation": None, "userErrors": errors}
            number = self.emulator.store.next_id("bulk_operations")
            self.operations[number] = {
                "id": gid("BulkOperation", number), "status": "CREATED", "errorCode": None, "type": "QUERY",
                "createdAt": now(), "completedAt": None, "objectCount": "0", "rootObjectCount": "0",
                "fileSize": None, "url": None, "partialDataUrl": None, "query": query,
                "_signature": secrets.token_urlsafe(16), "_group": group,
            }
            self.started[number] = time.monotonic()
            return {"bulkOperation": dict(self.operations[number]), "userErrors": []}

    def cancel(self, number: int | None) -> dict:
        with self.lock:
            op = self.get(number)
            if op is None:
                return {"bulkOperation": None, "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}]}
            if op["status"] not in ("CREATED", "RUNNING"):
                return {"bulkOperation": op, "userErrors": [{
                    "field": None, "message": f"A bulk operation cannot be canceled when it is {op['status'].lower()}"}]}
            op["status"] = "CANCELING"
            return {"bulkOperation": op, "userErrors": []}

    # -- progress ----------------------------------------------------------------------
    def _advance(self, number: int) -> None:
        op = self.operations[number]
        if op["status"] == "CANCELING":
            op["status"] = "CANCELED"
            return
        if op["status"] not in ("CREATED", "RUNNING"):
            return
        delay = float(self.emulator.settings.get("bulk_delay_seconds") or 0)
        if time.monotonic() - self.started[number] < delay:
            op["status"] = "RUNNING"
            return
        failure = self.emulator.settings.get("bulk_error_code")
        if failure:
            op.update(status="FAILED", errorCode=str(failure))
            return
        self._complete(number, op)

    def _complete(self, number: int, op: dict) -> None:
        from .schema import schema

        _, document = check(schema, op["query"])
        token = BULK.set(True)
        try:
            result = execute(schema, document, context_value=self.emulator.store)
        finally:
            BULK.reset(token)
        if result.errors:
            op.update(status="FAILED", errorCode="INTERNAL_SERVER_ERROR")
            return
        lines = jsonl_lines(schema, document, result.data)
        if not op["_group"]:
            lines = [line for line in lines if "__parentId" not in line] + [line for line in lines if "__parentId" in line]
        self.directory.mkdir(parents=True, exist_ok=True)
        body = "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)
        self.path(number).write_text(body, encoding="utf-8")
        size = len(body.encode("utf-8"))
        op.update(
            status="COMPLETED", completedAt=now(), objectCount=str(len(lines)),
            rootObjectCount=str(sum(1 for line in lines if "__parentId" not in line)),
            fileSize=str(size) if lines else None,
            url=f"{self.base_url}/bulk-operation-outputs/{number}.jsonl?signature={op['_signature']}" if lines else None,
        )
