#!/usr/bin/env bash
# Compiles the Android module of the package on the JVM toolchain, without the Android SDK:
#   1. React Native codegen (react-native 0.81.5's generate-specs-cli.js, what its Gradle plugin
#      runs) writes the Java spec NativeOpencomSpec from src/native/NativeOpencom.ts;
#   2. Maven (scripts/android-compile/pom.xml) compiles ubrn's OpencomModule.kt and
#      OpencomPackage.kt with the Kotlin Maven plugin (React Native 0.81's Kotlin, 2.1.20), and
#      the Java spec with javac, against react-android 0.81.5 and fbjni (their AARs' classes.jar,
#      from Maven Central) and the Android API stubs on Maven Central;
#   3. javap checks the Kotlin module declares the JNI methods android/cpp-adapter.cpp defines.
# Not checked here: resources, the manifest merge, R8 (no Android Gradle Plugin or SDK).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
out=build/android-kotlin
rn=node_modules/react-native
pkg_dir=android/src/main/java/com/opencom/reactnative
fail() {
  echo "compile-android-kotlin.sh: $*" >&2
  exit 1
}
[ -s "$pkg_dir/OpencomModule.kt" ] || fail "run npm run ubrn:generate first"
rn_version=$(node -p "require('./$rn/package.json').version")
fbjni_version=$(sed -n 's/^fbjni = "\(.*\)"$/\1/p' "$rn/gradle/libs.versions.toml")

rm -rf "$out"
mkdir -p "$out/kotlin" "$out/java" "$out/deps"
cp scripts/android-compile/pom.xml "$out/pom.xml"
cp "$pkg_dir"/*.kt "$out/kotlin/"

echo "== React Native codegen: the Java spec (library RNOpencomSpec)"
library=$(node -p "require('./package.json').codegenConfig.name")
java_package=$(node -p "require('./package.json').codegenConfig.android.javaPackageName")
node node_modules/@react-native/codegen/lib/cli/combine/combine-js-to-schema-cli.js \
  "$out/schema.json" src/native/NativeOpencom.ts
node "$rn/scripts/generate-specs-cli.js" --platform android --schemaPath "$out/schema.json" \
  --outputDir "$out/codegen" --libraryName "$library" --javaPackageName "$java_package"
spec=$(find "$out/codegen" -name 'NativeOpencomSpec.java' | head -1)
[ -n "$spec" ] || fail "codegen wrote no NativeOpencomSpec.java"
# Kotlin finds Java sources by their package directories.
cp -R "$out/codegen/java/." "$out/java/"
find "$out/java" -name '*.java'

echo "== Maven Central: react-android $rn_version, fbjni $fbjni_version (classes.jar of each AAR)"
for artifact in "com.facebook.react:react-android:$rn_version:aar:release" "com.facebook.fbjni:fbjni:$fbjni_version:aar"; do
  mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$artifact" -DoutputDirectory="$out/deps" -Dtransitive=false
done
# react-android is published per build type (classifier `release`, as Gradle picks for a release).
(cd "$out/deps" && unzip -q -p "react-android-$rn_version-release.aar" classes.jar >"react-android-0.81.5-classes.jar")
(cd "$out/deps" && unzip -q -p "fbjni-$fbjni_version.aar" classes.jar >"fbjni-0.7.0-classes.jar")
[ -s "$out/deps/react-android-0.81.5-classes.jar" ] || fail "no classes.jar in react-android's AAR"

echo "== mvn compile (kotlin-maven-plugin + javac)"
(cd "$out" && mvn -q -B -Dstyle.color=never compile)
classes="$out/target/classes/com/opencom/reactnative"
for c in OpencomModule OpencomPackage NativeOpencomSpec; do
  [ -f "$classes/$c.class" ] || fail "no $c.class"
done

echo "== JNI methods of OpencomModule (cpp-adapter.cpp defines Java_com_opencom_reactnative_OpencomModule_*)"
javap -p -cp "$out/target/classes" com.opencom.reactnative.OpencomModule | tee "$out/OpencomModule.javap"
grep -q 'public final native boolean nativeInstallRustCrate(long, com.facebook.react.turbomodule.core.interfaces.CallInvokerHolder);' "$out/OpencomModule.javap" ||
  fail "OpencomModule has no native nativeInstallRustCrate(long, CallInvokerHolder)"
grep -q 'public final native boolean nativeCleanupRustCrate(long);' "$out/OpencomModule.javap" ||
  fail "OpencomModule has no native nativeCleanupRustCrate(long)"
grep -q 'class com.opencom.reactnative.OpencomModule extends com.opencom.reactnative.NativeOpencomSpec' "$out/OpencomModule.javap" ||
  fail "OpencomModule does not extend the codegen spec"
