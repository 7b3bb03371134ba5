//! Files as content (issue #14): what a link to a file says it downloads.

use crate::harness::{TestSite, pdf};

/// Links to files say what they download: type, size, and a PDF's pages. A PDF that cannot
/// be read still links, with its size, and each link to it gets a warning at its place.
#[test]
fn links_to_files_say_what_they_download() {
    let site = TestSite::new();
    site.write_bytes("content/files/brochure.pdf", &pdf("brochure", 12));
    site.write_bytes("content/files/one.pdf", &pdf("one page", 1));
    site.write_bytes("content/files/logo.png", &[0u8; 2_500]);
    site.page(
        "content/_index.md",
        "title: Home",
        "Get the [brochure](files/brochure.pdf), the [short one](files/one.pdf) and the [logo](files/logo.png).\n",
    );
    let run = site.build();
    run.assert_clean();
    let home = site.read("index.html");
    let size = std::fs::metadata(site.root().join("content/files/brochure.pdf"))
        .unwrap()
        .len();
    assert!(
        home.contains(&format!(
            "<a href=\"files/brochure.pdf\">brochure <span class=\"file-meta\">PDF · {} KB · 12 pages</span></a>",
            size.div_ceil(1000)
        )),
        "{home}"
    );
    assert!(home.contains("1 page</span></a>"), "{home}");
    assert!(
        home.contains(">logo <span class=\"file-meta\">PNG · 3 KB</span></a>"),
        "{home}"
    );

    site.write_bytes("content/files/brochure.pdf", b"%PDF-1.4\nnot really\n");
    let run = site.build();
    let warning = run.expect_error("unreadable-pdf", "content/_index.md", 4);
    assert!(
        warning.message.contains("content/files/brochure.pdf"),
        "{}",
        warning.message
    );
    assert_eq!(run.outcome.errors(), 0, "a warning, not an error");
    assert!(
        site.read("index.html")
            .contains("brochure <span class=\"file-meta\">PDF · 20 bytes</span></a>")
    );
}
