#!/usr/bin/env bash
# Generates the Python, Kotlin and Swift bindings of opencom-ffi and checks them.
#
#   opencom-ffi/generate.sh            # → target/opencom-ffi/bindings/{python,kotlin,swift}
#   OPENCOM_FFI_BINDINGS=/some/dir opencom-ffi/generate.sh
#
# The generators read uniffi's metadata from the library's symbol table, so they run on the
# UNSTRIPPED debug library (a stripped one makes them write nothing, with exit code 0): the
# script refuses a library without metadata symbols and fails if any output is empty or lacks the
# expected API. The bindgen binary is built in its own cargo invocation and target directory, so
# uniffi's `cli` feature never reaches the shipped library.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${OPENCOM_FFI_BINDINGS:-$root/target/opencom-ffi/bindings}"
jobs="${CARGO_BUILD_JOBS:-2}"

fail() {
  echo "generate.sh: $*" >&2
  exit 1
}

echo "== build opencom-ffi (debug, unstripped)"
cargo build -j"$jobs" -p opencom-ffi --lib
lib="$root/target/debug/libopencom_ffi.so"
[ -f "$lib" ] || fail "no $lib"
meta=$(nm -D --defined-only "$lib" | grep -c UNIFFI_META || true)
[ "$meta" -gt 0 ] || fail "$lib has no UNIFFI_META symbols (stripped?): the bindings would be empty"

echo "== build uniffi-bindgen (own invocation)"
(cd opencom-ffi/uniffi-bindgen &&
  cargo build -j"$jobs" --locked --target-dir "$root/target/uniffi-bindgen")
bindgen="$root/target/uniffi-bindgen/debug/uniffi-bindgen"

rm -rf "$out"
mkdir -p "$out"
for lang in python kotlin swift; do
  echo "== generate $lang"
  "$bindgen" generate "$lib" --language "$lang" --no-format \
    --config opencom-ffi/uniffi.toml --out-dir "$out/$lang" >/dev/null
done
# The Python module loads the library from its own directory.
cp "$lib" "$out/python/"

py="$out/python/opencom_ffi.py"
kt="$out/kotlin/com/opencom/sdk/opencom_ffi.kt"
swift="$out/swift/OpencomFFI.swift"
header="$out/swift/OpencomFFIFFI.h"
modulemap="$out/swift/OpencomFFIFFI.modulemap"
for f in "$py" "$kt" "$swift" "$header" "$modulemap"; do
  [ -s "$f" ] || fail "empty or missing output: $f"
done

# The expected API is there, under the expected names.
expect() {
  local file="$1"
  shift
  for pattern in "$@"; do
    grep -q -- "$pattern" "$file" || fail "$(basename "$file") lacks \`$pattern\`"
  done
}
expect "$py" "class OpencomClient" "class ClientBuilder" "async def build" "async def identify" \
  "class OpencomError" "def watch_messages" "class Storage" "class Subscription" "def set_log_sink" \
  "class Delivery" "class SurveysClient" "def watch_triggers" "class AiAgentClient" \
  "class OutboundMessagesListener"
expect "$kt" "package com.opencom.sdk" "open class OpencomClient" "suspend fun \`build\`" \
  "suspend fun \`identify\`" "sealed class OpencomException" "interface MessagesListener" \
  "interface Storage" "fun \`watchMessages\`" "fun \`cancel\`" "enum class Delivery" \
  "open class ToursClient" "interface ChecklistsListener" "fun \`aiAgent\`"
expect "$swift" "open class OpencomClient" "open class ClientBuilder" "func build() async throws" \
  "func identify(user: User) async throws" "public enum OpencomError" \
  "public protocol MessagesListener" "public protocol Storage" "func watchMessages(" \
  "import OpencomFFIFFI" "open class CarouselsClient" "public protocol SurveysListener"

echo "== C header syntax (gcc)"
# Included from a translation unit (as a Swift/Kotlin build would), warnings are errors.
echo '#include "OpencomFFIFFI.h"' |
  gcc -fsyntax-only -Wall -Wextra -Werror -D_Nonnull= -D_Nullable= -I "$out/swift" -x c -

echo "bindings: $out"
wc -c "$py" "$kt" "$swift" "$header" | sed 's/^/  /'
