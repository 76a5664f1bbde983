#!/usr/bin/env bash
# `scripts/release.sh all` end to end, with the real ubrn CLI and the real config, on stand-ins
# for the toolchains this machine lacks. Stand-ins on PATH:
#   cargo     `cargo ndk …` and `cargo build --target *-apple-ios*` write a placeholder static
#             library where cargo would (target/<triple>/<profile>/libopencom_ffi.a) and log
#             their arguments; every other cargo command is the real cargo;
#   rustup    `rustup target list --installed` lists the Android and iOS targets;
#   uname     `uname -s` says Darwin (release.sh's iOS check);
#   lipo, xcodebuild   `lipo -create … -output` and `xcodebuild -create-xcframework` assemble
#             placeholder outputs.
# What is real: release.sh, ubrn 0.31.0-5 reading ubrn.config.yaml (ABIs, API level, iOS
# targets, framework name), the cargo commands it composes, where it copies the libraries,
# generation (twice: release.sh's, then prepack's) and `npm pack` with OPENCOM_REQUIRE_NATIVE=1.
# Checks: the commands ubrn ran, the jniLibs of every ABI and the xcframework exist and are still
# there after prepack's generation, the tarball holds them (check-pack.js --require-native).
# Everything it creates is removed afterwards.
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"
tmp=$(mktemp -d)
bin="$tmp/bin"
log="$tmp/commands.log"
created="$tmp/created.list"
mkdir -p "$bin" "$tmp/ndk"
: >"$log"
: >"$created"

if [ -e android/src/main/jniLibs ] || [ -e OpencomFfiFramework.xcframework ] || ls react-native-opencom-*.tgz >/dev/null 2>&1; then
  echo "test-release-fake-toolchain.sh: native libraries or a tarball are already in the tree; not touching them" >&2
  exit 1
fi
cleanup() {
  # The placeholders, and the directories made for them that are left empty (target/<triple>/…).
  while read -r f; do
    rm -rf "$f"
    rmdir -p --ignore-fail-on-non-empty "$(dirname "$f")" 2>/dev/null || true
  done <"$created"
  rm -rf android/src/main/jniLibs OpencomFfiFramework.xcframework react-native-opencom-*.tgz "$tmp"
}
trap cleanup EXIT

real_cargo=$(command -v cargo)
real_rustup=$(command -v rustup)
real_uname=$(command -v uname)

cat >"$bin/cargo" <<EOF
#!/usr/bin/env bash
# Stand-in cargo (scripts/test-release-fake-toolchain.sh).
set -euo pipefail
target_dir() { "$real_cargo" metadata --format-version 1 --no-deps --manifest-path "\$1" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).target_directory'; }
placeholder() { # triple profile manifest
  local out="\$(target_dir "\$3")/\$1/\$2/libopencom_ffi.a"
  mkdir -p "\$(dirname "\$out")"
  printf 'placeholder static library for %s (%s)\n' "\$1" "\$2" >"\$out"
  echo "\$out" >>"$created"
}
if [ "\${1:-}" = ndk ]; then
  if [ "\${2:-}" = --version ]; then echo "cargo-ndk (stand-in)"; exit 0; fi
  echo "cargo \$*" >>"$log"
  abi= manifest= profile=debug
  while [ \$# -gt 0 ]; do
    case "\$1" in
      --target) abi="\$2"; shift ;;
      --manifest-path) manifest="\$2"; shift ;;
      --profile) profile="\$2"; shift ;;
    esac
    shift
  done
  case "\$abi" in
    arm64-v8a) triple=aarch64-linux-android ;; armeabi-v7a) triple=armv7-linux-androideabi ;;
    x86_64) triple=x86_64-linux-android ;; x86) triple=i686-linux-android ;;
    *) echo "stand-in cargo ndk: unknown target \$abi" >&2; exit 1 ;;
  esac
  placeholder "\$triple" "\$profile" "\$manifest"
  exit 0
fi
if [ "\${1:-}" = build ] && [[ " \$* " == *" --target "*-apple-ios* ]]; then
  echo "cargo \$*" >>"$log"
  triple= manifest= profile=debug
  shift
  while [ \$# -gt 0 ]; do
    case "\$1" in
      --target) triple="\$2"; shift ;;
      --manifest-path) manifest="\$2"; shift ;;
      --profile) profile="\$2"; shift ;;
    esac
    shift
  done
  placeholder "\$triple" "\$profile" "\$manifest"
  exit 0
fi
exec "$real_cargo" "\$@"
EOF

cat >"$bin/rustup" <<EOF
#!/usr/bin/env bash
if [ "\$*" = "target list --installed" ]; then
  printf '%s\n' aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android \\
    aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
  exit 0
fi
exec "$real_rustup" "\$@"
EOF

