//! The core must not know JavaScript: DESIGN.md's one direction of dependency, enforced.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_never_imports_js_crates() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core"),
        &mut files,
    );
    assert!(
        files.len() >= 5,
        "expected the core sources, found {}",
        files.len()
    );
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for banned in ["wasm_bindgen", "js_sys", "web_sys", "gloo"] {
            assert!(
                !text.contains(banned),
                "{} mentions {banned}: the core must stay free of JS crates",
                file.display()
            );
        }
    }
}
