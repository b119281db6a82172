#!/usr/bin/env bash
# make test-wheel: builds the wheel (make dist), pip-installs it into a fresh
# virtual environment beside this project's Odoo 19, installs the addon from it
# into a new database whose addons path has only Odoo's own addons (Odoo finds
# the wheel's odoo/addons/hr_client_handover through the odoo.addons namespace
# package), then runs scripts/wheel_smoke.py. Prints "wheel: N passed, M failed".
# WHEEL_DB: the database (default handover_wheel), dropped first.
prog=test-wheel counted=wheel
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env
db=${WHEEL_DB:-handover_wheel}
work=$var/wheel
venv=$work/venv
conf=$work/odoo.conf

bash "$here/scripts/dist.sh" || fail "make dist failed"
wheel=$(ls "$here"/dist/odoo_addon_"$addon"-*-py3-none-any.whl)

log "creating a fresh virtual environment (var/wheel/venv) with requirements.txt"
rm -rf "$work"; mkdir -p "$work"
python3.11 -m venv "$venv" || fail "python3.11 -m venv failed"
"$venv/bin/pip" install -q -r "$here/requirements.txt" >"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log" >&2; fail "pip could not install requirements.txt"; }
# The newest pypdf the addon's bound allows (requirements.txt pins an older
# one): the smoke test stamps pages with it.
"$venv/bin/pip" install -q --upgrade "$("$here/.venv/bin/python" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["tool"]["whool"]["external_dependencies_override"]["python"]["pypdf"])' "$here/$addon/pyproject.toml")" >>"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log" >&2; fail "pip could not install the newest pypdf the addon allows"; }
# Odoo 19 is no PyPI package: make this project's tree importable, the way a
# distribution package does. The wheel's one requirement, odoo==19.0.*, is then
# met by the tree's odoo-19.0.egg-info (checked by wheel_smoke.py); pip installs
# it with --no-deps since that egg-info names psycopg2, installed here as
# psycopg2-binary.
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$ODOO_ROOT" > "$site/odoo19.pth"
log "pip install --no-deps ${wheel#"$here"/}"
"$venv/bin/pip" install -q --no-index --no-deps "$wheel" >>"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log" >&2; fail "pip could not install the wheel"; }

isolated_conf "$conf" ""

wait_for_lock wheel
drop_db "$db"
log "installing $addon from the wheel into the new database $db"
odoo_run() { odoo_with "$venv/bin/python" -c "$conf" "$@"; }
# From var/wheel, so that nothing of the source tree is on Odoo's path.
if ! (cd "$work" && odoo_run -d "$db" -i "$addon" --stop-after-init --no-http \
      --log-level=info) >"$work/install.log" 2>&1; then
  tail -n 40 "$work/install.log" >&2
  fail "installing $addon failed; log in var/wheel/install.log"
fi
if grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL|WARNING) " "$work/install.log" >&2; then
  fail "the installation logged the warnings or errors above (var/wheel/install.log)"
fi
cd "$work" && "$venv/bin/python" "$here/scripts/wheel_smoke.py" "$conf" "$db" "$site" "$here"
