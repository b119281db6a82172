#!/usr/bin/env bash
# make test-uninstall: uninstalls the addon from a copy of the database that
# make test-rpc leaves (handover_rpc: demo data and a handover taken to done over
# JSON-2), else from a fresh demo database, runs some of Odoo's own crm, hr and
# sale_crm tests on it, then checks what is left (scripts/uninstall_check.py). UNINSTALL_DB (default handover_uninstall),
# UNINSTALL_SOURCE (default handover_rpc). Prints "uninstall: N passed, M failed".
prog=test-uninstall counted=uninstall
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env
db=${UNINSTALL_DB:-handover_uninstall}
source_db=${UNINSTALL_SOURCE:-handover_rpc}
# The demo adds a company of its own and leaves the main company (and its
# dollars) as Odoo made it: every one of these tests runs.
CORE_TAGS=/sale_crm,/crm:TestCRMLead,/hr:TestHrEmployee
work=$var/uninstall
mkdir -p "$work"
export PYTHONPATH=$ODOO_ROOT${PYTHONPATH:+:$PYTHONPATH}
py=$here/.venv/bin/python

wait_for_lock uninstall
drop_db "$db"
installed=""
if db_exists "$source_db"; then
  installed=$(psql -d "$source_db" -Atqc "SELECT 1 FROM ir_module_module WHERE name = '$addon' AND state = 'installed'" 2>/dev/null || true)
fi
if [ "$installed" = 1 ]; then
  log "copying $source_db into $db"
  createdb -T "$source_db" "$db" || fail "createdb -T $source_db $db failed: close what is connected to $source_db."
  if [ -d "$(filestore "$source_db")" ]; then cp -a "$(filestore "$source_db")" "$(filestore "$db")"; fi
else
  log "installing $addon with demo data into $db (log: var/uninstall/install.log)"
  odoo_logged "$work/install.log" -d "$db" -i "$addon" --with-demo --stop-after-init
fi

"$py" "$here/scripts/uninstall_check.py" owners "$db" >"$work/owners-before.json" \
  || fail "could not read the owners of the moved records"

log "uninstalling $addon from $db (log: var/uninstall/uninstall.log)"
if ! odoo_with "$py" module uninstall -c "$here/.odoo.conf" -d "$db" "$addon" >"$work/uninstall.log" 2>&1; then
  tail -n 40 "$work/uninstall.log" >&2
  fail "odoo module uninstall failed; log in var/uninstall/uninstall.log"
fi
# Odoo tries to delete the records the addon's data files created, demo
# customers and users included, and logs each refusal of PostgreSQL (still
# referenced elsewhere: the records stay) as "bad query": expected. Any other
# error fails.
if grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$work/uninstall.log" \
    | grep -v "odoo.sql_db: bad query: b'DELETE FROM " >&2; then
  fail "the uninstall logged the errors above (var/uninstall/uninstall.log)"
fi

# Odoo's own tests on the database without the addon (they roll back): crm's
# leads, hr's employees and sale_crm in full.
log "running Odoo's own tests $CORE_TAGS on $db (log: var/uninstall/core-tests.log)"
odoo_with "$py" -c "$here/.odoo.conf" -d "$db" --test-enable --test-tags "$CORE_TAGS" \
  --stop-after-init --no-http >"$work/core-tests.log" 2>&1 || true

"$py" "$here/scripts/uninstall_check.py" check "$here/.odoo.conf" "$db" \
  "$work/owners-before.json" "$work/core-tests.log"
