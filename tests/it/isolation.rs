//! Isolation by construction (issue #12): the reproducers of the hostile trial, each a
//! fixture under `tests/fixtures/`, plus the rules that close their classes — fences are
//! taken from CommonMark's reading of the page or refused, reference definitions are seen
//! only where their block is, links and heading ids are written per view.

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::TestSite;

/// Builds and scans a fixture with its `manifest.json` (marker → audiences that may see
/// it): each marker must reach exactly those audiences.
fn assert_manifest(site: &TestSite) {
    let manifest: BTreeMap<String, Vec<String>> = serde_json::from_str(
        &std::fs::read_to_string(site.root().join("manifest.json")).expect("manifest"),
    )
    .expect("manifest is JSON");
    let markers: Vec<&str> = manifest.keys().map(String::as_str).collect();
    let found = site.scan_markers(&markers).found;
    let mut problems = Vec::new();
    for (marker, want) in &manifest {
        let want: BTreeSet<&str> = want.iter().map(String::as_str).collect();
        let got: BTreeSet<&str> = found[marker].iter().map(String::as_str).collect();
        for leak in got.difference(&want) {
            problems.push(format!("LEAK: {marker} reached `{leak}`"));
        }
        for missing in want.difference(&got) {
            problems.push(format!("MISSING: {marker} should reach `{missing}`"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `only-fence-ignored`: every line a reader takes for a fence is a fence, or an error.
#[test]
fn repro_only_fence_ignored() {
    let site = TestSite::fixture("only-fence-ignored");
    let run = site.build();
    run.expect_error("ambiguous-fence", "content/indented.md", 7);
    run.expect_error("ambiguous-fence", "content/quote.md", 6);
    run.expect_error("fence-in-open-code", "content/unclosed-code.md", 8);
    run.expect_error("ambiguous-fence", "content/zwsp.md", 7);
    run.expect_error("ambiguous-fence", "content/zwsp.md", 9);
    assert!(!site.out_dir().exists(), "a failed build writes nothing");
    insta::assert_snapshot!(run.human());
    // The pages CommonMark reads without doubt build, and their blocks hold.
    for page in ["indented", "quote", "unclosed-code", "zwsp"] {
        std::fs::remove_file(site.root().join(format!("content/{page}.md"))).expect("rm");
    }
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    let manifest = site.root().join("manifest.json");
    let all: BTreeMap<String, Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(&manifest).expect("read")).expect("json");
    let kept: BTreeMap<_, _> = all
        .into_iter()
        .filter(|(m, _)| {
            ["mkfenceinline", "mkfencelist", "mkfencehtml", "mkfencecr"].contains(&m.as_str())
        })
        .collect();
    std::fs::write(&manifest, serde_json::to_string(&kept).expect("json")).expect("write");
    assert_manifest(&site);
    assert!(!site.read("public/cr-endings/index.html").contains(":::"));
}

/// `refdef-in-only-block`: a definition inside a block is not seen from outside it; the
/// build says where, and publishes nothing.
#[test]
fn repro_refdef_in_only_block() {
    let site = TestSite::fixture("refdef-in-only-block");
    let run = site.build();
    // Public text using the gold block's [calc] and [plan].
    run.expect_error("hidden-reference", "content/page.md", 17);
    // A silver block using [price list], defined only in a gold block and another silver one.
    run.expect_error("hidden-reference", "content/prices.md", 6);
    assert!(!site.out_dir().exists());
    // Definitions where their block is: each audience gets its own file, nothing else.
    site.page(
        "content/prices.md",
        "title: Net prices\ntier: silver",
        "::: only tier=silver\nYour net prices are in the [price list].\n\n[price list]: files/silver-net-prices.pdf\n:::\n\n::: only tier=gold\nGold: your [price list][gold] includes the rebate.\n\n[gold]: files/gold-net-prices.pdf\n:::\n",
    );
    site.page(
        "content/page.md",
        "title: Public page\ntier: public",
        "Public text.\n\n::: only tier=gold\nGold: the [rebate calculator][calc] and ![plan][plan].\n\n[calc]: https://intranet.example.com/gold-rebates-mkrefurl \"Gold rebate 3 % mkreftitle\"\n\n[plan]: img/gold-plan-mkrefimg.svg \"Gold roadmap mkimgtitle\"\n:::\n",
    );
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    assert_manifest(&site);
    assert!(site.exists("silver/files/silver-net-prices.pdf"));
    site.assert_no_file("silver/files/gold-net-prices.pdf");
    site.assert_file_contains("gold/prices/index.html", "../files/gold-net-prices.pdf");
}

/// `heading-id-side-channel`: a view's heading ids depend only on the headings it shows.
#[test]
fn repro_heading_id_side_channel() {
    let site = TestSite::fixture("heading-id-side-channel");
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    let public = site.read("public/news/index.html");
    assert!(
        public.contains("<h2 id=\"acquisition-of-nordtherm\">"),
        "{public}"
    );
    assert!(!public.contains("nordtherm-1"), "{public}");
    let gold = site.read("gold/news/index.html");
    assert!(gold.contains("<h2 id=\"acquisition-of-nordtherm\">"));
    assert!(gold.contains("<h2 id=\"acquisition-of-nordtherm-1\">"));
}

/// Links to a heading follow it per view: `#terms` leads to the first `Terms` heading the
/// view shows, and the table of contents uses the view's ids.
#[test]
fn anchors_follow_the_views_heading_ids() {
    let site = TestSite::fixture("heading-id-side-channel");
    site.page(
        "content/links.md",
        "title: Links\ntier: public",
        "See [the news](news.md#acquisition-of-nordtherm) and [here](#top).\n\n## Top\n",
    );
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    site.assert_file_contains(
        "public/links/index.html",
        "href=\"../news/#acquisition-of-nordtherm\"",
    );
    site.assert_file_contains("public/links/index.html", "href=\"#top\"");
    let gold_news = site.read("gold/news/index.html");
    assert!(
        gold_news.contains("href=\"#acquisition-of-nordtherm-1\""),
        "TOC: {gold_news}"
    );
}

/// `product-datasheet-from-hidden-block`: a product's datasheet and image are its own,
/// never a file its description links inside a block.
#[test]
fn repro_product_datasheet_from_hidden_block() {
    let site = TestSite::fixture("product-datasheet-from-hidden-block");
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    assert_manifest(&site);
    for audience in ["silver", "gold"] {
        let page = site.read(&format!("{audience}/catalog/pumps/hp-12/index.html"));
        assert!(
            page.contains("files/hp-12-datasheet.pdf"),
            "{audience}: {page}"
        );
        assert!(page.contains("img/hp-12.svg"), "{audience}");
    }
}

/// `nested-only-quadratic-memory`: 20,000 nested blocks (the 540 KB page of the report)
/// check and build; each level is shown to the audiences it admits.
#[test]
fn repro_nested_only_blocks() {
    let site = TestSite::with_config(
        "title: T\naudience:\n  axes:\n    tier: { values: [public, silver, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    silver: { tier: silver }\n",
    );
    let n = 20_000;
    let mut body = String::new();
    for i in 0..n {
        body.push_str(&format!("::: only tier=silver\nlevel{i}\n"));
    }
    body.push_str("mkdeepest\n");
    body.push_str(&":::\n".repeat(n));
    site.page("content/deep.md", "title: Deep\ntier: public", &body);
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    site.assert_file_contains("silver/deep/index.html", "mkdeepest");
    assert!(!site.read("public/deep/index.html").contains("level0"));
}

/// Raw HTML links to pages and files are checked and written like Markdown links: the file
/// is published, the URL is relative, and a broken one is an error at its place.
#[test]
fn raw_html_links_are_checked_and_rewritten() {
    let site = TestSite::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\n<a href=\"guide.md\">Guide</a>\n\n<div>\n<img\n  src=\"img/a.svg\" alt=\"\">\n</div>\n");
    site.write("content/img/a.svg", "<svg/>");
    site.page(
        "content/guide.md",
        "title: Guide",
        "<a href=\"missing.pdf\">x</a> <a href=\"_index.md\">home</a>\n",
    );
    let run = site.build();
    run.expect_error("broken-link", "content/guide.md", 4);
    site.page(
        "content/guide.md",
        "title: Guide",
        "<a href=\"_index.md\">home</a>\n",
    );
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    site.assert_file_contains("index.html", "<a href=\"guide/\">Guide</a>");
    site.assert_file_contains("index.html", "src=\"img/a.svg\"");
    assert!(site.exists("img/a.svg"));
    site.assert_file_contains("guide/index.html", "<a href=\"../\">home</a>");
}

/// The plan is the guarantee: rendering a view whose page links a page it cannot see
/// (the library path, without `check`) writes no URL to it.
#[test]
fn plan_cannot_write_a_link_to_what_a_view_cannot_see() {
    let site = TestSite::with_config(
        "title: T\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    gold: { tier: gold }\n",
    );
    site.page(
        "content/open.md",
        "title: Open\ntier: public",
        "See [the secret](secret.md) and [](secret.md).\n",
    );
    site.page(
        "content/secret.md",
        "title: Secret mktitle\ntier: gold",
        "Gold.\n",
    );
    let mut diags = Vec::new();
    let loaded = kanava::load_site(
        site.root(),
        kanava::model::lifecycle::Stage::Production,
        None,
        &mut diags,
    )
    .expect("loads");
    assert!(diags.iter().any(|d| d.code == "hidden-link-target"));
    let site_model = loaded.site.expect("a site");
    let public = site_model.audiences.audience_id("public").expect("public");
    let view = kanava::plan::views(&site_model, &[public], Default::default(), loaded.at)[0];
    let plan = kanava::plan::make(&site_model, view);
    let open = plan
        .pages
        .iter()
        .position(|p| p.title == "Open")
        .expect("open page");
    let content = plan.content(open);
    assert!(content.contains("<a>the secret</a>"), "{content}");
    assert!(!content.contains("secret/"), "{content}");
    assert!(!content.contains("mktitle"), "{content}");
}

/// Issue #13: `::: only` around table rows and list items restricts those rows and items;
/// every audience gets one table and one list (rows after a block were literal text, and
/// lists split in two), and a link in a hidden row is checked only where it is shown.
#[test]
fn blocks_around_table_rows_and_list_items() {
    let site = TestSite::with_config(
        "title: T\naudience:\n  axes:\n    tier: { values: [silver, gold], ordered: true }\n  audiences:\n    silver: { tier: silver }\n    gold: { tier: gold }\n",
    );
    site.page(
        "content/bonus.md",
        "title: Bonus\ntier: gold",
        "Gold bonus.\n",
    );
    site.page(
        "content/prices.md",
        "title: Prices",
        "| Product | Discount |\n|---|--:|\n| HP-8 | 30 % |\n::: only tier=gold\n| HP-12 | 35 % ([bonus](bonus.md)) |\n:::\n| HP-16 | 30 % |\n\n1. Order\n2. Pay\n::: only tier=gold\n3. Claim the mkgoldstep bonus\n:::\n4. Install\n",
    );
    let run = site.build();
    assert!(run.ok(), "{}", run.short());
    let body = |path: &str| {
        let page = site.read(path);
        let start = page.find("doc-body").expect("page body");
        page[start..].to_owned()
    };
    let silver = body("silver/prices/index.html");
    assert_eq!(silver.matches("<table>").count(), 1);
    assert_eq!(silver.matches("<tr>").count(), 3, "{silver}");
    assert!(!silver.contains("HP-12") && !silver.contains("mkgoldstep"));
    assert!(
        !silver.contains("| HP-16"),
        "a row after the block is still a row"
    );
    assert_eq!(silver.matches("<ol>").count(), 1, "one list: {silver}");
    assert!(silver.contains("<td>HP-16</td>") && silver.contains("Install"));
    let gold = body("gold/prices/index.html");
    assert_eq!(gold.matches("<tr>").count(), 4, "{gold}");
    assert!(gold.contains("<a href=\"../bonus/\">bonus</a>"));
    assert_eq!(gold.matches("<li>").count(), 4);
    assert_eq!(gold.matches("<ol>").count(), 1);
}
