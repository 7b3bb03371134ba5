//! Builds through the document cache (issue 19, `model::cache`, what `kanava serve` uses
//! between rebuilds) write exactly what clean builds write: after every edit of a random
//! sequence — text, links, code, `only` blocks, titles (the navigation order), audiences,
//! pages and translations added and removed, the configuration — the cached build's files
//! and diagnostics are byte-identical to a clean build's.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;

use crate::harness::TestSite;

const PAGES: usize = 4;

/// One page's text, chosen from variants that exercise what a document holds.
fn body(variant: u8, page: usize) -> String {
    let other = (page + 1) % PAGES;
    match variant % 6 {
        0 => format!("Plain text of page {page}.\n"),
        1 => format!(
            "See [the next page](p{other}.md) and [its part](p{other}.md#part).\n\n## Part\n\nMore.\n"
        ),
        2 => "## Part\n\n```rust\nfn main() { let x = 1; }\n```\n".to_owned(),
        3 => format!("Open.\n\n::: only tier=gold\nGold text, see [page](p{other}.md).\n:::\n"),
        4 => "A [broken link](nowhere.md).\n".to_owned(),
        _ => "```python\nprint('hi')\n```\n\n## Part\n".to_owned(),
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Body(usize, u8),
    Title(usize, u8),
    Tier(usize, u8),
    Toggle(usize),
    Translation(usize, u8),
    Languages(bool),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0..PAGES, any::<u8>()).prop_map(|(p, v)| Edit::Body(p, v)),
        1 => (0..PAGES, any::<u8>()).prop_map(|(p, v)| Edit::Title(p, v)),
        1 => (0..PAGES, 0u8..3).prop_map(|(p, v)| Edit::Tier(p, v)),
        1 => (0..PAGES).prop_map(Edit::Toggle),
        1 => (0..PAGES, any::<u8>()).prop_map(|(p, v)| Edit::Translation(p, v)),
        1 => any::<bool>().prop_map(Edit::Languages),
    ]
}

/// The site's state, written out in full after each edit.
#[derive(Clone)]
struct State {
    pages: [Option<(u8, u8, u8)>; PAGES],
    translations: [Option<u8>; PAGES],
    languages: bool,
}

impl State {
    fn write(&self, site: &TestSite) {
        let languages = if self.languages {
            "languages: [en, fi]\n"
        } else {
            ""
        };
        site.write(
            "kanava.yaml",
            &format!("title: Incremental\n{languages}audience:\n  axes:\n    tier: {{ values: [public, silver, gold], ordered: true }}\n  audiences:\n    public: {{ tier: public }}\n    gold: {{ tier: gold }}\n"),
        );
        for p in 0..PAGES {
            let path = site.root().join(format!("content/p{p}.md"));
            let fi = site.root().join(format!("content/p{p}.fi.md"));
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(&fi);
            let Some((variant, title, tier)) = self.pages[p] else {
                continue;
            };
            let tier = ["public", "silver", "gold"][usize::from(tier % 3)];
            site.page(
                &format!("content/p{p}.md"),
                &format!("title: Page {}\ntier: {tier}", title % 5),
                &body(variant, p),
            );
            if let (Some(v), true) = (self.translations[p], self.languages) {
                site.page(
                    &format!("content/p{p}.fi.md"),
                    &format!("title: Sivu {p}"),
                    &body(v, p),
                );
            }
        }
    }

    fn apply(&mut self, edit: &Edit) {
        match *edit {
            Edit::Body(p, v) => {
                if let Some(page) = &mut self.pages[p] {
                    page.0 = v;
                }
            }
            Edit::Title(p, v) => {
                if let Some(page) = &mut self.pages[p] {
                    page.1 = v;
                }
            }
            Edit::Tier(p, v) => {
                if let Some(page) = &mut self.pages[p] {
                    page.2 = v;
                }
            }
            Edit::Toggle(p) => {
                self.pages[p] = match self.pages[p] {
                    Some(_) => None,
                    None => Some((0, p as u8, 0)),
                }
            }
            Edit::Translation(p, v) => {
                self.translations[p] = match self.translations[p] {
                    Some(_) => None,
                    None => Some(v),
                }
            }
            Edit::Languages(on) => self.languages = on,
        }
    }
}

