#!/usr/bin/env bash
# make clean: drops the test databases and removes what set-up generated; with
# CACHE=1 also the downloaded Odoo tree (the demo database is kept).
set -euo pipefail
prog="make clean"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

if [ -f "$here/.odoo.conf" ] && psql -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
  wait_for_lock handover_test
  wait_for_lock handover_core
  wait_for_lock wheel
  wait_for_lock uninstall
  wait_for_lock upgrade
  wait_for_lock handover_security
  for db in handover_test handover_core handover_base handover_base_build handover_rpc handover_security handover_wheel handover_uninstall handover_upgrade; do
    drop_db "$db"
  done
else
  log "PostgreSQL unreachable or no .odoo.conf: databases left as they are."
fi
rm -rf "$var" "$here/.venv" "$here/node_modules" "$here/dist" "$here/.odoo.conf" "$here/.odoo.env" "$here/.pytest_cache" "$here/.ruff_cache"
if [ "${CACHE:-0}" = 1 ]; then
  cache=${HANDOVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hr_client_handover}
  log "removing the Odoo cache $cache"
  rm -rf "$cache"
fi
