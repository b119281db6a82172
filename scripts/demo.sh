#!/usr/bin/env bash
# make demo: the handover_demo database with the addon and its demo data, served on
# http://127.0.0.1:8069 in the foreground.
set -euo pipefail
prog="make demo"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env

db=handover_demo
installed=""
if db_exists "$db"; then
  installed=$(psql -d "$db" -Atqc "SELECT 1 FROM ir_module_module WHERE name = '$addon' AND state = 'installed'" 2>/dev/null || true)
fi
if [ "$installed" = 1 ]; then
  log "updating $addon in $db (log: var/demo-install.log)"
  odoo_logged "$var/demo-install.log" -d "$db" -u "$addon" --stop-after-init
else
  log "installing $addon with demo data into $db (log: var/demo-install.log)"
  odoo_logged "$var/demo-install.log" -d "$db" -i "$addon" --with-demo --stop-after-init
fi

cat <<MSG

  Odoo: http://127.0.0.1:8069  (database $db; Ctrl+C stops it)
  Logins (login / password):
    admin / admin
MSG
if [ -f "$here/$addon/demo/LOGINS.txt" ]; then
  sed 's/^/    /' "$here/$addon/demo/LOGINS.txt"
fi
echo
exec "$odoo" -d "$db" --db-filter="^$db\$" --http-interface=127.0.0.1 --http-port=8069
