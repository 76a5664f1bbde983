#!/usr/bin/env bash
# Release builds of the native libraries, then (with `pack`) the npm tarball. README.md,
# "Releasing", lists what each platform needs.
#
#   scripts/release.sh android   jniLibs/<abi>/libopencom_ffi.a for every ABI of ubrn.config.yaml
#                                (cargo-ndk + the Android NDK; Linux or macOS)
#   scripts/release.sh ios       OpencomFfiFramework.xcframework: device + simulators (macOS, Xcode)
#   scripts/release.sh pack      npm pack, refusing a tarball without both (OPENCOM_REQUIRE_NATIVE=1)
#   scripts/release.sh all       android, ios, pack on one (macOS) machine
#   --dry-run                    print the commands in order without running or checking anything
#
# Order: the bindings are generated first, from the UNSTRIPPED debug library (the generators
# read uniffi's metadata from its symbol table; the release-small profile strips), and the
# release libraries are built after, with `ubrn build … --profile release-small` and without
# `--and-generate` (that would generate from the stripped library: empty bindings). Generation
# keeps jniLibs/ and the xcframework (scripts/generate.sh), so `npm pack`'s prepack, which
# generates again, does not delete them either.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

profile="${OPENCOM_RELEASE_PROFILE:-release-small}"
dry_run=0
what=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    android | ios | pack | all) what+=("$arg") ;;
    *)
      echo "usage: scripts/release.sh android|ios|pack|all [--dry-run]" >&2
      exit 2
      ;;
  esac
done
[ ${#what[@]} -gt 0 ] || {
  echo "usage: scripts/release.sh android|ios|pack|all [--dry-run]" >&2
  exit 2
}
if [ "${what[*]}" = "all" ]; then
  what=(android ios pack)
fi

run() {
  echo "+ $*"
  [ "$dry_run" = 1 ] || "$@"
}

fail() {
  echo "release.sh: $*" >&2
  exit 1
}

android_abis() {
  node -e '
const yaml = require("fs").readFileSync("ubrn.config.yaml", "utf8");
const m = yaml.match(/^android:\n(?:(?:  .*)?\n)*?  targets:\n((?:    - .*\n)+)/m);
if (!m) { console.error("no android.targets in ubrn.config.yaml"); process.exit(1); }
console.log(m[1].split("\n").filter(Boolean).map((l) => l.replace(/^\s*-\s*/, "")).join(" "));'
}

rust_triple() {
  case "$1" in
    arm64-v8a) echo aarch64-linux-android ;;
    armeabi-v7a) echo armv7-linux-androideabi ;;
    x86_64) echo x86_64-linux-android ;;
    x86) echo i686-linux-android ;;
    *) fail "unknown ABI $1" ;;
  esac
}

need_rust_targets() {
  local installed
  installed=$(rustup target list --installed)
  for t in "$@"; do
    grep -qx "$t" <<<"$installed" || fail "Rust target $t is not installed: rustup target add $*"
  done
}

check_android() {
  [ "$dry_run" = 1 ] && return 0
  cargo ndk --version >/dev/null 2>&1 || fail "cargo-ndk is missing: cargo install cargo-ndk"
  local ndk="${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}"
  if [ -z "$ndk" ] && [ -n "${ANDROID_HOME:-}" ] && [ -d "$ANDROID_HOME/ndk" ]; then
    ndk=$(ls -d "$ANDROID_HOME"/ndk/* 2>/dev/null | sort -V | tail -1)
  fi
  [ -n "$ndk" ] && [ -d "$ndk" ] ||
    fail "no Android NDK: set ANDROID_NDK_HOME (sdkmanager --install 'ndk;27.1.12297006')"
  export ANDROID_NDK_HOME="$ndk"
  local triples=()
  for abi in $(android_abis); do triples+=("$(rust_triple "$abi")"); done
  need_rust_targets "${triples[@]}"
}

check_ios() {
  [ "$dry_run" = 1 ] && return 0
  [ "$(uname -s)" = Darwin ] || fail "iOS libraries build on macOS only (Xcode's xcodebuild and lipo)"
  command -v xcodebuild >/dev/null || fail "xcodebuild is missing: install Xcode and run xcode-select"
  need_rust_targets aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
}

verify_android() {
  [ "$dry_run" = 1 ] && return 0
  for abi in $(android_abis); do
    local lib="android/src/main/jniLibs/$abi/libopencom_ffi.a"
    [ -s "$lib" ] || fail "ubrn build android wrote no $lib"
    ls -l "$lib"
  done
}

verify_ios() {
  [ "$dry_run" = 1 ] && return 0
  [ -f OpencomFfiFramework.xcframework/Info.plist ] ||
    fail "ubrn build ios wrote no OpencomFfiFramework.xcframework"
  du -sh OpencomFfiFramework.xcframework
}

generated=0
generate_once() {
  if [ "$generated" = 0 ]; then
    run bash scripts/generate.sh
    generated=1
  fi
}

for step in "${what[@]}"; do
  case "$step" in
    android)
      check_android
      generate_once
      run bash scripts/ubrn.sh build android --config ubrn.config.yaml --profile "$profile"
      verify_android
      ;;
    ios)
      check_ios
      generate_once
      run bash scripts/ubrn.sh build ios --config ubrn.config.yaml --profile "$profile"
      verify_ios
      ;;
    pack)
      run env OPENCOM_REQUIRE_NATIVE=1 npm pack
      ;;
  esac
done
