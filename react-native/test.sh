#!/usr/bin/env bash
# Builds and tests react-native-opencom on Linux, from a clean checkout:
#   1. npm ci (the committed package-lock.json; exact versions)
#   2. the server-mock binary
#   3. npm pack (its prepack, scripts/prepack.sh: scripts/generate.sh — TurboModule, C++ JSI,
#      android/ios glue, podspec, vendored ubrn headers, N-API flavour, from the unstripped
#      debug opencom-ffi library, checked non-empty — and lib/); the packed file list
#      (`npm pack --json`) checked against the expected set (scripts/check-pack.js)
#   4. tsc --noEmit (strict) over the hand-written layer, the generated TypeScript and the tests
#   5. the generated C++: g++ -std=c++20 -Wall -Werror against react-native 0.81.5's JSI headers,
#      linked with the Rust staticlib and -Wl,--no-undefined
#   6. as the Android CMake file compiles it: clang++ -std=c++17 -Wall -Werror, the generated C++
#      and android/cpp-adapter.cpp (fbjni headers from Maven Central; clang via apt-get if absent)
#   7. the Kotlin module + codegen's Java spec against react-android 0.81.5 (Maven)
#   8. scripts/release.sh: order and arguments (dry run), toolchain checks
#   9. examples/react-native-app typechecks against the package
#  10. fixtures/app, a React Native 0.81 app: installs the tarball, tsc, Metro bundles for
#      android and ios, its own Jest test through react-native-opencom/jest
#  11. Jest unit tests (provider + hooks on the in-memory fake)
#  12. Jest integration tests (the hooks on the real Rust client over N-API, against server-mock)
#  13. generation keeps built jniLibs/ and the xcframework; `release.sh all` end to end with the
#      real ubrn and stand-ins for cargo-ndk/Xcode: the libraries land where CMake and the
#      podspec look and the release tarball holds them
# Each build step counts as one check, each Jest test as one test. Prints a final
# `N passed, N failed` line and exits non-zero on any failure.
#
# Network: the npm registry (npm ci, the fixture's npm install), crates.io (cargo; ubrn's CLI is
# built with cargo on first use, ~4 min on 2 cores, then cached in ~/.cache/react-native-opencom),
# Maven Central (~/.m2) and apt (clang, when missing). Node >= 20.19.4, a JDK and Maven.
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

# jest_counts NAME JSON CODE: adds the test counts of a Jest --json report.
jest_counts() {
  local name="$1" json="$2" code="$3"
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
  echo "-- jest $name: $p passed, $f failed"
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
  jest_counts "$name" "$json" $?
  echo "   ($((SECONDS - start)) s)"
}

# fixture_jest: the fixture app's own Jest test, run from its directory with its own config.
fixture_jest() {
  echo
  echo "== jest: fixture app (react-native-opencom/jest from the installed tarball)"
  local json="$reports/jest-fixture.json"
  local start=$SECONDS
  (cd fixtures/app && npx --no-install jest --ci --json --outputFile="$json")
  jest_counts fixture "$json" $?
  echo "   ($((SECONDS - start)) s)"
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
pack_dir="$here/build/pack"
rm -rf "$pack_dir"
mkdir -p "$pack_dir"
# prepack (scripts/prepack.sh) generates and builds lib/; its output goes to stderr, the file
# list (JSON) to stdout.
step "npm pack (prepack: generate + lib/)" \
  bash -c "npm pack --json --pack-destination '$pack_dir' >'$pack_dir/pack.json'" || summary
tarball="$pack_dir/$(node -p "require('$pack_dir/pack.json')[0].filename")"
step "packed file list (npm pack --json) as expected" node scripts/check-pack.js "$pack_dir/pack.json"
# What `npm pack --dry-run` (as a reviewer runs it) would pack, on the tree prepack just made.
step "npm pack --dry-run --json lists the same files" bash -c "
  npm pack --dry-run --json --ignore-scripts >'$pack_dir/dry-run.json' 2>/dev/null &&
  node scripts/check-pack.js '$pack_dir/dry-run.json' --same-as '$pack_dir/pack.json'"
step "tsc --noEmit (strict)" npx --no-install tsc --noEmit -p tsconfig.json
step "C++: g++ -Wall -Werror + link --no-undefined" bash scripts/compile-cpp.sh
step "C++ as android/CMakeLists.txt: clang++ -std=c++17 -Werror (+ cpp-adapter)" bash scripts/compile-android-cpp.sh
step "Kotlin module + Java spec against react-android (Maven)" bash scripts/compile-android-kotlin.sh
step "release.sh: order, arguments, toolchain checks" bash scripts/test-release.sh
step "example app typechecks" npx --no-install tsc --noEmit -p "$root/examples/react-native-app/tsconfig.json"
if step "fixture app: npm install the tarball" bash scripts/test-fixture.sh install "$tarball"; then
  step "fixture app: tsc" bash scripts/test-fixture.sh typecheck
  step "fixture app: Metro bundles android + ios" bash scripts/test-fixture.sh bundle
  fixture_jest
fi
jest_suite unit
SERVER_MOCK_BIN="$root/target/debug/server-mock" jest_suite integration --runInBand
step "generate keeps built jniLibs/ and the xcframework" bash scripts/test-generate-keeps-native.sh
step "release.sh all on stand-in toolchains: ubrn's commands, jniLibs + xcframework packed" \
  bash scripts/test-release-fake-toolchain.sh

summary
