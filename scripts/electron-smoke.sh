#!/usr/bin/env bash
# The Electron smoke test (test/e2e-electron). Where no Electron binary exists (this project's
# build machines cannot download it), print why and succeed: the skip is visible, not silent.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

reason='Electron smoke test skipped: Electron binary not available on this machine (no download access); run `npx install-electron` where it is'

binary=""
path_txt="node_modules/electron/path.txt"
platform_path=""
[ -f "$path_txt" ] && platform_path="$(tr -d '\r\n' < "$path_txt")"
if [ -n "${ELECTRON_OVERRIDE_DIST_PATH:-}" ]; then
  binary="$ELECTRON_OVERRIDE_DIST_PATH/${platform_path:-electron}"
elif [ -n "$platform_path" ]; then
  binary="node_modules/electron/dist/$platform_path"
fi

if [ -z "$binary" ] || [ ! -e "$binary" ]; then
  echo "$reason"
  # Counted as skipped in the closing summary of `npm test`, with the reason.
  if [ -n "${SINETTI_TEST_RESULTS:-}" ]; then
    count="$(grep -cE '^\s*test\(' test/e2e-electron/electron-smoke.spec.ts || true)"
    printf '{"skippedLayer":"Electron smoke test","skipped":%s,"reason":"%s"}\n' "${count:-0}" "no Electron binary on this machine" >"$SINETTI_TEST_RESULTS/electron-smoke.json"
  fi
  exit 0
fi

for built in dist/electron/main.cjs dist/electron/preload.cjs dist/renderer/index.html; do
  if [ ! -f "$built" ]; then
    echo "Electron smoke test: $built is missing, building first"
    node scripts/build.mjs
    break
  fi
done

run=(playwright test -c test/e2e-electron/playwright.config.ts "$@")
if [ -n "${SINETTI_TEST_RESULTS:-}" ]; then
  export PLAYWRIGHT_JSON_OUTPUT_NAME="$SINETTI_TEST_RESULTS/electron-smoke.json"
  run+=(--reporter=list,json)
fi
if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
  run=(xvfb-run -a "${run[@]}")
fi
if [ -f scripts/env/with-keyring.sh ]; then
  exec bash scripts/env/with-keyring.sh "${run[@]}"
fi
exec "${run[@]}"
