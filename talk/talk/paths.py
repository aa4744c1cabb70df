"""Dotted paths into nested native records: 'MailAddress.City', 'variants.0.sku'."""
from __future__ import annotations

from typing import Any


def get_path(record: Any, path: str) -> Any:
    return get_parts(record, path.split("."))


def get_parts(record: Any, parts: list[str]) -> Any:
    value = record
    for part in parts:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit():
            index = int(part)
            value = value[index] if index < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


def set_path(record: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    target: Any = record
    for part, following in zip(parts, parts[1:]):
        container_for_next: Any = [] if following.isdigit() else {}
        if isinstance(target, list):
            index = int(part)
            while len(target) <= index:
                target.append({} if not following.isdigit() else [])
            if target[index] is None:
                target[index] = container_for_next
            target = target[index]
        else:
            if target.get(part) is None:
                target[part] = container_for_next
            target = target[part]
    last = parts[-1]
    if isinstance(target, list):
        index = int(last)
        while len(target) <= index:
            target.append(None)
        target[index] = value
    else:
        target[last] = value
