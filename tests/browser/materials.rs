//! The materials library (issue #14), on the demo (gold's view), on a phone: with JavaScript
//! its filters (kind, product, language) hide what does not match and the groups left
//! empty, say "N of M files", keep the choice in the address and restore it on reload;
//! without JavaScript it is the whole list grouped by kind, the form hidden.
//!
//! What should be listed is read from the demo's sidecars (`content/**/NAME.EXT.yaml`) of
//! the files gold's build published, not from the page: a template that writes the wrong
//! `data-*` attributes or puts a material in the wrong group fails here too. "Shown" is
//! what the reader sees (the element has boxes), not the `hidden` attribute, so CSS that
//! lets a hidden item show fails as well.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Emulation;
use serde::Deserialize;

use crate::*;

/// The library under gold's site.
const LIBRARY: &str = "materials/";

/// A phone: where the filters must fit and work.
const PHONE: (u32, u32) = (390, 844);

/// A material of the demo as its sidecar describes it.
#[derive(Debug, Clone)]
struct Material {
    /// The file's path under the view (and under `content/`): `marketing/files/x.pdf`.
    path: String,
    kind: String,
    language: String,
    products: Vec<String>,
}

/// The keys of a sidecar these tests filter by (the others are ignored).
#[derive(Deserialize)]
struct Sidecar {
    kind: String,
    language: String,
    #[serde(default)]
    products: Vec<String>,
}

/// Every material of the demo (a file with a sidecar) that the build published in `view`.
fn published(view: &Path) -> Vec<Material> {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut found = Vec::new();
    let mut dirs = vec![content.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read content").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Some(file) = path.to_str().and_then(|p| p.strip_suffix(".yaml")) else {
                continue;
            };
            // A sidecar is NAME.EXT.yaml beside NAME.EXT.
            let file = PathBuf::from(file);
            if !file.is_file() {
                continue;
            }
            let rel = file
                .strip_prefix(&content)
                .expect("under content")
                .to_str()
                .expect("UTF-8 path")
                .replace('\\', "/");
            if !view.join(&rel).is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read sidecar");
            let sidecar: Sidecar =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            found.push(Material {
                path: rel,
                kind: sidecar.kind,
                language: sidecar.language,
                products: sidecar.products,
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The demo's gold site (shared with the layout tests): its URL and its materials.
fn gold() -> (String, Vec<Material>) {
    let base = shared_demo();
    let (site, _) = DEMO.get().expect("the demo is built");
    let materials = published(&site.out().join("gold"));
    // The demo has materials of several kinds and languages for gold: else these tests
    // would prove little.
    let kinds: BTreeSet<&str> = materials.iter().map(|m| m.kind.as_str()).collect();
    let languages: BTreeSet<&str> = materials.iter().map(|m| m.language.as_str()).collect();
    assert!(
        materials.len() >= 20 && kinds.len() >= 5 && languages.len() >= 3,
        "the demo's gold materials changed: {materials:?}"
    );
    (base, materials)
}

/// The library as the reader sees it.
#[derive(Debug, Deserialize, PartialEq)]
struct State {
    /// The filter form is shown.
    form: bool,
    /// The materials shown, by path under the view, sorted.
    shown: Vec<String>,
    /// The kinds whose groups are shown (`kind-X` → `X`), in page order.
    groups: Vec<String>,
    /// Each shown material's group (path → kind), to check the grouping.
    group_of: std::collections::BTreeMap<String, String>,
    /// The live count's text when it is shown, else "".
    count: String,
    /// "No material matches these filters." is shown.
    none: bool,
    /// The selects' values: kind, product, language.
    kind: String,
    product: String,
    language: String,
    /// `location.search`.
    search: String,
    /// Every material listed in the page (shown or not).
    listed: usize,
    /// The lead paragraph ("… 26 files.").
    lead: String,
}

const STATE: &str = "JSON.stringify((() => {
    const seen = e => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const path = e => decodeURIComponent(new URL(e.querySelector('.material-title a[download]').href).pathname).replace(/^\\/gold\\//, '');
    const items = [...document.querySelectorAll('.library .material')];
    const shown = items.filter(seen);
    const group_of = {};
    for (const e of shown) group_of[path(e)] = (e.closest('.library-group')?.querySelector('h2')?.id ?? '').replace(/^kind-/, '');
    const select = name => document.querySelector('[data-library-filters] select[name=' + name + ']')?.value ?? '';
    const count = document.querySelector('[data-library-count]');
    return {
        form: seen(document.querySelector('[data-library-filters]')),
        shown: shown.map(path).sort(),
        groups: [...document.querySelectorAll('.library-group')].filter(seen).map(g => g.querySelector('h2').id.replace(/^kind-/, '')),
        group_of,
        count: seen(count) ? count.innerText.trim() : '',
        none: seen(document.querySelector('[data-library-none]')),
        kind: select('kind'), product: select('product'), language: select('language'),
        search: location.search,
        listed: items.length,
        lead: document.querySelector('.library .doc-lead')?.innerText.trim() ?? '',
    };
})())";

fn state(tab: &Tab) -> State {
    let json = eval(tab, STATE);
    serde_json::from_str(json.as_str().expect("JSON")).expect("library state")
}

/// The paths of the materials that match, sorted.
fn matching(materials: &[Material], keep: impl Fn(&Material) -> bool) -> Vec<String> {
    let mut paths: Vec<String> = materials
        .iter()
        .filter(|m| keep(m))
        .map(|m| m.path.clone())
        .collect();
    paths.sort();
    paths
}

/// The kinds of these materials' groups (sorted; the page's order is its own).
fn kinds_of(materials: &[Material], paths: &[String]) -> BTreeSet<String> {
    materials
        .iter()
        .filter(|m| paths.contains(&m.path))
        .map(|m| m.kind.clone())
        .collect()
}

/// Loads `url` (or reloads the page with `None`) and waits until it has loaded and its
/// deferred scripts ran.
fn load(tab: &Tab, url: Option<&str>) {
    eval(tab, "window.kanavaTestOld = true");
    match url {
        Some(url) => tab.navigate_to(url).map(|_| ()),
        None => tab.reload(false, None).map(|_| ()),
    }
    .expect("load");
    let until = Instant::now() + Duration::from_secs(15);
    while !tab
        .evaluate(
            "window.kanavaTestOld === undefined && document.readyState === 'complete'",
            false,
        )
        .is_ok_and(|r| r.value == Some(serde_json::Value::Bool(true)))
    {
        assert!(Instant::now() < until, "{url:?} does not load");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Chooses `value` in the filter `name` as a reader does: the select takes the value and
/// fires `change` (a phone's picker cannot be driven headless). The option must exist.
fn choose(tab: &Tab, name: &str, value: &str) {
    let js = format!(
        "(() => {{ const s = document.querySelector('[data-library-filters] select[name={name}]');
            if (!s || ![...s.options].some(o => o.value === {v})) return false;
            s.focus(); s.value = {v}; s.dispatchEvent(new Event('input', {{ bubbles: true }}));
            s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true; }})()",
        v = serde_json::to_string(value).unwrap()
    );
    assert_eq!(
        eval(tab, &js),
        true,
        "no option {value:?} in the {name} filter"
    );
}

