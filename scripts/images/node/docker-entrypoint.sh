#!/bin/sh
# Same contract as the official node image: `docker run IMAGE script.js` or `IMAGE --version` runs
# node; anything that is a command on PATH (npm, bash, ...) runs as is.
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1" || true)" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
