#!/usr/bin/env bash
# Builds local stand-ins for every public image the stack uses, from Debian packages only, for
# machines that reach a Debian mirror and the npm registry but no image registry (tests, CI,
# air-gapped demos). One debootstrap'd bookworm rootfs is imported as the base; each image is
# built on top of it and mimics its official counterpart (env vars, paths, users, ports,
# entrypoints), so the Docker target needs no special case. See scripts/images/README.md.
#
# Usage: bash scripts/offline-images.sh [--base-only]   (npm run images:offline)
# --base-only builds just the bare Debian base (npm run check:fresh runs in it) and prints its tag.
# Progress goes to stderr; the LAST line of stdout is the path of a settings JSON that selects
# the images. An image whose recipe (its folder, its inputs and its base) is unchanged is kept,
# so a warm run takes seconds.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RECIPES="$HERE/images"
PREFIX="${SCALEDECK_OFFLINE_PREFIX:-scaledeck-offline}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/scaledeck/offline-images"
SUITE=bookworm
BASE_TAG="$PREFIX/debian:$SUITE"
# Bump when the way the base rootfs is made changes in a way its inputs do not show.
BASE_RECIPE_VERSION=1

# Everything but the final path goes to stderr, so callers can take stdout's last line blindly.
exec 3>&1 1>&2

say() { printf '\033[1m[offline-images]\033[0m %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

command -v docker >/dev/null 2>&1 || die "the docker CLI is missing (Debian: apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine answers; start dockerd (bash scripts/test.sh starts one) and run this again"

mkdir -p "$CACHE"
# Two test files (or a test and a benchmark) may ask for the images at once: build them once.
exec 9>"$CACHE/.lock"
flock 9

# The legacy builder is what Docker 20.10 engines without buildx have; ask for it explicitly.
export DOCKER_BUILDKIT=0

# --- helpers ---------------------------------------------------------------------------------

sha() { sha256sum | cut -c1-20; }

# Content hash of a recipe folder: file names, modes and bytes.
hash_dir() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 stat -c '%n %a' && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha
}

recipe_of() { docker image inspect -f '{{index .Config.Labels "scaledeck.recipe"}}' "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

# Drops the image a tag pointed to before a rebuild, when nothing else uses it (best effort).
forget_old() {
  if [ -n "$1" ] && [ "$1" != "$(image_id "$2")" ]; then
    docker image rm "$1" >/dev/null 2>&1 || true
  fi
}

# The machine's Debian mirror (the debian and debian-security archives), as apt is configured.
debian_uri() {
  local suffix="$1" fallback="$2" uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -v '^[[:space:]]*#' | grep -oE "https?://[^[:space:]]+/${suffix}/?([[:space:]]|$)" | sed -n 1p | tr -d '[:space:]' || true)
  echo "${uri%/}" | grep . || echo "$fallback"
}

# --- base: debootstrap once, docker import -----------------------------------------------------

MIRROR="${SCALEDECK_DEBIAN_MIRROR:-$(debian_uri debian http://deb.debian.org/debian)}"
SECURITY_MIRROR="${SCALEDECK_DEBIAN_SECURITY_MIRROR:-$(debian_uri debian-security http://deb.debian.org/debian-security)}"
# Snapshot mirrors serve Release files past their Valid-Until; follow the host's apt on that.
NO_VALID_UNTIL=false
# (Captured first: `cmd | grep -q` under pipefail fails at random when grep exits early.)
apt_config=$(apt-config dump 2>/dev/null || true)
if grep -qi 'Acquire::Check-Valid-Until "false"' <<<"$apt_config"; then
  NO_VALID_UNTIL=true
fi

