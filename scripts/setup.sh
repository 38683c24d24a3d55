#!/usr/bin/env bash
# Makes the checkout ready to run: Node.js 22+ (fetched when the machine's is older) and npm dependencies.
# Idempotent: dependencies are installed again only when package-lock.json or the Node version changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
cd "$root"

stamp="node_modules/.setup-stamp"
lock_hash() { if [ -f package-lock.json ]; then sha256sum package-lock.json | cut -d' ' -f1; else echo none; fi; }
want="$(node --version) $(lock_hash)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm dependencies with node $(node --version)" >&2
  if [ -f package-lock.json ]; then npm ci --loglevel=error >&2; else npm install --loglevel=error >&2; fi
  want="$(node --version) $(lock_hash)"
  echo "$want" > "$stamp"
fi
