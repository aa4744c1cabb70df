"""Validate emulator responses against PowerOffice's published v2 OpenAPI spec.

The spec is a reference file outside the repository ($TALK_POWEROFFICE_SPEC, or
../shared/reference/poweroffice-go-v2-openapi.yaml next to the repo root); nothing here is needed
at run time, and callers skip when the spec is absent.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SPEC = REPO_ROOT.parent / "shared" / "reference" / "poweroffice-go-v2-openapi.yaml"


def spec_path() -> Path:
    return Path(os.environ.get("TALK_POWEROFFICE_SPEC") or DEFAULT_SPEC)


def load_spec() -> dict | None:
    path = spec_path()
    if not path.exists():
        return None
    import yaml

    return yaml.safe_load(path.read_text())


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects -> JSON Schema: `nullable: true` becomes a null type/enum member."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items() if key not in ("nullable", "example")}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


class SpecChecker:
    """`errors("CustomerDto", body)` lists what in a body breaks the named schema (arrays: `[Name]`)."""

    def __init__(self, spec: dict):
        import jsonschema

        self.root = {"components": {"schemas": to_json_schema(spec["components"]["schemas"])}}
        self.jsonschema = jsonschema

    def errors(self, schema_name: str, body: Any) -> list[str]:
        if schema_name.startswith("["):
            reference = {"type": "array", "items": {"$ref": f"#/components/schemas/{schema_name[1:-1]}"}}
        else:
            reference = {"$ref": f"#/components/schemas/{schema_name}"}
        validator = self.jsonschema.Draft202012Validator({**self.root, **reference})
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
