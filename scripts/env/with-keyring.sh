#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring (Secret
# Service), so keychain code talks to a real OS keychain without touching the user's own.
# HOME and the XDG directories point at a fresh temporary directory: a keyring left from an
# earlier run with another password would otherwise stay locked.
# Usage: scripts/env/with-keyring.sh <command> [args…]
set -euo pipefail
if [[ $# -eq 0 ]]; then echo "usage: $0 <command> [args…]" >&2; exit 2; fi
for cmd in dbus-run-session gnome-keyring-daemon; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "ERROR: $cmd is missing; run scripts/env/ensure-system-packages.sh" >&2; exit 1; }
done

keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/sinetti-keyring-XXXXXX")"
# Clean-up never fails the command it wraps.
trap 'rm -rf "$keyring_home" 2>/dev/null || echo "warning: could not remove $keyring_home" >&2' EXIT
mkdir -p "$keyring_home/data" "$keyring_home/config" "$keyring_home/cache" "$keyring_home/runtime"
chmod 700 "$keyring_home/runtime"

# A random password per run; exported so tests can unlock the collection again after locking it.
SINETTI_KEYRING_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export SINETTI_KEYRING_PASSWORD
export SINETTI_REAL_HOME="${HOME:-}"
export HOME="$keyring_home" XDG_DATA_HOME="$keyring_home/data" XDG_CONFIG_HOME="$keyring_home/config" \
  XDG_CACHE_HOME="$keyring_home/cache" XDG_RUNTIME_DIR="$keyring_home/runtime"

# Tools like npm, Playwright and the Node binary cache look under HOME: keep them pointing at the
# real caches so nothing is re-downloaded.
if [[ -n "$SINETTI_REAL_HOME" ]]; then
  export npm_config_cache="${npm_config_cache:-$SINETTI_REAL_HOME/.npm}"
fi

dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf %s "$SINETTI_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  exec "$@"
' sinetti-keyring "$@"
