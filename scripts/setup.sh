#!/usr/bin/env bash
# Installs everything hr_client_handover needs on a Debian machine, idempotently:
# Debian packages, Odoo 19 (from Debian's odoo-19 package, or ODOO_SRC), the
# Python virtual environment, prettier (node_modules, for make lint), PostgreSQL
# and the generated Odoo config file.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${HANDOVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hr_client_handover}
venv=$here/.venv
conf=$here/.odoo.conf

die() { printf 'setup: %s\n' "$*" >&2; exit 1; }
log() { printf 'setup: %s\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo=""; fi

apt_packages=(
  python3.11 python3.11-venv python3.11-dev build-essential
  libpq-dev libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev
  libmagic1 wkhtmltopdf xfonts-75dpi xfonts-base
  fonts-noto-cjk fonts-font-awesome fonts-roboto-unhinted fonts-inconsolata
  fonts-ocr-b fonts-dejavu-core fonts-wqy-microhei fontconfig
  libjs-jquery libjs-jquery-form libjs-underscore
  chromium poppler-utils postgresql-client
)

apt_updated=""
apt_update() {
  [ -n "$apt_updated" ] && return 0
  $sudo apt-get update -qq || die "apt-get update failed: check this machine's Debian sources and network."
  apt_updated=1
}

install_debian_packages() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "Debian packages missing (${missing[*]}) and no apt-get here: install them by hand, then run again."
  log "installing Debian packages: ${missing[*]}"
  apt_update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]} with apt-get: install them by hand, then run again."
  # Montserrat (a font Odoo's web client links to) is only in newer Debian suites.
  apt-cache show fonts-montserrat >/dev/null 2>&1 \
    && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fonts-montserrat >/dev/null 2>&1 || true
}

# Odoo 19 ---------------------------------------------------------------------
odoo_root=""   # folder that holds the 'odoo' package
odoo_bin=""

use_odoo_src() {
  local src=$1
  [ -d "$src" ] || die "ODOO_SRC=$src is not a folder: point it at an Odoo 19 checkout (with odoo-bin) or unset it to use Debian's package."
  if [ -f "$src/odoo-bin" ] && [ -d "$src/odoo" ]; then
    odoo_root=$src; odoo_bin=$src/odoo-bin
  elif [ -d "$src/usr/lib/python3/dist-packages/odoo" ]; then
    odoo_root=$src/usr/lib/python3/dist-packages; odoo_bin=$src/usr/bin/odoo
  elif [ -f "$src/odoo/release.py" ]; then
    odoo_root=$src; odoo_bin=""
  else
    die "ODOO_SRC=$src holds no Odoo: point it at an Odoo 19 checkout (with odoo-bin and odoo/) or unset it."
  fi
  grep -q "version_info = (19" "$odoo_root/odoo/release.py" \
    || die "ODOO_SRC=$src is not Odoo 19: point it at an Odoo 19 tree."
}

fetch_debian_odoo() {
  local dest=$cache/odoo-19
  if [ -f "$dest/.complete" ]; then use_odoo_src "$dest"; return 0; fi
  command -v apt-get >/dev/null || die "no Odoo 19 found and no apt-get to fetch it: set ODOO_SRC to an Odoo 19 checkout."
  local base=/etc/apt/sources.list.d/debian.sources
  [ -f "$base" ] || die "cannot find $base to derive Debian's sid source from: set ODOO_SRC to an Odoo 19 checkout."
  # The first stanza's archive and key, with suite sid: no mirror address is written by us.
  local uris key
  uris=$(awk 'BEGIN{RS=""} NR==1' "$base" | sed -n 's/^URIs:[[:space:]]*//p' | head -n1)
  key=$(awk 'BEGIN{RS=""} NR==1' "$base" | sed -n 's/^Signed-By:[[:space:]]*//p' | head -n1)
  [ -n "$uris" ] || die "no URIs line in $base: set ODOO_SRC to an Odoo 19 checkout."
  local srcfile=/etc/apt/sources.list.d/hr-client-handover-sid.sources
  local pinfile=/etc/apt/preferences.d/hr-client-handover-sid
  if [ ! -f "$srcfile" ]; then
    log "adding Debian sid (pinned at priority 1) to fetch odoo-19"
    printf 'Types: deb\nURIs: %s\nSuites: sid\nComponents: main\n%s\n' "$uris" \
      "${key:+Signed-By: $key}" | $sudo tee "$srcfile" >/dev/null
    printf 'Package: *\nPin: release n=sid\nPin-Priority: 1\n' | $sudo tee "$pinfile" >/dev/null
    apt_updated=""
  fi
  apt_update
  local tmp; tmp=$(mktemp -d)
  log "downloading Debian's odoo-19 package (about 120 MB)"
  (cd "$tmp" && apt-get download -qq odoo-19 >/dev/null) \
    || die "apt-get download odoo-19 failed: check the network, or set ODOO_SRC to an Odoo 19 checkout."
  rm -rf "$dest.part"; mkdir -p "$dest.part"
  dpkg-deb -x "$tmp"/odoo-19_*.deb "$dest.part"
  rm -rf "$tmp"
  # Odoo's relative symlinks point into usr/share/{fonts,fonts-font-awesome,javascript}.
  for d in fonts fonts-font-awesome javascript; do
    rm -rf "$dest.part/usr/share/$d"; ln -s "/usr/share/$d" "$dest.part/usr/share/$d"
  done
  # Debian strips this asset; the web client logs an error on every page without it.
  local stub=$dest.part/usr/lib/python3/dist-packages/odoo/addons/mail/static/lib/selfie_segmentation/selfie_segmentation.js
  mkdir -p "$(dirname "$stub")"; [ -f "$stub" ] || : > "$stub"
  touch "$dest.part/.complete"
  rm -rf "$dest"; mv "$dest.part" "$dest"
  use_odoo_src "$dest"
}

