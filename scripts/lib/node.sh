# Sourced, not run. Puts a Node.js >= 22.12 first on PATH.
# These machines may ship an older Node (20 is past end of life); the npm registry carries the
# official Node 24 binary as a package (node-<os>-<arch>), so we fetch it once into a cache
# instead of asking the user to install a toolchain by hand.
scaledeck_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

scaledeck_ensure_node() {
  if scaledeck_node_ok; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "scaledeck: Node.js >= 22.12 is required and npm is missing; install Node 24 LTS from https://nodejs.org" >&2
    return 1
  fi
  local os arch pkg dir
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=win ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  pkg="node-${os}-${arch}"
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/scaledeck/node24"
  if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
    echo "scaledeck: Node $(node --version 2>/dev/null || echo none) is too old; fetching Node 24 ($pkg) from the npm registry into $dir" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$pkg@24" >&2 || return 1
  fi
  export PATH="$dir/node_modules/$pkg/bin:$PATH"
  scaledeck_node_ok || { echo "scaledeck: could not put Node >= 22.12 on PATH" >&2; return 1; }
}
