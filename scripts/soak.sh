#!/usr/bin/env bash
# `npm run soak`: the proof suites (test/proof) at their long sizes — what `npm test` runs bounded, for as long as it
# takes: 30 s of load, 20,000 documents for faults, crashes and quota, thousands more hostile cases. Any PROOF_*
# variable set by the caller wins; PROOF_SEED reproduces a failing run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PROOF_FUZZ_RUNS="${PROOF_FUZZ_RUNS:-1000}"
export PROOF_SETTINGS_RUNS="${PROOF_SETTINGS_RUNS:-2000}"
export PROOF_LOAD_SECONDS="${PROOF_LOAD_SECONDS:-30}"
export PROOF_SLOW_SECONDS="${PROOF_SLOW_SECONDS:-30}"
export PROOF_QUOTA_CUSTOMERS="${PROOF_QUOTA_CUSTOMERS:-20000}"
export PROOF_FAULT_CUSTOMERS="${PROOF_FAULT_CUSTOMERS:-20000}"
export PROOF_CRASH_DOCUMENTS="${PROOF_CRASH_DOCUMENTS:-20000}"
export PROOF_CONTACT_KILLS="${PROOF_CONTACT_KILLS:-5}"
# The suites' own time limits grow with their sizes.
export PROOF_TIME_SCALE="${PROOF_TIME_SCALE:-10}"
exec bash scripts/with-node.sh node --experimental-vm-modules --no-warnings=ExperimentalWarning \
  node_modules/jest/bin/jest.js -c jest.config.ts.mjs --runInBand test/proof "$@"
