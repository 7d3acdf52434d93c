#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine: npm packages (from the
# lock file) and Debian's influxdb, postgresql, chromium, nginx and slapd (with ldap-utils). Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/../.."

need_npm=0
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ]; then
  need_npm=1
elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
  need_npm=1
fi
if [ "$need_npm" = 1 ]; then
  echo "==> installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(influxdb postgresql chromium nginx slapd)
missing=()
for pkg in "${want[@]}"; do
  case "$pkg" in
    influxdb) [ -x /usr/bin/influxd ] || missing+=(influxdb) ;;
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    nginx) [ -x /usr/sbin/nginx ] || missing+=(nginx) ;;
    # The LDAP suites run their own slapd (startSlapd of libs/testing) and load it with ldapadd.
    slapd) { [ -x /usr/sbin/slapd ] && [ -x /usr/bin/ldapadd ]; } || missing+=(slapd ldap-utils) ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The Debian packages start system services; the project runs its own throwaway instances.
  for svc in influxdb nginx postgresql slapd; do
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
  done
fi
