#!/usr/bin/env bash
# make dist: builds dist/odoo_addon_hr_client_handover-<version>-py3-none-any.whl
# with whool, the build backend of OCA's wheels, from the addon's own
# pyproject.toml. The version is the manifest's, plus whool's post-release digit
# (commits since the manifest version last changed) when there are any.
prog=dist
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
load_env
mkdir -p "$here/dist"
rm -f "$here"/dist/odoo_addon_"$addon"-*.whl
"$here/.venv/bin/pip" wheel -q --no-deps --no-build-isolation -w "$here/dist" "$here/$addon" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) \
  || die "whool could not build the wheel: read the error above."
wheel=$(ls "$here"/dist/odoo_addon_"$addon"-*-py3-none-any.whl 2>/dev/null) || die "no wheel in dist/."
log "${wheel#"$here"/}"
