#!/usr/bin/env bash
# Runs the uniffi-bindgen-react-native CLI (ubrn 0.31.0-5, from node_modules) reproducibly:
#  - its npm package ships no Cargo.lock, so its dependencies would float on each fresh build:
#    scripts/ubrn-cli.Cargo.lock (resolved on 2026-11) is used, with --locked;
#  - the CLI is built with cargo on first use (~4 min on 2 cores), from a copy of its sources in
#    ~/.cache/react-native-opencom/ubrn-src-<version>-<lock hash> into the target directory
#    UBRN_CLI_TARGET_DIR (default ~/.cache/react-native-opencom/ubrn-cli): the build survives
#    `npm ci` and fresh checkouts, and every checkout shares it (cargo fingerprints path crates by
#    their location, so building from each checkout's node_modules rebuilt the CLI per checkout);
#  - the cargo invocations ubrn itself makes see the caller's environment, not the CLI's.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
pkg="$here/node_modules/uniffi-bindgen-react-native"
[ -f "$pkg/bin/cli.cjs" ] || { echo "ubrn.sh: $pkg is missing: run npm ci first" >&2; exit 1; }
cache="${XDG_CACHE_HOME:-$HOME/.cache}/react-native-opencom"
version=$(node -p "require('$pkg/package.json').version")
lock_hash=$(sha256sum "$here/scripts/ubrn-cli.Cargo.lock" | cut -c1-12)
src="$cache/ubrn-src-$version-$lock_hash"
if [ ! -f "$src/.complete" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$src.tmp.XXXXXX")
  (cd "$pkg" && tar cf - --exclude=./node_modules --exclude=./target .) | (cd "$tmp" && tar xf -)
  cp "$here/scripts/ubrn-cli.Cargo.lock" "$tmp/Cargo.lock"
  touch "$tmp/.complete"
  # Another run may have won the race: then its copy (the same files) stays.
  mv -T "$tmp" "$src" 2>/dev/null || rm -rf "$tmp"
fi
cli_target="${UBRN_CLI_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/react-native-opencom/ubrn-cli}"
# Build (or find up to date) the CLI in its own target directory, then run the binary directly
# rather than through bin/cli.cjs's `cargo run`: the cargo builds ubrn starts itself (`ubrn build
# android|ios` compiles opencom-ffi) must not inherit the CLI's CARGO_TARGET_DIR or its profile
# settings, so the release libraries land in the workspace's target/ as usual.
# A build tool, not something to debug: no debug info, no incremental cache (1.7 GB → a fraction).
CARGO_TARGET_DIR="$cli_target" CARGO_PROFILE_DEV_DEBUG=false CARGO_INCREMENTAL=0 \
  CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}" \
  cargo build --quiet --locked --manifest-path "$src/crates/ubrn_cli/Cargo.toml" --bin uniffi-bindgen-react-native
exec "$cli_target/debug/uniffi-bindgen-react-native" "$@"
