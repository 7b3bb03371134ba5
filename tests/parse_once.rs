//! Issue #3: building N audiences parses each Markdown file once. Its own test binary, so
//! no other test parses concurrently and the process-wide counter is exact.

use std::sync::atomic::Ordering;

#[test]
fn each_page_is_parsed_once_whatever_the_number_of_audiences() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut config = String::from(
        "title: T\naudience:\n  axes:\n    tier: { values: [a, b, c], ordered: true }\n  audiences:\n",
    );
    for i in 0..8 {
        config += &format!("    v{i}: {{ tier: {} }}\n", ["a", "b", "c"][i % 3]);
    }
    std::fs::write(root.join("kanava.yaml"), config).unwrap();
    std::fs::create_dir_all(root.join("content/s")).unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        "---\ntitle: Home\n---\nhi\n",
    )
    .unwrap();
    for p in 0..20 {
        let tier = ["a", "b", "c"][p % 3];
        std::fs::write(
            root.join(format!("content/s/p{p}.md")),
            format!("---\ntitle: P{p}\ntier: {tier}\n---\n::: only tier=c\nc\n:::\n"),
        )
        .unwrap();
    }
    let before = kanava::markdown::PARSED.load(Ordering::SeqCst);
    let options = kanava::Options {
        root: root.to_owned(),
        out: Some(root.join("public")),
        ..kanava::Options::default()
    };
    let outcome = kanava::build(&options).unwrap();
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.stats.views, 8);
    let parsed = kanava::markdown::PARSED.load(Ordering::SeqCst) - before;
    assert_eq!(
        parsed, 21,
        "20 pages and the home page, each parsed once for 8 views"
    );
}
