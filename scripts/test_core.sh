#!/usr/bin/env bash
# make test-core: Odoo's own hr, crm and sale_crm test suites on a fresh database
# with demo data, with the addon installed (CORE_WITH_ADDON=1) or without it (0).
set -euo pipefail
prog="make test-core"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env
wait_for_lock handover_core

db=handover_core
modules=hr,crm,sale_crm
case ${CORE_WITH_ADDON:-1} in
  1) modules=$modules,$addon ;;
  0) ;;
  *) die "CORE_WITH_ADDON must be 1 or 0, not '${CORE_WITH_ADDON}'." ;;
esac

drop_db "$db"
log "installing $modules with demo data into $db (log: var/core-install.log)"
odoo_logged "$var/core-install.log" -d "$db" -i "$modules" --with-demo --stop-after-init

test_log=$var/test-core.log
log "running Odoo's hr, crm and sale_crm tests, 4 minutes or more (log: var/test-core.log)"
"$odoo" -d "$db" --test-enable --test-tags /hr,/crm,/sale_crm -u hr,crm,sale_crm \
  --stop-after-init >"$test_log" 2>&1 || true
"$here/.venv/bin/python" "$here/scripts/odoo_log.py" test-summary "$test_log" \
  || die "Odoo's own tests failed with modules $modules; full log in var/test-core.log."
