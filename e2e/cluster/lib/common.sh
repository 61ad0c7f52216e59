# shellcheck shell=bash
# Sourced, not run: paths, logging and small helpers shared by the cluster scripts.
# shellcheck source=versions.sh
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$CLUSTER_DIR/../.." && pwd)"
K8S_CACHE_ROOT="${SCALEDECK_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scaledeck/k8s}"
VERSION_KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_ms-${METRICS_SERVER_VERSION}_coredns-${COREDNS_VERSION}"
BIN_DIR="$K8S_CACHE_ROOT/$VERSION_KEY/bin"
# The run directory holds everything of one running cluster: certs, configs, logs, pids, state.
# It is outside the repo so that a clone on another path finds (and cleans up) the same cluster.
RUN_DIR="${SCALEDECK_CLUSTER_DIR:-/var/tmp/scaledeck-cluster}"
KUBECONFIG_PATH="$RUN_DIR/kubeconfig"
CONTEXT_NAME=scaledeck-local

# The binaries each step needs, by name (all built into BIN_DIR).
K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
ALL_BINARIES=("${K8S_BINARIES[@]}" etcd metrics-server coredns pause)

STEP_STARTED_AT=0
now_ms() { date +%s%3N; }
say() { printf '[cluster] %s\n' "$*" >&2; }
die() {
  printf '[cluster] error: %s\n' "$*" >&2
  exit 1
}
step() {
  STEP_STARTED_AT=$(now_ms)
  printf '[cluster] %s ...\n' "$*" >&2
}
step_done() {
  local ms=$(($(now_ms) - STEP_STARTED_AT))
  printf '[cluster]   done in %d.%01ds\n' $((ms / 1000)) $(((ms % 1000) / 100)) >&2
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "the local cluster needs root (it creates bridges, iptables rules and mounts, and runs a kubelet); run it as root, e.g. sudo npm run ${1:-cluster:up}"
}

# Installs the Debian packages that are missing (the cluster's runtime comes from Debian).
ensure_debs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages: ${missing[*]} (and no apt-get to install them)"
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq || die "apt-get update failed"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# Go itself comes from the Go module proxy when the machine has none (or an old one): the
# toolchain is published there as the module golang.org/toolchain, which is what GOTOOLCHAIN
# downloads, so a fresh machine needs no source beyond the registries it already reaches.
fetch_go_toolchain() {
  local v=$GO_TOOLCHAIN_VERSION arch dir proxy tmp name
  case "$(uname -m)" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) return 1 ;; esac
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/scaledeck/go/go$v.linux-$arch"
  if [ ! -x "$dir/bin/go" ]; then
    proxy=${GOPROXY:-https://proxy.golang.org}
    proxy=${proxy%%[,|]*}
    case "$proxy" in direct | off) proxy=https://proxy.golang.org ;; esac
    name="v0.0.1-go$v.linux-$arch"
    say "fetching Go $v (golang.org/toolchain@$name) from $proxy into $dir"
    ensure_debs curl unzip
    tmp=$(mktemp -d)
    if ! curl -fsSL --retry 3 -o "$tmp/go.zip" "$proxy/golang.org/toolchain/@v/$name.zip" ||
      ! unzip -q "$tmp/go.zip" -d "$tmp/x"; then
      rm -rf "$tmp"
      return 1
    fi
    # Module zips record no executable bits; the go command sets them the same way.
    chmod -R a+x "$tmp/x/golang.org/toolchain@$name/bin" "$tmp/x/golang.org/toolchain@$name/pkg/tool"
    mkdir -p "$(dirname "$dir")" && rm -rf "$dir" && mv "$tmp/x/golang.org/toolchain@$name" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}

go_version() { go env GOVERSION 2>/dev/null | sed 's/^go//'; }

require_go() {
  local v=""
  command -v go >/dev/null 2>&1 && v=$(go_version)
  if [ -n "$v" ] && version_ge "$v" "$GO_MIN_VERSION"; then return 0; fi
  say "Go ${v:-is missing}${v:+ is older than $GO_MIN_VERSION}: the cluster's binaries are built from Go modules"
  fetch_go_toolchain || die "could not fetch Go $GO_TOOLCHAIN_VERSION from the Go module proxy; install Go >= $GO_MIN_VERSION (https://go.dev/dl/) and put it on PATH"
  v=$(go_version)
  version_ge "$v" "$GO_MIN_VERSION" || die "Go ${v:-?} at $(command -v go) is too old: Kubernetes $K8S_VERSION needs Go >= $GO_MIN_VERSION"
}

binaries_complete() {
  local b
  for b in "${ALL_BINARIES[@]}"; do [ -x "$BIN_DIR/$b" ] || return 1; done
}

# Addresses. The kubelet refuses a loopback node IP and the API server must not advertise one
# (pods reach it through the `kubernetes` Service), so the node gets its own address on a bridge
# the harness creates; nothing listens on the machine's real interfaces.
NODE_NAME=scaledeck-local
NODE_BRIDGE=sdk-node0
NODE_IP=10.255.0.1
CNI_BRIDGE=sdk-cni0
CNI_NETWORK=scaledeck
POD_CIDR=10.244.1.0/24
CLUSTER_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
FORWARD_COMMENT=scaledeck-cluster
PAUSE_IMAGE=scaledeck.local/pause:3.10
CONTAINERD_SOCK="$RUN_DIR/containerd/containerd.sock"
# Every process the harness starts, in start order (down stops them in reverse).
COMPONENTS=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler provisioner kubelet kube-proxy coredns metrics-server)

pid_file() { echo "$RUN_DIR/pids/$1.pid"; }

# Running, not a zombie: our components are reparented to PID 1 once up.sh exits, and the init of
# some machines reaps late, so a stopped component can linger as a zombie for a while.
pid_running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# The recorded PID of a component, only if that PID still runs the binary we started
# (a recycled PID of some other program is never signalled).
live_pid() {
  local f pid exe want
  f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  read -r pid want <"$f" || return 1
  [ -n "$pid" ] && pid_running "$pid" || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "${exe% (deleted)}" = "$want" ] || return 1
  echo "$pid"
}

kubectl_() { "$BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }
ctr_() { ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }
