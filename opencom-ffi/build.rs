//! Link options of the shipped library (issue 14: size).
//!
//! Identical code folding (`--icf=all`): the linker keeps one copy of functions whose machine
//! code is identical (monomorphised generics often are). It folds code only: the optimised
//! object has no address-significance table, so LLD keeps every data section (statics,
//! vtables) unique. Rust promises nothing about function-pointer uniqueness, so behaviour does
//! not change. BENCHMARKS.md has the measurement.
//!
//! Only for size-optimised builds (`opt-level` "s" or "z", e.g. `--profile release-small`) and
//! only where the linker is known to be LLD: Android (the NDK's only linker since r23) and
//! x86_64 Linux with rustc ≥ 1.90 (its bundled `rust-lld`) when no other linker is configured.
//! GNU ld and Apple's ld64 do not know the option. `OPENCOM_FFI_ICF=1` / `=0` forces it on /
//! off (e.g. for another target linked with LLD).

// A build script talks to cargo on stdout.
#![allow(clippy::print_stdout)]

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=OPENCOM_FFI_ICF");
    let wanted = match env::var("OPENCOM_FFI_ICF").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => size_build() && linker_is_lld(),
    };
    if wanted {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--icf=all");
    }
}

fn size_build() -> bool {
    matches!(env::var("OPT_LEVEL").as_deref(), Ok("s") | Ok("z"))
}

fn linker_is_lld() -> bool {
    let target = env::var("TARGET").unwrap_or_default();
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("android") {
        return true;
    }
    if target != "x86_64-unknown-linux-gnu" {
        return false;
    }
    // A linker chosen by the user (config, environment or flags) may not be LLD.
    let key = format!(
        "CARGO_TARGET_{}_LINKER",
        target.to_uppercase().replace('-', "_")
    );
    println!("cargo:rerun-if-env-changed={key}");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    if env::var_os(&key).is_some() || env::var_os("RUSTC_LINKER").is_some() {
        return false;
    }
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags
        .split('\x1f')
        .any(|f| f.contains("linker") || f.contains("fuse-ld") || f.contains("link-self-contained"))
    {
        return false;
    }
    rustc_minor().is_some_and(|minor| minor >= 90)
}

/// The minor version of the compiler building this crate (`rustc 1.95.0 …` → 95).
fn rustc_minor() -> Option<u32> {
    let rustc = env::var_os("RUSTC")?;
    let out = Command::new(rustc).arg("--version").output().ok()?;
    let version = String::from_utf8(out.stdout).ok()?;
    let mut parts = version.split_whitespace().nth(1)?.split('.');
    if parts.next()? != "1" {
        return None;
    }
    parts.next()?.parse().ok()
}
