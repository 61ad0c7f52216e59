#!/usr/bin/env bash
# npm run cluster:up — builds (once) and starts a one-node Kubernetes cluster from upstream
# components, waits until it is usable, and prints the kubeconfig path as its last line.
# Reuses a cluster that is already up. See e2e/cluster/README.md.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$CLUSTER_DIR/lib/certs.sh"
. "$CLUSTER_DIR/lib/config.sh"
. "$CLUSTER_DIR/lib/teardown.sh"

LOG_DIR="$RUN_DIR/logs"
UP_STARTED=$(now_ms)

# start_component NAME BINARY ARGS... : detached from this shell's session so that the caller
# (npm, vitest) can exit; output to its own log; PID and binary recorded for down.sh.
start_component() {
  local name=$1 bin
  bin=$(readlink -f "$2")
  shift 2
  setsid "$bin" "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo "$! $bin" >"$(pid_file "$name")"
}

# wait_for COMPONENT WHAT SECONDS CMD... : polls CMD; fails naming the step and the log to read,
# early when the component's process has exited.
wait_for() {
  local name=$1 what=$2 timeout=$3 deadline
  shift 3
  deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! live_pid "$name" >/dev/null; then
      tail -n 15 "$LOG_DIR/$name.log" >&2 || true
      die "$name exited while waiting for $what; its log: $LOG_DIR/$name.log"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 15 "$LOG_DIR/$name.log" >&2 || true
      die "timed out after ${timeout}s waiting for $what; log of $name: $LOG_DIR/$name.log"
    fi
    sleep 0.5
  done
}

