#!/usr/bin/env bash
# The `sage-sf` command line (package.json "bin"): runs middleware/src/cli/main.ts with Node.js 22+.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$root/scripts/node-env.sh"
# A heap budget of 512 MB: V8 then collects at a small multiple of what is live (pages, not whole runs) instead of
# letting the heap grow to several times it (docs/benchmarks.md, "Memory").
exec node --max-old-space-size=512 --import "file://$root/node_modules/tsx/dist/loader.mjs" "$root/middleware/src/cli/main.ts" "$@"
