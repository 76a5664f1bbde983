//! `uniffi-bindgen`: generates the Swift, Kotlin and Python bindings of opencom-ffi.

fn main() {
    uniffi::uniffi_bindgen_main()
}
