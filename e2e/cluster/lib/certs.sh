# shellcheck shell=bash
# Sourced, not run: the cluster's PKI, made with openssl on each fresh start (keys never leave RUN_DIR).

# sign NAME SUBJECT [SAN] : a key and a certificate signed by the cluster CA.
sign() {
  local name=$1 subj=$2 san=${3:-} ca=${4:-ca} ext
  ext="$PKI/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$name.key" \
    -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -days 30 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

make_ca() {
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$1.key" \
    -subj "/CN=$2" -days 30 -out "$PKI/$1.crt" 2>/dev/null
}

# write_kubeconfig NAME FILE : a self-contained kubeconfig (certificates embedded, so it can be
# copied) for the client certificate NAME, with the context scaledeck-local.
write_kubeconfig() {
  local name=$1 out=$2
  cat >"$out" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: $CONTEXT_NAME
    cluster:
      server: https://$NODE_IP:$APISERVER_PORT
      certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
  - name: $name
    user:
      client-certificate-data: $(base64 -w0 "$PKI/$name.crt")
      client-key-data: $(base64 -w0 "$PKI/$name.key")
contexts:
  - name: $CONTEXT_NAME
    context:
      cluster: $CONTEXT_NAME
      user: $name
current-context: $CONTEXT_NAME
KUBECONFIG
}

make_pki() {
  PKI="$RUN_DIR/pki"
  mkdir -p "$PKI" && chmod 700 "$PKI"
  make_ca ca scaledeck-local-ca
  # Aggregated APIs (metrics.k8s.io) trust requests proxied by the API server through this CA.
  make_ca front-proxy-ca scaledeck-local-front-proxy-ca
  local api_san="DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,IP:$NODE_IP,IP:$API_SERVICE_IP,IP:127.0.0.1"
  sign kube-apiserver "/CN=kube-apiserver" "$api_san"
  sign kubelet-serving "/CN=system:node:$NODE_NAME/O=system:nodes" "DNS:$NODE_NAME,IP:$NODE_IP"
  sign front-proxy-client "/CN=front-proxy-client" "" front-proxy-ca
  sign admin "/CN=scaledeck-admin/O=system:masters"
  sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client/O=system:masters"
  sign kubelet "/CN=system:node:$NODE_NAME/O=system:nodes"
  sign kube-controller-manager "/CN=system:kube-controller-manager"
  sign kube-scheduler "/CN=system:kube-scheduler"
  sign kube-proxy "/CN=system:kube-proxy"
  # CoreDNS, metrics-server and the volume provisioner run as host processes with a cluster-admin identity: the harness
  # is a single-user test cluster, and this spares two sets of hand-kept RBAC rules.
  sign coredns "/CN=scaledeck:coredns/O=system:masters"
  sign metrics-server "/CN=scaledeck:metrics-server/O=system:masters"
  sign provisioner "/CN=scaledeck:provisioner/O=system:masters"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  local c
  for c in admin kubelet kube-controller-manager kube-scheduler kube-proxy coredns metrics-server; do
    write_kubeconfig "$c" "$RUN_DIR/config/$c.kubeconfig"
  done
  cp "$RUN_DIR/config/admin.kubeconfig" "$KUBECONFIG_PATH"
  chmod 600 "$RUN_DIR"/config/*.kubeconfig "$KUBECONFIG_PATH" "$PKI"/*.key
}
