#!/usr/bin/env bash
# Builds and tests react-native-opencom on Linux, from a clean checkout:
#   1. npm ci (the committed package-lock.json; exact versions)
#   2. the server-mock binary
#   3. npm run ubrn:generate: TurboModule (TS API + C++ JSI + android/ios glue + podspec) and the
#      N-API flavour, from the unstripped debug opencom-ffi library; checked non-empty
#   4. tsc --noEmit (strict) over the hand-written layer, the generated TypeScript and the tests
#   5. the CommonJS build (lib/: the `react-native-opencom/jest` entry for apps)
#   6. the generated C++: g++ -std=c++20 -Wall -Werror against react-native 0.81.5's JSI headers,
#      linked with the Rust staticlib and -Wl,--no-undefined
#   7. examples/react-native-app typechecks against the package
#   8. Jest unit tests (provider + hooks on the in-memory fake)
#   9. Jest integration tests (the hooks on the real Rust client over N-API, against server-mock)
# Each build step counts as one check, each Jest test as one test. Prints a final
# `N passed, N failed` line and exits non-zero on any failure.
#
# Network: the npm registry (npm ci) and crates.io (cargo; ubrn's CLI is built with cargo on
# first use, ~4 min on 2 cores, then cached in ~/.cache/react-native-opencom). Node >= 20.19.4.
# RN_SKIP_INSTALL=1 reuses node_modules as they are (local iterations).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CI="${CI:-}"
reports="$here/build/reports"
rm -rf "$reports"
mkdir -p "$reports"

passed=0
failed=0
failures=()

summary() {
  echo
  if [ ${#failures[@]} -gt 0 ]; then
    echo "failed: ${failures[*]}"
  fi
  echo "${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# step NAME COMMAND...: runs a build step; one check passed or failed.
step() {
  local name="$1"
  shift
  echo
  echo "== $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "-- $name: ok ($((SECONDS - start)) s)"
    return 0
  fi
  failed=$((failed + 1))
  failures+=("$name")
  echo "-- $name: FAILED ($((SECONDS - start)) s)" >&2
  return 1
}

# jest_suite NAME ARGS...: runs a Jest project and adds its test counts.
jest_suite() {
  local name="$1"
  shift
  echo
  echo "== jest: $name"
  local json="$reports/jest-$name.json"
  local start=$SECONDS
  npx --no-install jest --config jest.config.js --ci --selectProjects "$name" --json --outputFile="$json" "$@"
  local code=$?
  if [ -s "$json" ]; then
    read -r p f < <(node -e '
      const r = require(process.argv[1]);
      // A suite that failed to run (syntax error, crash) has no passing tests: count it.
      const broken = r.testResults.filter((t) => t.status === "failed" && t.assertionResults.length === 0).length;
      console.log(r.numPassedTests, r.numFailedTests + broken);' "$json")
  else
    p=0
    f=1
  fi
  if [ "$code" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # Jest failed without a failing test (e.g. no test found): count it.
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -eq 0 ] || failures+=("jest $name")
  echo "-- jest $name: $p passed, $f failed ($((SECONDS - start)) s)"
}

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node >= 20.19.4 is required (found $(node --version))" >&2
  failed=$((failed + 1))
  summary
fi

if [ "${RN_SKIP_INSTALL:-0}" = "1" ] && [ -d node_modules ]; then
  echo "RN_SKIP_INSTALL=1: using node_modules as they are"
else
  step "npm ci" npm ci --no-audit --no-fund || summary
fi

step "server-mock binary" bash -c "cd '$root' && cargo build -j$CARGO_BUILD_JOBS -p server-mock --bin server-mock" || summary
step "generate (ubrn 0.31.0-5)" bash scripts/generate.sh || summary
step "tsc --noEmit (strict)" npx --no-install tsc --noEmit -p tsconfig.json
step "build lib/ (tsc)" npm run --silent build
step "C++: g++ -Wall -Werror + link --no-undefined" bash scripts/compile-cpp.sh
step "example app typechecks" npx --no-install tsc --noEmit -p "$root/examples/react-native-app/tsconfig.json"
jest_suite unit
SERVER_MOCK_BIN="$root/target/debug/server-mock" jest_suite integration --runInBand

summary
