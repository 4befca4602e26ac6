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
COUCHDB_SUITES="test/integration/security.test.ts test/integration/sync-server.test.ts test/integration/manifest-api.test.ts test/integration/guard-attacks.test.ts"
rm -f test-results/vitest.json test-results/vitest-couchdb.json
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
# The security, sync and manifest API suites once more with Apache CouchDB as the store
# (test/helpers/couchdb.ts gives each test server its own CouchDB 3.4.3 node).
couchdb_reason=$(node --import tsx -e '
  import("./test/helpers/couchdb.ts").then(({ default: m }) => console.log(m.couchDbUnavailableReason() ?? ""));
')
if [ $# -eq 0 ] && [ -n "$couchdb_reason" ]; then
  echo "Skipping the suites against Apache CouchDB: $couchdb_reason"
elif [ $# -eq 0 ]; then
  DOCKHAND_TEST_STORE=couchdb npx vitest run --project integration \
    --reporter=default --reporter=json --outputFile.json=test-results/vitest-couchdb.json \
    $COUCHDB_SUITES || status=$?
fi
node -e '
  const fs = require("fs");
  const runs = ["vitest.json", "vitest-couchdb.json"]
    .map((f) => `./test-results/${f}`)
    .filter((f) => fs.existsSync(f))
    .map((f) => require(f));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  const skipped = sum("numPendingTests") + sum("numTodoTests");
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${skipped} skipped`);
'
exit $status
