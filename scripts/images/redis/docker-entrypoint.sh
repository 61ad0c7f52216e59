#!/bin/sh
# The official redis image's contract: flags or a *.conf as the first argument run redis-server;
# the server runs as user redis. Upstream compiles protected mode off; Debian's binary has it
# on, so without a config file we turn it off here (other containers must reach the server).
set -e

case "$1" in
  -* | *.conf) set -- redis-server "$@" ;;
esac

if [ "$1" = redis-server ]; then
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' + 2>/dev/null || true
    exec setpriv --reuid=redis --regid=redis --init-groups /usr/local/bin/docker-entrypoint.sh "$@"
  fi
  case "${2:-}" in
    *.conf) ;;
    *)
      shift
      set -- redis-server --protected-mode no "$@"
      ;;
  esac
fi

exec "$@"
