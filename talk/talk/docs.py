"""Flow documents rendered from the mapping files: the seed documents' tables, filled in."""
from __future__ import annotations

from . import flows as flow_defs
from . import mapping
from .mapping import EntityMapping, Rule
from .policies import Policy


def property_pairs(source: EntityMapping, destination: EntityMapping, kind: str | None) -> list[tuple[str, str, str, str]]:
    """(source property, destination property, destination type, Talk property) for every Talk
    property the source reads and the destination writes."""
    def rules(entity: EntityMapping, direction: str) -> list[Rule]:
        return [r for r in entity.rules if r.direction != direction and (kind is None or r.when in (None, kind))]

    rows = []
    for rule_in in rules(source, "out"):
        for rule_out in rules(destination, "in"):
            if rule_in.talk != rule_out.talk:
                continue
            if rule_in.items and rule_out.items:
                for item_in in [i for i in rule_in.items if i.direction != "out"]:
                    for item_out in [i for i in rule_out.items if i.direction != "in" and i.talk == item_in.talk]:
                        for path_in in item_in.native:
                            for path_out in item_out.native:
                                rows.append((f"{rule_in.native[0]}.{path_in}", f"{rule_out.native[0]}.{path_out}",
                                             item_out.native_type, rule_in.talk))
                continue
            for path_in in rule_in.native or [f"({rule_in.talk})"]:
                for path_out in rule_out.native:
                    rows.append((path_in, path_out, rule_out.native_type, rule_in.talk))
    return list(dict.fromkeys(rows))


def sync_words(policy: Policy, a_title: str, b_title: str, a: str, b: str) -> str:
    """The owner policy of one row, for a value going from system a to system b."""
    if not policy.synced:
        return "not synced"
    if not policy.owners:
        return "two-way"
    owners = [o for o in policy.owners if o in (a, b)]
    others = [o for o in policy.owners if o not in (a, b)]
    if owners and owners[0] == a and not others:
        return f"from {a_title} only"
    if owners and owners[0] == b and not others:
        return f"{b_title} owns it: not written"
    return policy.describe()


def render_flow(flow: flow_defs.Flow) -> str:
    policies = flow_defs.policies()
    source, destination = mapping.load(flow.source), mapping.load(flow.destination)
    title = f"{source.title} to {destination.title} Dataflow"
    out = ["=" * len(title), title, "=" * len(title), "",
           f"Job: ``meltano run {flow.name}`` (both directions). Generated from the mapping files.", ""]
    for spec in flow.entities:
        src = source.entities[spec["source"]]
        dst = destination.entities[spec["destination"]]
        kind = spec.get("kind")
        for a, b, a_map, b_map in ((source, destination, src, dst), (destination, source, dst, src)):
            heading = spec["label"] if a is source else f"{b_map.label} from {a.title} {a_map.label} (edits of linked records)"
            if a is not source:
                heading = f"{a.title} {a_map.labels.get(kind, a_map.label) if kind else a_map.label} to {b.title} {b_map.labels.get(kind, b_map.label) if kind else b_map.label}"
            out += [heading, "-" * len(heading), ""]
            if a is source:
                out += [f"Every {heading.split(' to ')[0]} is created as a {b.title} {b_map.label} and kept in sync, "
                        "regardless of where it is edited.", ""]
            else:
                out += ["Edits of linked records flow back; new records are created only in the flow's direction.", ""]
            a_label = a_map.labels.get(kind, a_map.label) if kind else a_map.label
            b_label = b_map.labels.get(kind, b_map.label) if kind else b_map.label
            out += [".. list-table::", "   :header-rows: 1", "",
                    f"   * - {a.title} {a_label} Property", f"     - {b.title} {b_label} Property",
                    f"     - {b.title} Data Type", "     - Synced"]
            for path_in, path_out, native_type, talk_prop in property_pairs(a_map, b_map, kind):
                synced = sync_words(policies.policy(a_map.talk, talk_prop, a.system, b.system), a.title, b.title,
                                    a.system, b.system)
                out += [f"   * - {path_in}", f"     - {path_out}", f"     - {native_type}", f"     - {synced}"]
            out.append("")
    return "\n".join(out)


def render_all(only: str | None = None) -> dict[str, str]:
    return {name: render_flow(flow) for name, flow in flow_defs.load().items() if only in (None, name)}
