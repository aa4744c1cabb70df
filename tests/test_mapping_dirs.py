"""A directory of the user's own mapping files (TALK_MAPPING_DIRS) wins over the installed ones,
for `talk docs` and for Meltano, which must not take the variable for a setting of its own."""
from __future__ import annotations

from pathlib import Path

from harness import Talk
from systems import client

INSTALLED = Path(__file__).resolve().parent.parent / "talk" / "talk" / "mappings" / "customwebshop.yml"


def test_a_mapping_file_in_talk_mapping_dirs_is_the_one_used(talk: Talk, tmp_path):
    own = tmp_path / "mappings"
    own.mkdir()
    text = INSTALLED.read_text()
    rule = "      - {talk: phone, native: phone, transform: phone}\n"
    assert rule in text
    (own / "customwebshop.yml").write_text(text.replace(rule, ""))  # this company does not sync phone numbers
    env = {"TALK_MAPPING_DIRS": str(own)}

    shown = talk.cli("docs", "--flow", "customwebshop-poweroffice", env=env).stdout
    assert "PhoneNumber" not in shown and "PhoneNumber" in talk.cli("docs", "--flow", "customwebshop-poweroffice").stdout

    # A real pipeline (Meltano reads TALK_* variables as settings of the `talk` mapper plugin:
    # this one is none of them): the webshop's customers reach PowerOffice GO without phones.
    talk.load_fixture("customwebshop-flows/webshop.json")
    talk.run("tap-customwebshop", "mapper-talk", "target-poweroffice", env=env)
    poweroffice = client(talk, "poweroffice")
    customers = [c for c in poweroffice.index("customers") if c.get("EmailAddress") == "ola.nordmann@example.no"]
    poweroffice.close()
    assert len(customers) == 1
    assert not poweroffice_phone(talk, customers[0]["Id"])


def poweroffice_phone(talk: Talk, customer_id) -> str | None:
    poweroffice = client(talk, "poweroffice")
    try:
        return poweroffice.fetch("customers", str(customer_id)).get("PhoneNumber")
    finally:
        poweroffice.close()
