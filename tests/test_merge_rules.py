"""The sync rules a user relies on, as pure functions: no edit lost, newest wins, values beat blanks."""
from talk.merge import PENDING, changed, merge as merge_with_pending, needs_sync


def merge(*args, **kwargs):
    return merge_with_pending(*args, **kwargs)[0]

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


def test_a_change_pending_for_the_destination_is_carried_along():
    # Neither side changed since its shadow, but an earlier run marked the phone pending here.
    incoming = {**SHADOW, "phone": "222"}
    destination_shadow = {**SHADOW, PENDING: ["phone"]}
    result = merge(PROPS, incoming, incoming, dict(SHADOW), destination_shadow, incoming_is_newer=False)
    assert result["phone"] == "222"


def test_an_unchanged_record_is_not_rewritten_for_a_difference_of_presentation():
    incoming = {**SHADOW, "last_name": "NORDMANN"}  # how the source has always shown it
    result, pending, _ = merge_with_pending(PROPS, incoming, incoming, dict(SHADOW), dict(SHADOW), incoming_is_newer=True)
    assert result["last_name"] == "Nordmann"
    assert pending == set()


def test_what_only_the_destination_changed_is_pending_for_the_source():
    incoming = dict(SHADOW)
    destination = {**SHADOW, "phone": "222"}
    result, pending, _ = merge_with_pending(PROPS, incoming, SHADOW, destination, SHADOW, incoming_is_newer=True)
    assert result["phone"] == "222" and pending == {"phone"}


def test_changed_lists_properties_that_differ_from_the_shadow():
    assert changed({**SHADOW, "phone": "2"}, SHADOW, PROPS) == {"phone"}
    assert changed({"first_name": "Ola", "phone": None}, None, ["first_name", "phone"]) == {"first_name"}


def test_a_record_needs_syncing_when_it_changed_or_a_change_is_pending_elsewhere():
    record = {"first_name": "Ola", "phone": "1"}
    props = ["first_name", "phone"]
    assert needs_sync(record, {}, "poweroffice", props)  # never synced
    shadows = {"poweroffice": dict(record), "shopify": {"first_name": "Ola", "phone": "1"}}
    assert not needs_sync(record, shadows, "poweroffice", props)  # an echo or an unchanged re-read
    assert needs_sync({**record, "phone": "2"}, shadows, "poweroffice", props)
    shadows["shopify"][PENDING] = ["phone"]
    assert needs_sync(record, shadows, "poweroffice", props)


def test_order_lines_compare_on_the_details_both_systems_carry():
    from talk.merge import same
    ours = [{"product_id": "p", "quantity": 2, "discount_percent": 0}]
    assert same(ours, [{"product_id": "p", "quantity": 2}])
    assert not same(ours, [{"product_id": "p", "quantity": 3}])


def test_an_owned_property_follows_its_owner_and_a_conflict_says_who_won_and_why():
    from talk.policies import FROM_DESTINATION, FROM_SOURCE, NEITHER
    incoming = {**SHADOW, "phone": "333", "email": "new@example.no", "last_name": "Berg"}
    destination = {**SHADOW, "phone": "222", "email": "other@example.no", "last_name": "Lie"}
    modes = {"phone": FROM_SOURCE, "email": FROM_DESTINATION, "last_name": NEITHER}
    result, pending, conflicts = merge_with_pending(PROPS, incoming, SHADOW, destination, SHADOW,
                                                    incoming_is_newer=False, modes=modes)
    assert (result["phone"], result["email"], result["last_name"]) == ("333", "other@example.no", "Lie")
    assert pending == {"email"}, "the owner's value is owed back to the source"
    assert {(c.prop, c.winner, c.why) for c in conflicts} == {
        ("phone", "source", "the source owns it"), ("email", "destination", "the destination owns it")}


def test_a_conflict_goes_to_the_newer_change_of_that_property_not_the_newer_record():
    incoming = {**SHADOW, "email": "a@example.no"}
    destination = {**SHADOW, "email": "b@example.no"}
    result, _, (conflict,) = merge_with_pending(PROPS, incoming, SHADOW, destination, SHADOW, incoming_is_newer=True,
                                                newer=lambda prop: False)
    assert result["email"] == "b@example.no" and conflict.why == "the newer change of email"
