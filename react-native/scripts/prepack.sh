#!/usr/bin/env bash
# `prepack` (npm pack / npm publish): makes the tarball complete from a clean checkout.
#   1. scripts/generate.sh: the generated TypeScript (src/generated, src/native), the C++ JSI
#      glue and ubrn's vendored headers (cpp/), android/, ios/ and Opencom.podspec. It keeps
#      android/src/main/jniLibs and OpencomFfiFramework.xcframework (built by scripts/release.sh).
#   2. lib/: CommonJS + declarations of the package and of its `./jest` entry.
#   3. checks the entry points package.json names exist.
# First, with OPENCOM_REQUIRE_NATIVE=1 (scripts/release.sh sets it), it checks the native
# libraries for every Android ABI and the iOS xcframework, so that a release tarball cannot be
# missing them; without it, their absence is a warning.
# Its output goes to stderr: `npm pack --json` prints the file list on stdout.
set -euo pipefail
exec 1>&2
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

fail() {
  echo "prepack: $*" >&2
  exit 1
}

# The native libraries first: generation keeps them, so checking them first fails a release
# before the minute generation and lib/ take.
abis=$(node -e '
const yaml = require("fs").readFileSync("ubrn.config.yaml", "utf8");
const m = yaml.match(/^android:\n(?:(?:  .*)?\n)*?  targets:\n((?:    - .*\n)+)/m);
if (!m) { console.error("prepack: no android.targets in ubrn.config.yaml"); process.exit(1); }
console.log(m[1].split("\n").filter(Boolean).map((l) => l.replace(/^\s*-\s*/, "")).join(" "));
')
missing=()
for abi in $abis; do
  [ -s "android/src/main/jniLibs/$abi/libopencom_ffi.a" ] || missing+=("android/src/main/jniLibs/$abi/libopencom_ffi.a")
done
[ -d OpencomFfiFramework.xcframework ] || missing+=("OpencomFfiFramework.xcframework")
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${OPENCOM_REQUIRE_NATIVE:-0}" = "1" ]; then
    fail "native libraries missing (run scripts/release.sh android and ios first): ${missing[*]}"
  fi
  echo "prepack: WARNING: no native libraries (${missing[*]}): this tarball is for JavaScript" \
    "tests only and cannot be built into an app. Releases: README.md, \"Releasing\"." >&2
fi
bash scripts/generate.sh
echo "== build lib/ (tsc -p tsconfig.build.json)"
rm -rf lib
npx --no-install tsc -p tsconfig.build.json

node -e '
const pkg = require("./package.json");
const fs = require("fs");
const paths = [pkg.main, pkg.types];
for (const entry of Object.values(pkg.exports)) {
  if (typeof entry === "string") paths.push(entry);
  else paths.push(...Object.values(entry));
}
const missing = paths.filter((p) => !fs.existsSync(p));
if (missing.length) {
  console.error("prepack: package.json points at missing files: " + missing.join(", "));
  process.exit(1);
}
'

echo "prepack: ok"
