#!/usr/bin/env bash
# The official postgres image's entrypoint contract, re-implemented for Debian's packages:
# on an empty PGDATA, initdb with POSTGRES_USER/POSTGRES_PASSWORD, create POSTGRES_DB, run
# /docker-entrypoint-initdb.d/*, allow password logins from any host; then exec the server as
# user postgres.
set -Eeuo pipefail

say() { echo "entrypoint: $*" >&2; }

# VAR_FILE=/run/secrets/x sets VAR from a file, as upstream allows for every POSTGRES_* setting.
file_env() {
  local var="$1" file_var="${1}_FILE" default="${2:-}"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    say "both $var and $file_var are set (but are exclusive)"
    exit 1
  fi
  local value="$default"
  if [ -n "${!var:-}" ]; then
    value="${!var}"
  elif [ -n "${!file_var:-}" ]; then
    value="$(<"${!file_var}")"
  fi
  export "$var"="$value"
  unset "$file_var"
}

run_initdb_scripts() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        # shellcheck disable=SC1090 # user-supplied init scripts, sourced like upstream does
        if [ -x "$f" ]; then "$f"; else . "$f"; fi
        say "ran $f" ;;
      *.sql) psql_init -f "$f"; say "ran $f" ;;
      *.sql.gz) gunzip -c "$f" | psql_init; say "ran $f" ;;
      *) if [ -e "$f" ]; then say "ignoring $f"; fi ;;
    esac
  done
}

psql_init() {
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname "${PSQL_DB:-$POSTGRES_DB}" "$@"
}

init_database() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  local auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
    say "Database is uninitialized and superuser password is not specified."
    say "You must specify POSTGRES_PASSWORD to a non-empty value for the superuser"
    say "(or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password)."
    exit 1
  fi

  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of flags, split on purpose
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

  # A server on the socket only, so nobody connects before initialisation is over.
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    PSQL_DB=postgres psql_init --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
  fi
  run_initdb_scripts
  pg_ctl -D "$PGDATA" -m fast -w stop
  say "PostgreSQL init process complete; ready for start up."
}

if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

if [ "$1" = postgres ]; then
  if [ "$(id -u)" = 0 ]; then
    # A fresh named volume may come up owned by root: hand PGDATA to postgres, then drop privileges.
    mkdir -p "$PGDATA" /var/run/postgresql
    chown postgres:postgres /var/run/postgresql
    chmod 3777 /var/run/postgresql
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' + 2>/dev/null || true
    chmod 700 "$PGDATA" 2>/dev/null || true
    exec setpriv --reuid=postgres --regid=postgres --init-groups /usr/local/bin/docker-entrypoint.sh "$@"
  fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    chmod 700 "$PGDATA" 2>/dev/null || true
    init_database
  fi
  unset PGPASSWORD
fi

exec "$@"
