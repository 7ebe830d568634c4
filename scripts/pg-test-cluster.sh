#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests:
#
#   scripts/pg-test-cluster.sh COMMAND [ARG…]
#
# installs PostgreSQL from Debian when its binaries are missing, creates a cluster in a new
# temporary directory (owned by a non-root user when run as root: initdb refuses root), starts it
# on a free loopback port (unix socket inside the directory, fsync off), exports
# SQUAWK_TEST_POSTGRES_URL, runs COMMAND, and stops the cluster and removes the directory when
# COMMAND ends — also when it fails or the script is interrupted. Exits with COMMAND's status.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG…]" >&2
  exit 64
fi

# --- binaries -------------------------------------------------------------------------------
find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}
if ! bin=$(find_bin); then
  echo "pg-test-cluster: installing postgresql from Debian"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
fi

# --- who runs the server --------------------------------------------------------------------
as_user=()
owner=$(id -un)
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  # From /: the server user may not enter the caller's directory (a mktemp clone is 0700).
  as_user=(runuser -u "$owner" -- env -C /)
fi

# --- cluster --------------------------------------------------------------------------------
dir=$(mktemp -d /tmp/squawk-pg.XXXXXX)
chmod 755 "$dir"
pgdata="$dir/data"
mkdir "$pgdata"
chown "$owner" "$dir" "$pgdata"

stop_cluster() {
  if [ -f "$pgdata/postmaster.pid" ]; then
    "${as_user[@]}" "$bin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
printf '%s\n' "$password" > "$dir/pwfile"
chown "$owner" "$dir/pwfile"
"${as_user[@]}" "$bin/initdb" -D "$pgdata" -U squawk --pwfile="$dir/pwfile" --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"

# A free loopback port: ask the kernel for one, then start on it (retry if someone took it).
started=0
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  if "${as_user[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$dir/server.log" -w -t 30 \
       -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
       start >/dev/null; then
    started=1; break
  fi
done
if [ "$started" != 1 ]; then
  echo "pg-test-cluster: the server did not start" >&2
  tail -20 "$dir/server.log" >&2 || true
  exit 1
fi

export SQUAWK_TEST_POSTGRES_URL="postgres://squawk:${password}@127.0.0.1:${port}/postgres"
echo "pg-test-cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"

status=0
"$@" || status=$?
exit "$status"
