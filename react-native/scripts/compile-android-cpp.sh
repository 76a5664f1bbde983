#!/usr/bin/env bash
# Compiles the package's C++ as android/CMakeLists.txt does, as far as a Linux machine without
# the Android NDK allows: clang++ with CMakeLists.txt's language standard (C++17) and flags
# (-Wall -Werror -fexceptions -frtti -fstack-protector-all -O2), its include directories (read
# from the file: the TurboModule, the generated bindings, the vendored ubrn headers) and its
# sources (read from the file too, android/cpp-adapter.cpp included), against
#   - react-native 0.81.5 (npm): ReactCommon/jsi, ReactCommon/callinvoker, and ReactAndroid's
#     CallInvokerHolder.h (what prefab's ReactAndroid::reactnative exports for cpp-adapter.cpp);
#   - fbjni 0.7.0's headers, from its AAR on Maven Central (React Native 0.81's version);
#   - the JDK's jni.h (the NDK's declares the same JNI interface).
# The host (x86_64 Linux) is the target: no NDK sysroot here, so this checks the code compiles
# under the Android flags, not that it links for arm64 (scripts/compile-cpp.sh links the glue
# with the Rust library on the host). Downloads go to ~/.m2 (Maven) and build/android-cpp/.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
out=build/android-cpp
rn=node_modules/react-native
fail() {
  echo "compile-android-cpp.sh: $*" >&2
  exit 1
}
[ -s android/CMakeLists.txt ] || fail "run npm run ubrn:generate first"

if ! command -v clang++ >/dev/null; then
  echo "clang++ not found: installing clang (apt-get)"
  if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq clang >/dev/null
fi
clang++ --version | head -1

rm -rf "$out"
mkdir -p "$out/fbjni"
fbjni_version=$(sed -n 's/^fbjni = "\(.*\)"$/\1/p' "$rn/gradle/libs.versions.toml")
[ -n "$fbjni_version" ] || fail "no fbjni version in $rn/gradle/libs.versions.toml"
mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="com.facebook.fbjni:fbjni:$fbjni_version:aar" \
  -DoutputDirectory="$out" -Dmdep.useBaseVersion=true
(cd "$out/fbjni" && unzip -q "../fbjni-$fbjni_version.aar" 'prefab/modules/fbjni/include/*')
fbjni_include="$out/fbjni/prefab/modules/fbjni/include"
[ -f "$fbjni_include/fbjni/fbjni.h" ] || fail "no fbjni.h in fbjni $fbjni_version's AAR"

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -f "$java_home/include/jni.h" ] || fail "no jni.h under $java_home (set JAVA_HOME to a JDK)"

# Read what CMakeLists.txt compiles and includes (paths relative to android/).
read_cmake() {
  node -e '
const fs = require("fs");
const cmake = fs.readFileSync("android/CMakeLists.txt", "utf8");
const vars = { CMAKE_SOURCE_DIR: "." };
for (const m of cmake.matchAll(/set\s*\(\s*(\w+)\s+"([^"]+)"\s*\)/g)) vars[m[1]] = m[2];
const expand = (s) => s.replace(/\$\{(\w+)\}/g, (_, v) => { if (!(v in vars)) throw new Error("unknown ${" + v + "}"); return expand(vars[v]); });
const block = (fn) => { const m = cmake.match(new RegExp(fn + "\\s*\\(([^)]*)\\)")); if (!m) throw new Error("no " + fn); return m[1].split(/\s+/).filter(Boolean); };
const std = (cmake.match(/CMAKE_CXX_STANDARD\s+(\d+)/) || [])[1];
const flags = [...cmake.matchAll(/set\s*\(\s*CMAKE_CXX_FLAGS\s+"\$\{CMAKE_CXX_FLAGS\}\s+([^"]+)"\s*\)/g)].map((m) => m[1].trim());
const what = process.argv[1];
if (what === "std") console.log(std);
if (what === "flags") console.log(flags.join("\n"));
if (what === "includes") console.log(block("include_directories").map(expand).join("\n"));
if (what === "sources") console.log(block("add_library").slice(2).map(expand).join("\n"));
' "$1"
}
std=$(read_cmake std)
[ "$std" = 17 ] || fail "CMakeLists.txt sets C++ standard '$std', expected 17"
mapfile -t cmake_flags < <(read_cmake flags)
mapfile -t includes < <(read_cmake includes)
mapfile -t sources < <(read_cmake sources)
printf 'CMakeLists.txt: C++%s, flags %s\n' "$std" "${cmake_flags[*]}"
for f in -Wall -Werror; do
  printf '%s\n' "${cmake_flags[@]}" | grep -qx -- "$f" || fail "CMakeLists.txt no longer sets $f"
done

flags=(-std=c++17 "${cmake_flags[@]}" -fPIC)
for dir in "${includes[@]}"; do
  [ -d "android/$dir" ] || fail "CMakeLists.txt includes android/$dir, which does not exist"
  flags+=(-I "android/$dir")
done
flags+=(-I "$rn/ReactCommon/jsi" -I "$rn/ReactCommon/callinvoker"
  -I "$rn/ReactAndroid/src/main/jni/react/turbomodule"
  -I "$fbjni_include" -I "$java_home/include" -I "$java_home/include/linux")

pids=()
for src in "${sources[@]}"; do
  [ -f "android/$src" ] || fail "CMakeLists.txt compiles android/$src, which does not exist"
  obj="$out/$(basename "$src").o"
  echo "clang++ -std=c++17 ${cmake_flags[*]} -c android/$src"
  clang++ "${flags[@]}" -c "android/$src" -o "$obj" &
  pids+=($!)
  # Two at a time (2 cores).
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || fail "android/$src (or the one before) did not compile"
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a source did not compile"; done

# The JNI entry points Kotlin's `external fun`s bind to are defined (checked against the Kotlin
# class by scripts/compile-android-kotlin.sh).
nm -C --defined-only "$out/cpp-adapter.cpp.o" >"$out/cpp-adapter.symbols"
for sym in Java_com_opencom_reactnative_OpencomModule_nativeInstallRustCrate \
  Java_com_opencom_reactnative_OpencomModule_nativeCleanupRustCrate; do
  grep -q " T $sym$" "$out/cpp-adapter.symbols" || fail "cpp-adapter.cpp does not define $sym"
done
ls -l "$out"/*.o
