#!/usr/bin/env bash
# make test-upgrade: installs the previous release (the commit named in
# scripts/upgrade_from, extracted with git archive into var/upgrade/release)
# with demo data in a copy of the handover_base template, brings handovers into
# every stage on it (scripts/upgrade_check.py prepare), updates the addon to
# the working tree with -u, then checks the result (scripts/upgrade_check.py
# check). UPGRADE_DB (default handover_upgrade) is dropped at the end, unless
# UPGRADE_KEEP=1. Prints "upgrade: N passed, M failed".
prog=test-upgrade counted=upgrade
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env
db=${UPGRADE_DB:-handover_upgrade}
work=$var/upgrade
release=$work/release
conf=$work/release.conf
export PYTHONPATH=$ODOO_ROOT${PYTHONPATH:+:$PYTHONPATH}
py=$here/.venv/bin/python

wait_for_lock upgrade

commit=$(grep -v '^#' "$here/scripts/upgrade_from" | tr -d '[:space:]')
git -C "$here" cat-file -e "$commit^{commit}" 2>/dev/null \
  || fail "scripts/upgrade_from names $commit, which this clone does not have (a shallow clone? git fetch --unshallow)"
old_version=$(git -C "$here" show "$commit:$addon/__manifest__.py" \
  | "$py" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())["version"])')
log "previous release: $old_version (${commit:0:12}), extracted into var/upgrade/release"
rm -rf "$work"; mkdir -p "$release"
git -C "$here" archive "$commit" "$addon" | tar -x -C "$release" || fail "git archive $commit failed"

# The previous release's addons path: Odoo's own addons and the extracted
# release, never the working tree.
isolated_conf "$conf" "$release" "log_level = info"
odoo_release() { odoo_with "$py" "$@"; }

copy_base "$db"
cleanup() { [ "${UPGRADE_KEEP:-0}" = 1 ] || drop_db "$db"; }
trap cleanup EXIT

# From var/upgrade, so that nothing of the working tree is on the path.
log "installing $addon $old_version with demo data into $db (log: var/upgrade/install.log)"
(cd "$work" && odoo_release module force-demo -c "$conf" -d "$db") >"$work/install.log" 2>&1 \
  || { tail -n 40 "$work/install.log" >&2; fail "loading the demo data of the template's modules failed"; }
(cd "$work" && odoo_release -c "$conf" -d "$db" -i "$addon" --with-demo --stop-after-init --no-http) \
  >>"$work/install.log" 2>&1 \
  || { tail -n 40 "$work/install.log" >&2; fail "installing $addon $old_version failed"; }
installed=$(psql -d "$db" -Atqc "SELECT latest_version FROM ir_module_module WHERE name = '$addon' AND state = 'installed' AND demo")
[ "$installed" = "$old_version" ] || fail "$addon $old_version is not installed with demo data in $db ($installed)"

log "bringing handovers into every stage on $old_version (log: var/upgrade/prepare.log)"
(cd "$work" && "$py" "$here/scripts/upgrade_check.py" prepare "$conf" "$db" "$work/before.json") \
  >"$work/prepare.log" 2>&1 \
  || { tail -n 40 "$work/prepare.log" >&2; fail "preparing the handovers failed"; }
grep '^  ' "$work/prepare.log"

# The previous release's handovers are the data to upgrade, as a company's own
# would be: the update does not reload the addon's demo data (the new release's
# demo is for new databases: a company of its own, with its people).
psql -d "$db" -Atqc "UPDATE ir_module_module SET demo = false WHERE name = '$addon'" >/dev/null

log "updating $addon to the working tree (log: var/upgrade/upgrade.log)"
"$odoo" -d "$db" -u "$addon" --stop-after-init --no-http >"$work/upgrade.log" 2>&1 \
  || { tail -n 40 "$work/upgrade.log" >&2; fail "odoo -u $addon failed; log in var/upgrade/upgrade.log"; }

# Odoo's own log (the reports' wkhtmltopdf warnings among it) goes to check.log.
log "checking the upgraded database (log: var/upgrade/check.log)"
"$py" "$here/scripts/upgrade_check.py" check "$here/.odoo.conf" "$db" "$work/before.json" \
  "$work/upgrade.log" 2>"$work/check.log"
