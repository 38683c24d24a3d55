#!/usr/bin/env bash
# Runs a command with Node.js 22+ and installed dependencies: `scripts/with-node.sh node app.js`.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
exec "$@"
