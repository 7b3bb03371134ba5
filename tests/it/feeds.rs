//! What's new and the Atom feed (issue #14): per view, newest first, dated by `updated` or
//! the file's last git commit (never the clock), read back with a feed parser.

use std::process::Command;

use atom_syndication::Feed;

use crate::harness::TestSite;

const TIERS: &str = "title: Test Extranet
base_url: https://partners.example.com/
audience:
  axes:
    tier: { values: [public, silver, gold], ordered: true, default: public }
  audiences:
    silver: { tier: silver }
    gold: { tier: gold }
";

fn parse(xml: &str) -> Feed {
    xml.parse::<Feed>()
        .unwrap_or_else(|e| panic!("not an Atom feed: {e}\n{xml}"))
}

fn tiered_site() -> TestSite {
    let site = TestSite::with_config(TIERS);
    site.page(
        "content/install.md",
        "title: Installing the X200\ndescription: From crate to first start.\nupdated: 2026-03-01",
        "Text.\n",
    );
    site.page(
        "content/ordering.md",
        "title: Ordering\nupdated: 2026-05-10",
        "Text.\n",
    );
    site.page(
        "content/gold-rebates.md",
        "title: GOLDREBATE programme\ntier: gold\nupdated: 2026-06-01",
        "Text.\n",
    );
    site.page("content/undated.md", "title: UNDATEDPAGE", "Text.\n");
    site
}

/// The feed holds what RFC 4287 requires (feed id, title, updated, an author; each entry's
/// id, title, updated and link), and the parser reads it back.
#[test]
fn the_feed_is_atom_with_the_required_elements() {
    let site = tiered_site();
    site.build().assert_clean();
    let xml = site.read("gold/feed.xml");
    let feed = parse(&xml);
    assert_eq!(feed.id(), "https://partners.example.com/gold/");
    assert!(feed.title().as_str().contains("Test Extranet"));
    // The newest entry's date, never the build's.
    assert_eq!(feed.updated().to_rfc3339(), "2026-06-01T00:00:00+00:00");
    assert_eq!(feed.authors()[0].name(), "Test Extranet");
    let rels: Vec<(&str, &str)> = feed.links().iter().map(|l| (l.rel(), l.href())).collect();
    assert!(rels.contains(&("self", "https://partners.example.com/gold/feed.xml")));
    assert!(rels.contains(&("alternate", "https://partners.example.com/gold/whats-new/")));
    for entry in feed.entries() {
        assert!(!entry.id().is_empty());
        assert!(!entry.title().as_str().is_empty());
        assert_eq!(entry.links()[0].rel(), "alternate");
    }
    let install = &feed.entries()[2];
    assert_eq!(install.id(), "https://partners.example.com/gold/install/");
    assert_eq!(
        install.links()[0].href(),
        "https://partners.example.com/gold/install/"
    );
    assert_eq!(
        install.summary().map(|s| s.as_str()),
        Some("From crate to first start.")
    );
    // Every page links the feed from its <head> (its title is an interface string, escaped
    // like any text: issue 18).
    site.assert_file_contains(
        "gold/install/index.html",
        r#"<link rel="alternate" type="application/atom+xml" title="What&#39;s new · Test Extranet" href="../feed.xml">"#,
    );
}

