"""Product options and the option values each variant selects, as Shopify keeps them.

A product has up to three options (`Size`, `Colour`, ...), each with its values; every variant
selects one value of every option (`selectedOptions`), and its title is those values joined by
" / ". A product without options of its own has the option "Title" with the value
"Default Title" (documents written before options were kept, such as the seed, read that way).

Stored on the product document: `options: [{id, name, position, optionValues: [{id, name}]}]`;
on each variant: `selectedOptions: [{name, value}]`.

productSet: `productOptions` are the product's options afterwards (ids kept by name); a variant's
`optionValues` must name an option and one of its values (OPTION_DOES_NOT_EXIST,
OPTION_VALUE_DOES_NOT_EXIST), and name a value for every option (OPTION_VALUES_MISSING). Without
`productOptions` the options follow the variants' `optionValues`, or stay as they are.
productVariantsBulkCreate/Update add a missing value to an existing option.
Limits: 3 options (OPTIONS_OVER_LIMIT), 2048 variants per product (VARIANTS_OVER_LIMIT).
"""
from __future__ import annotations

from .store import ShopifyStore, gid, gid_number

MAX_OPTIONS = 3
MAX_VARIANTS = 2048
DEFAULT_OPTION, DEFAULT_VALUE = "Title", "Default Title"
ID_START = 1_000_001  # above product / variant numbers, which name the options read from old documents


class OptionErrors(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(e["message"] for e in errors))


def _error(field: list[str], message: str, code: str) -> dict:
    return {"field": field, "message": message, "code": code}


def _new_option(store: ShopifyStore, name: str, position: int) -> dict:
    return {"id": gid("ProductOption", store.next_id("ProductOption", ID_START)), "name": name, "position": position, "optionValues": []}


def _new_value(store: ShopifyStore, name: str) -> dict:
    return {"id": gid("ProductOptionValue", store.next_id("ProductOptionValue", ID_START)), "name": name}


def _title(variant: dict) -> str:
    return variant.get("title") or DEFAULT_VALUE


def stored_options(product: dict) -> list[dict]:
    """The product's options; a document without them reads as the "Title" option of its variants."""
    if product.get("options"):
        return product["options"]
    number = gid_number(product.get("id")) or 0
    values, seen = [], set()
    for variant in product.get("variants", []):
        if _title(variant) not in seen:
            seen.add(_title(variant))
            values.append({"id": gid("ProductOptionValue", gid_number(variant["id"])), "name": _title(variant)})
    return [{"id": gid("ProductOption", number), "name": DEFAULT_OPTION, "position": 1,
             "optionValues": values or [{"id": gid("ProductOptionValue", number), "name": DEFAULT_VALUE}]}]


def selected_options(variant: dict) -> list[dict]:
    return variant.get("selectedOptions") or [{"name": DEFAULT_OPTION, "value": _title(variant)}]


def product_options(product: dict, first: int | None = None) -> list[dict]:
    """Product.options as the API answers: values, and whether any variant uses each value."""
    used = {(s["name"], s["value"]) for v in product.get("variants", []) for s in selected_options(v)}
    out = []
    for option in sorted(stored_options(product), key=lambda o: o["position"]):
        values = [dict(v, hasVariants=(option["name"], v["name"]) in used) for v in option["optionValues"]]
        out.append({"id": option["id"], "name": option["name"], "position": option["position"],
                    "values": [v["name"] for v in values], "optionValues": values})
    return out[:first] if first is not None else out


