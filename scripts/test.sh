#!/usr/bin/env bash
# The whole test suite. Tests start their own sandboxes (and a PostgreSQL server for the
# identity store) on free loopback ports and clean up after them.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  echo "Installing PostgreSQL (for the identity store tests)..."
  if [ "$(id -u)" -eq 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || { echo "could not install PostgreSQL with apt-get"; exit 1; }
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi
# Three workers by default (TALK_TEST_WORKERS to change; 0 runs in this process): most of the
# suite's time is `meltano run` processes waiting on sandboxes and each other, so even two cores
# keep three busy (measured on 2 cores: 18:24 with two workers, 16:47 with three).
# Each test module stays on one worker, which starts its own sandboxes on free ports.
workers="${TALK_TEST_WORKERS:-3}"
if [ "$workers" = 0 ]; then exec pytest "$@"; fi
exec pytest -n "$workers" --dist loadfile "$@"
