"""Calculated query cost as Shopify documents it.

Scalars and enums cost 0, each object 1, a connection 2 plus its `first`/`last` times the cost
of one node, every mutation field 10. The requested cost is computed before execution from the
page sizes asked for; the actual cost after execution from the nodes really returned, and the
difference is refunded to the bucket.
"""
from __future__ import annotations

from typing import Any, Iterator

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.values import get_argument_values

MUTATION_COST = 10
SINGLE_QUERY_MAX = 1000
_MISSING = object()


class CostCalculator:
    def __init__(self, schema, operation: OperationDefinitionNode, fragments: dict, variables: dict):
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.variables = variables or {}

    def requested(self) -> int:
        return self._root(_MISSING)

    def actual(self, data: Any) -> int:
        return self._root(data if data is not None else {})

    def _root(self, data: Any) -> int:
        if self.operation.operation == OperationType.MUTATION:
            return MUTATION_COST * sum(1 for _ in self._fields(self.operation.selection_set, self.schema.mutation_type))
        return self._cost(self.operation.selection_set, self.schema.query_type, data)

    def _fields(self, selection_set, parent) -> Iterator[tuple[FieldNode, Any]]:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                kind = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                yield from self._fields(selection.selection_set, kind)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    yield from self._fields(fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value))

    def _cost(self, selection_set, parent, data: Any) -> int:
        total = 0
        for field, owner in self._fields(selection_set, parent):
            name = field.name.value
            if name.startswith("__") or not hasattr(owner, "fields") or name not in owner.fields:
                continue
            definition = owner.fields[name]
            kind = get_named_type(definition.type)
            if is_leaf_type(kind):
                continue
            value = _MISSING
            if data is not _MISSING:
                value = data.get(field.alias.value if field.alias else name) if isinstance(data, dict) else None
                if value is None:
                    continue
            if kind.name.endswith("Connection") and "nodes" in getattr(kind, "fields", {}):
                total += self._connection(field, definition, kind, value)
            elif kind.name == "PageInfo":
                continue
            elif isinstance(value, list):
                total += 1 + max((self._cost(field.selection_set, kind, item) for item in value), default=0)
            else:
                total += 1 + self._cost(field.selection_set, kind, value)
        return total

    def _connection(self, field: FieldNode, definition, kind, value: Any) -> int:
        node_type = get_named_type(kind.fields["nodes"].type)
        node_selections = []
        for child, _ in self._fields(field.selection_set, kind):
            if child.name.value == "nodes":
                node_selections.append(("nodes", child.alias.value if child.alias else "nodes", child.selection_set))
            elif child.name.value == "edges":
                edge_type = get_named_type(kind.fields["edges"].type)
                for grandchild, _ in self._fields(child.selection_set, edge_type):
                    if grandchild.name.value == "node":
                        node_selections.append(
                            ("edges", child.alias.value if child.alias else "edges",
                             (grandchild.alias.value if grandchild.alias else "node", grandchild.selection_set))
                        )
        if value is _MISSING:
            args = get_argument_values(definition, field, self.variables)
            size = args.get("first") or args.get("last") or 0
            per_node = max((self._cost(sel[2] if sel[0] == "nodes" else sel[2][1], node_type, _MISSING)
                            for sel in node_selections), default=0)
            return 2 + size * (1 + per_node)
        best = 0
        for how, key, selection in node_selections:
            items = value.get(key) or []
            if how == "nodes":
                cost = sum(1 + self._cost(selection, node_type, item) for item in items)
            else:
                node_key, node_selection = selection
                cost = sum(1 + self._cost(node_selection, node_type, (edge or {}).get(node_key) or {}) for edge in items)
            best = max(best, cost)
        return 2 + best
