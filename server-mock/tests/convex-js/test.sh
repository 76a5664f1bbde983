#!/usr/bin/env bash
# The official Convex JavaScript client (npm `convex`, pinned) against the server-mock binary:
# installs the pinned packages, builds the binary, runs test.mjs with node:test and prints a
# final `N passed, N failed` line. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# Build the binary and take its path from cargo (honours CARGO_TARGET_DIR).
bin=$(cargo build -q -p server-mock --bin server-mock --message-format=json \
  | node -e '
    let last = "";
    require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
      const m = JSON.parse(line);
      if (m.reason === "compiler-artifact" && m.executable && m.target.name === "server-mock") last = m.executable;
    }).on("close", () => { if (!last) process.exit(1); console.log(last); });
  ')
export SERVER_MOCK_BIN="$bin"

tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
status=0
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" test.mjs || status=$?
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap")
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap")
echo "convex-js: ${passed:-0} passed, ${failed:-0} failed"
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then
  exit 1
fi
