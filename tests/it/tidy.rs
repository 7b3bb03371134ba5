//! Tidy tests (after rust-analyzer's): rules about where code may do what, checked on the
//! source itself, so that a change that breaks an architectural invariant fails here
//! rather than in a hostile trial (issue #12).

use std::path::{Path, PathBuf};

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.path().to_owned())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
                .expect("under the crate")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).expect("read source"))
        })
        .collect()
}

/// The code of a file without its `#[cfg(test)] mod tests` (tests may call anything).
fn code(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    }
}

fn offenders(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in sources() {
        if allowed.iter().any(|a| path.starts_with(a)) {
            continue;
        }
        for (n, line) in code(&text).lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            if let Some(needle) = needles.iter().find(|needle| line.contains(*needle)) {
                found.push(format!("{path}:{}: `{needle}`: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

/// Who sees what is decided in one place: `plan` (its `Visibility`). Calling the two rules
/// anywhere else would be a second filter that could disagree with the output.
#[test]
fn only_plan_applies_the_visibility_rules() {
    let found = offenders(
        &[".admits(", ".shown("],
        &[
            "src/plan.rs",
            // Where the rules are defined (and `Lifecycle::absence` explains `shown`).
            "src/model/audience.rs",
            "src/model/lifecycle.rs",
        ],
    );
    assert!(
        found.is_empty(),
        "visibility decided outside `plan` (go through `plan::Visibility`):\n{}",
        found.join("\n")
    );
}

/// Only `load/`, `write/` (and `fs.rs`, `init.rs`) touch the file system: the rest of the
/// pipeline works on data, so it can be tested without disks and run by a dev server from
/// memory.
#[test]
fn only_load_and_write_touch_the_file_system() {
    let found = offenders(
        &[
            "std::fs",
            "fs::",
            "File::",
            "OpenOptions",
            "walkdir",
            "read_dir",
            "canonicalize",
        ],
        &[
            "src/load/",
            "src/write/",
            "src/fs.rs",
            "src/init.rs",
            "src/main.rs",
            // `deploy-config` is no stage of the build: it reads the built site and writes
            // the host's files (issue #16).
            "src/deploy/",
            // The key file of encrypted output (issue 20): outside the site and the output,
            // written readable by its owner only.
            "src/encrypt/keyfile.rs",
        ],
    );
    assert!(
        found.is_empty(),
        "file system access outside load/ and write/:\n{}",
        found.join("\n")
    );
}

/// Running a program (git, for what's new's dates: issue #14) is reading the world too:
/// only `load/` does it, once per build, so the rest of the pipeline stays deterministic.
#[test]
fn only_load_runs_programs() {
    let found = offenders(
        &["process::Command", "Command::new"],
        &["src/load/", "src/main.rs"],
    );
    assert!(
        found.is_empty(),
        "programs run outside load/:\n{}",
        found.join("\n")
    );
}

/// Every module opens with a `//!` paragraph saying what it does and where it sits.
#[test]
fn every_module_is_documented() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a `//!` doc: {missing:?}"
    );
}

/// The tidy checks themselves find what they look for (a test that cannot fail is a
/// defect).
#[test]
fn tidy_checks_can_fail() {
    assert!(!offenders(&[".admits("], &[]).is_empty());
    assert!(!offenders(&["std::fs"], &[]).is_empty());
    assert!(!offenders(&["Command::new"], &[]).is_empty());
    assert_eq!(code("a\n#[cfg(test)]\nmod tests {}"), "a\n");
}
