#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and launches Scaledeck: the
# desktop app when the Electron runtime is installed, otherwise (or with --browser) the same
# dashboard in browser mode on 127.0.0.1. Arguments go to the app (--browser, --settings FILE,
# --stack NAME, --port N, --share).
set -euo pipefail
. "$(dirname "$0")/lib/setup.sh"
cd "$SCALEDECK_ROOT"

ensure_debs docker.io
ensure_docker
ensure_project
exec node electron/launch.ts "$@"
