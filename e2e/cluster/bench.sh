#!/usr/bin/env bash
# npm run bench:cluster [-- --cold] [-- --pods N]
# Prints: cold build time of the binaries (measured with --cold in a throwaway Go cache, otherwise
# the figure recorded by the last cold build, marked as such), warm start to usable (cluster:up with
# the binaries cached, after cluster:down), and pod start latency (Deployment created -> pod Ready).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

cold=false
pods=5
while [ $# -gt 0 ]; do
  case "$1" in
    --cold) cold=true ;;
    --pods) pods=$2; shift ;;
    *) die "unknown option $1 (use --cold, --pods N)" ;;
  esac
  shift
done
[[ "$pods" =~ ^[1-9][0-9]*$ ]] || die "--pods must be a positive integer, got $pods"
require_root bench:cluster
command_line="npm run bench:cluster"
[ "$cold" = true ] && command_line="$command_line -- --cold"
secs() { printf '%d.%01d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }

was_up=false
[ -n "$(ls "$RUN_DIR/pids" 2>/dev/null)" ] && was_up=true

if [ "$cold" = true ]; then
  # A fresh machine in miniature: an empty binary cache and empty Go module and build caches, all
  # throwaway, so the real cache (and anyone using it) is left alone.
  tmp=$(mktemp -d /var/tmp/scaledeck-cold-build.XXXXXX)
  say "cold build into $tmp with empty Go module and build caches"
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  started=$(now_ms)
  SCALEDECK_K8S_CACHE="$tmp/k8s" GOCACHE="$tmp/go-build" GOMODCACHE="$tmp/go-mod" bash "$CLUSTER_DIR/lib/build.sh"
  cold_ms=$(($(now_ms) - started))
  chmod -R u+w "$tmp" && rm -rf "$tmp"
  cold_line="$(secs "$cold_ms") (measured now, empty Go caches; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg))"
elif [ -f "$K8S_CACHE_ROOT/$VERSION_KEY/build-ms" ]; then
  f="$K8S_CACHE_ROOT/$VERSION_KEY/build-ms"
  cold_line="$(secs "$(cat "$f")") (recorded by the build of $(date -r "$f" '+%F %T'); not measured now, use --cold)"
else
  cold_line="not measured (use --cold)"
fi

bash "$CLUSTER_DIR/down.sh"
started=$(now_ms)
bash "$CLUSTER_DIR/up.sh" >/dev/null
warm_ms=$(($(now_ms) - started))

image=$(bash "$CLUSTER_DIR/build-probe-image.sh" 2>/dev/null | tail -n1)
bash "$CLUSTER_DIR/load-image.sh" "$image" 2>/dev/null
ns=sdk-bench-$$
kubectl_ create namespace "$ns" >/dev/null
for _ in $(seq 1 30); do kubectl_ -n "$ns" get sa default >/dev/null 2>&1 && break; sleep 0.5; done
latencies=()
for i in $(seq 1 "$pods"); do
  fifo=$(mktemp -u) && mkfifo "$fifo"
  kubectl_ -n "$ns" get pods -l "app=bench-$i" --watch --no-headers >"$fifo" 2>/dev/null &
  watch_pid=$!
  sleep 0.5 # the watch is established before the Deployment exists
  t0=$(now_ms)
  kubectl_ -n "$ns" create deployment "bench-$i" --image "$image" --port 8080 >/dev/null
  ready=""
  while IFS= read -r -t 120 line; do
    if [[ "$line" =~ [[:space:]]1/1[[:space:]]+Running ]]; then
      ready=$(now_ms)
      break
    fi
  done <"$fifo"
  kill "$watch_pid" 2>/dev/null || true
  wait "$watch_pid" 2>/dev/null || true
  rm -f "$fifo"
  [ -n "$ready" ] || die "pod of bench-$i did not become Ready within 120 s; see kubectl -n $ns describe pods"
  latencies+=($((ready - t0)))
  kubectl_ -n "$ns" delete deployment "bench-$i" --wait=false >/dev/null
done
kubectl_ delete namespace "$ns" --wait=false >/dev/null
sorted=$(printf '%s\n' "${latencies[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(((pods + 1) / 2))p")

[ "$was_up" = true ] || bash "$CLUSTER_DIR/down.sh"

cat <<REPORT

Local cluster benchmark — command: $command_line
machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); Kubernetes $K8S_VERSION, etcd $ETCD_VERSION, metrics-server $METRICS_SERVER_VERSION, CoreDNS $COREDNS_VERSION
  cold build of the binaries:         $cold_line
  warm start to usable (cluster:up):  $(secs "$warm_ms")
  pod start latency (Deployment created -> pod Ready, probe image, $pods runs):
    median $(secs "$median"), min $(secs "$(echo "$sorted" | head -n1)"), max $(secs "$(echo "$sorted" | tail -n1)")
    all: $(printf '%s ms ' "${latencies[@]}")
REPORT
