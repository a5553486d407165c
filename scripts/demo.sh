#!/usr/bin/env bash
# `npm run demo`: Sinetti against a local demo environment (a real Dovecot on loopback with seeded
# team mailboxes and a demo person). The desktop app where an Electron binary exists, otherwise
# the browser-hosted app, whose address is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
node scripts/require-node22.mjs
bash scripts/env/ensure-system-packages.sh
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${SINETTI_DEMO_IN_KEYRING:-}" ]; then
  # No desktop session (a server or container): give the demo its own private keyring.
  export SINETTI_DEMO_IN_KEYRING=1
  exec bash scripts/env/with-keyring.sh bash "$0" "$@"
fi
node scripts/build.mjs
exec node --import tsx scripts/demo/run-demo.ts
