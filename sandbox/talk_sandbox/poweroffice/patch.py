"""RFC 6902 JSON Patch as PowerOffice GO applies it to a DTO.

Paths name DTO properties (`/MailAddress/City`), matched case-insensitively like ASP.NET does;
`remove` on a property sets it to null; read-only properties cannot be patched.
"""
from __future__ import annotations

import copy
from typing import Any

from .records import Problem

TITLE = "Invalid JSON Patch document"


def _segments(path: Any) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise Problem(400, TITLE, f"The path '{path}' is not a valid JSON Pointer.")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _key(container: dict, name: str, path: str) -> str:
    for key in container:
        if key.lower() == name.lower():
            return key
    raise Problem(400, TITLE, f"The target location specified by path segment '{name}' was not found ({path}).")


def apply_patch(document: dict, operations: Any, writable: set[str], nested_writable: dict[str, set[str]] | None = None) -> dict:
    """A patched copy of `document`; `writable` lists top-level properties a client may change and
    `nested_writable` the writable properties inside object-valued ones (MailAddress...)."""
    if not isinstance(operations, list):
        raise Problem(400, TITLE, "The request body must be a JSON Patch document (an array of operations).")
    nested_writable = nested_writable or {}
    result = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, dict):
            raise Problem(400, TITLE, "Each operation must be an object.")
        op = str(operation.get("op", "")).lower()
        path = operation.get("path")
        segments = _segments(path)
        top = _key(result, segments[0], path)
        if top not in writable:
            raise Problem(400, TITLE, f"The property '{top}' is read-only and cannot be patched.")
        parent, name = result, top
        if len(segments) > 1:
            if top in nested_writable:
                if result.get(top) is None:
                    result[top] = {}
                parent = result[top]
                matches = [key for key in nested_writable[top] if key.lower() == segments[1].lower()]
                if not matches or len(segments) > 2:
                    raise Problem(400, TITLE, f"The property at '{path}' is read-only or does not exist.")
                name = matches[0]
            elif isinstance(result.get(top), list) and len(segments) == 2:
                parent, name = result[top], segments[1]
            else:
                raise Problem(400, TITLE, f"The path '{path}' does not name a property.")
        if op in ("add", "replace"):
            if "value" not in operation:
                raise Problem(400, TITLE, f"The '{op}' operation at '{path}' needs a value.")
            _set(parent, name, copy.deepcopy(operation["value"]), op, path)
        elif op == "remove":
            _set(parent, name, None, op, path)
        elif op == "test":
            if _get(parent, name, path) != operation.get("value"):
                raise Problem(400, TITLE, f"The current value at '{path}' is not equal to the test value.")
        else:
            raise Problem(400, TITLE, f"The operation '{op}' is not supported.")
    return result


def _get(parent: Any, name: str, path: str) -> Any:
    if isinstance(parent, list):
        try:
            return parent[int(name)]
        except (ValueError, IndexError):
            raise Problem(400, TITLE, f"The index in '{path}' is out of bounds.") from None
    return parent.get(name)


def _set(parent: Any, name: str, value: Any, op: str, path: str) -> None:
    if isinstance(parent, list):
        if name == "-" and op == "add":
            parent.append(value)
            return
        try:
            index = int(name)
        except ValueError:
            raise Problem(400, TITLE, f"The index in '{path}' is not a number.") from None
        if op == "add" and 0 <= index <= len(parent):
            parent.insert(index, value)
        elif 0 <= index < len(parent):
            if op == "remove":
                del parent[index]
            else:
                parent[index] = value
        else:
            raise Problem(400, TITLE, f"The index in '{path}' is out of bounds.")
        return
    parent[name] = value
