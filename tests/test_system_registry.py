"""Every installed system registers what Talk needs, and its Meltano plugins file agrees with it:
the plugins point at the emulator's default port with the sandbox's credentials."""
from __future__ import annotations

import pytest

from harness import ROOT
from talk import mapping, meltano_files, systems
from talk_sandbox.systems import SYSTEMS as SANDBOXES

PROJECT = meltano_files.read(ROOT)
PLUGINS = {p["name"]: p for kind in ("extractors", "loaders") for p in PROJECT["plugins"][kind]}


def test_the_five_systems_register_themselves_with_their_ports():
    assert set(systems.registered()) >= {"poweroffice", "shopify", "woocommerce", "superoffice", "customwebshop"}
    assert {name: SANDBOXES[name]["port"] for name in ("poweroffice", "customwebshop")} == {
        "poweroffice": 8701, "customwebshop": 8705}
    assert systems.next_free_port() not in {s["port"] for s in SANDBOXES.values()}


@pytest.mark.parametrize("name", sorted(systems.registered()))
def test_a_registered_system_has_its_mapping_client_emulator_and_plugins(name):
    system = systems.get(name)
    assert mapping.load(name).system == name and name in mapping.available_systems()
    assert system.client_class().system == name
    assert system.emulator_class().system == name
    for plugin in (system.tap, system.target):
        config = PLUGINS[plugin]["config"]
        assert config["base_url"] == f"http://127.0.0.1:{SANDBOXES[name]['port']}{system.api_path}", plugin
        assert {k: config[k] for k in system.sandbox_settings} == dict(system.sandbox_settings), plugin


def test_an_unknown_system_is_named_with_the_installed_ones():
    with pytest.raises(systems.UnknownSystem) as raised:
        systems.get("acme")
    assert "no system 'acme' is installed" in str(raised.value) and "customwebshop" in str(raised.value)
    with pytest.raises(mapping.MappingError, match="no mapping file for system 'acme'"):
        mapping.load("acme")
