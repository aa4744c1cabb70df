"""PATCH bodies as SuperOffice takes them, applied to the entity as the API shows it.

- JSON Patch (RFC 6902; `application/json-patch+json`, or any JSON array): add, replace,
  remove and test; property names in paths match case-insensitively; a failed `test` is 409
  (nothing is changed); `remove` of a property leaves it empty.
- JSON Merge Patch (RFC 7396; a JSON object): members replace, objects merge, null empties.
"""
from __future__ import annotations

import copy
from typing import Any

from .errors import SoError, bad_request


def apply(entity: dict, body: Any) -> dict:
    if isinstance(body, list):
        return json_patch(entity, body)
    if isinstance(body, dict):
        return merge_patch(entity, body)
    raise bad_request("A PATCH body is a JSON Patch array or a JSON Merge Patch object.")


def json_patch(entity: dict, operations: list) -> dict:
    result = copy.deepcopy(entity)
    for operation in operations:
        if not isinstance(operation, dict):
            raise bad_request("Each JSON Patch operation is an object.")
        op = str(operation.get("op", "")).lower()
        path = operation.get("path")
        parent, name = _locate(result, path)
        if op in ("add", "replace"):
            if "value" not in operation:
                raise bad_request(f"The '{op}' operation at '{path}' needs a value.")
            _set(parent, name, copy.deepcopy(operation["value"]), op, path)
        elif op == "remove":
            _set(parent, name, None, op, path)
        elif op == "test":
            if _get(parent, name, path) != operation.get("value"):
                raise SoError(409, "PatchTestFailedException", f"The value at '{path}' is not the value tested for.")
        else:
            raise bad_request(f"The JSON Patch operation '{op}' is not supported.")
    return result


def _locate(document: dict, path: Any) -> tuple[Any, str]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise bad_request(f"The path '{path}' is not a JSON Pointer.")
    segments = [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]
    parent: Any = document
    for segment in segments[:-1]:
        if isinstance(parent, list):
            parent = _get(parent, segment, path)
        elif isinstance(parent, dict):
            key = _key(parent, segment)
            if parent.get(key) is None:
                parent[key] = {}  # an empty reference (Category: null) takes a nested add
            parent = parent[key]
        else:
            raise bad_request(f"The path '{path}' does not name a property.")
    last = segments[-1]
    return parent, (_key(parent, last) if isinstance(parent, dict) else last)


def _key(container: dict, name: str) -> str:
    return next((key for key in container if key.lower() == name.lower()), name)


def _index(items: list, name: str, path: str, end_allowed: bool) -> int:
    """A list position from a pointer segment; `-` (and the length) name the end for an add."""
    if end_allowed and name == "-":
        return len(items)
    if not name.isdigit() or int(name) > len(items) - (0 if end_allowed else 1):
        raise bad_request(f"The index in '{path}' is not a position in the list.")
    return int(name)


def _get(parent: Any, name: str, path: str) -> Any:
    if isinstance(parent, list):
        return parent[_index(parent, name, path, end_allowed=False)]
    return parent.get(name)


def _set(parent: Any, name: str, value: Any, op: str, path: str) -> None:
    if not isinstance(parent, list):
        parent[name] = value  # remove leaves the property empty: the entity keeps its shape
        return
    index = _index(parent, name, path, end_allowed=op == "add")
    if op == "add":
        parent.insert(index, value)
    elif op == "remove":
        del parent[index]
    else:
        parent[index] = value


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        key = _key(result, name)
        if value is None:
            result[key] = None
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