def build_options(store: ShopifyStore, current: list[dict], inputs: list[dict], path: list[str]) -> list[dict]:
    """productSet's `productOptions`: the options afterwards, keeping ids of those named alike."""
    errors = []
    if len(inputs) > MAX_OPTIONS:
        errors.append(_error(path, f"Options count is over the allowed limit of {MAX_OPTIONS}.", "OPTIONS_OVER_LIMIT"))
    by_name = {o["name"].lower(): o for o in current}
    by_id = {o["id"]: o for o in current}
    ordered = sorted(enumerate(inputs), key=lambda pair: (pair[1].get("position") or pair[0] + 1, pair[0]))
    result, names = [], set()
    for position, (n, given) in enumerate(ordered, start=1):
        name = (given.get("name") or "").strip()
        old = by_id.get(given.get("id")) if given.get("id") else by_name.get(name.lower())
        if not name and old:
            name = old["name"]
        if not name:
            errors.append(_error(path + [str(n), "name"], "Option name can't be blank.", "INVALID_INPUT"))
            continue
        if name.lower() in names:
            errors.append(_error(path + [str(n), "name"], f"Duplicated option name '{name}'.", "DUPLICATED_OPTION_NAME"))
            continue
        names.add(name.lower())
        values_given = given.get("values") or []
        if not values_given:
            errors.append(_error(path + [str(n), "values"], f"Option '{name}' must have at least one value.", "OPTION_VALUES_MISSING"))
            continue
        option = {"id": old["id"], "name": name, "position": position, "optionValues": []} if old else _new_option(store, name, position)
        old_values = {v["name"].lower(): v for v in (old or {}).get("optionValues", [])}
        old_value_ids = {v["id"]: v for v in (old or {}).get("optionValues", [])}
        for k, value in enumerate(values_given):
            prior = old_value_ids.get(value.get("id")) if value.get("id") else None
            value_name = (value.get("name") or (prior or {}).get("name") or "").strip()
            if not value_name:
                errors.append(_error(path + [str(n), "values", str(k), "name"], "Option value name can't be blank.", "INVALID_INPUT"))
                continue
            if any(v["name"].lower() == value_name.lower() for v in option["optionValues"]):
                errors.append(_error(path + [str(n), "values", str(k), "name"], f"Duplicated option value '{value_name}'.", "DUPLICATED_OPTION_VALUE"))
                continue
            prior = prior or old_values.get(value_name.lower())
            option["optionValues"].append({"id": prior["id"], "name": value_name} if prior else _new_value(store, value_name))
        result.append(option)
    if errors:
        raise OptionErrors(errors)
    return result


def options_from_variants(current: list[dict], variants: list[dict]) -> list[dict]:
    """`productOptions` implied by the variants' `optionValues` (for callers that leave them out)."""
    names: dict[str, list[str]] = {}
    for data in variants:
        for given in data.get("optionValues") or []:
            name = given.get("optionName") or next((o["name"] for o in current if o["id"] == given.get("optionId")), None)
            if not name:
                continue
            values = names.setdefault(name, [])
            if given.get("name") and given["name"] not in values:
                values.append(given["name"])
    return [{"name": name, "position": n + 1, "values": [{"name": v} for v in values]} for n, (name, values) in enumerate(names.items())]


def select(store: ShopifyStore, options: list[dict], given: list[dict] | None, previous: list[dict] | None,
           path: list[str], add_values: bool = False) -> list[dict]:
    """A variant's selectedOptions from its `optionValues` (or what it had), checked against the options."""
    errors, chosen = [], {}
    for k, value in enumerate(given or []):
        option = next((o for o in options if (value.get("optionId") and o["id"] == value["optionId"])
                       or (value.get("optionName") or "").lower() == o["name"].lower()), None)
        if option is None:
            errors.append(_error(path + ["optionValues", str(k)], f"Option '{value.get('optionName') or value.get('optionId')}' does not exist.", "OPTION_DOES_NOT_EXIST"))
            continue
        found = next((v for v in option["optionValues"] if (value.get("id") and v["id"] == value["id"])
                      or (value.get("name") or "").lower() == v["name"].lower()), None)
        if found is None and add_values and value.get("name"):
            found = _new_value(store, value["name"])
            option["optionValues"].append(found)
        if found is None:
            errors.append(_error(path + ["optionValues", str(k)], f"Option value '{value.get('name') or value.get('id')}' does not exist for option '{option['name']}'.", "OPTION_VALUE_DOES_NOT_EXIST"))
            continue
        chosen[option["id"]] = found["name"]
    for selection in previous or []:  # what the variant had, for the options not given
        option = next((o for o in options if o["name"] == selection["name"]), None)
        if option and option["id"] not in chosen and any(v["name"] == selection["value"] for v in option["optionValues"]):
            chosen[option["id"]] = selection["value"]
    for option in options:
        if option["id"] not in chosen and len(option["optionValues"]) == 1 and not given:
            chosen[option["id"]] = option["optionValues"][0]["name"]
    missing = [o["name"] for o in options if o["id"] not in chosen]
    if missing and not errors:
        errors.append(_error(path + ["optionValues"], f"Option values are missing for: {', '.join(missing)}.", "OPTION_VALUES_MISSING"))
    if errors:
        raise OptionErrors(errors)
    return [{"name": o["name"], "value": chosen[o["id"]]} for o in sorted(options, key=lambda o: o["position"])]


