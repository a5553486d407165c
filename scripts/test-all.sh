#!/usr/bin/env bash
# Every test, in one command (`npm test`): static checks, unit tests, integration tests against a
# real Dovecot and a real gnome-keyring, end-to-end tests in Debian's Chromium through the
# browser host, and the Electron smoke test where an Electron binary exists.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
node scripts/require-node22.mjs

results=.tmp/test-results
rm -rf "$results" && mkdir -p "$results"

# This run's own temporary root (0711, owned by the run, reachable by the servers' own users even
# from a checkout in a private directory), exported as TMPDIR to every step: all servers, GnuPG
# homes, keyrings and Chromium profiles of the run live under it, so two runs on one machine never
# touch each other's. Clean-up stops only what this run left under it and never fails the run.
run_root="$(node --import tsx scripts/env/run-root.ts create sinetti-run-)"
outer_tmpdir="${TMPDIR:-/tmp}"
export TMPDIR="$run_root"
# The cleaner runs outside the root it removes (tsx keeps a cache in TMPDIR).
trap 'TMPDIR="$outer_tmpdir" node --import tsx scripts/env/run-root.ts clean "$run_root" || echo "warning: could not clean $run_root" >&2' EXIT
echo "temporary files of this run: $run_root"

step() { printf '\n=== %s ===\n' "$1"; }

step "system packages"
bash scripts/env/ensure-system-packages.sh

step "type check and lint"
tsc -p tsconfig.json --noEmit
eslint . --max-warnings 0
prettier --check . > /dev/null || { prettier --list-different .; echo 'Formatting differs from Prettier: run npm run format'; exit 1; }
# Electron security anti-patterns: zero findings above informational unless justified next to the code.
node --import tsx scripts/electronegativity-check.ts

step "build"
node scripts/build.mjs

step "unit tests"
vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"

step "integration tests (Dovecot, LMTP, gnome-keyring)"
bash scripts/env/with-keyring.sh vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json"

step "end-to-end tests (Chromium through the browser host)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" bash scripts/env/with-keyring.sh playwright test -c test/e2e/playwright.config.ts --reporter=list,json

step "Electron smoke test"
SINETTI_TEST_RESULTS="$results" bash scripts/electron-smoke.sh

node scripts/summarize-tests.mjs "$results"