build_base() {
  local recipe old rootfs keyring=() include=()
  recipe=$(printf '%s\n' "$BASE_RECIPE_VERSION" "$SUITE" "$MIRROR" "$SECURITY_MIRROR" "$NO_VALID_UNTIL" "$(hash_dir "$RECIPES/base")" | sha)
  if [ "$(recipe_of "$BASE_TAG")" = "$recipe" ]; then
    say "$BASE_TAG is up to date"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    # debootstrap needs root once; the engine is shared, so every later run (any user) reuses the image.
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      say "building $BASE_TAG needs root (debootstrap): running that step with sudo"
      sudo -n env SCALEDECK_OFFLINE_PREFIX="$PREFIX" bash "$HERE/offline-images.sh" --base-only >/dev/null ||
        die "sudo bash scripts/offline-images.sh --base-only failed"
      [ "$(recipe_of "$BASE_TAG")" = "$recipe" ] || die "the base built with sudo does not match this recipe"
      return
    fi
    die "building $BASE_TAG needs root once (debootstrap): run 'sudo bash scripts/offline-images.sh --base-only', then this again (later runs, as any user in the docker group, reuse the image)"
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
      die "could not install debootstrap (apt-get install debootstrap)"
  fi
  # Ubuntu and other hosts lack Debian's archive keys until this package is installed.
  if [ ! -f /usr/share/keyrings/debian-archive-keyring.gpg ] && command -v apt-get >/dev/null 2>&1; then
    say "installing debian-archive-keyring"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debian-archive-keyring >/dev/null ||
      die "could not install debian-archive-keyring, which debootstrap needs to verify the mirror"
  fi
  if [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
    keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
  fi
  case "$MIRROR" in https://*) include=(--include=ca-certificates) ;; esac

  rootfs=$(mktemp -d "${TMPDIR:-/var/tmp}/scaledeck-rootfs.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the path is fixed
  trap "rm -rf '$rootfs'" EXIT
  say "debootstrap --variant=minbase $SUITE from $MIRROR (about a minute)"
  local started=$SECONDS
  debootstrap --variant=minbase "${keyring[@]}" "${include[@]}" "$SUITE" "$rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $CACHE/debootstrap.log"
  say "debootstrap done in $((SECONDS - started)) s"

  cp -a "$RECIPES/base/." "$rootfs/"
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  if [ "$NO_VALID_UNTIL" = true ]; then
    echo 'Acquire::Check-Valid-Until "false";' >"$rootfs/etc/apt/apt.conf.d/snapshot-mirror"
  fi
  # Docker provides these per container; downloaded packages and indexes are dead weight.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/* \
    "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  : >"$rootfs/etc/machine-id"

  old=$(image_id "$BASE_TAG")
  say "docker import -> $BASE_TAG"
  tar -C "$rootfs" --numeric-owner -c . | docker import \
    --change 'CMD ["bash"]' \
    --change "LABEL scaledeck.recipe=$recipe" \
    --change "LABEL org.opencontainers.image.description=\"Debian $SUITE minbase from $MIRROR, built by scripts/offline-images.sh\"" \
    - "$BASE_TAG" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  forget_old "$old" "$BASE_TAG"
}

# --- images on top of the base ----------------------------------------------------------------

# Node 24: the same binary the host runs (scripts/lib/node.sh), npm from the host's npm install.
NODE_BIN=""
NPM_DIR=""
find_node_inputs() {
  # shellcheck source=scripts/lib/node.sh
  . "$HERE/lib/node.sh"
  scaledeck_ensure_node >&2
  NODE_BIN=$(command -v node)
  local npm_cli
  npm_cli=$(readlink -f "$(command -v npm)")
  NPM_DIR=$(cd "$(dirname "$npm_cli")/.." && pwd)
  # Distribution packages of npm (e.g. Debian's) spread its dependencies elsewhere; we need the
  # self-contained tree that `npm install -g npm` and nodejs.org ship.
  if [ ! -d "$NPM_DIR/node_modules" ] || [ ! -f "$NPM_DIR/package.json" ]; then
    NPM_DIR="$CACHE/npm/package"
    if [ ! -f "$NPM_DIR/package.json" ]; then
      say "fetching a self-contained npm from the npm registry"
      rm -rf "$CACHE/npm" && mkdir -p "$CACHE/npm"
      (cd "$CACHE/npm" && npm pack --silent npm@11 >/dev/null && tar -xzf npm-*.tgz && rm -f npm-*.tgz)
    fi
  fi
}

# The CAs this machine added to its trust store (/usr/local/share/ca-certificates, and the file in
# NODE_EXTRA_CA_CERTS unless it is the system bundle): behind a TLS-inspecting proxy, npm inside
# a container fails without them. Public certificates only; most machines have none.
stage_host_cas() {
  local dir="$1" f n=0
  mkdir -p "$dir"
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    cp "$f" "$dir/host-$n.crt"
  done < <(find /usr/local/share/ca-certificates -name '*.crt' -type f -print0 2>/dev/null | LC_ALL=C sort -z)
  f="${NODE_EXTRA_CA_CERTS:-}"
  if [ -n "$f" ] && [ -f "$f" ] && [ "$(readlink -f "$f")" != /etc/ssl/certs/ca-certificates.crt ]; then
    cp "$f" "$dir/node-extra.crt"
  fi
}

host_ca_hash() {
  local tmp
  tmp=$(mktemp -d)
  stage_host_cas "$tmp"
  hash_dir "$tmp"
  rm -rf "$tmp"
}

# build_image NAME TAG [EXTRA-RECIPE-TEXT]: builds scripts/images/NAME as TAG on top of the base.
# A staging folder is the build context so that per-image inputs (the node binary) can join it.
build_image() {
  local name="$1" tag="$2" extra="${3:-}" recipe old ctx started
  recipe=$(printf '%s\n' "$(image_id "$BASE_TAG")" "$(hash_dir "$RECIPES/$name")" "$extra" | sha)
  if [ "$(recipe_of "$tag")" = "$recipe" ]; then
    say "$tag is up to date"
    return
  fi
  ctx=$(mktemp -d "${TMPDIR:-/var/tmp}/scaledeck-ctx.XXXXXX")
  cp -a "$RECIPES/$name/." "$ctx/"
  if [ "$name" = node ]; then
    cp "$NODE_BIN" "$ctx/node"
    cp -a "$NPM_DIR" "$ctx/npm"
    stage_host_cas "$ctx/host-ca"
  fi
  old=$(image_id "$tag")
  say "building $tag"
  started=$SECONDS
  if ! docker build --build-arg "BASE=$BASE_TAG" --label "scaledeck.recipe=$recipe" -t "$tag" "$ctx" >"$CACHE/build-$name.log" 2>&1; then
    tail -n 30 "$CACHE/build-$name.log" >&2
    rm -rf "$ctx"
    die "building $tag failed; full log: $CACHE/build-$name.log"
  fi
  rm -rf "$ctx"
  say "built $tag in $((SECONDS - started)) s"
  forget_old "$old" "$tag"
}

started_all=$SECONDS
build_base
if [ "${1:-}" = --base-only ]; then
  echo "$BASE_TAG" >&3
  exit 0
fi
find_node_inputs
# The images only share the base: build them side by side, so apt downloads and dpkg runs overlap.
node_inputs="$(sha256sum "$NODE_BIN" | cut -c1-20) $(sha <"$NPM_DIR/package.json") $(host_ca_hash)"
pids=()
build_image node "$PREFIX/node:24" "$node_inputs" &
pids+=($!)
for image in postgres:15 redis:7 nginx:1 prometheus:2; do
  build_image "${image%%:*}" "$PREFIX/$image" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
[ "$failed" -eq 0 ] || die "some images failed to build (messages above)"
say "images ready in $((SECONDS - started_all)) s"

settings="$CACHE/settings.json"
cat >"$settings.tmp" <<EOF
{
  "images": {
    "nodeBase": "$PREFIX/node:24",
    "postgres": "$PREFIX/postgres:15",
    "redis": "$PREFIX/redis:7",
    "nginx": "$PREFIX/nginx:1",
    "prometheus": "$PREFIX/prometheus:2"
  }
}
EOF
mv "$settings.tmp" "$settings"
echo "$settings" >&3
