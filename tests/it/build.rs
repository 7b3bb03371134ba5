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
    // Forget the no-change stamp so the second build really renders everything again.
    std::fs::remove_file(site.root().join("public/.kanava-stamp")).unwrap();
    let run = site.build();
    run.assert_clean();
    assert!(run.outcome.wrote && !run.outcome.up_to_date);
    assert_eq!(first, site.snapshot_tree(""));
}

#[test]
fn a_no_change_rebuild_does_nothing_and_any_change_rebuilds() {
    let site = small_site();
    assert!(site.build().outcome.wrote);
    let again = site.build();
    assert!(
        again.outcome.up_to_date && !again.outcome.wrote,
        "nothing changed"
    );
    // Content, config, an asset and the options each invalidate the stamp.
    site.page(
        "content/ordering/credit.md",
        "title: Credit checks",
        "## Limits\n\nNew text.\n",
    );
    assert!(site.build().outcome.wrote, "content changed");
    assert!(site.build().outcome.up_to_date);
    site.write("kanava.yaml", "title: Test 2\n");
    assert!(site.build().outcome.wrote, "config changed");
    site.write(
        "content/ordering/img/truck.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><g/></svg>",
    );
    assert!(site.build().outcome.wrote, "asset changed");
    assert!(
        site.build_with(|o| o.at = Some("2026-01-01".into()))
            .outcome
            .wrote,
        "--at changed"
    );
    // Deleting the output is noticed too.
    std::fs::remove_dir_all(site.out_dir()).unwrap();
    assert!(site.build().outcome.wrote, "output gone");
    site.assert_file_contains("ordering/credit/index.html", "New text.");
}

#[test]
fn a_stamp_expires_at_the_next_scheduled_change() {
    let site = small_site();
    // A page that went live a moment ago: the previous stamp (valid until then) is stale.
    site.page(
        "content/ordering/soon.md",
        "title: Soon\npublish: 2099-01-01",
        "x\n",
    );
    site.build().assert_clean();
    let stamp = std::fs::read_to_string(site.root().join("public/.kanava-stamp")).unwrap();
    assert!(
        stamp.lines().nth(1).unwrap().starts_with("2099-01-01"),
        "{stamp}"
    );
    let (fingerprint, _) = stamp.split_once('\n').unwrap();
    std::fs::write(
        site.root().join("public/.kanava-stamp"),
        format!("{fingerprint}\n2000-01-01T00:00:00Z\n"),
    )
    .unwrap();
    assert!(
        site.build().outcome.wrote,
        "the scheduled change has come: rebuild"
    );
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
    // Issue #13: with the suggested audience block uncommented, as a user would.
    let config = std::fs::read_to_string(target.join("kanava.yaml")).unwrap();
    let (head, block) = config.split_once("# audience:").expect("an audience block");
    let block: String = format!("# audience:{block}")
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap_or(l)))
        .collect();
    assert!(
        block.starts_with("audience:\n") && block.contains("    gold:"),
        "{block}"
    );
    std::fs::write(target.join("kanava.yaml"), format!("{head}{block}")).unwrap();
    std::fs::remove_dir_all(target.join("public")).unwrap();
    let outcome = kanava::build(&options).unwrap();
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert!(
        target
            .join("public/gold/guides/getting-started/index.html")
            .exists()
    );
}

/// The sidebar is rendered once per section (issue #7); each page still gets its own link
/// marked as current, and only that one.
#[test]
fn sidebar_marks_the_current_page_only() {
    let site = small_site();
    site.page("content/about.md", "title: About\nweight: 2", "Text.\n");
    site.build().assert_clean();
    let sidebar = |path: &str| {
        let html = site.read(path);
        let start = html.find("<nav class=\"sidebar\"").expect("a sidebar");
        let end = start + html[start..].find("</nav>").unwrap();
        html[start..end].to_owned()
    };
    let delivery = sidebar("ordering/delivery/index.html");
    let credit = sidebar("ordering/credit/index.html");
    assert_eq!(delivery.matches("aria-current").count(), 1, "{delivery}");
    assert!(delivery.contains("href=\"../../ordering/delivery/\" aria-current=\"page\""));
    assert!(credit.contains("href=\"../../ordering/credit/\" aria-current=\"page\""));
    // Apart from the mark, the pages of one section share one sidebar, their section open.
    assert_eq!(
        delivery.replace(" aria-current=\"page\"", ""),
        credit.replace(" aria-current=\"page\"", "")
    );
    assert!(delivery.contains("nav-section is-active"));
    // The section's own page opens the same section and marks itself.
    let section = sidebar("ordering/index.html");
    assert!(section.contains("href=\"../ordering/\" aria-current=\"page\""));
    assert!(section.contains("href=\"../ordering/credit/\""));
    // A top-level page: nothing opened, itself marked.
    let about = sidebar("about/index.html");
    assert!(about.contains("href=\"../about/\" aria-current=\"page\""));
    assert!(!about.contains("ordering/credit/"));
    // The home page and generated pages mark nothing.
    assert!(!sidebar("index.html").contains("aria-current"));
    assert!(!sidebar("tags/index.html").contains("aria-current"));
}