def apply_selection(variant: dict, selection: list[dict]) -> None:
    variant["selectedOptions"] = selection
    variant["title"] = " / ".join(s["value"] for s in selection) or DEFAULT_VALUE


def default_options(store: ShopifyStore, product: dict) -> list[dict]:
    """The "Title" option of a product whose variants are named by their titles only."""
    current = next((o for o in product.get("options") or [] if o["name"] == DEFAULT_OPTION), None)
    values = list(dict.fromkeys(_title(v) for v in product.get("variants", []))) or [DEFAULT_VALUE]
    return build_options(store, [current] if current else [], [{"name": DEFAULT_OPTION, "values": [{"name": v} for v in values]}], [])


def check_variant_count(count: int, path: list[str], code: str | None = "VARIANTS_OVER_LIMIT") -> None:
    if count > MAX_VARIANTS:
        raise OptionErrors([_error(path, f"Exceeded the maximum of {MAX_VARIANTS} variants per product.", code)])


def duplicates(variants: list[dict], path: list[str]) -> list[dict]:
    seen: dict[tuple, int] = {}
    errors = []
    for n, variant in enumerate(variants):
        key = tuple((s["name"], s["value"].lower()) for s in selected_options(variant))
        if key in seen:
            errors.append(_error(path + [str(n)], f"The variant '{variant['title']}' already exists.", "INVALID_VARIANT"))
        seen.setdefault(key, n)
    return errors


BULK_CODES = {"OPTION_VALUES_MISSING": "NEED_TO_ADD_OPTION_VALUES", "INVALID_VARIANT": "VARIANT_ALREADY_EXISTS"}


def bulk_variants(store: ShopifyStore, doc: dict, created: list[tuple[dict, dict]], updated: list[tuple[dict, dict, list[dict]]],
                  standalone_removed: bool) -> None:
    """productVariantsBulkCreate/Update: the variants' optionValues against the product's options
    (a missing value of an existing option is added). `created` pairs (variant, input), `updated`
    adds the variant's selection before the update."""
    try:
        current = [dict(o, optionValues=list(o["optionValues"])) for o in stored_options(doc)]
        fresh = [data for _, data in created]
        if standalone_removed and [o["name"] for o in current] == [DEFAULT_OPTION] and any(
                (v.get("optionName") or "") != DEFAULT_OPTION for data in fresh for v in data.get("optionValues") or []):
            current = build_options(store, [], options_from_variants([], fresh), ["variants"])
        errors = []
        for n, (variant, data) in enumerate(created):
            try:
                apply_selection(variant, select(store, current, data.get("optionValues"), None, ["variants", str(n)], add_values=True))
            except OptionErrors as exc:
                errors.extend(exc.errors)
        for n, (variant, data, previous) in enumerate(updated):
            if data.get("optionValues"):
                try:
                    apply_selection(variant, select(store, current, data["optionValues"], previous, ["variants", str(n)], add_values=True))
                except OptionErrors as exc:
                    errors.extend(exc.errors)
        errors = errors or duplicates(doc["variants"], ["variants"])
        if errors:
            raise OptionErrors(errors)
        doc["options"] = current
    except OptionErrors as exc:
        raise OptionErrors([dict(e, code=BULK_CODES.get(e["code"], e["code"])) for e in exc.errors]) from None
