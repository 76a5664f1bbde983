//! The core's modules import only downwards: the layer table below is the one ARCHITECTURE.md
//! draws, and this test reads every source file and fails on an import that points up (or
//! sideways into the facade). Test modules (`#[cfg(test)]` to the end of a file, and files that
//! are tests themselves) are exempt: a test may drive the layers above its subject.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Top-level modules of `opencom-sdk/src`, lowest layer first. A module may import modules of
/// a lower layer and modules of its own layer that are listed before it (domains that build on
/// another domain), never one of a higher layer.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundations",
        &[
            "secret",
            "error_source",
            "clock",
            "storage",
            "backoff",
            "routes",
            "identity",
        ],
    ),
    ("transport", &["transport"]),
    ("errors and tasks", &["error", "task", "attributes"]),
    ("configuration", &["config"]),
    ("wire", &["wire"]),
    ("live engine", &["realtime"]),
    ("client events", &["client_events"]),
    ("session", &["session"]),
    ("context", &["context"]),
    (
        "domains",
        &[
            "discovery",
            "visitor",
            "events",
            "conversations",
            "help_center",
            "push",
            "tickets",
            "messenger",
            "engagement",
            "export",
            "engagement",
            "ai_agent",
        ],
    ),
    ("facade", &["event_pump", "client", "workspace"]),
    (
        "crate root, docs and test support",
        &["lib", "fuzzing", "proptests"],
    ),
];

fn rank(module: &str) -> Option<(usize, usize)> {
    LAYERS.iter().enumerate().find_map(|(layer, (_, modules))| {
        modules
            .iter()
            .position(|m| *m == module)
            .map(|position| (layer, position))
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.trim_end_matches(".rs").to_owned()
}

/// `crate::<module>` paths in the non-test, non-comment code of a file.
fn imports(text: &str) -> Vec<(usize, String)> {
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let tail = &rest[at + "crate::".len()..];
            let name: String = tail
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::Error`, `crate::Opencom`: re-exports from the root name a type, whose
            // module the root maps below; lower-case names are modules.
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                found.push((number + 1, name));
            }
            rest = tail;
        }
    }
    found
}

#[test]
fn imports_point_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let exempt = ["differential_tests.rs", "proptests.rs", "fuzzing.rs"];
    let mut violations = Vec::new();
    let mut seen = BTreeMap::new();
    for file in &files {
        if exempt.iter().any(|e| file.ends_with(e)) {
            continue;
        }
        let module = module_of(&src, file);
        let Some(own) = rank(&module) else {
            violations.push(format!(
                "{}: module `{module}` is not in the layer table",
                file.display()
            ));
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        for (line, imported) in imports(&text) {
            if imported == module {
                continue;
            }
            *seen.entry(module.clone()).or_insert(0) += 1;
            match rank(&imported) {
                Some(theirs) if theirs < own => {}
                Some(_) => violations.push(format!(
                    "{}:{line}: `{module}` imports `crate::{imported}`, which is not below it",
                    file.strip_prefix(&src).unwrap().display()
                )),
                None => violations.push(format!(
                    "{}:{line}: `crate::{imported}` is not in the layer table",
                    file.strip_prefix(&src).unwrap().display()
                )),
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports that do not point down:\n{}",
        violations.join("\n")
    );
    // The check looked at real imports (a parser that found none would pass anything).
    assert!(
        seen.get("conversations").copied().unwrap_or(0) > 5,
        "{seen:?}"
    );
    assert!(seen.get("session").copied().unwrap_or(0) > 3, "{seen:?}");
}

#[test]
fn the_checker_catches_an_upward_import() {
    let upward = "use crate::client::Inner;\n";
    assert_eq!(imports(upward), vec![(1, "client".to_owned())]);
    assert!(rank("client") > rank("conversations"));
    assert!(rank("session") > rank("transport"));
    let in_a_test = "fn f() {}\n#[cfg(test)]\nmod tests { use crate::client::Inner; }\n";
    assert!(imports(in_a_test).is_empty());
}
