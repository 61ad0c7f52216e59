#!/usr/bin/env bash
# The README's main command on macOS and Linux: a Node that runs Scaledeck, then scripts/start.mjs
# (the same steps `npm start` runs where there is no bash): npm packages, the build (only what
# changed), a Docker engine that answers, the Electron runtime where it can be downloaded, the app.
# Arguments go to the app (--browser, --settings FILE, --stack NAME, --port N, --share, ...).
set -euo pipefail
# shellcheck source=lib/node.sh
. "$(dirname "$0")/lib/node.sh"
scaledeck_ensure_node
exec node "$(dirname "$0")/start.mjs" "$@"
