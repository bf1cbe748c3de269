#!/usr/bin/env bash
# Start the local PostgreSQL 15 cluster and make sure the test role exists. Prints the URL to use
# on stdout and nothing else (the Makefile captures it), so every other message goes to stderr.
set -euo pipefail
SUDO=""
AS_POSTGRES=(runuser -u postgres --)
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; AS_POSTGRES=(sudo -u postgres); fi
if ! pg_lsclusters -h 2>/dev/null | grep -q "^15 *main"; then
  $SUDO pg_createcluster 15 main >&2
fi
if ! pg_lsclusters -h | grep -q "^15 *main *[0-9]* *online"; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect 15 main start >&2
fi
port=$(pg_lsclusters -h | awk '$1=="15" && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  "${AS_POSTGRES[@]}" psql -p "$port" -qtAc "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
"${AS_POSTGRES[@]}" psql -p "$port" -qtAc "SELECT 1 FROM pg_roles WHERE rolname='familienatlas'" | grep -q 1 \
  || "${AS_POSTGRES[@]}" psql -p "$port" -qc "CREATE ROLE familienatlas LOGIN SUPERUSER PASSWORD 'familienatlas'" >&2
echo "postgresql+psycopg2://familienatlas:familienatlas@127.0.0.1:${port}/postgres"
