# Sourced, not run: the install-what-is-missing steps shared by the README's two commands.
# Every step is idempotent, so a second run on a warm machine costs seconds.
# shellcheck source=node.sh
. "$(dirname "${BASH_SOURCE[0]}")/node.sh"

SCALEDECK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCALEDECK_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/scaledeck"
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"

say() { printf '\033[1m[scaledeck]\033[0m %s\n' "$*" >&2; }

# Installs the Debian packages that are missing; as non-root, names them and stops.
ensure_debs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing packages: ${missing[*]}"
    say "install them (Debian/Ubuntu: sudo apt-get install -y ${missing[*]}) and run this again"
    return 1
  fi
  say "installing Debian packages: ${missing[*]}"
  # A stale package list makes apt-get install fail on a fresh machine; refresh once.
  if [ ! -f /var/lib/apt/periodic/scaledeck-updated ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ]; then
    apt-get update -qq && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/scaledeck-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Starts dockerd in the background when no engine answers (the way a CI box or a fresh VM needs).
ensure_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    say "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
    return 1
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v dockerd >/dev/null 2>&1; then
    say "no Docker engine answers on /var/run/docker.sock; start one (sudo systemctl start docker) and run this again"
    return 1
  fi
  mkdir -p "$SCALEDECK_CACHE"
  say "starting dockerd (log: $SCALEDECK_CACHE/dockerd.log)"
  nohup dockerd >"$SCALEDECK_CACHE/dockerd.log" 2>&1 &
  echo $! >"$SCALEDECK_CACHE/dockerd.pid"
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  say "dockerd did not answer within 30 s; see $SCALEDECK_CACHE/dockerd.log"
  return 1
}

# npm ci only when a lockfile changed since the last install.
npm_ci_if_changed() {
  local dir="$1" stamp sum
  stamp="$dir/node_modules/.scaledeck-lock.sha256"
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return 0; fi
  say "npm ci in ${dir#"$SCALEDECK_ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) && echo "$sum" >"$stamp"
}

ensure_project() {
  scaledeck_ensure_node
  say "node $(node --version) at $(command -v node)"
  npm_ci_if_changed "$SCALEDECK_ROOT"
  npm_ci_if_changed "$SCALEDECK_ROOT/service"
  say "building the service, the dashboard and the Electron main/preload"
  (cd "$SCALEDECK_ROOT" && npm run --silent build >/dev/null)
}
