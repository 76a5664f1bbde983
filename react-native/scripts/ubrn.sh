#!/usr/bin/env bash
# Runs the uniffi-bindgen-react-native CLI (ubrn 0.31.0-5, from node_modules) reproducibly:
#  - its npm package ships no Cargo.lock, so its dependencies would float on each fresh build:
#    scripts/ubrn-cli.Cargo.lock (resolved on 2026-11) is put in place before the first build;
#  - the CLI is built with cargo on first use (~4 min on 2 cores). Its target directory is kept
#    outside node_modules (UBRN_CLI_TARGET_DIR, default ~/.cache/react-native-opencom/ubrn-cli)
#    so that `npm ci` does not throw the build away and node_modules stays small;
#  - the cargo invocations ubrn itself makes see the caller's environment, not the CLI's.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
pkg="$here/node_modules/uniffi-bindgen-react-native"
[ -f "$pkg/bin/cli.cjs" ] || { echo "ubrn.sh: $pkg is missing: run npm ci first" >&2; exit 1; }
if [ ! -f "$pkg/Cargo.lock" ]; then
  cp "$here/scripts/ubrn-cli.Cargo.lock" "$pkg/Cargo.lock"
fi
mkdir -p "$pkg/target" # the CLI says "Building… first time" whenever this is absent
cli_target="${UBRN_CLI_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/react-native-opencom/ubrn-cli}"
# Build (or find up to date) the CLI in its own target directory, then run the binary directly
# rather than through bin/cli.cjs's `cargo run`: the cargo builds ubrn starts itself (`ubrn build
# android|ios` compiles opencom-ffi) must not inherit the CLI's CARGO_TARGET_DIR or its profile
# settings, so the release libraries land in the workspace's target/ as usual.
# A build tool, not something to debug: no debug info, no incremental cache (1.7 GB → a fraction).
CARGO_TARGET_DIR="$cli_target" CARGO_PROFILE_DEV_DEBUG=false CARGO_INCREMENTAL=0 \
  CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}" \
  cargo build --quiet --manifest-path "$pkg/crates/ubrn_cli/Cargo.toml" --bin uniffi-bindgen-react-native
exec "$cli_target/debug/uniffi-bindgen-react-native" "$@"
