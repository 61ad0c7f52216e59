#!/bin/sh
# The official nginx image's entrypoint contract: before starting nginx, run the executable
# /docker-entrypoint.d/*.sh in order (set NGINX_ENTRYPOINT_QUIET_LOGS to silence them).
set -e

say() { [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$0: $*" >&2; }

if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
  for f in /docker-entrypoint.d/*.sh; do
    [ -e "$f" ] || continue
    if [ -x "$f" ]; then
      say "launching $f"
      "$f"
    else
      say "ignoring $f, not executable"
    fi
  done
  say "configuration complete; ready for start up"
fi

exec "$@"
