//! kanava's own search index writer against pagefind's library on the demo site (issue 17):
//! for every view of the demo, the records the build indexes go through both, and the files
//! must have the same names and, once gunzipped, the same bytes.

use std::path::Path;

use kanava::post::search::writer::inspect::{decoded, payload};
use kanava::post::search::{library_index, records, writer};

#[test]
fn demo_site_indexes_match_pagefind() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut diags = Vec::new();
    let loaded = kanava::load_site(demo, Default::default(), Some("2026-11-28"), &mut diags)
        .expect("the demo loads");
    let site = loaded.site.expect("the demo's configuration");
    let mut views = 0;
    let mut search_files = 0;
    for view in kanava::plan::views(&site, &[], Default::default(), loaded.at) {
        let plan = kanava::plan::make(&site, view);
        let lang = plan.config.language.to_ascii_lowercase();
        let records = records(&plan);
        let ours = writer::index(&records, &lang).expect("kanava's writer");
        let theirs = library_index(&records, &lang).expect("pagefind");
        let folder = view.folder(&site);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{folder}: the two writers wrote different files"
        );
        for (name, bytes) in &ours {
            let x = payload(name, bytes).expect("ours");
            let y = payload(name, &theirs[name]).expect("theirs");
            assert!(
                x == y,
                "{folder}: {name} differs\n--- kanava\n{}\n--- pagefind\n{}",
                decoded(name, &x),
                decoded(name, &y)
            );
            search_files += 1;
        }
        views += 1;
    }
    assert!(views > 3, "only {views} views");
    assert!(search_files > 50, "only {search_files} search files");
}