/// A theme's own `partials/sidebar.html` is what every page shows.
#[test]
fn a_theme_replaces_the_sidebar() {
    let site = small_site();
    site.write(
        "theme/templates/partials/sidebar.html",
        "<nav class=\"sidebar\">{% for item in nav %}<a href=\"{{ root }}{{ item.url }}\">{{ item.title | upper }}</a>{% endfor %}</nav>",
    );
    site.write("kanava.yaml", "title: Test\ntheme: theme\n");
    site.build().assert_clean();
    site.assert_file_contains(
        "ordering/delivery/index.html",
        "<nav class=\"sidebar\"><a href=\"../../ordering/\">ORDERING</a></nav>",
    );
    site.assert_file_contains(
        "ordering/index.html",
        "<a href=\"../ordering/\" aria-current=\"page\">ORDERING</a>",
    );
}

/// The 404 page is served at any missing URL, so its links (the sidebar's too) start at the
/// site's absolute path when `base_url` gives it.
#[test]
fn the_404_page_links_from_the_site_root() {
    let site = small_site();
    site.write(
        "kanava.yaml",
        "title: Test\nbase_url: https://example.com/extranet/\n",
    );
    site.build().assert_clean();
    let html = site.read("404.html");
    assert!(html.contains("href=\"/extranet/ordering/\""), "{html}");
    assert!(
        html.contains("href=\"/extranet/_kanava/style.css\""),
        "{html}"
    );
    assert!(!html.contains("aria-current=\"page\""), "{html}");
    // Other pages stay relative.
    site.assert_file_contains("ordering/credit/index.html", "href=\"../../ordering/\"");
}

/// Code is highlighted at build time wherever a view shows it, in a block only some
/// audiences see as well, and also when only one audience is built.
#[test]
fn code_is_highlighted_where_shown() {
    let site = TestSite::with_config(
        "title: Code
audience:
  axes:
    tier: { values: [public, gold], ordered: true, default: public }
  audiences:
    public: { tier: public }
    gold: { tier: gold }
",
    );
    site.page(
        "content/setup.md",
        "title: Setup",
        "```rust\nfn main() {}\n```\n\n::: only tier=gold\n```yaml\nrebate: 12\n```\n:::\n\n```klingon\nx < y\n```\n",
    );
    let rust = "<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\"><code><span class=\"hl-source hl-rust\">";
    let yaml = "<pre class=\"code\" data-lang=\"yaml\" tabindex=\"0\"><code><span class=\"hl-source hl-yaml\">";
    let klingon =
        "<pre class=\"code\" data-lang=\"klingon\" tabindex=\"0\"><code>x &lt; y\n</code></pre>";
    site.build().assert_clean();
    for audience in ["public", "gold"] {
        let html = site.read(&format!("{audience}/setup/index.html"));
        assert!(html.contains(rust), "{audience}: {html}");
        assert!(html.contains(klingon), "{audience}: {html}");
        assert!(!html.contains("kanava:code"), "{audience}: {html}");
    }
    site.assert_file_contains("gold/setup/index.html", yaml);
    assert!(!site.read("public/setup/index.html").contains("rebate"));

    site.build_audiences(&["public"]).assert_clean();
    site.assert_file_contains("public/setup/index.html", rust);
}

/// Issue #13: only a page that shows highlighted code links the highlighting stylesheet —
/// in the view that shows it; plain code (no language, or one syntect does not know) and
/// pages without code do not.
#[test]
fn only_pages_with_highlighted_code_link_the_highlight_stylesheet() {
    let site = TestSite::with_config(
        "title: Code
audience:
  axes:
    tier: { values: [public, gold], ordered: true, default: public }
  audiences:
    public: { tier: public }
    gold: { tier: gold }
",
    );
    site.page(
        "content/gold-code.md",
        "title: Gold code",
        "Text.\n\n::: only tier=gold\n```yaml\nrebate: 12\n```\n:::\n",
    )
    .page(
        "content/plain-code.md",
        "title: Plain code",
        "```\nbare\n```\n\n```klingon\nx < y\n```\n",
    )
    .page("content/prose.md", "title: Prose", "No code here.\n");
    site.build().assert_clean();
    let link = "_kanava/highlight.css";
    site.assert_file_contains("gold/gold-code/index.html", link);
    for page in [
        "public/gold-code/index.html",
        "gold/plain-code/index.html",
        "gold/prose/index.html",
        "gold/index.html",
        "gold/all/index.html",
        "gold/404.html",
    ] {
        assert!(!site.read(page).contains(link), "{page} links {link}");
    }
    // The stylesheet itself is still published, for themes that link it themselves.
    assert!(site.exists("gold/_kanava/highlight.css"));
}

