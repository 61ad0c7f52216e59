# shellcheck shell=bash
# Sourced, not run. The pinned versions of every part of the local cluster, in one place:
# the binary cache is keyed by all of them, so bumping one builds a fresh set.
K8S_VERSION=v1.37.2
# k8s.io/* staging modules carry the same minor as v0.<minor>.<patch>.
K8S_STAGING_VERSION=v0.37.2
ETCD_VERSION=v3.5.21
METRICS_SERVER_VERSION=v0.8.0
COREDNS_VERSION=v1.15.0
# Oldest Go that builds all of the above (the go line of Kubernetes v1.37.2 go.mod).
GO_MIN_VERSION=1.26.0
# The Go fetched from the Go module proxy (golang.org/toolchain) when the machine's is missing or older.
GO_TOOLCHAIN_VERSION=1.26.8