cluster_is_up() {
  local c
  [ -f "$RUN_DIR/ports.env" ] && [ -f "$KUBECONFIG_PATH" ] || return 1
  for c in "${COMPONENTS[@]}"; do live_pid "$c" >/dev/null || return 1; done
  kubectl_ get --raw /readyz >/dev/null 2>&1 || return 1
  [ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

api_ready() { curl -sf --cacert "$RUN_DIR/pki/ca.crt" "https://$NODE_IP:$APISERVER_PORT/readyz"; }
node_ready() { [ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
cluster_ip_serves() { curl -sf --cacert "$RUN_DIR/pki/ca.crt" "https://$API_SERVICE_IP/readyz"; }
apiservice_available() {
  [ "$(kubectl_ get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[?(@.type=="Available")].status}')" = True ]
}
default_sa_exists() { kubectl_ -n default get serviceaccount default; }
# Through the kube-dns ClusterIP, i.e. kube-proxy's rules and CoreDNS together.
dns_answers() {
  node -e '
    const r = new (require("node:dns").promises.Resolver)({ timeout: 1000, tries: 1 });
    r.setServers([process.argv[1]]);
    r.resolve4("kubernetes.default.svc." + process.argv[2]).then(
      (a) => process.exit(a.includes(process.argv[3]) ? 0 : 1),
      () => process.exit(1));' "$DNS_SERVICE_IP" "$CLUSTER_DOMAIN" "$API_SERVICE_IP"
}

require_root cluster:up
if [ -f "$RUN_DIR/ports.env" ]; then . "$RUN_DIR/ports.env"; fi
if cluster_is_up; then
  say "the cluster is already up; reusing it (npm run cluster:down stops it)"
  echo "$KUBECONFIG_PATH"
  exit 0
fi

step "checking prerequisites"
ensure_debs docker.io containerd runc containernetworking-plugins iptables conntrack openssl curl iproute2 gcc libc6-dev
require_go
command -v node >/dev/null 2>&1 || die "node is missing (the DNS check uses it); run: . scripts/lib/node.sh && scaledeck_ensure_node"
docker info >/dev/null 2>&1 || die "no Docker engine answers: the pause image and cluster:load-image are built and exported with docker (start dockerd)"
for addr in "$NODE_IP" "${POD_CIDR%/*}"; do
  if ip -o addr show | grep -v -e "$NODE_BRIDGE" -e "$CNI_BRIDGE" | grep -q " ${addr%.*}\."; then
    die "the address range of $addr is already used by another interface ($(ip -o addr show | grep " ${addr%.*}\." | awk '{print $2}' | head -n1)); the harness needs it for its own bridge"
  fi
done
step_done

step "clearing what an earlier run left (processes, mounts, bridges, iptables chains)"
teardown_cluster
step_done

if ! binaries_complete; then
  bash "$CLUSTER_DIR/lib/build.sh"
fi

step "preparing $RUN_DIR (certificates, configs, ports)"
mkdir -p "$RUN_DIR"/{pids,logs,config,bin,pki,cni/net.d,cni/ipam,containerd,etcd,kubelet,pod-logs,metrics-server,volumes}
rm -f "$LOG_DIR"/*.log
chmod 700 "$RUN_DIR"
pick_ports
make_pki
# The volume provisioner is the harness's own (seconds to build), so it is rebuilt on each start.
(cd "$CLUSTER_DIR/provisioner" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$RUN_DIR/bin/provisioner" .) ||
  die "building the volume provisioner (e2e/cluster/provisioner) failed"
write_configs
step_done

step "creating the node bridge $NODE_BRIDGE ($NODE_IP) and accepting pod traffic in FORWARD"
# The kubelet refuses a loopback node IP and this kernel has no dummy module: a bridge works.
ip link add "$NODE_BRIDGE" type bridge
ip addr add "$NODE_IP/32" dev "$NODE_BRIDGE"
ip link set "$NODE_BRIDGE" up
# Trap (FORWARD policy): Docker sets FORWARD to DROP, and bridged traffic goes through iptables
# here (bridge-nf-call-iptables), so pod-to-pod and pod-to-Service traffic would vanish silently.
iptables -w -I FORWARD -s "$CLUSTER_CIDR" -m comment --comment "$FORWARD_COMMENT" -j ACCEPT
iptables -w -I FORWARD -d "$CLUSTER_CIDR" -m comment --comment "$FORWARD_COMMENT" -j ACCEPT
modprobe br_netfilter 2>/dev/null || true
sysctl -qw net.ipv4.ip_forward=1
step_done

step "starting etcd and containerd"
start_component etcd "$BIN_DIR/etcd" --name scaledeck --data-dir "$RUN_DIR/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "scaledeck=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
start_component containerd "$(command -v containerd)" --config "$RUN_DIR/config/containerd.toml"
wait_for etcd "etcd to answer on 127.0.0.1:$ETCD_PORT" 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
step_done

step "starting kube-apiserver on $NODE_IP:$APISERVER_PORT"
P="$RUN_DIR/pki"
# Bound to and advertised on the node's bridge address: the `kubernetes` Service's endpoint may
# not be loopback (v1.37 refuses it), and pods must reach it at $API_SERVICE_IP:443.
start_component kube-apiserver "$BIN_DIR/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$APISERVER_PORT" \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --tls-cert-file "$P/kube-apiserver.crt" --tls-private-key-file "$P/kube-apiserver.key" \
  --client-ca-file "$P/ca.crt" \
  --service-account-key-file "$P/sa.pub" --service-account-signing-key-file "$P/sa.key" \
  --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
  --kubelet-client-certificate "$P/apiserver-kubelet-client.crt" --kubelet-client-key "$P/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$P/ca.crt" --kubelet-preferred-address-types InternalIP \
  --requestheader-client-ca-file "$P/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$P/front-proxy-client.crt" --proxy-client-key-file "$P/front-proxy-client.key"
wait_for kube-apiserver "kube-apiserver /readyz" 90 api_ready
step_done

step "creating the default StorageClass, kube-dns and the metrics APIService"
wait_for kube-apiserver "the kube-system namespace" 30 kubectl_ get namespace kube-system
kubectl_ apply -f "$RUN_DIR/config/bootstrap.yaml" >"$LOG_DIR/bootstrap.log" 2>&1 ||
  die "applying the bootstrap objects failed; see $LOG_DIR/bootstrap.log"
step_done

step "starting kube-controller-manager, kube-scheduler and the volume provisioner"
start_component kube-controller-manager "$BIN_DIR/kube-controller-manager" \
  --kubeconfig "$RUN_DIR/config/kube-controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$CONTROLLER_MANAGER_PORT" --leader-elect=false --controllers '*' \
  --use-service-account-credentials=true \
  --service-account-private-key-file "$P/sa.key" --root-ca-file "$P/ca.crt" \
  --cluster-signing-cert-file "$P/ca.crt" --cluster-signing-key-file "$P/ca.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --horizontal-pod-autoscaler-sync-period "${SCALEDECK_HPA_SYNC_PERIOD:-5s}"
start_component kube-scheduler "$BIN_DIR/kube-scheduler" \
  --kubeconfig "$RUN_DIR/config/kube-scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false
start_component provisioner "$RUN_DIR/bin/provisioner" --server "https://$NODE_IP:$APISERVER_PORT" \
  --ca "$P/ca.crt" --cert "$P/provisioner.crt" --key "$P/provisioner.key" --root "$RUN_DIR/volumes"
step_done

step "importing the pause image into the cluster's containerd"
wait_for containerd "containerd on $CONTAINERD_SOCK" 30 ctr_ version
if ! docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then
  ctx=$(mktemp -d)
  cp "$BIN_DIR/pause" "$ctx/pause"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$ctx/Dockerfile"
  docker build -q -t "$PAUSE_IMAGE" "$ctx" >"$LOG_DIR/pause-image.log" 2>&1 || die "building $PAUSE_IMAGE failed; see $LOG_DIR/pause-image.log"
  rm -rf "$ctx"
fi
docker save "$PAUSE_IMAGE" | ctr_ images import - >>"$LOG_DIR/pause-image.log" 2>&1 ||
  die "importing $PAUSE_IMAGE into containerd failed; see $LOG_DIR/pause-image.log"
step_done

step "starting the kubelet (node $NODE_NAME at $NODE_IP, runtime containerd) and waiting for node Ready"
start_component kubelet "$BIN_DIR/kubelet" --config "$RUN_DIR/config/kubelet.yaml" \
  --kubeconfig "$RUN_DIR/config/kubelet.kubeconfig" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
  --root-dir "$RUN_DIR/kubelet" --cert-dir "$RUN_DIR/kubelet/pki"
wait_for kubelet "node $NODE_NAME to be Ready" 120 node_ready
step_done

step "starting kube-proxy (iptables mode) and waiting for ClusterIPs to answer"
start_component kube-proxy "$BIN_DIR/kube-proxy" --config "$RUN_DIR/config/kube-proxy.yaml"
wait_for kube-proxy "the kubernetes Service ($API_SERVICE_IP:443) to answer from the node" 60 cluster_ip_serves
step_done

step "starting CoreDNS on $NODE_IP:$COREDNS_PORT and metrics-server on 127.0.0.1:$METRICS_SERVER_PORT"
start_component coredns "$BIN_DIR/coredns" -conf "$RUN_DIR/config/Corefile"
start_component metrics-server "$BIN_DIR/metrics-server" \
  --bind-address 127.0.0.1 --secure-port "$METRICS_SERVER_PORT" --cert-dir "$RUN_DIR/metrics-server" \
  --kubeconfig "$RUN_DIR/config/metrics-server.kubeconfig" \
  --authentication-kubeconfig "$RUN_DIR/config/metrics-server.kubeconfig" \
  --authorization-kubeconfig "$RUN_DIR/config/metrics-server.kubeconfig" \
  --kubelet-insecure-tls --kubelet-use-node-status-port --kubelet-preferred-address-types InternalIP \
  --metric-resolution 15s
wait_for coredns "kubernetes.default.svc.$CLUSTER_DOMAIN to resolve through $DNS_SERVICE_IP" 60 dns_answers
wait_for metrics-server "APIService v1beta1.metrics.k8s.io to be Available" 90 apiservice_available
wait_for kube-controller-manager "the default ServiceAccount" 60 default_sa_exists
step_done

ms=$(($(now_ms) - UP_STARTED))
echo "$ms" >"$RUN_DIR/up-ms"
say "cluster usable in $((ms / 1000)).$(((ms % 1000) / 100))s — kubectl: $BIN_DIR/kubectl --kubeconfig $KUBECONFIG_PATH"
echo "$KUBECONFIG_PATH"
