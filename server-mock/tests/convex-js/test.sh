#!/usr/bin/env bash
# The official Convex JavaScript client (npm `convex`, pinned) against the server-mock binary:
# installs the pinned packages, builds the binary, runs test.mjs with node:test and prints a
# final `N passed, N failed` line. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# The binary: $SERVER_MOCK_BIN if set; else built by cargo, its path taken from cargo's JSON
# (honours CARGO_TARGET_DIR). SERVER_MOCK_BUILD=workspace takes the binary `cargo test
# --workspace` builds (a no-op right after that command, as in scripts/test-all, where a
# `-p server-mock` build would rebuild dependencies with other features).
if [ -z "${SERVER_MOCK_BIN:-}" ]; then
  if [ "${SERVER_MOCK_BUILD:-}" = workspace ]; then
    build=(cargo test -q --workspace --no-run --message-format=json)
  else
    build=(cargo build -q -p server-mock --bin server-mock --message-format=json)
  fi
  bin=$("${build[@]}" | node -e '
    let found = "";
    require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
      const m = JSON.parse(line);
      if (m.reason === "compiler-artifact" && m.executable && m.target.name === "server-mock" &&
          m.target.kind.includes("bin") && !m.profile.test) found = m.executable;
    }).on("close", () => { if (!found) process.exit(1); console.log(found); });
  ')
fi
export SERVER_MOCK_BIN="${SERVER_MOCK_BIN:-$bin}"

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
