#!/usr/bin/env bash
# The README's test command: installs what is missing, starts what the tests need, runs every test.
set -euo pipefail
. "$(dirname "$0")/lib/setup.sh"
cd "$SCALEDECK_ROOT"

# Every program the tests start, from Debian packages (scripts/lib/test-programs.tsv).
ensure_test_programs
ensure_docker
ensure_project

# No image registry is reachable on CI machines: every image the tests deploy is built here from
# Debian packages (cached by recipe, so this takes seconds once built).
say "offline images"
SCALEDECK_TEST_SETTINGS="$(bash scripts/offline-images.sh | tail -n 1)"
export SCALEDECK_TEST_SETTINGS

say "typecheck and lint"
npm run --silent typecheck
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

mkdir -p artifacts
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json "$@"
rc=$?
set -e
node scripts/lib/test-summary.ts artifacts/vitest.json || rc=1
exit $rc
