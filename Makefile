# Two commands for a fresh machine: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
# This machine sets PYTHONDONTWRITEBYTECODE: compile once at install, or every plugin
# process (three per pipeline) compiles its imports again at start.
export UV_COMPILE_BYTECODE := 1
# The interpreter itself, not a shim (pyenv): uv compares it with the one .venv was made
# from and rebuilds .venv on every call when they differ.
export UV_PYTHON := $(shell $$(command -v python3.11 || command -v python3) -c 'import sys; print(sys.executable)')
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)

.PHONY: install demo test bench docs clean

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@# Every workspace member: each system's tap and target too (taps/*, targets/*), listed nowhere.
	@$(UV) sync --frozen --all-packages --quiet

demo: install
	@$(UV) run --frozen bash scripts/demo.sh

test: install
	@$(UV) run --frozen bash scripts/test.sh

bench: install
	@$(UV) run --frozen python -m bench

docs: install
	@$(UV) run --frozen talk docs --out docs/flows

clean:
	-@$(UV) run --frozen talk sandbox stop >/dev/null 2>&1
	rm -rf var .meltano/run .pytest_cache
