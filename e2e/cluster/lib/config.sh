# shellcheck shell=bash
# Sourced, not run: writes the configuration files of every component into RUN_DIR/config.

# pick_port VAR BASE : sets VAR to the first port from BASE up that nothing listens on and that
# this run has not picked already (no command substitution: the picks must be remembered).
PICKED_PORTS=" "
pick_port() {
  local p=$2
  while ss -Htuln "( sport = :$p )" 2>/dev/null | grep -q . || [[ "$PICKED_PORTS" == *" $p "* ]]; do
    p=$((p + 1))
  done
  PICKED_PORTS="$PICKED_PORTS$p "
  printf -v "$1" '%s' "$p"
}

pick_ports() {
  pick_port ETCD_PORT 2379
  pick_port ETCD_PEER_PORT 2380
  pick_port APISERVER_PORT 6443
  pick_port CONTROLLER_MANAGER_PORT 10257
  pick_port SCHEDULER_PORT 10259
  pick_port KUBELET_PORT 10250
  pick_port KUBELET_HEALTHZ_PORT 10248
  pick_port KUBE_PROXY_HEALTHZ_PORT 10256
  pick_port KUBE_PROXY_METRICS_PORT 10249
  pick_port COREDNS_PORT 1053
  pick_port COREDNS_HEALTH_PORT 19153
  pick_port COREDNS_READY_PORT 19181
  pick_port METRICS_SERVER_PORT 14443
  local v
  for v in ETCD_PORT ETCD_PEER_PORT APISERVER_PORT CONTROLLER_MANAGER_PORT SCHEDULER_PORT KUBELET_PORT \
    KUBELET_HEALTHZ_PORT KUBE_PROXY_HEALTHZ_PORT KUBE_PROXY_METRICS_PORT COREDNS_PORT COREDNS_HEALTH_PORT \
    COREDNS_READY_PORT METRICS_SERVER_PORT; do
    echo "$v=${!v}"
  done >"$RUN_DIR/ports.env"
}

write_configs() {
  local c="$RUN_DIR/config"
  local runc_bin
  runc_bin=$(command -v runc || echo /usr/sbin/runc)

  # Trap (oom_score_adj): this machine withholds CAP_SYS_RESOURCE, so runc cannot set the negative
  # oom_score_adj that the kubelet asks for sandboxes and Guaranteed pods ("can't get final
  # child's PID from pipe"). containerd runs this wrapper instead of runc (BinaryName below); it
  # lowers a negative value in the bundle to 0, which needs no capability, then runs runc.
  cat >"$RUN_DIR/bin/runc-wrapper" <<WRAPPER
#!/bin/sh
bundle= prev=
for a in "\$@"; do
  case "\$prev" in --bundle | -b) bundle=\$a ;; esac
  case "\$a" in --bundle=*) bundle=\${a#--bundle=} ;; esac
  prev=\$a
done
if [ -n "\$bundle" ] && [ -f "\$bundle/config.json" ]; then
  sed -i 's/"oomScoreAdj":-[0-9]*/"oomScoreAdj":0/' "\$bundle/config.json"
fi
exec $runc_bin "\$@"
WRAPPER
  chmod 755 "$RUN_DIR/bin/runc-wrapper"

  # A second containerd with its own root, state and socket: Docker's containerd is never touched.
  cat >"$c/containerd.toml" <<TOML
version = 2
root = "$RUN_DIR/containerd/root"
state = "$RUN_DIR/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$RUN_DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$RUN_DIR/bin/runc-wrapper"
        Root = "$RUN_DIR/containerd/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN_DIR/cni/net.d"
TOML

  # No IP masquerade and no portmap: pods talk to each other, to Services and to the node; the
  # fewer rules the plugins add, the fewer a crashed run can leave behind.
  cat >"$RUN_DIR/cni/net.d/10-$CNI_NETWORK.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$RUN_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    }
  ]
}
JSON

  cat >"$c/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $RUN_DIR/pki/kubelet-serving.crt
tlsPrivateKeyFile: $RUN_DIR/pki/kubelet-serving.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $RUN_DIR/pki/ca.crt }
authorization: { mode: Webhook }
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
# These machines run cgroup v1 (refused from v1.35 unless told) and may have swap.
failCgroupV1: false
failSwapOn: false
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: $CLUSTER_DOMAIN
podLogsDir: $RUN_DIR/pod-logs
serializeImagePulls: false
# A shared development disk is often fuller than the kubelet's defaults tolerate.
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, nodefs.inodesFree: 1%, imagefs.available: 1% }
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
YAML

  cat >"$c/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $c/kube-proxy.kubeconfig }
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $CLUSTER_CIDR
healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$KUBE_PROXY_METRICS_PORT
# NodePorts only on the node's own bridge address, never on the machine's interfaces.
nodePortAddresses: [$NODE_IP/32]
iptables: { localhostNodePorts: false }
# Zero means "leave the machine's conntrack sysctls alone".
conntrack: { maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
YAML

  cat >"$c/Corefile" <<COREFILE
.:$COREDNS_PORT {
  bind $NODE_IP
  errors
  health 127.0.0.1:$COREDNS_HEALTH_PORT
  ready 127.0.0.1:$COREDNS_READY_PORT
  kubernetes $CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
    kubeconfig $c/coredns.kubeconfig $CONTEXT_NAME
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  forward . /etc/resolv.conf
  cache 30
}
COREFILE

  # Objects the cluster needs before it is usable. CoreDNS and metrics-server run as host processes
  # on the node's address and on 127.0.0.1, so their Services have no selector: kube-dns points at
  # the node through a hand-made EndpointSlice, and the metrics APIService reaches localhost through
  # an ExternalName Service (the aggregator resolves it; no --enable-aggregator-routing).
  cat >"$c/bootstrap.yaml" <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
# The harness's provisioner (e2e/cluster/provisioner): a world-writable directory per claim under
# RUN_DIR/volumes, deleted with the claim, so volumes never stay Released.
provisioner: scaledeck.local/hostpath
reclaimPolicy: Delete
volumeBindingMode: Immediate
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: { k8s-app: kube-dns, kubernetes.io/name: CoreDNS }
spec:
  clusterIP: $DNS_SERVICE_IP
  ports:
    - { name: dns, port: 53, protocol: UDP, targetPort: $COREDNS_PORT }
    - { name: dns-tcp, port: 53, protocol: TCP, targetPort: $COREDNS_PORT }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-node
  namespace: kube-system
  labels: { kubernetes.io/service-name: kube-dns, endpointslice.kubernetes.io/managed-by: scaledeck-cluster }
addressType: IPv4
endpoints:
  - addresses: [$NODE_IP]
    conditions: { ready: true }
ports:
  - { name: dns, port: $COREDNS_PORT, protocol: UDP }
  - { name: dns-tcp, port: $COREDNS_PORT, protocol: TCP }
---
apiVersion: v1
kind: Service
metadata:
  name: metrics-server
  namespace: kube-system
spec:
  type: ExternalName
  externalName: localhost
  ports:
    - { name: https, port: $METRICS_SERVER_PORT, protocol: TCP }
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
spec:
  group: metrics.k8s.io
  version: v1beta1
  service: { name: metrics-server, namespace: kube-system, port: $METRICS_SERVER_PORT }
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
YAML
}
