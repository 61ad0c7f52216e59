#!/usr/bin/env bash
# The README's main command: installs what is missing, then runs Scaledeck locally.
# Until the dashboard lands, that is the User API with its own PostgreSQL and Redis.
set -euo pipefail
. "$(dirname "$0")/lib/setup.sh"
cd "$SCALEDECK_ROOT"

ensure_debs postgresql redis-server
ensure_project
exec node scripts/dev/local-service.ts
