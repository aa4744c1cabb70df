"""The Meltano project as Meltano reads it: meltano.yml and the files its `include_paths` name.

Each system's plugins, and the jobs of the flows it is the source of, live in a file of their
own (plugins/SYSTEM.meltano.yml). Meltano merges those into one project; whatever reads the
project besides Meltano (`talk run`'s report of pipelines, the tests) reads it through here
to see what Meltano sees.
"""
from __future__ import annotations

from pathlib import Path

import yaml

LISTS = ("jobs", "schedules", "environments")


def read(root: Path) -> dict:
    """meltano.yml with every included file merged in: plugins per type, jobs, schedules and
    environments appended in file order (Meltano refuses a name defined twice)."""
    project = yaml.safe_load((root / "meltano.yml").read_text()) or {}
    for path in included(root, project):
        part = yaml.safe_load(path.read_text()) or {}
        for kind, plugins in (part.get("plugins") or {}).items():
            project.setdefault("plugins", {}).setdefault(kind, []).extend(plugins or [])
        for key in LISTS:
            project[key] = [*(project.get(key) or []), *(part.get(key) or [])]
    return project


def included(root: Path, project: dict) -> list[Path]:
    """The files `include_paths` names (glob patterns from the project root), each once, sorted
    within a pattern as Meltano's glob gives them."""
    found: list[Path] = []
    for pattern in project.get("include_paths") or []:
        found.extend(sorted(p for p in root.glob(pattern) if p.is_file() and p.name != "meltano.yml"))
    return list(dict.fromkeys(found))
