#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, when they are missing: Dovecot (IMAP +
# LMTP), Chromium for Playwright, gnome-keyring with a D-Bus session bus for the OS keychain,
# GnuPG for OpenPGP interop, python3-stdnum (an independent identity-code validator), and Xvfb. Installs as root through apt; says exactly what is missing
# and how to get it when it cannot.
set -euo pipefail

# command → Debian package that provides it
declare -A NEEDED=(
  [dovecot]=dovecot-imapd
  [doveadm]=dovecot-imapd
  [/usr/lib/dovecot/lmtp]=dovecot-lmtpd
  [/usr/bin/chromium]=chromium
  [gnome-keyring-daemon]=gnome-keyring
  [dbus-run-session]=dbus
  [dbus-launch]=dbus-x11
  [secret-tool]=libsecret-tools
  [gpg]=gnupg
  [openssl]=openssl
  [xvfb-run]=xvfb
  # An independent identity-code validator to cross-check ours against.
  [/usr/lib/python3/dist-packages/stdnum/fi/hetu.py]=python3-stdnum
)

missing=()
for cmd in "${!NEEDED[@]}"; do
  if [[ "$cmd" == /* ]]; then
    [[ -e "$cmd" ]] || missing+=("${NEEDED[$cmd]}")
  else
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDED[$cmd]}")
  fi
done
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present"
  exit 0
fi

echo "system packages missing: ${missing[*]}"
if [[ "$(id -u)" -ne 0 ]]; then
  echo "ERROR: these Debian packages are needed and this script is not running as root." >&2
  echo "       Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ERROR: apt-get not found; install these packages with your system's package manager: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Dovecot's package starts a system-wide service on install; the tests run their own instances.
policy_rc=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$policy_rc" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy_rc" && chmod +x "$policy_rc" && created_policy=1
fi
trap '[[ $created_policy -eq 1 ]] && rm -f "$policy_rc"' EXIT

apt-get update -qq || { echo "ERROR: apt-get update failed (is the Debian mirror reachable?)" >&2; exit 1; }
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
  echo "ERROR: apt-get install failed for: ${missing[*]}" >&2
  exit 1
}
echo "system packages: installed ${missing[*]}"
