#!/usr/bin/env bash
# npm run check:fresh — proves the test command's setup step on a clean machine: in a new container
# of bare Debian (the debootstrap'd base of the offline images: no Node, no PostgreSQL, no Docker,
# none of what this machine gained since), it runs the same install steps scripts/test.sh runs
# (scripts/lib/setup.sh: Node, then every package of scripts/lib/test-programs.tsv) and then checks
# that every program the tests start is there. A test that starts a program nobody installs fails
# here, not on a user's machine. Downloaded .debs are cached on the host, so a second run is quicker.
set -euo pipefail
. "$(dirname "$0")/lib/setup.sh"
cd "$SCALEDECK_ROOT"

# What it needs itself: an engine, and debootstrap for the base image.
ensure_debs docker.io debootstrap
ensure_docker
base=$(bash scripts/offline-images.sh --base-only | tail -n 1)
archives="$SCALEDECK_CACHE/check-fresh/apt-archives"
mkdir -p "$archives/partial"

say "check:fresh: the test command's setup step in a clean $base container"
# The inner script runs as root inside the container (as on a fresh Debian VM or CI box);
# /src is this checkout, read-only, so nothing of the host's node_modules or caches leaks in.
docker run --rm --network host \
  -v "$SCALEDECK_ROOT:/src:ro" -v "$archives:/var/cache/apt/archives" \
  -v /usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro \
  -e NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$base" bash -euo pipefail -c '
    # The CAs this machine trusts (behind a TLS-inspecting proxy nothing downloads without them).
    if command -v update-ca-certificates >/dev/null 2>&1; then update-ca-certificates >/dev/null 2>&1 || true; fi
    # Keep the .debs this time (the image drops them to stay small) so the host cache fills.
    rm -f /etc/apt/apt.conf.d/docker-clean
    export HOME=/root
    . /src/scripts/lib/setup.sh
    for p in node npm psql redis-server prometheus chromium dockerd; do
      if command -v "$p" >/dev/null 2>&1; then echo "check:fresh: $p is already in the base image; it is not clean" >&2; exit 1; fi
    done
    # An ordinary user first, with nothing installed and no sudo: it must stop before changing
    # anything and name the packages and the command that installs them.
    useradd --create-home --shell /bin/bash scaledeck-user
    as_user() { runuser -u scaledeck-user -- env -i HOME=/home/scaledeck-user PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" bash -euo pipefail -c ". /src/scripts/lib/setup.sh; $1"; }
    if out=$(as_user ensure_test_programs 2>&1); then
      echo "check:fresh: as an ordinary user without sudo the install step claimed success:" >&2; echo "$out" >&2; exit 1
    fi
    grep -q "sudo apt-get install -y --no-install-recommends .*postgresql" <<<"$out" ||
      { echo "check:fresh: as an ordinary user the install step did not name the command to run:" >&2; echo "$out" >&2; exit 1; }
    echo "check:fresh: an ordinary user without sudo is told what to install:"
    grep -o "missing packages: .*" <<<"$out" | cut -c1-100 | sed "s/^/  /"

    # Root: installs everything (as on a fresh VM or CI box).
    scaledeck_ensure_node
    echo "check:fresh: node $(node --version)"
    ensure_test_programs
    echo "check:fresh: every program of scripts/lib/test-programs.tsv is there:"
    grep -v "^#" /src/scripts/lib/test-programs.tsv | cut -f1 | paste -sd" " | fold -s -w 100 | sed "s/^/  /"

    # The ordinary user again, once the packages are there: its own Node 24, every program found.
    as_user "scaledeck_ensure_node && echo \"check:fresh: as scaledeck-user: node \$(node --version) at \$(command -v node)\" && ensure_test_programs"
    echo "check:fresh: as scaledeck-user every program is found"
  '
say "check:fresh passed"
