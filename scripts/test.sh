#!/usr/bin/env bash
# make test: a fresh handover_test database from the handover_base template, the
# addon installed into it without warnings, then the addon's tests with pytest-odoo
# and the check of its translations (scripts/i18n.py).
set -euo pipefail
prog="make test"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env
wait_for_lock handover_test

test_db=handover_test

copy_base "$test_db"

install_log=$var/test-install.log
log "installing $addon into $test_db (log: var/test-install.log)"
install_rc=0
"$odoo" -d "$test_db" -i "$addon" --stop-after-init >"$install_log" 2>&1 || install_rc=$?
if ! "$here/.venv/bin/python" "$here/scripts/odoo_log.py" check-install "${install_log#"$here"/}" "$addon"; then
  die "installing $addon logged the problems above."
fi
if [ "$install_rc" -ne 0 ]; then
  tail -n 40 "$install_log" >&2
  die "installing $addon failed (exit $install_rc); full log in var/test-install.log."
fi

[ -d "$addon/tests" ] || die "$addon/tests does not exist: an addon without tests fails."
log "running $addon/tests with pytest-odoo"
pytest_rc=0
PYTHONPATH=$ODOO_ROOT${PYTHONPATH:+:$PYTHONPATH} "$here/.venv/bin/python" -m pytest \
  --odoo-config=.odoo.conf --odoo-database="$test_db" --odoo-http "$addon/tests" || pytest_rc=$?
# The translation template matches the installed addon and zh_CN.po translates
# every term; checked after the tests so that a new string does not hide them.
log "checking $addon/i18n against $test_db"
i18n_rc=0
PYTHONPATH=$ODOO_ROOT${PYTHONPATH:+:$PYTHONPATH} "$here/.venv/bin/python" "$here/scripts/i18n.py" check "$test_db" \
  || i18n_rc=$?
case $pytest_rc in
  0) ;;
  5) die "pytest collected no tests in $addon/tests: an addon without tests fails." ;;
  *) die "pytest failed (exit $pytest_rc)." ;;
esac
[ "$i18n_rc" -eq 0 ] || die "the translations are incomplete (see above): run 'make i18n-export', then translate in $addon/i18n/zh_CN.po."
