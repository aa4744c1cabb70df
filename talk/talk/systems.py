"""The registry of systems Talk syncs: every system registers itself, none is listed here.

A system is a pair of packages (tap-NAME, target-NAME). Its target package declares one
Python entry point in the group `talk.systems`, named after the system and pointing at a
`System` (pyproject.toml):

    [project.entry-points."talk.systems"]
    acme = "target_acme.system:SYSTEM"

Everything that used to keep a list of systems reads this registry instead: mapping files
(talk.mapping), the sandboxes (`talk sandbox start`, talk_sandbox.systems), the messages of a
plugin that cannot reach its API (talk.plugin_errors), the test harness. Installing the two
packages is adding the system; `talk new-system NAME` scaffolds them.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Mapping

GROUP = "talk.systems"
FIRST_PORT = 8701  # where emulator ports start; a system that declares none gets the next free one


class UnknownSystem(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class System:
    """What Talk needs to know about one system besides its mapping file's contents."""

    name: str            # the system's key: mapping file, links, `talk sandbox start NAME`
    title: str           # how people call it: "Custom Webshop"
    mapping: str         # its mapping file, a resource of an installed package: "target_acme:mapping.yml"
    client: str          # its talk.client.SystemClient: "target_acme.client:AcmeClient"
    tap: str = ""        # Meltano plugin name and executable (default tap-NAME)
    target: str = ""     # likewise (default target-NAME)
    emulator: str = ""   # its sandbox emulator class: "target_acme.emulator:AcmeEmulator"
    port: int | None = None  # the emulator's default port; None: the next free one from FIRST_PORT
    api_path: str = ""   # what a plugin's base_url appends to the API's root (and must end in)
    # The plugins' settings for the sandbox besides base_url (credentials the emulator takes).
    sandbox_settings: Mapping[str, Any] = field(default_factory=dict)
    # Sandbox credential values that must never show in any output (tests look for them).
    sandbox_secrets: tuple[str, ...] = ()
    example_url: str = ""  # a right production base_url, for error messages
    url_help: str = ""     # what base_url is, where no api_path can be checked

    def __post_init__(self) -> None:
        object.__setattr__(self, "tap", self.tap or f"tap-{self.name}")
        object.__setattr__(self, "target", self.target or f"target-{self.name}")

    def mapping_path(self) -> Path:
        package, _, relative = self.mapping.partition(":")
        return Path(str(resources.files(package).joinpath(relative)))

    def client_class(self) -> type:
        return load_object(self.client)

    def emulator_class(self) -> type:
        if not self.emulator:
            raise UnknownSystem(f"system {self.name!r} registers no sandbox emulator")
        return load_object(self.emulator)


def load_object(reference: str) -> Any:
    """'package.module:Name' -> the object."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


@lru_cache(maxsize=None)
def registered() -> dict[str, System]:
    """Every installed system, by name, in name order."""
    found: dict[str, System] = {}
    for entry in metadata.entry_points(group=GROUP):
        system = entry.load()
        if not isinstance(system, System) or system.name != entry.name:
            raise TypeError(f"entry point {entry.name} = {entry.value} in group {GROUP} must point at a "
                            f"talk.systems.System named {entry.name!r}")
        if entry.name in found and found[entry.name] != system:
            raise ValueError(f"two packages register the system {entry.name!r}: {found[entry.name].client} and {system.client}")
        found[entry.name] = system
    return dict(sorted(found.items()))


def get(name: str) -> System:
    try:
        return registered()[name]
    except KeyError:
        known = ", ".join(registered()) or "none"
        raise UnknownSystem(f"no system {name!r} is installed (known: {known}); a system registers itself "
                            f"with an entry point in the group {GROUP!r}") from None


@lru_cache(maxsize=None)
def ports() -> dict[str, int]:
    """Each system's default emulator port: the one it declares, else the next free one counted
    from FIRST_PORT in name order (never one another system declares)."""
    systems = registered()
    taken = {s.port for s in systems.values() if s.port}
    out, candidate = {}, FIRST_PORT
    for name, system in systems.items():
        if system.port:
            out[name] = system.port
            continue
        while candidate in taken:
            candidate += 1
        out[name] = candidate
        taken.add(candidate)
    return out


def next_free_port() -> int:
    """The port a new system should declare: the first from FIRST_PORT no installed system uses."""
    taken = set(ports().values())
    port = FIRST_PORT
    while port in taken:
        port += 1
    return port
