//! The basic build: output layout, link rewriting, relative URLs, determinism, atomic swap.

use crate::harness::TestSite;

fn small_site() -> TestSite {
    let site = TestSite::with_config("title: Test\n");
    site.page("content/ordering/_index.md", "title: Ordering\nweight: 1", "Intro.\n")
        .page(
            "content/ordering/delivery.md",
            "title: Delivery terms\ntags: [delivery]",
            "## Lead times\n\nSee [credit](credit.md#limits) and [home](../_index.md).\n\n![truck](img/truck.svg)\n",
        )
        .page("content/ordering/credit.md", "title: Credit checks", "## Limits\n\nText.\n")
        .write("content/ordering/img/truck.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site
}

#[test]
fn pretty_urls_and_relative_links() {
    let site = small_site();
    site.build().assert_clean();
    site.assert_file_contains(
        "ordering/delivery/index.html",
        "href=\"../../ordering/credit/#limits\"",
    );
    site.assert_file_contains("ordering/delivery/index.html", "href=\"../../\"");
    site.assert_file_contains(
        "ordering/delivery/index.html",
        "src=\"../../ordering/img/truck.svg\"",
    );
    site.assert_file_contains("ordering/delivery/index.html", "<h2 id=\"lead-times\">");
    assert!(site.exists("ordering/img/truck.svg"));
    assert!(site.exists("tags/delivery/index.html"));
    // No absolute internal URLs anywhere: the site works under any sub-path and from disk.
    for file in site
        .listing()
        .iter()
        .filter(|f| f.ends_with(".html") && *f != "404.html")
    {
        let html = site.read(file);
        for attr in ["href=\"/", "src=\"/"] {
            assert!(
                !html.contains(attr),
                "{file} has an absolute URL ({attr}):\n{html}"
            );
        }
    }
}

#[test]
fn same_input_same_bytes() {
    let site = small_site();
    site.build().assert_clean();
    let first = site.snapshot_tree("");
    site.build().assert_clean();
    assert_eq!(first, site.snapshot_tree(""));
}

#[test]
fn failed_build_leaves_previous_output() {
    let site = small_site();
    site.build().assert_clean();
    let before = site.snapshot_tree("");
    site.page(
        "content/ordering/broken.md",
        "title: Broken",
        "[x](nowhere.md)\n",
    );
    let run = site.build();
    assert!(!run.ok());
    assert!(!run.outcome.wrote);
    assert_eq!(
        before,
        site.snapshot_tree(""),
        "the previous output changed"
    );
    assert!(
        !site.root().join(".public.kanava-tmp").exists(),
        "the staging folder was left behind"
    );
}

#[test]
fn init_scaffolds_a_site_that_builds_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new-site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kanava"))
        .args(["init", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let options = kanava::Options {
        root: target.clone(),
        out: Some(target.join("public")),
        deny_warnings: true,
        ..kanava::Options::default()
    };
    let outcome = kanava::build(&options).unwrap();
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert!(
        target
            .join("public/guides/getting-started/index.html")
            .exists()
    );
}
