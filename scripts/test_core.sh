#!/usr/bin/env bash
# make test-core: Odoo's own hr, crm and sale_crm test suites on a fresh database
# with demo data, with the addon installed (CORE_WITH_ADDON=1) or without it (0).
# CORE_DB chooses another database than handover_core and CORE_PORT another
# HTTP port for the tours than the config's (to run two side by side).
set -euo pipefail
prog="make test-core"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env
db=${CORE_DB:-handover_core}
wait_for_lock "$db"

modules=hr,crm,sale_crm
case ${CORE_WITH_ADDON:-1} in
  1) modules=$modules,$addon ;;
  0) ;;
  *) die "CORE_WITH_ADDON must be 1 or 0, not '${CORE_WITH_ADDON}'." ;;
esac

drop_db "$db"
# Logs named after the database when it is not the default one.
suffix=${CORE_DB:+-$db}
install_log=core-install$suffix.log
test_log=test-core$suffix.log
log "installing $modules with demo data into $db (log: var/$install_log)"
odoo_logged "$var/$install_log" -d "$db" -i "$modules" --with-demo --stop-after-init

log "running Odoo's hr, crm and sale_crm tests, 4 minutes or more (log: var/$test_log)"
test_log=$var/$test_log
"$odoo" -d "$db" --test-enable --test-tags /hr,/crm,/sale_crm -u hr,crm,sale_crm \
  ${CORE_PORT:+--http-port="$CORE_PORT"} --stop-after-init >"$test_log" 2>&1 || true
"$here/.venv/bin/python" "$here/scripts/odoo_log.py" test-summary "$test_log" \
  || die "Odoo's own tests failed with modules $modules; full log in ${test_log#"$here"/}."
