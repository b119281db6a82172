# Helpers shared by the make targets' scripts; source it, then set $prog.
# shellcheck shell=bash

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var=$here/var
odoo=$here/scripts/odoo
addon=hr_client_handover
cd "$here"

die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$prog" "$*"; }

load_env() {
  [ -f "$here/.odoo.env" ] && [ -f "$here/.odoo.conf" ] || die "run 'make setup' first."
  # shellcheck disable=SC1091
  . "$here/.odoo.env"
  mkdir -p "$var"
}

db_exists() {
  [ "$(psql -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

data_dir() {
  sed -n 's/^data_dir[[:space:]]*=[[:space:]]*//p' "$here/.odoo.conf"
}

# Odoo keeps each database's attachments in <data_dir>/filestore/<database>.
filestore() {
  printf '%s/filestore/%s\n' "$(data_dir)" "$1"
}

# Waits until no other run (another checkout, another engineer) holds lock $1:
# such runs drop and recreate the same databases.
wait_for_lock() {
  local lockfile fd
  lockfile=$(data_dir)/$1.lock
  mkdir -p "$(dirname "$lockfile")"
  exec {fd}>"$lockfile"
  if ! flock -n "$fd"; then
    log "waiting for another run that uses the $1 databases to finish"
    flock "$fd"
  fi
}

drop_db() {
  PGOPTIONS=--client-min-messages=warning dropdb --if-exists "$1" || die "could not drop database $1: close what is connected to it."
  rm -rf "$(filestore "$1")"
}

# Copies the template database handover_base (the addon's dependencies, no
# demo data, no addon) into $1, first building it when it is missing or stale:
# rebuilt when the dependencies, the Python requirements or the Odoo release change.
copy_base() {
  local target=$1 base_db=handover_base base_modules base_key base_comment current
  base_modules=$("$here/.venv/bin/python" -c 'import ast, sys; print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))' \
    "$here/$addon/__manifest__.py")
  local release=$ODOO_ROOT/odoo/release.py
  base_key=$( { cat "$here/requirements.txt"; echo "$base_modules"; echo "$ODOO_ROOT"; stat -c %Y "$release"; cat "$release"; } \
    | sha256sum | cut -c1-16)
  base_comment="hr_client_handover template $base_key"
  current=$(psql -d postgres -Atqc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$base_db'")
  if [ "$current" != "$base_comment" ]; then
    local build_db=${base_db}_build
    log "building the template database $base_db with $base_modules (about 75 s)"
    drop_db "$build_db"
    odoo_logged "$var/base-install.log" -d "$build_db" -i "$base_modules" --stop-after-init
    psql -d postgres -qc "COMMENT ON DATABASE $build_db IS '$base_comment'"
    drop_db "$base_db"
    psql -d postgres -qc "ALTER DATABASE $build_db RENAME TO $base_db"
    if [ -d "$(filestore "$build_db")" ]; then mv "$(filestore "$build_db")" "$(filestore "$base_db")"; fi
  fi
  drop_db "$target"
  createdb -T "$base_db" "$target" \
    || die "createdb -T $base_db $target failed (see above); a session still connected to $base_db blocks it."
  if [ -d "$(filestore "$base_db")" ]; then cp -a "$(filestore "$base_db")" "$(filestore "$target")"; fi
}

# Runs Odoo with "$@" writing its log to $1; on failure shows the log's end and stops.
odoo_logged() {
  local logfile=$1; shift
  if ! "$odoo" "$@" >"$logfile" 2>&1; then
    tail -n 40 "$logfile" >&2
    die "odoo $* failed; full log in ${logfile#"$here"/}."
  fi
}

# For the targets whose last line is "<what>: N passed, M failed" ($counted
# names <what>): stops with the message and "<what>: 0 passed, 1 failed".
fail() { printf '%s: %s\n' "$prog" "$*" >&2; echo "$counted: 0 passed, 1 failed"; exit 1; }

# Runs Odoo with the Python $1 (a fresh environment's, the project's venv's);
# the other arguments are Odoo's.
odoo_with() {
  local py=$1; shift
  if [ -n "$ODOO_BIN" ]; then "$py" "$ODOO_BIN" "$@"; else "$py" -m odoo "$@"; fi
}

# Writes to $1 an Odoo configuration that sees none of the working tree: Odoo's
# own addons then $2 (more addons directories, comma-separated, or nothing) as
# its addons path, this project's data_dir, the loopback, no database list;
# then the lines $3... as they are.
isolated_conf() {
  local file=$1 more=$2 addons=$ODOO_ROOT/odoo/addons
  shift 2
  [ -d "$ODOO_ROOT/addons" ] && addons="$ODOO_ROOT/addons,$addons"
  {
    printf '[options]\naddons_path = %s\n' "$addons${more:+,$more}"
    printf 'data_dir = %s\nhttp_interface = 127.0.0.1\nlist_db = False\n' "$(data_dir)"
    if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
  } > "$file"
}
