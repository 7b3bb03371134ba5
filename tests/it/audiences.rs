//! The zero-leak guarantee (issue #3), proved four ways:
//! - a canary suite: unique markers on pages, titles, descriptions, blocks, headings, tags,
//!   folders and assets; every output file of every audience is scanned byte-for-byte and
//!   each audience must contain exactly the markers it may see — none more, none fewer;
//! - a planted-leak control: a deliberately wrong build step makes the scan fail;
//! - a differential test: changing what only gold sees leaves silver's output byte-identical;
//! - a property test: random axes, audiences, restrictions, stages and nested blocks against
//!   an independent oracle of the visibility rule — `isolation_oracle` in `fuzz.rs`
//!   (`fuzz/sitegen.rs`), which took over this file's first generator (issue #12 made it a
//!   superset: hostile fences, links, reference definitions, tables and lists).

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::TestSite;

/// With a `base_url`, so that sitemap, robots.txt and canonical links exist and are
/// scanned too (issue #12).
const CONFIG: &str = "title: Canary
base_url: https://partners.example.com/extranet/
audience:
  axes:
    tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
    role: { values: [sales, technical, marketing] }
  audiences:
    public: { tier: public }
    registered: { tier: registered }
    silver-sales: { tier: silver, role: [sales] }
    silver-tech: { tier: silver, role: [technical] }
    gold: { tier: gold, role: [sales, technical, marketing] }
    staff: { all: true }
";

/// The canary site adds a catalog, so prices are scanned too.
const CATALOG: &str = "catalog:
  files: [data/products.yaml]
  categories:
    units: { title: Units }
";

const ALL: &[&str] = &[
    "public",
    "registered",
    "silver-sales",
    "silver-tech",
    "gold",
    "staff",
];

