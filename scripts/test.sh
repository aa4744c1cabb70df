#!/usr/bin/env bash
# The whole test suite. Tests start their own sandboxes on free ports and clean up after them.
set -euo pipefail
cd "$(dirname "$0")/.."
exec pytest "$@"
