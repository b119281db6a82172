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

# Runs Odoo with "$@" writing its log to $1; on failure shows the log's end and stops.
odoo_logged() {
  local logfile=$1; shift
  if ! "$odoo" "$@" >"$logfile" 2>&1; then
    tail -n 40 "$logfile" >&2
    die "odoo $* failed; full log in ${logfile#"$here"/}."
  fi
}