# Python ----------------------------------------------------------------------
setup_venv() {
  local py
  py=$(command -v python3.11 || true)
  [ -n "$py" ] || die "python3.11 not found: install Debian's python3.11 and python3.11-venv."
  local stamp=$venv/.requirements.sha
  local want; want=$(cat "$here/requirements.txt" "$here/requirements-dev.txt" | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then return 0; fi
  log "creating the virtual environment .venv"
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv" || die "python3.11 -m venv failed: install Debian's python3.11-venv."
  "$venv/bin/pip" install -q --upgrade pip wheel "setuptools<81" >/dev/null 2>&1
  local piplog=$venv/pip.log
  if ! "$venv/bin/pip" install -q -r "$here/requirements.txt" -r "$here/requirements-dev.txt" >"$piplog" 2>&1; then
    grep -v "is ignored: it is neither a file nor a directory" "$piplog" >&2
    die "pip could not install requirements.txt: read the error above."
  fi
  echo "$want" > "$stamp"
}

# prettier (XML formatting in make lint) --------------------------------------
setup_node() {
  local modules=$here/node_modules
  local stamp=$modules/.package.sha
  local want; want=$(sha256sum "$here/package.json" | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$modules/.bin/prettier" ]; then return 0; fi
  if ! command -v npm >/dev/null; then
    command -v apt-get >/dev/null || die "npm not found and no apt-get to install it: install Node.js with npm, then run again."
    log "installing Debian's nodejs and npm (prettier checks the addon's XML)"
    apt_update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null \
      || die "could not install nodejs and npm with apt-get: install them by hand, then run again."
  fi
  log "installing prettier and @prettier/plugin-xml into node_modules"
  local npmlog; npmlog=$(mktemp)
  if ! (cd "$here" && npm install --no-package-lock --no-audit --no-fund --loglevel=error) >"$npmlog" 2>&1; then
    cat "$npmlog" >&2; rm -f "$npmlog"
    die "npm could not install package.json's devDependencies: read the error above."
  fi
  rm -f "$npmlog"
  echo "$want" > "$stamp"
}

# PostgreSQL ------------------------------------------------------------------
setup_postgres() {
  if psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    command -v apt-get >/dev/null || die "PostgreSQL is unreachable and cannot be installed: start a server this user can reach over its unix socket."
    log "installing PostgreSQL"
    apt_update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-client >/dev/null \
      || die "could not install PostgreSQL: install and start it by hand."
  fi
  local ver; ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  [ -n "$ver" ] || die "PostgreSQL is installed but has no cluster: create one with pg_createcluster."
  $sudo pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
  local me; me=$(id -un)
  if ! psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      su postgres -c "psql -Atqc \"CREATE ROLE \\\"$me\\\" LOGIN CREATEDB SUPERUSER\"" >/dev/null 2>&1 || true
    else
      $sudo -u postgres psql -Atqc "CREATE ROLE \"$me\" LOGIN CREATEDB" >/dev/null 2>&1 || true
    fi
    psql -d postgres -Atqc 'select 1' >/dev/null 2>&1 \
      || die "PostgreSQL is unreachable over its unix socket for user $me: start it and create a role for this user."
  fi
}

write_config() {
  local addons=$odoo_root/odoo/addons
  # No without_demo key: Odoo 19 reads "without_demo = False" as "demo data in every new database".
  [ -d "$odoo_root/addons" ] && addons="$odoo_root/addons,$addons"
  cat > "$conf" <<CONF
[options]
addons_path = $addons,$here
data_dir = $cache/filestore
admin_passwd = admin
http_interface = 127.0.0.1
http_port = 8069
list_db = True
log_level = info
CONF
  cat > "$here/.odoo.env" <<ENV
ODOO_ROOT=$odoo_root
ODOO_BIN=$odoo_bin
ENV
}

main() {
  install_debian_packages
  if [ -n "${ODOO_SRC:-}" ]; then use_odoo_src "$ODOO_SRC"; else fetch_debian_odoo; fi
  setup_venv
  setup_node
  setup_postgres
  write_config
}

main "$@"
