#!/usr/bin/env bash
# What can be tested of scripts/release.sh on a machine without the NDK or Xcode: its
# arguments, the order of its commands (generation before the native builds, release-small,
# never --and-generate, the pack last with OPENCOM_REQUIRE_NATIVE=1), and that it stops with a
# clear message, before running anything, when a toolchain is missing.
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
failures=0
check() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok - $name"
  else
    echo "not ok - $name" >&2
    failures=$((failures + 1))
  fi
}

expected_all='+ bash scripts/generate.sh
+ bash scripts/ubrn.sh build android --config ubrn.config.yaml --profile release-small
+ bash scripts/ubrn.sh build ios --config ubrn.config.yaml --profile release-small
+ env OPENCOM_REQUIRE_NATIVE=1 npm pack'
all=$(bash scripts/release.sh all --dry-run)
check "all: generate once, android, ios, then pack" diff <(echo "$expected_all") <(echo "$all")

android=$(bash scripts/release.sh android --dry-run)
check "android: generate, then ubrn build android with release-small" \
  diff <(printf '%s\n' '+ bash scripts/generate.sh' \
    '+ bash scripts/ubrn.sh build android --config ubrn.config.yaml --profile release-small') <(echo "$android")

ios=$(bash scripts/release.sh ios --dry-run)
check "ios: generate, then ubrn build ios with release-small" \
  diff <(printf '%s\n' '+ bash scripts/generate.sh' \
    '+ bash scripts/ubrn.sh build ios --config ubrn.config.yaml --profile release-small') <(echo "$ios")

check "no command generates from the (stripped) release library" \
  bash -c '! grep -qE -- "--and-generate|(^| )-g( |$)" <<<"$0"' "$all$android$ios"

bash scripts/release.sh bogus >/dev/null 2>&1
check "an unknown argument is a usage error (exit 2)" test $? -eq 2

missing=$(ANDROID_NDK_HOME=/nonexistent ANDROID_NDK_ROOT= ANDROID_HOME= bash scripts/release.sh android 2>&1)
code=$?
check "android without an NDK fails" test "$code" -ne 0
check "... naming cargo-ndk or the NDK" grep -qi "cargo-ndk\|NDK" <<<"$missing"
check "... before running anything" bash -c '! grep -q "^+ " <<<"$0"' "$missing"

if [ "$(uname -s)" != Darwin ]; then
  off_mac=$(bash scripts/release.sh ios 2>&1)
  code=$?
  check "ios off macOS fails" test "$code" -ne 0
  check "... saying it needs macOS, before running anything" \
    bash -c 'grep -q "macOS" <<<"$0" && ! grep -q "^+ " <<<"$0"' "$off_mac"
fi

[ "$failures" -eq 0 ]
