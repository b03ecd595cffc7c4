#!/usr/bin/env bash
# ctest's entry to a browser test: runs it with node, or skips (exit 77, ctest's SKIP_RETURN_CODE
# for these tests) with the reason when node is missing. The test itself skips the same way
# when playwright-core or chromium is missing.
#   usage: run_browser_test.sh TEST.mjs   (SWAPI_BIN names the binary)
set -euo pipefail
if ! command -v node >/dev/null; then
  echo "SKIPPED: node is not installed (the browser tests need Node.js 20 or later)"
  echo "  hint: apt-get install nodejs npm, then SWAPI_SETUP_BROWSER=1 scripts/setup"
  exit 77
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if (( major < 20 )); then  # playwright-core's own "engines": node >= 20
  echo "SKIPPED: node $(node --version) is too old for playwright-core (it needs Node.js 20 or later)"
  echo "  hint: install Node.js 20 or later"
  exit 77
fi
exec node "$@"
