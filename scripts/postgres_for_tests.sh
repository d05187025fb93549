#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server, then stop the server.
#
#   scripts/postgres_for_tests.sh pytest tests/test_postgres_registry.py
#
# Installs Debian's postgresql when initdb is missing (as root), creates a
# cluster in a temporary folder owned by an unprivileged user (PostgreSQL
# refuses to run as root), listens only on a Unix socket in that folder (no
# TCP), creates a database, exports its conninfo as LAZADA_TEST_POSTGRES and
# runs the command. The server stops and the folder goes when the script ends,
# however it ends. Exit status: the command's, or 1 when the server cannot start.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi

find_bin() {
    # Debian keeps the server programs out of PATH, under /usr/lib/postgresql/N/bin.
    local name="$1" dir
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
    done
    return 1
}

if ! find_bin initdb >/dev/null || ! find_bin pg_ctl >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "$0: PostgreSQL is not installed and installing it needs root" >&2
        exit 1
    fi
    echo "$0: installing Debian's postgresql" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
initdb="$(find_bin initdb)"
pg_ctl="$(find_bin pg_ctl)"
createdb="$(find_bin createdb)"

# The server runs as an unprivileged user: `postgres` when we are root, else ourselves.
run_as=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    run_as=(runuser -u postgres --)
fi

tmp="$(mktemp -d -t lazada-pg.XXXXXX)"
chmod 755 "$tmp"
data="$tmp/data"
sock="$tmp/socket"
mkdir -p "$data" "$sock"
if [ "${#run_as[@]}" -gt 0 ]; then chown -R postgres "$tmp"; fi

stop() {
    local status=$?
    "${run_as[@]}" "$pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
    exit "$status"
}
trap stop EXIT INT TERM

if ! "${run_as[@]}" "$initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        >"$tmp/initdb.log" 2>&1; then
    echo "$0: initdb failed:" >&2
    cat "$tmp/initdb.log" >&2
    exit 1
fi
# listen_addresses='': no TCP at all; the socket lives in the temporary folder.
if ! "${run_as[@]}" "$pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$sock' -c max_connections=200 -c fsync=off" \
        start >/dev/null; then
    echo "$0: the PostgreSQL server did not start:" >&2
    cat "$tmp/server.log" >&2
    exit 1
fi
"${run_as[@]}" "$createdb" -h "$sock" -U postgres lazada_test

export LAZADA_TEST_POSTGRES="postgresql://postgres@/lazada_test?host=$sock"
echo "$0: PostgreSQL ready: $LAZADA_TEST_POSTGRES" >&2
"$@"
