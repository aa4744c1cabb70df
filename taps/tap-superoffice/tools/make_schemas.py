"""Writes tap_superoffice/schemas/*.json from SuperOffice's Swagger 2.0 specs.

    uv run python taps/tap-superoffice/tools/make_schemas.py ../shared/reference/superoffice

Run by hand when the specs change; the tap only reads the JSON files this writes. Each stream's
schema is the spec's entity definition with its references inlined, every property nullable
(an entity read with $select, or an older server, may leave any of them out), and the few
properties the tap adds itself (extra_properties.json; a sale's QuoteAlternative).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent.parent / "tap_superoffice" / "schemas"
PREFIX = "SuperOffice.CRM.Services."
# stream -> (spec file, definition)
STREAMS = {
    "contacts": ("Contact.json", "ContactEntity"),
    "persons": ("Person.json", "PersonEntity"),
    "products": ("Product.json", "Product"),
    "sales": ("Sale.json", "SaleEntity"),
    "quote_lines": ("QuoteAgent.json", "QuoteLine"),
}
ALTERNATIVE = ("QuoteAgent.json", "QuoteAlternative")  # a sale's QuoteAlternative
MAX_DEPTH = 4  # deeper carriers (an associate's own references) are kept as they come


def nullable(schema: dict) -> dict:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    return schema


def convert(node: dict, definitions: dict, depth: int) -> dict:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if depth >= MAX_DEPTH:
            return {"type": ["object", "null"]}
        return convert(definitions[name], definitions, depth + 1)
    kind = node.get("type")
    if kind == "array":
        return nullable({"type": "array", "items": convert(node.get("items") or {}, definitions, depth)})
    if kind == "object" or "properties" in node:
        if "properties" not in node:  # a dictionary (UserDefinedFields): kept whole
            return {"type": ["object", "null"]}
        return nullable({"type": "object", "properties": {
            name: convert(prop, definitions, depth) for name, prop in node["properties"].items()}})
    out: dict = {"type": kind or "string"}
    if node.get("format") == "date-time":
        out["format"] = "date-time"
    if kind is None:
        return {}
    return nullable(out)


def main(spec_dir: str) -> None:
    def entity(file: str, definition: str) -> dict:
        definitions = json.loads((Path(spec_dir) / file).read_text())["definitions"]
        return convert(definitions[PREFIX + definition], definitions, 0)

    extra = json.loads((Path(__file__).with_name("extra_properties.json")).read_text())
    extra["sales"] = {"QuoteAlternative": entity(*ALTERNATIVE)}
    for stream, (file, definition) in STREAMS.items():
        schema = entity(file, definition)
        schema["properties"].update(extra.get(stream, {}))
        (SCHEMAS / f"{stream}.json").write_text(json.dumps(schema, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
