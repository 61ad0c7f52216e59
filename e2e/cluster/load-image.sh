#!/usr/bin/env bash
# npm run cluster:load-image -- IMAGE... — copies images from the local Docker engine into the
# cluster's containerd (no registry is reachable); pods use them with imagePullPolicy IfNotPresent.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

require_root cluster:load-image
[ $# -gt 0 ] || die "usage: npm run cluster:load-image -- IMAGE [IMAGE...]"
live_pid containerd >/dev/null || die "the cluster is not up (no containerd of the harness); run npm run cluster:up first"
for image in "$@"; do
  docker image inspect "$image" >/dev/null 2>&1 || die "image $image is not in the local Docker engine (docker images lists what is there)"
done
step "loading $* into the cluster's containerd"
docker save "$@" | ctr_ images import - >&2 || die "importing $* into containerd ($CONTAINERD_SOCK) failed"
step_done
