"""Order lines merge line by line (each has its global id in every system): the rules, as pure
functions. End to end, with real pipelines and request counts: test_order_lines.py."""
from talk.lines import pair, pair_written
from talk.merge import merge

A = {"id": "a", "sku": "CUP", "quantity": 2, "unit_price": "159.20"}
B = {"id": "b", "sku": "BEANS", "quantity": 1, "unit_price": "39.20"}
SHADOW = {"lines": [A, B]}


def lines(**changes):
    """The order's lines with some of them changed: lines(a={"quantity": 5}, b=None)."""
    out = []
    for line in (A, B):
        change = changes.get(line["id"], {})
        if change is not None:
            out.append({**line, **change})
    return out + changes.get("added", [])


def merged(incoming, destination, newer=True, removes=()):
    return merge(["lines"], {"lines": incoming}, SHADOW, {"lines": destination}, SHADOW, newer, removes=removes)


def test_a_line_edit_on_each_side_since_the_last_sync_both_survive():
    result = merged(lines(a={"quantity": 5}), lines(b={"unit_price": "45.00"}))
    assert result.record["lines"] == lines(a={"quantity": 5}, b={"unit_price": "45.00"})
    assert result.pending == {"lines"}  # the destination's price edit is owed to the source
    assert result.conflicts == []


def test_one_property_of_one_line_edited_on_both_sides_is_a_recorded_conflict():
    result = merged(lines(a={"quantity": 5}), lines(a={"quantity": 3}), newer=False)
    assert result.record["lines"][0]["quantity"] == 3
    (conflict,) = result.conflicts
    assert (conflict.prop, conflict.source_value, conflict.destination_value, conflict.winner) == (
        "lines[CUP].quantity", 5, 3, "destination")


def test_a_line_added_on_either_side_is_kept_and_a_line_added_in_the_destination_is_owed_back():
    c = {"id": "c", "sku": "MUG", "quantity": 1}
    d = {"id": "d", "sku": "SPOON", "quantity": 4}
    result = merged(lines(added=[c]), lines(added=[d]))
    assert [line["id"] for line in result.record["lines"]] == ["a", "b", "c", "d"]
    assert result.pending == {"lines"}


def test_a_line_removed_in_the_source_is_removed_only_where_the_policy_says_so():
    assert [l["id"] for l in merged(lines(b=None), lines(), removes=["lines"]).record["lines"]] == ["a"]
    kept = merged(lines(b=None), lines())
    assert [l["id"] for l in kept.record["lines"]] == ["a", "b"] and kept.pending == set()


def test_a_line_removed_in_the_destination_does_not_come_back():
    result = merged(lines(), lines(b=None), removes=["lines"])
    assert [l["id"] for l in result.record["lines"]] == ["a"]
    assert result.pending == {"lines"}  # the removal is owed to the source


def test_lines_of_two_orders_linked_on_first_contact_pair_by_product_in_order():
    theirs = [{"id": "x", "sku": "BEANS"}, {"id": "y", "sku": "CUP"}, {"id": "z", "sku": "CUP"}]
    assert pair([A, B, {**A, "id": "a2"}], theirs) == {"x": "b", "y": "a", "z": "a2"}
    # A line linked before (known) is never re-paired.
    assert pair([A, B], theirs, known=["y", "z"]) == {"x": "b"}


def test_lines_a_write_added_are_paired_with_the_lines_asked_for():
    wanted = [A, {"id": "new", "sku": "MUG", "quantity": 1}]
    stored = [{"id": "a", "sku": "CUP"}, {"id": "native-77", "sku": "MUG"}]
    assert pair_written(wanted, stored) == {"native-77": "new"}
