"""The emulators of the installed systems, their default ports and where their classes live.

Read from the registry (talk.systems): a system registers its emulator with the entry point
of its target package, so a new system's sandbox needs no line here.
"""
from __future__ import annotations

from talk import systems as registry


def _emulators() -> dict[str, dict]:
    """`api_path`: what the plugins' `base_url` setting appends to the emulator's root URL.
    `port`: the one the system declares, else the next free one (talk.systems.ports); in port order."""
    ports = registry.ports()
    emulated = sorted((name for name, system in registry.registered().items() if system.emulator), key=ports.get)
    return {name: {"port": ports[name], "emulator": registry.get(name).emulator, "title": registry.get(name).title,
                   "api_path": registry.get(name).api_path} for name in emulated}


SYSTEMS: dict[str, dict] = _emulators()


def emulator_class(system: str):
    return registry.get(system).emulator_class()
