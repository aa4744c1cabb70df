"""Check emulator responses against SuperOffice's published Swagger 2.0 specs.

The specs are reference files outside the repository ($TALK_SUPEROFFICE_SPECS, or
../shared/reference/superoffice next to the repo root); nothing here is needed at run time and
callers skip when they are absent. Checks are strict about names: an object the spec describes
may carry no member the spec does not list, so an invented field name fails. Swagger 2.0 has no
`nullable`; as SuperOffice (.NET) serialises an absent object or list as null, null is allowed
for those and for nothing else.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SPECS = REPO_ROOT.parent / "shared" / "reference" / "superoffice"
# Strings SuperOffice documents as null in its answers (apis.md: "odata.nextLink": null).
NULLABLE = {"odata.nextLink"}
SPEC_FILES = ("Contact", "Person", "Sale", "Product", "Archive", "QuoteAgent", "Webhook")


def specs_dir() -> Path:
    return Path(os.environ.get("TALK_SUPEROFFICE_SPECS") or DEFAULT_SPECS)


def load_specs() -> list[dict] | None:
    directory = specs_dir()
    if not all((directory / f"{name}.json").exists() for name in SPEC_FILES):
        return None
    return [json.loads((directory / f"{name}.json").read_text()) for name in SPEC_FILES]


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node == {"type": "object"}:  # .NET's `object` (an archive row's values): any JSON value
        return {}
    out = {key: _strict(value) for key, value in node.items() if key not in ("example", "format", "readOnly")}
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    for name, prop in (out.get("properties") or {}).items():
        if "$ref" in prop:  # an object member may be null
            out["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
        elif prop.get("type") in ("array", "object") or name in NULLABLE:
            out["properties"][name] = {**prop, "type": [prop["type"], "null"]}
    return out


class SpecChecker:
    """`response_errors("get", "/api/v1/Contact/{id}", 200, body)`: what in a body breaks the
    schema the spec gives that operation's answer (204: the body must be empty)."""

    def __init__(self, specs: list[dict]):
        import jsonschema

        self.jsonschema = jsonschema
        self.definitions: dict[str, Any] = {}
        self.paths: dict[str, dict] = {}
        for spec in specs:
            self.definitions.update(_strict(spec.get("definitions", {})))
            self.paths.update(spec["paths"])

    def response_errors(self, method: str, path: str, status: int, body: Any) -> list[str]:
        operation = self.paths.get(path, {}).get(method.lower())
        if operation is None:
            return [f"the spec has no {method.upper()} {path}"]
        declared = operation.get("responses", {}).get(str(status))
        if declared is None:
            return [f"the spec declares no {status} answer for {method.upper()} {path}"]
        schema = declared.get("schema")
        if schema is None:
            return [] if body in (None, b"", "") else [f"{status} has no body in the spec"]
        return self.errors(_strict(schema), body)

    def definition_errors(self, name: str, body: Any) -> list[str]:
        full = next(key for key in self.definitions if key.endswith(f".{name}") or key == name)
        return self.errors({"$ref": f"#/definitions/{full}"}, body)

    def errors(self, schema: dict, body: Any) -> list[str]:
        validator = self.jsonschema.Draft7Validator({**schema, "definitions": self.definitions})
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
