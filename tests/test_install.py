"""`make demo` and `make test` install what they need; on an unchanged tree that is a no-op."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_make_install_leaves_an_unchanged_venv_alone():
    made = ROOT / ".venv" / "pyvenv.cfg"
    before = made.stat()
    # As from a login shell, not from inside `uv run`: its PATH starts with the venv and the
    # interpreter's own folder, where a pyenv machine's shell finds pyenv's shim instead.
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {k: v for k, v in os.environ.items() if k in ("HOME", "PATH", "CI", "LANG")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if p != venv_bin and "/.pyenv/versions/" not in p)
    result = subprocess.run(["make", "-s", "install"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    after = made.stat()
    # A rebuilt .venv is a new pyvenv.cfg (uv re-creates it when it thinks the interpreter changed).
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
