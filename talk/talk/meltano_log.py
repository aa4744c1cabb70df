"""What Meltano's log says about a failed `meltano run`: which part failed and why, in one line.

`talk run` passes Meltano's log through to its own stderr and keeps the end of it. A Talk
plugin that cannot go on ends with one line naming itself ("tap-shopify: Shopify refused the
credentials at ...: check access_token", plugin_errors.py); Meltano relays it as a log line of
that plugin. Failing that, the last exception line of a traceback; failing that, Meltano's own
verdict ("Extractor failed").
"""
from __future__ import annotations

import re
import sys
from collections import deque
from typing import IO

KEPT_LINES = 2000
MAX_REASON = 400
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_PLUGIN_LINE = re.compile(r"\b((?:tap|target|mapper)-[\w-]+): (\S.*)$")
_EXCEPTION = re.compile(r"\b([A-Za-z_][\w.]*(?:Error|Exception|Exit)): (.*)$")
_NOT_A_REASON = ("METRIC", "Talk run summary")
# Meltano's verdicts on a block of plugins, and the part of the pipeline each names.
_VERDICTS = {"Extractor and loader failed": "extractor", "Extractor failed": "extractor", "Loader failed": "loader",
             "Mappers failed": "mapper", "Intermediate block": "mapper"}


class Tail:
    """The last lines of a log passed through."""

    def __init__(self) -> None:
        self.lines: deque[str] = deque(maxlen=KEPT_LINES)

    def relay(self, source: IO[bytes], to: IO[str] | None = None) -> None:
        for raw in source:
            text = raw.decode("utf-8", errors="replace")
            out = to or sys.stderr
            out.write(text)
            out.flush()
            self.lines.append(_COLOUR.sub("", text).rstrip())


def failed_part(lines: list[str] | Tail) -> str | None:
    """'extractor', 'mapper' or 'loader': the part of the pipeline Meltano says failed."""
    for line in reversed(_lines(lines)):
        for verdict, part in _VERDICTS.items():
            if verdict in line:
                return part
    return None


def reason(lines: list[str] | Tail, status: int) -> str:
    """Why the run failed, in one line."""
    lines = _lines(lines)
    for line in reversed(lines):
        found = _PLUGIN_LINE.search(line)
        if found and not found.group(2).startswith(_NOT_A_REASON):
            return _short(f"{found.group(1)}: {found.group(2)}")
    for line in reversed(lines):
        found = _EXCEPTION.search(line)
        if found:
            plugin = re.search(r"\]\s+((?:tap|target|mapper)-[\w-]+)\s", line)
            return _short(f"{plugin.group(1) + ': ' if plugin else ''}{found.group(1)}: {found.group(2)}")
    part = failed_part(lines)
    said = f"the {part} failed" if part else "meltano run failed"
    return f"{said} (exit status {status}); the run's log says why"


def _lines(lines: list[str] | Tail) -> list[str]:
    return list(lines.lines if isinstance(lines, Tail) else lines)


def _short(text: str) -> str:
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 3] + "..."
