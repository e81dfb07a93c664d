#!/usr/bin/env bash
# A throwaway PostgreSQL for the ledger's PostgreSQL suites (issue #15): initdb under /tmp, a server on a
# loopback port, a `helexa_test` database, a password-protected `helexa` role.
#
#   eval "$(scripts/start-test-postgres.sh)"        # starts it; exports HELEXA_TEST_POSTGRES_URL
#   scripts/start-test-postgres.sh stop             # stops it and deletes its data folder
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user. Port:
# HELEXA_TEST_POSTGRES_PORT (default 55432). Binaries: PG_BIN, else the newest /usr/lib/postgresql/*/bin,
# else pg_ctl on PATH. Everything but the final `export` line goes to stderr, so `eval` sees only that.
set -euo pipefail

port="${HELEXA_TEST_POSTGRES_PORT:-55432}"
data="/tmp/helexa-test-postgres-${port}"
password="helexa-test-password"
url="postgres://helexa:${password}@127.0.0.1:${port}/helexa_test"

bin="${PG_BIN:-}"
if [ -z "$bin" ]; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bin" ] && command -v pg_ctl >/dev/null; then bin="$(dirname "$(command -v pg_ctl)")"; fi
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "start-test-postgres: no PostgreSQL binaries (apt-get install postgresql, or set PG_BIN)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  if [ -d "$data" ]; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast stop >&2 || true
    rm -rf "$data"
  fi
  exit 0
fi

if [ -d "$data" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "start-test-postgres: already running on port $port" >&2
else
  rm -rf "$data"
  mkdir -p "$data"
  [ "$(id -u)" = "0" ] && chown postgres "$data"
  pwfile="$(mktemp)"
  printf '%s\n' "$password" >"$pwfile"
  [ "$(id -u)" = "0" ] && chown postgres "$pwfile"
  as_owner "$bin/initdb" -D "$data" -U helexa --pwfile="$pwfile" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 >&2
  rm -f "$pwfile"
  as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=200 -c fsync=off" start >&2
  as_owner "$bin/createdb" -h "$data" -p "$port" -U helexa helexa_test >&2
fi
echo "export HELEXA_TEST_POSTGRES_URL='$url'"
