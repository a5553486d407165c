#!/usr/bin/env bash
# `npm run bench`: figures, not pass/fail. Needs the Debian packages the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
node scripts/require-node22.mjs
bash scripts/env/ensure-system-packages.sh
node --expose-gc --import tsx bench/header-sync.bench.ts
node --import tsx bench/openpgp.bench.ts
node --import tsx bench/open-encrypted.bench.ts
node --import tsx bench/policy.bench.ts
node --import tsx bench/bombs.bench.ts
# Cold start of the browser host to the first rows of a 50,000-message INBOX (needs the build and a keyring).
[ -f dist/browser-host/cli.mjs ] && [ -f dist/renderer/index.html ] || node scripts/build.mjs
bash scripts/env/with-keyring.sh node --import tsx bench/cold-start.bench.ts
node --import tsx bench/claim-latency.bench.ts
node --import tsx bench/team-board.bench.ts
node --import tsx bench/search.bench.ts
node --import tsx bench/audit.bench.ts
exec node --import tsx bench/send.bench.ts
