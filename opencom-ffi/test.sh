#!/usr/bin/env bash
# Builds and tests opencom-ffi from the hosts' side:
#   1. the crate's Rust unit tests,
#   2. generate.sh: Python/Kotlin/Swift bindings from the unstripped library, checked
#      (non-empty, expected API names, C header through gcc),
#   3. the Python suite (pytest + pytest-asyncio) against the real cdylib and server-mock,
#   4. the Kotlin/JVM suite (Maven: Kotlin plugin, kotlinx-coroutines, JNA, JUnit 5).
# Prints a final `N passed, N failed, N skipped` line and exits non-zero on any failure.
# Nothing is skipped by default: a test a suite reports as skipped counts as failed (the suites
# assert what they need of server-mock instead of skipping).
#
# Idempotent and CI-safe: installs pytest/pytest-asyncio with pip when missing; Maven resolves
# from ~/.m2 (offline when everything is cached, OPENCOM_MVN_OFFLINE=1 forces offline).
# SKIP_KOTLIN=1 skips the JVM suite, for local iterations only (and says so); CI runs everything.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
ffi="$root/opencom-ffi"
cd "$root"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export PYTHONDONTWRITEBYTECODE=1
reports="$root/target/opencom-ffi/reports"
rm -rf "$reports"
mkdir -p "$reports"

passed=0
failed=0
skipped=0

summary() {
  echo
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
  [ "$failed" -eq 0 ]
  exit $?
}

# Adds the counts of a JUnit XML report (pytest and surefire both write one).
count_junit() {
  python3 - "$@" <<'EOF'
import sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    for suite in suites:
        tests = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        p += tests - bad - skip
        f += bad
        s += skip
print(p, f, s)
EOF
}

add() {
  passed=$((passed + $1))
  failed=$((failed + $2))
  skipped=$((skipped + ${3:-0}))
}

# Adds a suite's report counts; tests the suite skipped count as failed.
add_report() {
  local suite="$1" p="$2" f="$3" s="$4"
  if [ "$s" -gt 0 ]; then
    echo "$suite: $s test(s) skipped; a skip is a failure here (assert instead)" >&2
  fi
  add "$p" "$((f + s))"
}

echo "== opencom-ffi: Rust unit tests"
if cargo test -p opencom-ffi --lib 2>&1 | tee "$reports/cargo-test.log"; then
  read -r p f < <(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' \
    "$reports/cargo-test.log" | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
  add "$p" "$f"
else
  add 0 1
  echo "cargo test -p opencom-ffi failed" >&2
fi

echo "== server-mock binary"
if ! cargo build -p server-mock --bin server-mock; then
  add 0 1
  summary
fi

echo "== bindings (generate.sh)"
if "$ffi/generate.sh"; then
  add 1 0
else
  add 0 1
  echo "generate.sh failed: no host suite can run" >&2
  summary
fi

echo "== Python host tests"
if ! python3 -c "import pytest, pytest_asyncio" 2>/dev/null; then
  python3 -m pip install -q -r "$ffi/tests/python/requirements.txt" ||
    python3 -m pip install -q --break-system-packages -r "$ffi/tests/python/requirements.txt"
fi
(cd "$ffi/tests/python" &&
  python3 -m pytest -p no:cacheprovider -q --junitxml="$reports/python.xml")
if [ -f "$reports/python.xml" ]; then
  read -r p f s < <(count_junit "$reports/python.xml")
  add_report Python "$p" "$f" "$s"
else
  add 0 1
fi

echo "== Kotlin/JVM host tests"
if [ "${SKIP_KOTLIN:-0}" = "1" ]; then
  echo "SKIP_KOTLIN=1: the Kotlin/JVM suite was not run"
  add 0 0 1
elif ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "mvn or java missing (apt-get install maven openjdk-17-jdk-headless)" >&2
  add 0 1
else
  mvn_flags=(-B -q -Dstyle.color=never)
  [ "${OPENCOM_MVN_OFFLINE:-0}" = "1" ] && mvn_flags+=(-o)
  surefire="$root/target/opencom-ffi/kotlin-tests/surefire-reports"
  rm -rf "$surefire"
  mvn "${mvn_flags[@]}" -f "$ffi/tests/kotlin/pom.xml" test -Dopencom.root="$root"
  shopt -s nullglob
  xmls=("$surefire"/TEST-*.xml)
  if [ ${#xmls[@]} -gt 0 ]; then
    read -r p f s < <(count_junit "${xmls[@]}")
    add_report Kotlin "$p" "$f" "$s"
  else
    echo "the Kotlin suite produced no report (compilation failed?)" >&2
    add 0 1
  fi
fi

summary
