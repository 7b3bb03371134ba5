//! kanava's own search index writer against pagefind's library on the demo site (issue 17):
//! every view's `_kanava/search/` files must have the same names and, once gunzipped, the
//! same bytes; every other file must be byte-identical. The writer is chosen per process
//! with `KANAVA_SEARCH_WRITER=pagefind`, so each build runs in its own process.

use std::path::{Path, PathBuf};
use std::process::Command;

use kanava::post::search::writer::inspect::{decoded, payload};

fn files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).expect("inside").to_path_buf())
        .collect()
}

fn build(out: &Path, library: bool) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kanava"));
    cmd.args(["build", "--at", "2026-11-28", "--root"])
        .arg(demo)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1");
    if library {
        cmd.env("KANAVA_SEARCH_WRITER", "pagefind");
    } else {
        cmd.env_remove("KANAVA_SEARCH_WRITER");
    }
    let run = cmd.output().expect("run kanava");
    assert!(
        run.status.success(),
        "the demo build failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn demo_site_indexes_match_pagefind() {
    let outputs = tempfile::tempdir().expect("temp dir");
    let (ours, theirs) = (
        outputs.path().join("kanava"),
        outputs.path().join("pagefind"),
    );
    build(&ours, false);
    build(&theirs, true);
    let (a, b) = (files(&ours), files(&theirs));
    assert_eq!(a, b, "the two builds wrote different files");
    let mut search_files = 0;
    for path in &a {
        let name = path.to_string_lossy();
        let x = std::fs::read(ours.join(path)).expect("read");
        let y = std::fs::read(theirs.join(path)).expect("read");
        if name.contains("_kanava/search/") {
            search_files += 1;
            let (x, y) = (
                payload(&name, &x).expect("ours"),
                payload(&name, &y).expect("theirs"),
            );
            assert!(
                x == y,
                "{name} differs\n--- kanava\n{}\n--- pagefind\n{}",
                decoded(&name, &x),
                decoded(&name, &y)
            );
        } else {
            assert!(x == y, "{name} differs");
        }
    }
    // Every view has an index (several audiences, so several search folders).
    assert!(search_files > 50, "only {search_files} search files");
}
