# Sourced, not run: the install-what-is-missing steps of the README's test command (the main
# command's own steps are in scripts/start.mjs, in Node, so they also run where there is no bash).
# Every step is idempotent, so a second run on a warm machine costs seconds.
# shellcheck source=node.sh
. "$(dirname "${BASH_SOURCE[0]}")/node.sh"

SCALEDECK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCALEDECK_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/scaledeck"

say() { printf '\033[1m[scaledeck]\033[0m %s\n' "$*" >&2; }

# How this user runs apt-get: directly as root, through sudo when it needs no password, else not at all.
apt_runner() {
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 || return 1
  if [ "$(id -u)" -eq 0 ]; then
    echo env
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "sudo -n"
  else
    return 1
  fi
}

# Installs the Debian packages that are missing; elsewhere names them and stops.
ensure_debs() {
  local missing=() p
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "this is not a Debian/Ubuntu system (no dpkg-query): install the equivalents of: $*"
    return 1
  fi
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local runner
  if ! runner=$(apt_runner); then
    say "missing packages: ${missing[*]}"
    say "install them (sudo apt-get install -y --no-install-recommends ${missing[*]}) and run this again"
    return 1
  fi
  local via=''
  [ "$runner" = env ] || via=' with sudo'
  say "installing Debian packages$via: ${missing[*]}"
  # A stale package list makes apt-get install fail on a fresh machine; refresh once.
  if [ ! -f /var/lib/apt/periodic/scaledeck-updated ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ]; then
    $runner apt-get update -qq && $runner mkdir -p /var/lib/apt/periodic && $runner touch /var/lib/apt/periodic/scaledeck-updated
  fi
  $runner env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Debian packages behind every program the tests start (scripts/lib/test-programs.tsv).
test_packages() {
  grep -v '^#' "$SCALEDECK_ROOT/scripts/lib/test-programs.tsv" | cut -f2 | grep . | sort -u
}

# The programs of test-programs.tsv that are not there; prints "program (package)" per line.
missing_test_programs() {
  local program package _ found
  while IFS=$'\t' read -r program package _; do
    case "$program" in '' | '#'*) continue ;; esac
    if [ "${program#/}" != "$program" ]; then
      found=$(compgen -G "$program" | head -n1 || true)
      [ -n "$found" ] && continue
    elif PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" command -v "$program" >/dev/null 2>&1; then
      # sbin is off an ordinary user's PATH on Debian; only root's tests start what lives there.
      continue
    fi
    printf '%s (%s)\n' "$program" "$package"
  done <"$SCALEDECK_ROOT/scripts/lib/test-programs.tsv"
}

ensure_test_programs() {
  # shellcheck disable=SC2046 # one package name per word
  ensure_debs $(test_packages)
  local missing
  missing=$(missing_test_programs)
  if [ -n "$missing" ]; then
    say "installed every package, yet these programs the tests start are missing:"
    printf '  %s\n' "$missing" >&2
    return 1
  fi
}

# Starts dockerd in the background when no engine answers (the way a CI box or a fresh VM needs).
ensure_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    say "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
    return 1
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v dockerd >/dev/null 2>&1; then
    say "no Docker engine answers; start one (sudo systemctl start docker) and run this again"
    return 1
  fi
  mkdir -p "$SCALEDECK_CACHE"
  say "starting dockerd (log: $SCALEDECK_CACHE/dockerd.log)"
  # Its own session, so ending this script (or its process group) leaves the engine running.
  setsid nohup dockerd >"$SCALEDECK_CACHE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$SCALEDECK_CACHE/dockerd.pid"
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  say "dockerd did not answer within 30 s; see $SCALEDECK_CACHE/dockerd.log"
  return 1
}

# npm ci, the build: the same steps as the main command's (scripts/start.mjs), which skips
# whatever is up to date.
ensure_project() {
  scaledeck_ensure_node
  say "node $(node --version) at $(command -v node)"
  node "$SCALEDECK_ROOT/scripts/start.mjs" --prepare-only
}