/// Newest first; an item without any date (no `updated`, no git) is left out of both.
#[test]
fn newest_first_and_undated_items_left_out() {
    let site = tiered_site();
    site.build().assert_clean();
    let feed = parse(&site.read("gold/feed.xml"));
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        ["GOLDREBATE programme", "Ordering", "Installing the X200"]
    );
    let page = news_list(&site, "gold/whats-new/index.html");
    let order: Vec<usize> = ["GOLDREBATE", "Ordering", "Installing the X200"]
        .iter()
        .map(|t| {
            page.find(t)
                .unwrap_or_else(|| panic!("{t} missing:\n{page}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{page}");
    assert!(page.contains(r#"<time datetime="2026-03-01T00:00:00+00:00">2026-03-01</time>"#));
    assert!(page.contains("From crate to first start."));
    assert!(!page.contains("UNDATEDPAGE") && !feed_has(&site, "gold", "UNDATEDPAGE"));
}

/// The list of what's new (not the navigation around it, which lists every page).
fn news_list(site: &TestSite, path: &str) -> String {
    let page = site.read(path);
    let start = page.find("<ol class=\"news-list\">").unwrap_or(page.len());
    let end = page[start..]
        .find("</ol>")
        .map_or(page.len(), |e| start + e);
    page[start..end].to_owned()
}

fn feed_has(site: &TestSite, view: &str, text: &str) -> bool {
    site.read(&format!("{view}/feed.xml")).contains(text)
}

/// A gold-only page is in gold's feed and what's new, never in silver's.
#[test]
fn a_gold_only_page_reaches_gold_s_feed_only() {
    let site = tiered_site();
    site.build().assert_clean();
    assert!(feed_has(&site, "gold", "GOLDREBATE"));
    assert!(news_list(&site, "gold/whats-new/index.html").contains("GOLDREBATE"));
    assert!(!feed_has(&site, "silver", "GOLDREBATE"));
    assert!(
        !site
            .read("silver/whats-new/index.html")
            .contains("GOLDREBATE")
    );
    assert!(!site.read("silver/feed.xml").contains("gold-rebates"));
    // Silver's feed is dated by what silver sees.
    let silver = parse(&site.read("silver/feed.xml"));
    assert_eq!(silver.updated().to_rfc3339(), "2026-05-10T00:00:00+00:00");
}

/// Same input, same bytes: ids and everything else are stable across builds.
#[test]
fn two_builds_write_the_same_feed() {
    let site = tiered_site();
    site.build().assert_clean();
    let first = (
        site.read("gold/feed.xml"),
        site.read("gold/whats-new/index.html"),
    );
    site.build().assert_clean();
    let second = (
        site.read("gold/feed.xml"),
        site.read("gold/whats-new/index.html"),
    );
    assert_eq!(first, second);
    let ids = |xml: &str| -> Vec<String> {
        parse(xml)
            .entries()
            .iter()
            .map(|e| e.id().to_owned())
            .collect()
    };
    assert_eq!(ids(&first.0), ids(&second.0));
}

/// Without `base_url` the feed still exists: `urn:` ids from the site title, audience and
/// page URL; links relative to the feed, which is at the view's root; no self link.
#[test]
fn without_base_url_ids_are_urns_and_links_relative() {
    let site = TestSite::with_config("title: Test Extranet\n");
    site.page(
        "content/guides/install.md",
        "title: Install\nupdated: 2026-03-01",
        "Text.\n",
    );
    site.build().assert_clean();
    let feed = parse(&site.read("feed.xml"));
    assert_eq!(feed.id(), "urn:kanava:Test%20Extranet:site");
    assert!(feed.links().iter().all(|l| l.rel() != "self"));
    let entry = &feed.entries()[0];
    assert_eq!(
        entry.id(),
        "urn:kanava:Test%20Extranet:site:guides/install/"
    );
    assert_eq!(entry.links()[0].href(), "guides/install/");
    site.assert_file_contains("guides/install/index.html", r#"href="../../feed.xml""#);
}

/// A view with nothing dated has a what's new page but no feed, and no page links one.
#[test]
fn no_dated_item_no_feed() {
    let site = TestSite::with_config("title: Test\n");
    site.page("content/a.md", "title: A", "Text.\n");
    site.build().assert_clean();
    site.assert_no_file("feed.xml");
    assert!(!site.read("a/index.html").contains("application/atom+xml"));
    site.assert_file_contains("whats-new/index.html", "Nothing dated yet.");
}

fn git(site: &TestSite, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args(args)
        .current_dir(site.root())
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", site.root())
        .output()
        .expect("git is installed (here and in CI)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Without `updated`, a page is dated by its file's last git commit; `updated` wins when
/// present; a file never committed has no date. A product is dated by its own `updated`
/// only: its data file's commit dates every product in it, so it dates none.
#[test]
fn git_dates_pages_without_updated() {
    let site = TestSite::with_config(
        "title: Test\ncatalog:\n  files: [data/products.yaml]\n  categories:\n    pumps: { title: Pumps }\n",
    );
    site.page("content/old.md", "title: Old page", "Text.\n");
    site.page(
        "content/stated.md",
        "title: Stated page\nupdated: 2025-01-02",
        "Text.\n",
    );
    site.write(
        "data/products.yaml",
        "- sku: X200\n  name: Pump X200\n  category: pumps\n  summary: A pump.\n  updated: 2026-03-01\n- sku: X300\n  name: Pump X300\n  category: pumps\n  summary: Undated.\n",
    );
    git(&site, &["init", "-q"], "2026-01-01T00:00:00Z");
    git(&site, &["add", "content", "data"], "2026-01-01T00:00:00Z");
    git(
        &site,
        &["commit", "-q", "-m", "first"],
        "2026-02-03T10:00:00+02:00",
    );
    site.page("content/old.md", "title: Old page", "Changed.\n");
    site.page(
        "content/stated.md",
        "title: Stated page\nupdated: 2025-01-02",
        "Changed.\n",
    );
    git(&site, &["add", "content"], "2026-01-01T00:00:00Z");
    git(
        &site,
        &["commit", "-q", "-m", "second"],
        "2026-04-05T12:30:00Z",
    );
    site.page("content/new.md", "title: Uncommitted page", "Text.\n");
    site.build().assert_clean();
    let feed = parse(&site.read("feed.xml"));
    let entries: Vec<(&str, String)> = feed
        .entries()
        .iter()
        .map(|e| (e.title().as_str(), e.updated().to_rfc3339()))
        .collect();
    assert_eq!(
        entries,
        [
            ("Old page", "2026-04-05T12:30:00+00:00".to_owned()),
            ("Pump X200", "2026-03-01T00:00:00+00:00".to_owned()),
            ("Stated page", "2025-01-02T00:00:00+00:00".to_owned()),
        ]
    );
    let page = news_list(&site, "whats-new/index.html");
    assert!(
        page.contains("Product") && page.contains("A pump."),
        "{page}"
    );
    assert!(!page.contains("Uncommitted page") && !page.contains("X300"));
}
