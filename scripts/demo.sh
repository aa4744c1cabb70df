#!/usr/bin/env bash
# The main job: every documented flow implemented so far, against the local sandboxes.
# Self-contained and repeatable: its identity store, Meltano state and logs live in var/demo.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=var/demo
rm -rf "$demo"
mkdir -p "$demo"
export TALK_STORE_URL="sqlite:///$PWD/$demo/talk.db"
export TALK_REJECT_LOG="$PWD/$demo/rejects.jsonl"
export MELTANO_DATABASE_URI="sqlite:///$PWD/$demo/meltano.db"
export TALK_SANDBOX_DIR="$PWD/$demo/sandbox"

echo "== Starting the sandboxes"
talk sandbox start
trap 'talk sandbox stop >/dev/null' EXIT
echo "== Seeding demo data"
talk sandbox seed

# Every documented flow (talk/talk/flows.yml, in its order); its job runs the flow's direction,
# then the reverse.
mapfile -t flows < <(python -c 'from talk import flows; print("\n".join(flows.load()))')
for flow in "${flows[@]}"; do
  echo "== talk run $flow (first sync)"
  status=0
  talk run "$flow" 2>"$demo/$flow.1.log" || status=$?
  [ "$status" -eq 0 ] || { echo "talk run $flow failed (exit $status); last lines of $demo/$flow.1.log:"; tail -30 "$demo/$flow.1.log"; exit "$status"; }
  echo
  echo "== talk run $flow (again: nothing to do, nothing written)"
  systems=(${flow//-/ })  # a flow's name is its two systems
  for system in "${systems[@]}"; do talk sandbox log "$system" --clear >/dev/null; done
  talk run "$flow" 2>"$demo/$flow.2.log" || { echo "second run failed; see $demo/$flow.2.log"; exit 1; }
  for system in "${systems[@]}"; do talk sandbox log "$system" --summary; done
  echo
done
echo "== Records waiting in the retry queue"
talk rejects
echo
known=$(python -c 'from talk_sandbox.systems import SYSTEMS; print(", ".join(SYSTEMS))')
echo "Sandbox request logs: talk sandbox log SYSTEM ($known) while started."
echo "Everything of this demo is in $demo."
