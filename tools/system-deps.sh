#!/usr/bin/env bash
# Installs the Debian packages the suite and the app need, only when missing:
# Chromium (browser tests), OpenLDAP (directory tests), Pango (WeasyPrint PDFs),
# the LDAP/SASL headers python-ldap compiles against, Node.js/npm for Bootstrap Italia,
# gettext's msgfmt (compiles the translations).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || need+=(slapd ldap-utils)
[ -e /usr/include/ldap.h ] || need+=(libldap2-dev)
[ -e /usr/include/sasl/sasl.h ] || need+=(libsasl2-dev)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Missing packages (${need[*]}) and not root: install them, then retry." >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
