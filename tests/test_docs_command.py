"""`talk docs --flow NAME`: a mistyped flow name is said to be one, with the names that exist."""
from __future__ import annotations

from click.testing import CliRunner

from talk.cli import main
from talk.flows import load


def test_an_unknown_flow_is_named_with_the_known_ones_and_exits_2():
    result = CliRunner().invoke(main, ["docs", "--flow", "poweroffice-shopfy"])
    assert result.exit_code == 2
    (error,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert "no flow 'poweroffice-shopfy'" in error
    assert all(name in error for name in load())  # every known flow, on that one line


def test_a_known_flow_prints_only_its_tables():
    result = CliRunner().invoke(main, ["docs", "--flow", "customwebshop-poweroffice"])
    assert result.exit_code == 0, result.output
    assert "Custom Webshop to PowerOffice GO Dataflow" in result.output
    assert "Shopify Dataflow" not in result.output
