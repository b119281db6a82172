#!/usr/bin/env bash
# manifestoo's checks on the addon (make lint): every dependency found in this
# project's Odoo 19 (transitively), licences compatible with theirs, development
# status compatible with theirs. Exit status 1 when one fails.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/.odoo.env"
addons=$ODOO_ROOT/odoo/addons
[ -d "$ODOO_ROOT/addons" ] && addons="$ODOO_ROOT/addons,$addons"
export COLUMNS=${COLUMNS:-120}
mo() {
  "$here/.venv/bin/manifestoo" --no-addons-path-from-import-odoo --odoo-series 19.0 \
    --addons-path "$addons" --select-addons-dir "$here" "$@"
}
rc=0
missing=$(mo list-missing) || rc=1
if [ -n "$missing" ]; then
  printf 'manifestoo: dependencies not found in Odoo 19: %s\n' "$(echo $missing)" >&2
  rc=1
fi
mo check-licenses || rc=1
mo check-dev-status || rc=1
exit $rc