/// `--no-search` leaves the index and the search box out (the header links to the list of
/// all pages), and the next build with search is not taken for "nothing changed".
#[cfg(feature = "search")]
#[test]
fn no_search_leaves_the_index_out() {
    let site = small_site();
    site.build_with(|o| o.no_search = true).assert_clean();
    assert!(
        !site
            .listing()
            .iter()
            .any(|f| f.starts_with("_kanava/search/"))
    );
    let html = site.read("ordering/delivery/index.html");
    assert!(html.contains("class=\"search-link\""), "{html}");
    assert!(
        !html.contains("data-bundle=") && !html.contains("search-form"),
        "{html}"
    );

    let run = site.build();
    run.assert_clean();
    assert!(run.outcome.wrote && !run.outcome.up_to_date);
    assert!(site.exists("_kanava/search/pagefind-entry.json"));
    site.assert_file_contains("ordering/delivery/index.html", "data-bundle=");
}

/// `build_into` writes into any destination (issue #12's seam for the dev server): into
/// memory, the same files with the same bytes as a build on disk (less the output marker and
/// the no-change stamp).
#[test]
fn a_build_into_memory_has_the_bytes_of_a_build_on_disk() {
    let site = TestSite::with_config(
        "title: T\nbase_url: https://x.example/\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    gold: { tier: gold }\n",
    );
    site.page(
        "content/guide.md",
        "title: Guide\ntier: public\ntags: [setup]",
        "# Guide\n\n```rust\nfn main() {}\n```\n\n::: only tier=gold\nGold [terms](terms.md).\n:::\n",
    );
    site.page("content/terms.md", "title: Terms\ntier: gold", "Terms.\n");
    site.build_with(|o| o.at = Some("2026-11-28".into()))
        .assert_clean();
    let memory = kanava::write::Memory::default();
    let options = kanava::Options {
        root: site.root().to_owned(),
        at: Some("2026-11-28".into()),
        ..kanava::Options::default()
    };
    let outcome = kanava::build_into(&options, &memory).expect("builds");
    assert_eq!(outcome.errors(), 0);
    let on_disk: std::collections::BTreeMap<String, Vec<u8>> = site
        .snapshot_tree("")
        .into_iter()
        .filter(|(path, _)| path != ".kanava-output" && path != ".kanava-stamp")
        .collect();
    let in_memory = memory.files();
    assert_eq!(
        in_memory.keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>()
    );
    assert!(in_memory == on_disk, "same paths, different bytes");
    if cfg!(feature = "search") {
        assert!(
            in_memory
                .keys()
                .any(|k| k.starts_with("gold/_kanava/search/"))
        );
    }
}

/// `kanava serve` renders the pages open in a browser first (`Options::first`): their views
/// before the others, those pages before the rest of their view. The files are the same.
#[test]
fn pages_wanted_first_change_no_byte() {
    let site = TestSite::with_config(
        "title: T\nlanguages: [en, fi]\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    gold: { tier: gold }\n",
    );
    site.page(
        "content/a.md",
        "title: A",
        "A.\n\n::: only tier=gold\n[B](b.md).\n:::\n",
    );
    site.page("content/b.md", "title: B\ntier: gold", "B.\n");
    site.page("content/b.fi.md", "title: B fi", "B fi.\n");
    let build = |first: &[&str]| {
        let memory = kanava::write::Memory::default();
        let options = kanava::Options {
            root: site.root().to_owned(),
            at: Some("2026-11-28".into()),
            first: first.iter().map(|p| (*p).to_owned()).collect(),
            ..kanava::Options::default()
        };
        let outcome = kanava::build_into(&options, &memory).expect("builds");
        assert_eq!(outcome.errors(), 0);
        memory.files()
    };
    let plain = build(&[]);
    assert!(plain.contains_key("gold/fi/b/index.html"));
    for first in [
        &["gold/fi/b/index.html"][..],
        &["gold/b/index.html", "public/a/index.html"],
        &["nowhere/index.html"],
    ] {
        assert!(build(first) == plain, "{first:?} changed the output");
    }
}