/// What the library must show for this choice of filters (`""`: all).
fn expect_filtered(
    tab: &Tab,
    materials: &[Material],
    (kind, product, language): (&str, &str, &str),
    what: &str,
) -> Vec<String> {
    let expected = matching(materials, |m| {
        (kind.is_empty() || m.kind == kind)
            && (product.is_empty() || m.products.iter().any(|p| p == product))
            && (language.is_empty() || m.language == language)
    });
    let got = state(tab);
    assert!(got.form, "{what}: the filter form is not shown: {got:?}");
    assert_eq!(got.shown, expected, "{what}: the materials shown");
    let groups: BTreeSet<String> = got.groups.iter().cloned().collect();
    assert_eq!(
        groups,
        kinds_of(materials, &expected),
        "{what}: the groups shown (an empty group must hide)"
    );
    for (path, group) in &got.group_of {
        let m = materials.iter().find(|m| &m.path == path).expect("known");
        assert_eq!(group, &m.kind, "{what}: {path} is in the wrong group");
    }
    let filtered = !(kind.is_empty() && product.is_empty() && language.is_empty());
    let count = if filtered {
        format!("{} of {} files", expected.len(), materials.len())
    } else {
        String::new()
    };
    assert_eq!(got.count, count, "{what}: the live count");
    assert_eq!(
        got.none,
        expected.is_empty(),
        "{what}: the \"no material matches\" message"
    );
    assert_eq!(
        (
            got.kind.as_str(),
            got.product.as_str(),
            got.language.as_str()
        ),
        (kind, product, language),
        "{what}: the filters' values"
    );
    let mut query = Vec::new();
    for (name, value) in [("kind", kind), ("product", product), ("language", language)] {
        if !value.is_empty() {
            query.push(format!("{name}={value}"));
        }
    }
    let search = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    assert_eq!(got.search, search, "{what}: the choice in the address");
    expected
}

