//! Nothing to import: this crate exists for its test, `tests/tls.rs`, which uses `opencom-sdk`
//! exactly as an application does (the SDK alone in the dependency graph) against the
//! server-mock *binary* serving TLS with ALPN `h2, http/1.1`.
