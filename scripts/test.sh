#!/usr/bin/env bash
# `npm test`: every check and every test — types, lint, format, the production build, then the
# unit, integration (real servers) and end-to-end (real Chromium) suites. Prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
npx tsc --noEmit
npx eslint . --max-warnings 0
npx prettier --check . --log-level warn
npm run build
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
node -e '
  const r = require("./test-results/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
'
exit $status
