#!/usr/bin/env bash
# The app's-eye test (fixtures/app, a minimal React Native 0.81 app), one step per call:
#   install    npm install --no-save <the packed tarball> (as an app installs it: no path
#              mapping, no workspace link; the rest from the fixture's package-lock.json)
#   typecheck  tsc over the app against the installed package's declarations
#   bundle     Metro bundles index.js for android and ios (scripts/bundle.js)
# (its Jest test is run by test.sh, which counts its tests).
# Usage: scripts/test-fixture.sh install <tarball> | typecheck | bundle
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
app="$here/fixtures/app"
if [ "${1:-}" = install ]; then
  [ -f "${2:-}" ] || { echo "test-fixture.sh: no tarball ${2:-}" >&2; exit 1; }
  tarball="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
fi
cd "$app"
fail() {
  echo "test-fixture.sh: $*" >&2
  exit 1
}
case "${1:-}" in
  install)
    rm -rf build node_modules/react-native-opencom
    npm install --no-save --no-audit --no-fund --prefer-offline "$tarball"
    installed=node_modules/react-native-opencom
    [ -f "$installed/package.json" ] && [ ! -L "$installed" ] || fail "$installed is not an installed copy"
    node -e '
const pkg = require("./node_modules/react-native-opencom/package.json");
const want = require(process.argv[1]).version;
if (pkg.version !== want) { console.error(`installed ${pkg.version}, packed ${want}`); process.exit(1); }
console.log(`installed react-native-opencom ${pkg.version} from the tarball`);' "$here/package.json"
    ;;
  typecheck)
    npx --no-install tsc --noEmit -p tsconfig.json
    ;;
  bundle)
    node scripts/bundle.js
    ;;
  *)
    fail "usage: scripts/test-fixture.sh install <tarball> | typecheck | bundle"
    ;;
esac
