#!/usr/bin/env bash
# Builds the cluster's binaries from Go modules (through the Go module proxy) into BIN_DIR, once per
# set of versions. Each binary is skipped when already cached, so an interrupted build resumes.
set -euo pipefail
. "$(dirname "$0")/common.sh"

require_go
ensure_debs gcc libc6-dev
mkdir -p "$BIN_DIR" "$K8S_CACHE_ROOT"
exec 9>"$K8S_CACHE_ROOT/.build.lock"
flock 9 # two concurrent cluster:up calls build once
binaries_complete && exit 0

WORK="$K8S_CACHE_ROOT/$VERSION_KEY/work"
LOG_DIR="$K8S_CACHE_ROOT/$VERSION_KEY/logs"
mkdir -p "$WORK" "$LOG_DIR"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false" GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
BUILD_FLAGS=(-p 2 -trimpath)

missing() {
  local b
  for b in "$@"; do [ -x "$BIN_DIR/$b" ] || return 0; done
  return 1
}

# Runs one build step with its output in its own log, so a failure names the log to read.
run_logged() {
  local name=$1
  shift
  step "building $name (log: $LOG_DIR/$name.log)"
  # In the background, not in the `if`: errexit is off for functions called in a condition.
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  if ! wait $!; then
    tail -n 20 "$LOG_DIR/$name.log" >&2
    die "building $name failed; full log: $LOG_DIR/$name.log"
  fi
  step_done
}

# A throwaway main module that requires the package's module: `go install pkg@version` refuses
# modules whose go.mod has replace directives (etcd, Kubernetes), a wrapper module does not.
# `go get` of the package itself (not the module root) records every dependency it imports.
wrapper_module() {
  local dir=$1 pkg=$2 version=$3
  rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
  go mod init scaledeck.local/build-"$(basename "$dir")"
  go get "$pkg@$version"
}

# Kubernetes' own go.mod points every k8s.io/* module at ./staging, which is not part of the
# module zip; the wrapper points them at the published staging modules of the same release.
build_kubernetes() {
  local dir="$WORK/kubernetes" gomod replaces r cmds=() b
  rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$K8S_VERSION through the Go proxy"
  go mod init scaledeck.local/build-kubernetes
  replaces=$(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$gomod")
  for r in $replaces; do go mod edit "-replace=$r=$r@$K8S_STAGING_VERSION"; done
  go mod edit "-require=k8s.io/kubernetes@$K8S_VERSION"
  # The godebug block keeps runtime defaults (e.g. TLS) the way upstream ships them.
  sed -n '/^godebug/,/^)/p' "$gomod" >>go.mod
  for b in "${K8S_BINARIES[@]}"; do cmds+=("k8s.io/kubernetes/cmd/$b"); done
  go get "${cmds[@]/%/@$K8S_VERSION}"
  local minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  go build "${BUILD_FLAGS[@]}" -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" -o "$WORK/out/" "${cmds[@]}"
  for b in "${K8S_BINARIES[@]}"; do mv "$WORK/out/$b" "$BIN_DIR/$b"; done
  # The pause binary (the sandbox's init) is C; it ships inside the Kubernetes module.
  gcc -Os -static -o "$BIN_DIR/pause" "$(go env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION/build/pause/linux/pause.c"
  strip "$BIN_DIR/pause"
}

build_go_binary() {
  local name=$1 version=$2 pkg=$3 ldflags=${4:-}
  wrapper_module "$WORK/$name" "$pkg" "$version"
  go build "${BUILD_FLAGS[@]}" -ldflags "-s -w $ldflags" -o "$WORK/out/$name" "$pkg"
  mv "$WORK/out/$name" "$BIN_DIR/$name"
}

# CoreDNS with only the plugins the Corefile uses (../coredns/main.go), in a wrapper module that
# `go get`s exactly the packages main.go imports.
build_coredns() {
  local dir="$WORK/coredns" pkgs=() p
  rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
  cp "$CLUSTER_DIR/coredns/main.go" .
  go mod init scaledeck.local/build-coredns
  while read -r p; do
    pkgs+=("$p@$COREDNS_VERSION")
  done < <(sed -n 's/^[[:space:]]*_\{0,1\} *"\(github.com\/coredns\/coredns\/[^"]*\)"/\1/p' main.go)
  go get "${pkgs[@]}"
  go build "${BUILD_FLAGS[@]}" -ldflags "-s -w" -o "$WORK/out/coredns" .
  mv "$WORK/out/coredns" "$BIN_DIR/coredns"
}

started=$(now_ms)
# Only a build of the whole set from nothing is a cold-build figure worth recording for bench.sh.
from_scratch=true
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for b in "${ALL_BINARIES[@]}"; do [ -x "$BIN_DIR/$b" ] && from_scratch=false; done
say "building the cluster's binaries into $BIN_DIR (cold: 13 to 25 min on 2 cores, depending on load; cached afterwards)"
# Fetch the other modules while Kubernetes compiles: downloads are network-bound, builds CPU-bound.
(go mod download "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "sigs.k8s.io/metrics-server@$METRICS_SERVER_VERSION" \
  "github.com/coredns/coredns@$COREDNS_VERSION" >"$LOG_DIR/prefetch.log" 2>&1 || true) &
prefetch=$!
if missing "${K8S_BINARIES[@]}" pause; then run_logged kubernetes build_kubernetes; fi
wait "$prefetch" || true
if missing etcd; then run_logged etcd build_go_binary etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3; fi
if missing metrics-server; then
  run_logged metrics-server build_go_binary metrics-server "$METRICS_SERVER_VERSION" \
    sigs.k8s.io/metrics-server/cmd/metrics-server "-X sigs.k8s.io/metrics-server/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
fi
if missing coredns; then run_logged coredns build_coredns; fi
binaries_complete || die "some binaries are still missing from $BIN_DIR"
rm -rf "$WORK"
if [ "$from_scratch" = true ]; then
  echo "$(($(now_ms) - started))" >"$K8S_CACHE_ROOT/$VERSION_KEY/build-ms"
  echo "GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)" \
    >"$K8S_CACHE_ROOT/$VERSION_KEY/build-conditions"
fi
say "binaries built in $((($(now_ms) - started) / 1000)) s"
