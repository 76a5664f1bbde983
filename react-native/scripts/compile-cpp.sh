#!/usr/bin/env bash
# Compiles the generated C++ (JSI bindings + TurboModule installer) with g++ -std=c++20 -Wall
# -Werror against react-native 0.81.5's JSI and CallInvoker headers and ubrn's C++ runtime
# headers (the copy vendored into the package: cpp/uniffi-bindgen-react-native/includes), and
# links it into a shared library together with React Native's jsi.cpp and the Rust
# staticlib (target/debug/libopencom_ffi.a) with -Wl,--no-undefined: every symbol the generated
# code calls exists in the Rust library. Hermes itself is not available on Linux: this checks
# compile + link, not run time. Output in build/cpp/.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"
out=build/cpp
staticlib="$root/target/debug/libopencom_ffi.a"
rn=node_modules/react-native/ReactCommon
[ -s cpp/generated/opencom_ffi.cpp ] || { echo "compile-cpp.sh: run npm run ubrn:generate first" >&2; exit 1; }
[ -f "$staticlib" ] || { echo "compile-cpp.sh: no $staticlib" >&2; exit 1; }
grep -q '"version": "0.81.5"' node_modules/react-native/package.json ||
  { echo "compile-cpp.sh: react-native 0.81.5 expected in node_modules" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
flags=(-std=c++20 -Wall -Werror -fPIC -O0
  -I "$rn/jsi" -I "$rn/callinvoker"
  -I cpp/uniffi-bindgen-react-native/includes
  -I cpp -I cpp/generated)

compile() {
  echo "g++ ${1}"
  g++ "${flags[@]}" -c "$1" -o "$out/$2.o"
}
# Two at a time (2 cores): the large generated file, and the two small ones after each other.
compile cpp/generated/opencom_ffi.cpp opencom_ffi &
big=$!
compile cpp/react-native-opencom.cpp react-native-opencom
compile "$rn/jsi/jsi/jsi.cpp" jsi
wait "$big"

echo "link $out/libreact-native-opencom.so (-Wl,--no-undefined, Rust staticlib)"
g++ -shared -o "$out/libreact-native-opencom.so" \
  "$out/react-native-opencom.o" "$out/opencom_ffi.o" "$out/jsi.o" \
  "$staticlib" -Wl,--no-undefined -Wl,--gc-sections -lpthread -ldl -lm

# The installer the platform glue calls is there, and defined.
nm -DC --defined-only "$out/libreact-native-opencom.so" >"$out/symbols.txt"
grep -q 'opencom::installRustCrate' "$out/symbols.txt" ||
  { echo "compile-cpp.sh: opencom::installRustCrate is not exported" >&2; exit 1; }
ls -l "$out/libreact-native-opencom.so"
