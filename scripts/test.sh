#!/usr/bin/env bash
# The README's test command: installs what is missing, starts what the tests need, runs every test.
set -euo pipefail
. "$(dirname "$0")/lib/setup.sh"
cd "$SCALEDECK_ROOT"

ensure_debs postgresql redis-server docker.io debootstrap iptables conntrack \
  containernetworking-plugins chromium xvfb fonts-dejavu-core openssl curl ca-certificates
ensure_docker
ensure_project

mkdir -p artifacts
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json "$@"
rc=$?
set -e
node scripts/lib/test-summary.ts artifacts/vitest.json || rc=1
exit $rc
