#!/usr/bin/env bash
# npm run cluster:down — stops the local cluster and removes what it created on the machine
# (processes by recorded PID, kubelet mounts, bridges, iptables chains). Docker is left alone.
# Nothing up is not an error.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$CLUSTER_DIR/lib/teardown.sh"

require_root cluster:down
started=$(now_ms)
mkdir -p "$RUN_DIR/logs"
teardown_cluster
say "cluster down in $((($(now_ms) - started) / 1000))s (logs of the last run kept in $RUN_DIR/logs)"
