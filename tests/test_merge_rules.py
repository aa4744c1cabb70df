"""The sync rules a user relies on, as pure functions: no edit lost, newest wins, values beat blanks."""
from talk.merge import changed, merge, settled

PROPS = ["first_name", "last_name", "phone", "email"]
SHADOW = {"first_name": "Ola", "last_name": "Nordmann", "phone": "111", "email": "ola@example.no"}


def test_edits_of_different_properties_on_both_sides_are_both_kept():
    incoming = {**SHADOW, "last_name": "Nordmann-Berg"}  # edited in the source
    destination = {**SHADOW, "phone": "222"}  # edited in the destination meanwhile
    result = merge(PROPS, incoming, SHADOW, destination, SHADOW, incoming_is_newer=True)
    assert result["last_name"] == "Nordmann-Berg"
    assert result["phone"] == "222"


def test_the_same_property_edited_on_both_sides_goes_to_the_newer_edit():
    incoming = {**SHADOW, "phone": "333"}
    destination = {**SHADOW, "phone": "222"}
    assert merge(PROPS, incoming, SHADOW, destination, SHADOW, incoming_is_newer=True)["phone"] == "333"
    assert merge(PROPS, incoming, SHADOW, destination, SHADOW, incoming_is_newer=False)["phone"] == "222"


def test_a_value_beats_an_empty_one_even_when_the_empty_one_is_newer():
    incoming = {**SHADOW, "phone": None}
    destination = {**SHADOW, "phone": "222"}
    assert merge(PROPS, incoming, SHADOW, destination, SHADOW, incoming_is_newer=True)["phone"] == "222"


def test_first_contact_never_blanks_out_what_the_destination_holds():
    incoming = {"first_name": "Ola", "last_name": "Nordmann", "phone": None, "email": "ola@example.no"}
    destination = {"first_name": "Ola", "last_name": "N", "phone": "999", "email": "ola@example.no"}
    result = merge(PROPS, incoming, None, destination, None, incoming_is_newer=False)
    assert result == {"first_name": "Ola", "last_name": "Nordmann", "phone": "999", "email": "ola@example.no"}


def test_a_pending_change_from_the_other_direction_is_carried_along():
    # Neither side changed since its shadow, but the destination is behind the source.
    incoming = {**SHADOW, "phone": "222"}
    destination_shadow = dict(SHADOW)
    result = merge(PROPS, incoming, incoming, dict(SHADOW), destination_shadow, incoming_is_newer=False)
    assert result["phone"] == "222"


def test_changed_lists_properties_that_differ_from_the_shadow():
    assert changed({**SHADOW, "phone": "2"}, SHADOW, PROPS) == {"phone"}
    assert changed({"first_name": "Ola", "phone": None}, None, ["first_name", "phone"]) == {"first_name"}


def test_settled_when_every_linked_system_holds_the_same_common_properties():
    record = {"first_name": "Ola", "phone": "1", "organisation_number": "9"}
    shadows = {"shopify": {"first_name": "Ola", "phone": "1"}, "poweroffice": dict(record)}
    comparable = {"shopify": {"first_name", "phone"}, "poweroffice": set(record)}
    assert settled(record, shadows, comparable)
    shadows["shopify"]["phone"] = "2"
    assert not settled(record, shadows, comparable)


def test_order_lines_compare_on_the_details_both_systems_carry():
    ours = {"lines": [{"product_id": "p", "quantity": 2, "discount_percent": 0}]}
    theirs = {"lines": [{"product_id": "p", "quantity": 2}]}
    assert settled(ours, {"shopify": theirs}, {"shopify": {"lines"}})
    theirs["lines"][0]["quantity"] = 3
    assert not settled(ours, {"shopify": theirs}, {"shopify": {"lines"}})
