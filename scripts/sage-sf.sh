#!/usr/bin/env bash
# The `sage-sf` command line (package.json "bin"): runs middleware/src/cli/main.ts with Node.js 22+.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$root/scripts/node-env.sh"
exec node --import "file://$root/node_modules/tsx/dist/loader.mjs" "$root/middleware/src/cli/main.ts" "$@"
