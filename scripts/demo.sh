#!/usr/bin/env bash
# make demo: the handover_demo database with the addon and its demo data, served on
# http://127.0.0.1:8069 in the foreground. DEMO_DB and DEMO_PORT choose another
# database and port (to run a second demo beside the first one).
set -euo pipefail
prog="make demo"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env

db=${DEMO_DB:-handover_demo}
port=${DEMO_PORT:-8069}
installed=""
if db_exists "$db"; then
  installed=$(psql -d "$db" -Atqc "SELECT 1 FROM ir_module_module WHERE name = '$addon' AND state = 'installed'" 2>/dev/null || true)
fi
if [ "$installed" = 1 ]; then
  log "updating $addon in $db (log: var/demo-install.log)"
  odoo_logged "$var/demo-install.log" -d "$db" -u "$addon" --stop-after-init --http-port="$port"
  # Demo data is loaded once: a database made before the demo had a company of
  # its own keeps its older demo (in the main company) until it is made again.
  own=$(psql -d "$db" -Atqc "SELECT 1 FROM ir_model_data WHERE module = '$addon' AND name = 'company_zhilian'" 2>/dev/null || true)
  if [ "$own" != 1 ]; then
    log "$db predates the demo's company of its own: 'dropdb $db' and run 'make demo' again to get it"
  fi
else
  log "installing $addon with demo data into $db, with Simplified Chinese (log: var/demo-install.log)"
  odoo_logged "$var/demo-install.log" -d "$db" -i "$addon" --with-demo --stop-after-init --http-port="$port"
fi

cat <<MSG

  Odoo: http://127.0.0.1:$port  (database $db; Ctrl+C stops it)
  The demo adds a Chinese company of its own, 上海智联工业科技有限公司: its people
  work in it, in Simplified Chinese. admin (English) keeps the main company:
  tick the demo company in the company switcher to see the demo's handovers.
  Logins (login / password):
    admin / admin (English)
MSG
if [ -f "$here/$addon/demo/LOGINS.txt" ]; then
  sed 's/^/    /' "$here/$addon/demo/LOGINS.txt"
fi
echo
exec "$odoo" -d "$db" --db-filter="^$db\$" --http-interface=127.0.0.1 --http-port="$port"
