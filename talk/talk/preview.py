"""A dry run's plan: one JSON line per record it would create, link or update.

A dry run writes nothing else (no identity store, no Meltano state); this file and the
target's log are what a consultant reads before the first real sync (`talk preview`).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path



def default_path(reject_log: str | Path) -> Path:
    """TALK_PREVIEW_FILE, else preview.jsonl beside the reject log (var/ by default)."""
    return Path(os.environ.get("TALK_PREVIEW_FILE") or Path(reject_log).with_name("preview.jsonl"))


class Preview:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.count = 0

    def add(self, line: dict) -> None:
        self.count += 1
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **line}) + "\n")


def read(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
