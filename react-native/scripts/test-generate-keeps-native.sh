#!/usr/bin/env bash
# scripts/generate.sh (also run by prepack after a release build) keeps the native libraries:
# a fake android/src/main/jniLibs/arm64-v8a/libx.so and OpencomFfiFramework.xcframework survive
# a generation, byte for byte, while other stale files under android/ are still removed.
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
lib=android/src/main/jniLibs/arm64-v8a/libx.so
plist=OpencomFfiFramework.xcframework/Info.plist
stale=android/src/main/java/stale-from-an-old-ubrn.kt
made_framework=0
[ -e OpencomFfiFramework.xcframework ] || made_framework=1
cleanup() {
  rm -f "$lib"
  rmdir android/src/main/jniLibs/arm64-v8a android/src/main/jniLibs 2>/dev/null || true
  [ "$made_framework" = 0 ] || rm -rf OpencomFfiFramework.xcframework
}
trap cleanup EXIT
[ ! -e "$lib" ] || { echo "$lib exists already" >&2; exit 1; }
mkdir -p "$(dirname "$lib")" "$(dirname "$stale")"
head -c 4096 /dev/urandom >"$lib"
sum=$(sha256sum "$lib" | cut -d' ' -f1)
if [ "$made_framework" = 1 ]; then
  mkdir -p OpencomFfiFramework.xcframework
  echo '<plist version="1.0"><dict/></plist>' >"$plist"
fi
plist_sum=$(sha256sum "$plist" | cut -d' ' -f1)
echo stale >"$stale"

bash scripts/generate.sh >build/generate-keeps-native.log 2>&1 || {
  cat build/generate-keeps-native.log >&2
  echo "generate.sh failed" >&2
  exit 1
}
failures=0
[ -f "$lib" ] && [ "$(sha256sum "$lib" | cut -d' ' -f1)" = "$sum" ] ||
  { echo "not ok - $lib did not survive generation" >&2; failures=$((failures + 1)); }
[ -f "$plist" ] && [ "$(sha256sum "$plist" | cut -d' ' -f1)" = "$plist_sum" ] ||
  { echo "not ok - $plist did not survive generation" >&2; failures=$((failures + 1)); }
[ ! -e "$stale" ] || { echo "not ok - generation left the stale $stale" >&2; failures=$((failures + 1)); }
[ -s android/build.gradle ] || { echo "not ok - no android/build.gradle after generation" >&2; failures=$((failures + 1)); }
[ "$failures" -eq 0 ] && echo "ok - jniLibs and the xcframework survive generation; stale files do not"
[ "$failures" -eq 0 ]