/// `cache` written as `kanava build` stores it, and read back.
fn round_trip(cache: &kanava::model::cache::DocCache) -> kanava::model::cache::DocCache {
    let mut bytes = Vec::new();
    cache.take().write_to(&mut bytes).expect("written");
    kanava::model::cache::DocCache::read_from(&bytes[..]).expect("read back")
}

/// Every file of the site (`content/p0.md` → its bytes).
fn files_of(root: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .into_owned();
            Some((rel, std::fs::read(e.path()).ok()?))
        })
        .collect()
}

/// The files and diagnostics of a build of `site` into memory.
fn build(
    site: &TestSite,
    cache: Option<Arc<kanava::model::cache::DocCache>>,
) -> (std::collections::BTreeMap<String, Vec<u8>>, Vec<String>) {
    let memory = kanava::write::Memory::default();
    let outcome = kanava::build_into(
        &kanava::Options {
            root: site.root().to_owned(),
            at: Some("2026-11-29".into()),
            cache,
            ..kanava::Options::default()
        },
        &memory,
    )
    .expect("build");
    let diags = outcome
        .diagnostics
        .iter()
        .map(kanava::diag::render_short)
        .collect();
    (memory.files(), diags)
}

#[test]
fn a_cached_build_equals_a_clean_build_after_random_edits() {
    let hits = AtomicUsize::new(0);
    let kept = AtomicUsize::new(0);
    let config = ProptestConfig {
        cases: 16,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let starts = (any::<bool>(), any::<bool>());
    proptest!(config, |(edits in proptest::collection::vec(edit(), 1..7), (stored, languages) in starts)| {
        let site = TestSite::new();
        let mut state = State {
            pages: [Some((1, 0, 0)), Some((2, 1, 0)), Some((3, 2, 2)), None],
            translations: [Some(0), None, None, None],
            languages,
        };
        let mut cache = Arc::new(kanava::model::cache::DocCache::default());
        state.write(&site);
        let _ = build(&site, Some(Arc::clone(&cache)));
        for edit in &edits {
            if stored {
                // Through the bytes `kanava build` keeps in the user's cache folder.
                hits.fetch_add(cache.hits(), Ordering::Relaxed);
                kept.fetch_add(cache.models_kept(), Ordering::Relaxed);
                cache = Arc::new(round_trip(&cache));
            }
            state.apply(edit);
            // The files that changed, as `serve`'s watcher names them: a file rewritten
            // with another text can keep its size and (coarse) modification time.
            let before = files_of(site.root());
            state.write(&site);
            let after = files_of(site.root());
            let changed = before
                .keys()
                .chain(after.keys())
                .filter(|p| before.get(*p) != after.get(*p))
                .cloned();
            cache.texts.changed(changed);
            let cached = build(&site, Some(Arc::clone(&cache)));
            let clean = build(&site, None);
            prop_assert_eq!(&cached.1, &clean.1, "diagnostics after {:?}", edit);
            let differ: Vec<&String> = clean
                .0
                .iter()
                .filter(|(path, bytes)| cached.0.get(*path) != Some(*bytes))
                .map(|(path, _)| path)
                .chain(cached.0.keys().filter(|p| !clean.0.contains_key(*p)))
                .collect();
            prop_assert!(differ.is_empty(), "after {:?}, files differ: {:?}", edit, differ);
        }
        hits.fetch_add(cache.hits(), Ordering::Relaxed);
        kept.fetch_add(cache.models_kept(), Ordering::Relaxed);
    });
    // The cache was used, so the comparison above compared reuse with a clean build.
    assert!(hits.into_inner() > 0, "no document was ever reused");
    // Some builds started from the last build's model (`model::keep`: only bodies changed).
    assert!(kept.into_inner() > 0, "no build kept the last model");
}

/// A save of a page the last walk found is not walked again: only the named file is read
/// (`load::Texts`), the last model is kept (`model::keep`), and the build equals a clean
/// one. An editor's temporary file, gone by the build, keeps the walk too; a new file or a
/// deleted one needs a walk (and a new model).
#[test]
fn a_save_of_a_known_file_is_not_walked_again() {
    let site = TestSite::new();
    site.write("kanava.yaml", "title: Walks\n");
    site.page("content/_index.md", "title: Home", "[A](a.md)\n");
    site.page("content/a.md", "title: A", "First text.\n");
    let cache = Arc::new(kanava::model::cache::DocCache::default());
    let _ = build(&site, Some(Arc::clone(&cache)));
    assert_eq!(cache.texts.walks(), 1);

    // An atomic save: the text goes to a temporary file renamed over the page.
    site.page("content/a.md.tmp", "title: A", "Second text.\n");
    std::fs::rename(
        site.root().join("content/a.md.tmp"),
        site.root().join("content/a.md"),
    )
    .expect("rename");
    cache
        .texts
        .changed(["content/a.md.tmp".to_owned(), "content/a.md".to_owned()]);
    let cached = build(&site, Some(Arc::clone(&cache)));
    assert_eq!(cache.texts.walks(), 1, "the save was walked again");
    // Only a body changed: the last build's model, with the page parsed again.
    assert_eq!(cache.models_kept(), 1);
    assert_eq!(cached, build(&site, None));
    let page = String::from_utf8_lossy(&cached.0["a/index.html"]).into_owned();
    assert!(page.contains("Second text."), "{page}");

    // A new page: walked, and found.
    site.page("content/b.md", "title: B", "New.\n");
    cache.texts.changed(["content/b.md".to_owned()]);
    let cached = build(&site, Some(Arc::clone(&cache)));
    assert_eq!(cache.texts.walks(), 2);
    assert_eq!(cache.models_kept(), 1, "a new page needs a new model");
    assert!(cached.0.contains_key("b/index.html"));
    assert_eq!(cached, build(&site, None));

    // A deleted page: walked, and gone.
    std::fs::remove_file(site.root().join("content/b.md")).expect("remove");
    cache.texts.changed(["content/b.md".to_owned()]);
    let cached = build(&site, Some(Arc::clone(&cache)));
    assert_eq!(cache.texts.walks(), 3);
    assert!(!cached.0.contains_key("b/index.html"));
    assert_eq!(cached, build(&site, None));

    // A lost event: everything is walked and read again.
    cache.texts.forget();
    let _ = build(&site, Some(Arc::clone(&cache)));
    assert_eq!(cache.texts.walks(), 4);
}

/// The last build's model is kept only when nothing but pages' bodies changed
/// (`model::keep`): front matter, a file a page links, kanava.yaml each make it anew. Every
/// build equals a clean one.
#[test]
fn only_a_body_edit_keeps_the_model() {
    let site = TestSite::new();
    site.write("kanava.yaml", "title: Kept\n");
    site.page("content/_index.md", "title: Home", "[A](a.md)\n");
    site.page("content/a.md", "title: A", "First ![logo](logo.png).\n");
    site.write("content/logo.png", "one");
    let cache = Arc::new(kanava::model::cache::DocCache::default());
    let _ = build(&site, Some(Arc::clone(&cache)));
    let edit = |path: &str, text: &str, front: &str| {
        if path == "content/a.md" {
            site.page(path, front, text);
        } else {
            site.write(path, text);
        }
        cache.texts.changed([path.to_owned()]);
        let cached = build(&site, Some(Arc::clone(&cache)));
        assert_eq!(cached, build(&site, None), "after an edit of {path}");
        (cache.models_kept(), cached)
    };
    let (kept, out) = edit("content/a.md", "Second ![logo](logo.png).\n", "title: A");
    assert_eq!(kept, 1, "a body edit keeps the model");
    assert!(String::from_utf8_lossy(&out.0["a/index.html"]).contains("Second"));
    let (kept, out) = edit(
        "content/a.md",
        "Second ![logo](logo.png).\n",
        "title: Renamed",
    );
    assert_eq!(kept, 1, "front matter makes the model anew");
    assert!(String::from_utf8_lossy(&out.0["a/index.html"]).contains("Renamed"));
    let (kept, _) = edit("content/logo.png", "two, longer", "");
    assert_eq!(kept, 1, "a linked file makes the model anew");
    let (kept, out) = edit("kanava.yaml", "title: Kept again\n", "");
    assert_eq!(kept, 1, "kanava.yaml makes the model anew");
    assert!(String::from_utf8_lossy(&out.0["index.html"]).contains("Kept again"));
    let (kept, _) = edit(
        "content/a.md",
        "Third ![logo](logo.png).\n",
        "title: Renamed",
    );
    assert_eq!(kept, 2, "a body edit keeps the model again");
}

/// `kanava build` keeps its parsed pages in the user's cache folder: a second build after
/// an edit parses only the edited page and writes exactly what a build without the cache
/// writes; a damaged cache is ignored and replaced (another program's: the unit test in
/// `model::cache`).
#[test]
fn a_second_build_parses_only_what_changed() {
    let site = TestSite::new();
    site.write(
        "kanava.yaml",
        "title: Stored\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    gold: { tier: gold }\n",
    );
    site.page("content/_index.md", "title: Home", "[A](a.md) [B](b.md)\n");
    site.page(
        "content/a.md",
        "title: A",
        "First.\n\n```rust\nfn main() {}\n```\n\n::: only tier=gold\nGold [B](b.md#part).\n:::\n",
    );
    site.page("content/b.md", "title: B", "## Part\n\nB's text.\n");
    let cache_dir = site.root().join("user-cache");
    let build = |cached: bool, out: &str| {
        kanava::build(&kanava::Options {
            root: site.root().to_owned(),
            out: Some(site.root().join(out)),
            at: Some("2026-11-29".into()),
            cache_dir: cached.then(|| cache_dir.clone()),
            ..kanava::Options::default()
        })
        .expect("build")
    };
    let first = build(true, "public");
    assert!(first.wrote);
    assert_eq!((first.stats.reused, first.stats.documents), (0, 3));
    let stored = kanava::load::cache_file(&cache_dir, site.root());
    assert!(stored.is_file(), "no cache was kept");
    // It holds every audience's text: its owner's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&stored)
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    // A folder made for the cache is marked as one; a folder that was there is not.
    assert!(cache_dir.join("CACHEDIR.TAG").is_file());
    let existing = site.root().join("existing");
    std::fs::create_dir_all(&existing).expect("mkdir");
    let kept = kanava::build(&kanava::Options {
        root: site.root().to_owned(),
        out: Some(site.root().join("elsewhere")),
        cache_dir: Some(existing.clone()),
        ..kanava::Options::default()
    })
    .expect("build");
    assert!(kept.wrote && kanava::load::cache_file(&existing, site.root()).is_file());
    assert!(
        !existing.join("CACHEDIR.TAG").exists(),
        "tagged a folder it did not make"
    );

    site.page("content/b.md", "title: B", "## Part\n\nB's new text.\n");
    let second = build(true, "public");
    assert_eq!((second.stats.reused, second.stats.documents), (2, 3));
    let clean = build(false, "clean");
    assert_eq!(second.diagnostics.len(), clean.diagnostics.len());
    assert_eq!(
        files_of(&site.root().join("public")),
        files_of(&site.root().join("clean")),
        "a build through the stored cache differs from a clean build"
    );
    let page = std::fs::read_to_string(site.root().join("public/gold/b/index.html")).expect("b");
    assert!(
        page.contains("B&#39;s new text.") || page.contains("B's new text."),
        "{page}"
    );

    // A damaged cache: ignored (everything parsed), and replaced by a good one.
    std::fs::write(&stored, b"not a cache").expect("damage");
    site.page("content/b.md", "title: B", "## Part\n\nB's third text.\n");
    let third = build(true, "public");
    assert!(third.wrote && third.diagnostics.is_empty());
    assert_eq!(third.stats.reused, 0);
    site.page("content/a.md", "title: A", "Changed.\n");
    let fourth = build(true, "public");
    assert_eq!((fourth.stats.reused, fourth.stats.documents), (2, 3));
}
