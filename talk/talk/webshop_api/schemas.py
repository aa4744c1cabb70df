"""JSON Schema validators for the document's component schemas (`Customer`, `OrderCreate`...).

OpenAPI 3.1 schemas are JSON Schema 2020-12, so the document itself is the schema registry:
the sandbox validates request bodies and the conformance check validates responses with it.
"""
from __future__ import annotations

from functools import cache

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

from . import openapi

DOCUMENT_URI = "urn:talk-webshop-api"


@cache
def _registry() -> referencing.Registry:
    return referencing.Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(openapi()))


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/{name}"}, registry=_registry())


def errors(name: str, instance) -> list[jsonschema.ValidationError]:
    """Every way `instance` breaks schema `name`, most relevant first (shallow before deep)."""
    return sorted(validator(name).iter_errors(instance), key=lambda e: (len(e.absolute_path), jsonschema.exceptions.relevance(e)))


def field_name(path) -> str:
    """`lines[0].quantity` from a JSON path (as error bodies and check reports name fields)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f"{'.' if text else ''}{part}"
    return text


def properties(name: str) -> set[str]:
    return set(openapi()["components"]["schemas"][name]["properties"])