cat >"$bin/uname" <<EOF
#!/usr/bin/env bash
if [ "\$*" = "-s" ]; then echo Darwin; exit 0; fi
exec "$real_uname" "\$@"
EOF

cat >"$bin/lipo" <<EOF
#!/usr/bin/env bash
set -euo pipefail
echo "lipo \$*" >>"$log"
[ "\$1" = -create ] || exit 1
shift
inputs=()
while [ "\$1" != -output ]; do inputs+=("\$1"); shift; done
mkdir -p "\$(dirname "\$2")"
cat "\${inputs[@]}" >"\$2"
echo "\$2" >>"$created"
EOF

cat >"$bin/xcodebuild" <<EOF
#!/usr/bin/env bash
set -euo pipefail
echo "xcodebuild \$*" >>"$log"
[ "\$1" = -create-xcframework ] || exit 1
shift
libs=() out=
while [ \$# -gt 0 ]; do
  case "\$1" in
    -library) libs+=("\$2"); shift ;;
    -output) out="\$2"; shift ;;
  esac
  shift
done
mkdir -p "\$out"
i=0
for lib in "\${libs[@]}"; do
  mkdir -p "\$out/slice-\$i"
  cp "\$lib" "\$out/slice-\$i/"
  i=\$((i + 1))
done
echo '<plist version="1.0"><dict/></plist>' >"\$out/Info.plist"
EOF
chmod +x "$bin"/*

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

echo "== scripts/release.sh all (stand-in toolchains)"
PATH="$bin:$PATH" ANDROID_NDK_HOME="$tmp/ndk" bash scripts/release.sh all >"$tmp/release.out" 2>&1
code=$?
check "release.sh all succeeds" test "$code" -eq 0 || tail -30 "$tmp/release.out" >&2

manifest="$here/../opencom-ffi/Cargo.toml"
expected_cargo="cargo ndk --manifest-path $manifest --target arm64-v8a --platform 24 -- build --profile release-small
cargo ndk --manifest-path $manifest --target armeabi-v7a --platform 24 -- build --profile release-small
cargo ndk --manifest-path $manifest --target x86_64 --platform 24 -- build --profile release-small
cargo ndk --manifest-path $manifest --target x86 --platform 24 -- build --profile release-small
cargo build --manifest-path $manifest --target aarch64-apple-ios --profile release-small
cargo build --manifest-path $manifest --target aarch64-apple-ios-sim --profile release-small
cargo build --manifest-path $manifest --target x86_64-apple-ios --profile release-small"
check "ubrn ran cargo for every ABI and iOS target, API level 24, release-small" \
  diff <(echo "$expected_cargo") <(grep '^cargo ' "$log")
check "ubrn lipo'd the two simulator slices" grep -q '^lipo -create .*aarch64-apple-ios-sim.* -output .*lipo/ios-simulator/libopencom_ffi.a' "$log"
check "ubrn made the xcframework at the package root (the podspec's vendored_frameworks)" \
  grep -q "^xcodebuild -create-xcframework -library .* -output $here/OpencomFfiFramework.xcframework" "$log"
for abi in arm64-v8a armeabi-v7a x86_64 x86; do
  check "jniLibs/$abi/libopencom_ffi.a survived prepack's generation" \
    grep -q "placeholder static library" "android/src/main/jniLibs/$abi/libopencom_ffi.a"
done
check "the xcframework survived prepack's generation" test -f OpencomFfiFramework.xcframework/Info.plist
tgz=$(ls react-native-opencom-*.tgz 2>/dev/null | head -1)
check "npm pack (OPENCOM_REQUIRE_NATIVE=1) wrote the tarball" test -n "$tgz"
if [ -n "$tgz" ]; then
  tar tzf "$tgz" | sed 's#^package/##' >"$tmp/tarball.list"
  node -e '
const files = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((path) => ({ path }));
console.log(JSON.stringify([{ filename: process.argv[2], files, entryCount: files.length, size: 0 }]));' \
    "$tmp/tarball.list" "$tgz" >"$tmp/pack.json"
  check "the tarball holds every file and the native libraries (check-pack --require-native)" \
    node scripts/check-pack.js "$tmp/pack.json" --require-native
fi
rm -rf android/src/main/jniLibs/x86
OPENCOM_REQUIRE_NATIVE=1 bash scripts/prepack.sh >"$tmp/prepack.out" 2>&1
code=$?
check "prepack with OPENCOM_REQUIRE_NATIVE=1 refuses a tree without the x86 library" \
  bash -c '[ "$0" -ne 0 ] && grep -q "jniLibs/x86/libopencom_ffi.a" "$1"' "$code" "$tmp/prepack.out"

[ "$failures" -eq 0 ]