/// Issue #14: on a phone, the library's filters narrow the list by kind, then product, then
/// language (then to nothing, saying so), counting "N of M files"; the address keeps the choice
/// and a reload restores it; clearing the filters shows every material again.
pub fn the_library_filters_on_a_phone_and_keeps_the_choice_in_the_address(path: PathBuf) {
    let (base, materials) = gold();
    let chrome = launch(path);
    let tab = crate::layout::tab(&chrome);
    viewport(&tab, PHONE.0, PHONE.1);
    let url = format!("{base}{LIBRARY}");
    load(&tab, Some(&url));

    // Everything at first, and the form to filter it.
    let all = expect_filtered(&tab, &materials, ("", "", ""), "at first");
    let first = state(&tab);
    assert_eq!(first.listed, materials.len());
    assert!(
        first
            .lead
            .ends_with(&format!(" {} files.", materials.len())),
        "{}",
        first.lead
    );
    let form = eval(
        &tab,
        "JSON.stringify((() => { const r = document.querySelector('[data-library-filters]').getBoundingClientRect(); return [r.left, r.right, r.height]; })())",
    );
    let form: Vec<f64> = serde_json::from_str(form.as_str().expect("JSON")).expect("box");
    assert!(
        form[0] >= 0.0 && form[1] <= f64::from(PHONE.0) && form[2] > 40.0,
        "the filter form does not fit the phone: {form:?}"
    );

    // A kind: only its materials, only its group.
    let kind = "datasheet";
    choose(&tab, "kind", kind);
    let by_kind = expect_filtered(&tab, &materials, (kind, "", ""), "kind");
    assert!(
        !by_kind.is_empty() && by_kind.len() < all.len(),
        "{by_kind:?}"
    );

    // A product narrows further.
    let product = "HP-12";
    choose(&tab, "product", product);
    let narrowed = expect_filtered(&tab, &materials, (kind, product, ""), "kind and product");
    assert!(
        !narrowed.is_empty() && narrowed.len() < by_kind.len(),
        "choosing {product} should narrow {by_kind:?}, gives {narrowed:?}"
    );

    // Reloaded with that address: the same choice.
    load(&tab, None);
    expect_filtered(&tab, &materials, (kind, product, ""), "after a reload");
    // Opened afresh from a shared address too.
    let shared = format!("{url}?kind={kind}&product={product}");
    load(&tab, Some(&shared));
    expect_filtered(
        &tab,
        &materials,
        (kind, product, ""),
        "from a shared address",
    );

    // A language narrows to one of them…
    choose(&tab, "language", "fi");
    let finnish = expect_filtered(&tab, &materials, (kind, product, "fi"), "and language");
    assert!(
        !finnish.is_empty() && finnish.len() < narrowed.len(),
        "choosing Finnish should narrow {narrowed:?}, gives {finnish:?}"
    );
    // …and one none of them has leaves nothing, and the page says so.
    choose(&tab, "language", "it");
    let none = expect_filtered(&tab, &materials, (kind, product, "it"), "no match");
    assert!(none.is_empty(), "{none:?}");

    // Cleared, filter by filter: everything again, and a plain address.
    choose(&tab, "language", "");
    expect_filtered(&tab, &materials, (kind, product, ""), "language cleared");
    choose(&tab, "product", "");
    expect_filtered(&tab, &materials, (kind, "", ""), "product cleared");
    choose(&tab, "kind", "");
    expect_filtered(&tab, &materials, ("", "", ""), "all cleared");
    assert_eq!(
        eval(&tab, "location.pathname.endsWith('/gold/materials/')"),
        true
    );
}

/// Issue #14: without JavaScript (Chromium's script execution turned off) the library is the
/// whole list, each material under its kind's heading, the filter form hidden — and an
/// address with a filter shows everything too, as nothing can filter it.
pub fn without_javascript_the_library_is_the_whole_grouped_list(path: PathBuf) {
    let (base, materials) = gold();
    let chrome = launch(path);
    let tab = crate::layout::tab(&chrome);
    viewport(&tab, PHONE.0, PHONE.1);
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
        .expect("turn JavaScript off");
    for url in [LIBRARY.to_owned(), format!("{LIBRARY}?kind=datasheet")] {
        tab.navigate_to(&format!("{base}{url}")).expect("navigate");
        tab.wait_until_navigated().expect("page loads");
        // Really without scripts: the theme's own did not run (kanava.js marks the page
        // with `js`).
        assert_eq!(
            eval(
                &tab,
                "document.querySelector('script[src$=\"_kanava/kanava.js\"]') !== null && !document.documentElement.classList.contains('js')"
            ),
            true,
            "{url}: scripts ran"
        );
        let got = state(&tab);
        assert!(!got.form, "{url}: the filter form shows without JavaScript");
        assert_eq!(got.shown, matching(&materials, |_| true), "{url}: listed");
        let groups: BTreeSet<String> = got.groups.iter().cloned().collect();
        let kinds: BTreeSet<String> = materials.iter().map(|m| m.kind.clone()).collect();
        assert_eq!(groups, kinds, "{url}: one group per kind");
        assert_eq!(
            got.groups.len(),
            kinds.len(),
            "{url}: a kind has two groups"
        );
        for m in &materials {
            assert_eq!(
                got.group_of.get(&m.path),
                Some(&m.kind),
                "{url}: {} is not under its kind",
                m.path
            );
        }
        assert_eq!(got.count, "", "{url}");
        assert!(!got.none, "{url}: \"no material matches\" shows");
        assert!(
            got.lead.ends_with(&format!(" {} files.", materials.len())),
            "{url}: {}",
            got.lead
        );
    }
}
