"""The reject log: one JSON line per record a run could not sync, with its identity and reason."""
from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path

log = logging.getLogger("talk.rejects")

DEFAULT_PATH = "var/rejects.jsonl"


class RejectLog:
    def __init__(self, path: str | None = None, secrets: list[str] | None = None):
        self.path = Path(path or os.environ.get("TALK_REJECT_LOG") or DEFAULT_PATH)
        self.secrets = [s for s in (secrets or []) if s and len(s) >= 4]
        self.count = 0

    def scrub(self, text: str) -> str:
        """Belt and braces: no configured secret ever reaches the log, whatever an API echoed."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return re.sub(r"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", r"\1 ***", text)

    def add(self, *, stage: str, system: str, stream: str, reason: str, record_id: str | None = None,
            source: dict | None = None, record: dict | None = None) -> None:
        self.count += 1
        entry = {
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "stage": stage,
            "system": system,
            "stream": stream,
            "global_id": record_id,
            "source": source,
            "reason": reason,
            "record": record,
        }
        line = self.scrub(json.dumps(entry, default=str))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(line + "\n")
        where = f"{source['system']} {source['entity']} {source['id']}" if source else (record_id or "?")
        log.warning("Rejected %s %s (%s): %s", stream, where, stage, self.scrub(reason))


def read(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
