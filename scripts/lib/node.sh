# Sourced, not run. Puts a Node.js that runs Scaledeck (>= 22.18) first on PATH.
# These machines may ship an older Node (20 is past end of life); scripts/lib/node-runtime.mjs
# fetches Node 24 from the npm registry (the node-<os>-<arch> package) once into a cache. With no
# Node at all, Debian's nodejs is installed first when running as root, only to fetch it.
scaledeck_ensure_node() {
  local here dir
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  if ! command -v node >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "scaledeck: no Node.js; installing Debian's nodejs, only to fetch Node 24 with" >&2
      { [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq; } &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs ca-certificates >/dev/null || return 1
    else
      echo "scaledeck: Node.js is missing; install Node 24 LTS (https://nodejs.org, or your package manager) and run this again" >&2
      return 1
    fi
  fi
  dir=$(node "$here/node-runtime.mjs") || return 1
  [ -n "$dir" ] && export PATH="$dir:$PATH"
  node "$here/node-runtime.mjs" --check || {
    echo "scaledeck: $(command -v node) is Node $(node --version), still too old; install Node 24 LTS from https://nodejs.org" >&2
    return 1
  }
}