/// The canary site and, for every marker, the audiences that must see it.
fn canary_site() -> (TestSite, BTreeMap<&'static str, BTreeSet<&'static str>>) {
    let site = TestSite::with_config(&format!("{CONFIG}{CATALOG}"));
    site.page(
        "content/welcome.md",
        "title: Welcome KXQ01Z\ndescription: For everyone\ntier: public",
        "Public text.

::: only tier=gold
Gold rebate KXQ07Z, see [the gold terms](secret/gold.md) and ![chart](img/chart-kxq12z.svg).

## Gold heading KXQ10Z

::: only role=technical
Gold technical note KXQ08Z.
:::
:::

::: only role=sales tier=silver
Silver sales bonus KXQ09Z.
:::
",
    )
    .write(
        "content/img/chart-kxq12z.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- KXQ12Z --></svg>",
    )
    .page(
        "content/registered.md",
        "title: Registered only",
        "Registered text KXQ02Z.\n",
    )
    .page(
        "content/pricing/_index.md",
        "title: Pricing KXQ15Z\ntier: silver",
        "Pricing intro.\n",
    )
    .page(
        "content/pricing/terms.md",
        "title: Terms\ntags: [KXQ13Z]",
        "Silver terms KXQ03Z.\n",
    )
    .page(
        "content/service.md",
        "title: Service codes\nrole: [technical]",
        "Service code KXQ04Z.\n",
    )
    .page(
        "content/secret/gold.md",
        "title: Gold KXQ05Z\ndescription: Gold description KXQ06Z\ntier: gold",
        "Gold page with [the price list](files/gold-prices.txt).\n",
    )
    .write(
        "content/secret/files/gold-prices.txt",
        "gold prices KXQ11Z\n",
    )
    .write("content/img/unlinked.txt", "never published KXQ14Z\n")
    // Materials (issue #14): published by their own metadata, linked or not; an expired
    // one nowhere in production.
    .write_bytes("content/files/partner-kit.pdf", &crate::harness::pdf("KXQ18Z", 1))
    .write(
        "content/files/partner-kit.pdf.yaml",
        "title: Partner kit KXQ19Z\nkind: brochure\ntier: gold\nupdated: 2026-01-05\n",
    )
    .write_bytes("content/files/old-sheet.pdf", &crate::harness::pdf("KXQ20Z", 1))
    .write(
        "content/files/old-sheet.pdf.yaml",
        "title: Old sheet KXQ21Z\nkind: price-sheet\ntier: public\nexpires: 2020-01-01\n",
    )
    .page(
        "content/kxq16z/only-gold.md",
        "title: Only gold\ntier: gold",
        "Deep gold.\n",
    )
    // Prices are canaries too: amounts under 1,000 read the same in every format.
    .write(
        "data/products.yaml",
        "- sku: KXQ17Z\n  name: Unit\n  category: units\n  prices: { list: 999.99, silver: 927.31, gold: 913.57 }\n",
    );
    let sets = |names: &[&'static str]| names.iter().copied().collect::<BTreeSet<_>>();
    let gold = sets(&["gold", "staff"]);
    let silver = sets(&["silver-sales", "silver-tech", "gold", "staff"]);
    let expected = BTreeMap::from([
        ("KXQ01Z", sets(ALL)),
        (
            "KXQ02Z",
            sets(&["registered", "silver-sales", "silver-tech", "gold", "staff"]),
        ),
        ("KXQ03Z", silver.clone()),
        ("KXQ04Z", sets(&["silver-tech", "gold", "staff"])),
        ("KXQ05Z", gold.clone()),
        ("KXQ06Z", gold.clone()),
        ("KXQ07Z", gold.clone()),
        ("KXQ08Z", gold.clone()),
        ("KXQ09Z", sets(&["silver-sales", "gold", "staff"])),
        ("KXQ10Z", gold.clone()),
        ("KXQ11Z", gold.clone()),
        ("KXQ12Z", gold.clone()),
        ("KXQ13Z", silver.clone()),
        ("KXQ14Z", sets(&[])),
        ("KXQ15Z", silver),
        ("KXQ16Z", gold.clone()),
        ("KXQ18Z", gold.clone()),
        ("KXQ19Z", gold.clone()),
        ("KXQ20Z", sets(&[])),
        ("KXQ21Z", sets(&[])),
        // A product (registered by default) and its prices: list for every audience above
        // the lowest tier, each tier's price for that tier only; `all: true` sees list prices.
        (
            "KXQ17Z",
            sets(&["registered", "silver-sales", "silver-tech", "gold", "staff"]),
        ),
        (
            "999.99",
            sets(&["registered", "silver-sales", "silver-tech", "gold", "staff"]),
        ),
        // Staff review every tier's price (issue #12); no other audience sees another's.
        ("927.31", sets(&["silver-sales", "silver-tech", "staff"])),
        ("913.57", sets(&["gold", "staff"])),
    ]);
    (site, expected)
}

/// How many markers reached `audience` though it may not see them.
fn leaks_into(
    audience: &str,
    found: &BTreeMap<String, BTreeSet<String>>,
    expected: &BTreeMap<&'static str, BTreeSet<&'static str>>,
) -> usize {
    found
        .iter()
        .filter(|(m, got)| got.contains(audience) && !expected[m.as_str()].contains(audience))
        .count()
}

fn assert_exact(
    found: &BTreeMap<String, BTreeSet<String>>,
    expected: &BTreeMap<&'static str, BTreeSet<&'static str>>,
) {
    let mut problems = Vec::new();
    for (marker, want) in expected {
        let got: BTreeSet<&str> = found[*marker].iter().map(String::as_str).collect();
        for leak in got.difference(want) {
            problems.push(format!("LEAK: {marker} reached `{leak}`"));
        }
        for missing in want.difference(&got) {
            problems.push(format!("MISSING: {marker} should reach `{missing}`"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn canary_every_audience_gets_exactly_what_it_may_see() {
    let (site, expected) = canary_site();
    let run = site.build();
    assert_eq!(run.codes(), vec!["unpublished-asset"], "{}", run.short());
    let markers: Vec<_> = expected.keys().copied().collect();
    let scan = site.scan_markers(&markers);
    assert_exact(&scan.found, &expected);
    // The absolute-URL files exist in every audience, so the scan above covered them.
    for audience in ALL {
        site.assert_file_contains(
            &format!("{audience}/sitemap.xml"),
            &format!("https://partners.example.com/extranet/{audience}/welcome/"),
        );
        site.assert_file_contains(&format!("{audience}/robots.txt"), "Sitemap: https://");
        site.assert_file_contains(
            &format!("{audience}/welcome/index.html"),
            &format!("rel=\"canonical\" href=\"https://partners.example.com/extranet/{audience}/welcome/\""),
        );
    }
    // The search index was really looked into (decoding cannot silently do nothing).
    if cfg!(feature = "search") {
        for audience in ALL {
            let n = scan.decoded.get(*audience).copied().unwrap_or(0);
            assert!(
                n >= 3,
                "only {n} search index files of `{audience}` were decoded"
            );
        }
        // Markers hidden from an audience are absent from its index too, and present in
        // the index of those who see them.
        let search_only = &scan.in_search;
        assert!(
            search_only["KXQ07Z"].contains("gold")
                && !search_only["KXQ07Z"].contains("silver-sales"),
            "{search_only:?}"
        );
    }
}

#[test]
fn planted_leak_is_caught_by_the_scan() {
    let (site, expected) = canary_site();
    let mut diags = Vec::new();
    let loaded = kanava::load_site(site.root(), Default::default(), None, &mut diags).unwrap();
    let model = loaded.site.unwrap();
    let theme = kanava::load::theme::read(site.root(), None, &mut diags);
    let renderer = kanava::render::Renderer::new(theme, true, &mut diags);
    let output =
        kanava::write::Output::open(&site.out_dir(), site.root(), &[], false, None).unwrap();
    let staging = kanava::write::Staging::begin(&output).unwrap();
    let staff = kanava::plan::View {
        language: 0,
        audience: model.audiences.audience_id("staff").unwrap(),
        stage: Default::default(),
        at: loaded.at,
    };
    for view in kanava::plan::views(&model, &[], staff.stage, loaded.at) {
        let folder = view.folder(&model);
        // The deliberately wrong step: public's site is rendered from staff's plan.
        let wrong = if folder == "public" { staff } else { view };
        renderer
            .render(&kanava::plan::make(&model, wrong), &staging.sink(folder))
            .unwrap();
    }
    staging.commit().unwrap();
    let markers: Vec<_> = expected.keys().copied().collect();
    let found = site.scan_markers(&markers).found;
    assert!(
        leaks_into("public", &found, &expected) >= 10,
        "the scan missed the planted leak: {found:?}"
    );
}

/// The same control for the search index alone: every page of `public` is right, but its
/// index is built from staff's plan. Only decoding the index files can find this.
#[cfg(feature = "search")]
#[test]
fn planted_leak_in_the_search_index_alone_is_caught() {
    let (site, expected) = canary_site();
    site.build();
    let mut diags = Vec::new();
    let loaded = kanava::load_site(site.root(), Default::default(), None, &mut diags).unwrap();
    let model = loaded.site.unwrap();
    let staff = kanava::plan::View {
        language: 0,
        audience: model.audiences.audience_id("staff").unwrap(),
        stage: Default::default(),
        at: loaded.at,
    };
    // Replace public's index with one built from staff's plan.
    let public = site.out_dir().join("public");
    std::fs::remove_dir_all(public.join("_kanava/search")).unwrap();
    struct Dir(std::path::PathBuf);
    impl kanava::write::Sink for Dir {
        fn write(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
            let p = self.0.join(path);
            std::fs::create_dir_all(p.parent().unwrap())?;
            Ok(std::fs::write(p, bytes)?)
        }
        fn copy(&self, path: &str, from: &std::path::Path) -> anyhow::Result<()> {
            std::fs::copy(from, self.0.join(path))?;
            Ok(())
        }
    }
    kanava::post::search::write(&kanava::plan::make(&model, staff), &Dir(public)).unwrap();
    let markers: Vec<_> = expected.keys().copied().collect();
    let found = site.scan_markers(&markers).found;
    assert!(
        leaks_into("public", &found, &expected) >= 8,
        "the scan missed a leak inside the search index: {found:?}"
    );
}

/// Chunk bounds (issue #17): a reader downloads every chunk's `from` and `to` before any
/// chunk, so a hidden word must not surface even as a bound, the prefix of a word. Decoded
/// from each view's index: every bound is a prefix of a word of that same view's index, and
/// no word of a view holds another audience's marker — so no bound can come from a hidden
/// word. The control plants a bound from a gold-only marker in public's metadata and the
/// same check finds it.
#[cfg(feature = "search")]
#[test]
fn chunk_bounds_come_from_the_views_own_words() {
    use kanava::post::search::writer::inspect::words_and_bounds;
    let (site, expected) = canary_site();
    site.build();
    let orphans = |words: &BTreeSet<String>, bounds: &[String]| -> Vec<String> {
        bounds
            .iter()
            .filter(|b| !b.is_empty() && !words.iter().any(|w| w.starts_with(b.as_str())))
            .cloned()
            .collect()
    };
    let mut public = None;
    for audience in ALL {
        let prefix = format!("{audience}/_kanava/search/");
        let files: Vec<(String, Vec<u8>)> = site
            .listing()
            .into_iter()
            .filter(|p| p.starts_with(&prefix))
            .map(|p| {
                let bytes = std::fs::read(site.out_dir().join(&p)).unwrap();
                (p, bytes)
            })
            .collect();
        let (words, bounds) =
            words_and_bounds(files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))).unwrap();
        assert!(
            !words.is_empty() && !bounds.is_empty(),
            "{audience}: nothing decoded"
        );
        assert_eq!(orphans(&words, &bounds), Vec::<String>::new(), "{audience}");
        for (marker, allowed) in &expected {
            let needle = marker.to_ascii_lowercase();
            if !allowed.contains(audience) {
                assert!(
                    !words.iter().any(|w| w.contains(&needle)),
                    "{audience}'s index has the word {needle}"
                );
            }
        }
        if *audience == "public" {
            public = Some((words, bounds));
        }
    }
    let (words, mut bounds) = public.expect("public's index");
    let gold_only = expected
        .iter()
        .find(|(_, allowed)| allowed.contains("gold") && !allowed.contains("public"))
        .map(|(m, _)| m.to_ascii_lowercase())
        .expect("a gold-only marker");
    let planted = gold_only[..gold_only.len() - 1].to_owned();
    assert!(
        !words.iter().any(|w| w.starts_with(&planted)),
        "the control needs a bound public lacks"
    );
    bounds.push(planted.clone());
    assert_eq!(
        orphans(&words, &bounds),
        vec![planted],
        "the planted bound was missed"
    );
}

#[test]
fn changing_gold_content_leaves_silver_byte_identical() {
    let (site, _) = canary_site();
    site.build();
    let silver_before = site.snapshot_tree("silver-sales/");
    let gold_before = site.snapshot_tree("gold/");
    let welcome = std::fs::read_to_string(site.root().join("content/welcome.md")).unwrap();
    site.write(
        "content/welcome.md",
        &welcome.replace("Gold rebate KXQ07Z", "Gold rebate raised KXQ07Z"),
    );
    site.write(
        "content/secret/gold.md",
        "---\ntitle: Gold KXQ05Z\ntier: gold\n---\nRewritten.\n",
    );
    site.build();
    assert_eq!(
        silver_before,
        site.snapshot_tree("silver-sales/"),
        "silver's output changed"
    );
    assert_ne!(
        gold_before,
        site.snapshot_tree("gold/"),
        "gold's output did not change"
    );
}

#[test]
fn a_link_to_a_page_an_audience_cannot_see_is_an_error() {
    let site = TestSite::with_config(CONFIG);
    site.page(
        "content/open.md",
        "title: Open\ntier: public",
        "See [gold](gold.md).\n",
    )
    .page("content/gold.md", "title: Gold\ntier: gold", "x\n");
    let run = site.check();
    let d = run.expect_error("hidden-link-target", "content/open.md", 5);
    assert!(
        d.message.contains("`public`") && d.message.contains("`silver-sales`"),
        "{}",
        d.message
    );
    assert!(d.message.contains("tier gold and above"), "{}", d.message);
    assert!(
        !d.message.contains("`gold`") && !d.message.contains("`staff`"),
        "{}",
        d.message
    );
}

/// Issue #13: "restricted to" sent authors looking for a key that is in no file when the
/// restriction is the axis default. The message says where each part comes from.
#[test]
fn a_hidden_link_target_says_where_its_restriction_comes_from() {
    let site = TestSite::with_config(CONFIG);
    site.page(
        "content/open.md",
        "title: Open\ntier: public",
        "See [terms](terms.md), [tech](tech/guide.md) and [gold](gold.md).\n",
    )
    .page("content/terms.md", "title: Terms", "x\n")
    .page(
        "content/tech/_index.md",
        "title: Tech\ntier: silver\nrole: [technical]",
        "x\n",
    )
    .page("content/tech/guide.md", "title: Guide", "x\n")
    .page("content/gold.md", "title: Gold\ntier: gold", "x\n");
    let run = site.check();
    let d = run.expect_error("hidden-link-target", "content/open.md", 5);
    assert!(
        d.message.ends_with(
            "`content/terms.md` is restricted to tier registered and above — the axis default, since the page names no tier"
        ),
        "{}",
        d.message
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("name the `tier` the target is for in its front matter"),
        "{d:?}"
    );
    // What the page sets itself is named plainly, as before.
    assert!(
        run.short()
            .contains("`content/gold.md` is restricted to tier gold and above (help"),
        "{}",
        run.short()
    );
    insta::assert_snapshot!("hidden_link_target_origins", run.human());

    // `explain` says the same, and runs although the site has these errors.
    let out = site.cli(&["explain", "terms.md", "--audience", "public"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("✗ tier: requires tier registered and above — the axis default, since the page names no tier; `public` has public"),
        "{text}"
    );
    let out = site.cli(&["explain", "tech/guide.md", "--audience", "silver-sales"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "✗ role: requires role technical — inherited from its section `content/tech/_index.md`"
        ),
        "{text}"
    );
}

#[test]
fn audience_subset_build_keeps_other_folders() {
    let (site, _) = canary_site();
    site.build();
    let public_before = site.snapshot_tree("public/");
    site.page(
        "content/registered.md",
        "title: Registered only",
        "Changed.\n",
    );
    site.build_audiences(&["gold"]);
    assert_eq!(public_before, site.snapshot_tree("public/"));
    site.assert_file_contains("gold/registered/index.html", "Changed.");
}

#[test]
fn a_public_page_in_a_folder_without_index_keeps_its_place() {
    // Regression: the folder's synthetic section got the `registered` default, so public's
    // site had the page but not its section (no breadcrumb, no navigation to it).
    let site = TestSite::with_config(CONFIG);
    site.page(
        "content/guides/open.md",
        "title: Open guide\ntier: public",
        "x\n",
    )
    .page("content/guides/closed.md", "title: Closed guide", "y\n");
    site.build().assert_clean();
    site.assert_file_contains("public/guides/index.html", "Open guide");
    assert!(
        !site
            .read("public/guides/index.html")
            .contains("Closed guide")
    );
    site.assert_file_contains("public/guides/open/index.html", "href=\"../../guides/\"");
}

/// Issue #13: an audience's `title:` is what readers see; its name stays the folder.
#[test]
fn an_audience_title_is_its_display_name() {
    let site = TestSite::with_config(
        "title: T\naudience:\n  axes:\n    tier: { values: [silver, gold], ordered: true }\n  audiences:\n    silver-sales: { tier: silver, title: \"Silver partner, sales\" }\n    gold: { tier: gold }\n",
    );
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    site.assert_file_contains(
        "silver-sales/index.html",
        "Viewing as</span> <strong>Silver partner, sales</strong>",
    );
    site.assert_file_contains("gold/index.html", "Viewing as</span> <strong>gold</strong>");
    let site = TestSite::with_config(
        "title: T\naudience:\n  axes:\n    tier: { values: [silver, gold], ordered: true }\n  audiences:\n    gold: { tier: gold, title: [x] }\n",
    );
    site.check().expect_error("wrong-type", "kanava.yaml", 6);
}
