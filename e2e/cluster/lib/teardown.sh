# shellcheck shell=bash
# Sourced, not run: stops a cluster of this harness and removes everything it left on the machine.
# Used by down.sh, and by up.sh before a fresh start: processes end with a session, but bridges,
# mounts and iptables rules outlive them, and the next run (CI) comes right after on the same box.

# stop_component NAME : SIGTERM, then SIGKILL after a grace period; only the PID we recorded.
stop_component() {
  local name=$1 pid i
  pid=$(live_pid "$name") || {
    rm -f "$(pid_file "$name")"
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    pid_running "$pid" || break
    sleep 0.1
  done
  pid_running "$pid" && kill -KILL "$pid" 2>/dev/null
  for i in $(seq 1 50); do
    pid_running "$pid" || break
    sleep 0.1
  done
  rm -f "$(pid_file "$name")"
}

# Containers of the harness's containerd: killed and deleted through runc with the runc root
# that containerd was configured with, so this works even when containerd itself is gone.
remove_containers() {
  local runc_root="$RUN_DIR/containerd/runc/k8s.io" tasks="$RUN_DIR/containerd/state/io.containerd.runtime.v2.task/k8s.io"
  local runc_bin id f pid exe
  runc_bin=$(command -v runc || echo /usr/sbin/runc)
  # Pod network namespaces are bind mounts under /var/run/netns; remember ours before the bundles go.
  NETNS_PATHS=$(grep -ho '/var/run/netns/cni-[0-9a-f-]*' "$tasks"/*/config.json 2>/dev/null | sort -u || true)
  if [ -d "$runc_root" ]; then
    for id in $("$runc_bin" --root "$runc_root" list -q 2>/dev/null); do
      "$runc_bin" --root "$runc_root" delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
  # Each task's shim recorded its PID in its bundle; the shims outlive containerd otherwise.
  for f in "$tasks"/*/shim.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
    case "$exe" in */containerd-shim-runc-v2*) kill -KILL "$pid" 2>/dev/null || true ;; esac
  done
  # A shim whose bundle is already gone (a run that crashed mid-cleanup) is still ours if it was
  # started with our containerd's socket, which lives in our run dir: match that exact argument.
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
    case "$exe" in */containerd-shim-runc-v2*) ;; *) continue ;; esac
    if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$CONTAINERD_SOCK"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

unmount_all() {
  local m p
  # Deepest first, so that nested mounts (a pod's secret volume inside its dir) go before parents.
  awk -v root="$RUN_DIR/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  for p in $NETNS_PATHS; do
    umount "$p" 2>/dev/null || true
    rm -f "$p"
  done
}

# Rules and chains named KUBE-* (kube-proxy's and the kubelet's) in every table of both families.
purge_kube_iptables() {
  local ipt t rule c
  if [ -x "$BIN_DIR/kube-proxy" ]; then
    "$BIN_DIR/kube-proxy" --cleanup >"$RUN_DIR/logs/kube-proxy-cleanup.log" 2>&1 || true
  fi
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null 2>&1 || continue
    for t in filter nat mangle; do
      "$ipt" -t "$t" -S >/dev/null 2>&1 || continue
      { "$ipt" -t "$t" -S | grep -E -- '-j KUBE-' | grep -vE '^-A KUBE-' || true; } | sed 's/^-A /-D /' | while read -r rule; do
        eval "$ipt -w -t $t $rule" 2>/dev/null || true
      done
      for c in $("$ipt" -t "$t" -S | awk '/^-N KUBE-/ { print $2 }'); do "$ipt" -w -t "$t" -F "$c" 2>/dev/null || true; done
      for c in $("$ipt" -t "$t" -S | awk '/^-N KUBE-/ { print $2 }'); do "$ipt" -w -t "$t" -X "$c" 2>/dev/null || true; done
    done
  done
}

remove_forward_rules() {
  while iptables -w -D FORWARD -s "$CLUSTER_CIDR" -m comment --comment "$FORWARD_COMMENT" -j ACCEPT 2>/dev/null; do :; done
  while iptables -w -D FORWARD -d "$CLUSTER_CIDR" -m comment --comment "$FORWARD_COMMENT" -j ACCEPT 2>/dev/null; do :; done
}

remove_links() {
  local l
  # Pod veths are ports of the CNI bridge; deleting the bridge alone would leave them behind.
  for l in $(ip -o link show master "$CNI_BRIDGE" 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
    ip link delete "$l" 2>/dev/null || true
  done
  ip link show "$CNI_BRIDGE" >/dev/null 2>&1 && ip link delete "$CNI_BRIDGE"
  ip link show "$NODE_BRIDGE" >/dev/null 2>&1 && ip link delete "$NODE_BRIDGE"
  return 0
}

# The kubelet's cgroups (cgroupfs driver): empty once the containers are gone.
remove_cgroups() {
  local d
  for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/kubepods.slice; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  return 0
}

teardown_cluster() {
  local i
  NETNS_PATHS=""
  # The kubelet first, so that it does not restart what the next steps stop.
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    [ "${COMPONENTS[$i]}" = containerd ] || stop_component "${COMPONENTS[$i]}"
  done
  # containerd before the containers: alive, it would react to their exits by deleting bundles
  # (and with them the shims' PID files) while the shims themselves linger.
  stop_component containerd
  remove_containers
  unmount_all
  purge_kube_iptables
  remove_forward_rules
  remove_links
  remove_cgroups
  # Keep the logs of the last run for a post-mortem; everything else belongs to the stopped cluster.
  if [ -d "$RUN_DIR" ]; then
    find "$RUN_DIR" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} + 2>/dev/null || true
  fi
}
