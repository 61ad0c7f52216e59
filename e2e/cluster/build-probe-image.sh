#!/usr/bin/env bash
# Builds the cluster tests' probe image (a static Go HTTP server in a FROM-scratch image) into the
# local Docker engine, without any registry. Prints the image name as its last line.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

IMAGE="${1:-scaledeck.local/cluster-probe:dev}"
require_go
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
(cd "$CLUSTER_DIR/probe" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags '-s -w' -o "$ctx/probe" .)
cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY probe /probe
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/probe"]
DOCKERFILE
docker build -q -t "$IMAGE" "$ctx" >&2
echo "$IMAGE"
