//! Search and the catalog quick-find, in the browser.

use std::path::PathBuf;

use crate::*;

pub fn search_finds_a_known_page(path: PathBuf) {
    let site = fixture();
    let base = serve(&site.out());
    let chrome = launch(path);
    let tab = chrome.open(&format!("{base}gold/"), 1366, 900);
    search(&tab, "warranty");
    let found = results(&tab);
    assert!(
        found
            .first()
            .is_some_and(|r| r.contains("Warranty registration")),
        "{found:?}"
    );
    assert!(found[0].to_lowercase().contains("guide"), "{found:?}");
    // The matched word is highlighted, and the box is a working combobox.
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.search-result mark').textContent.toLowerCase()"
        ),
        "warranty"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.search-input').getAttribute('aria-expanded')"
        ),
        "true"
    );
    // The exact product-code look-up finds nothing where nothing has that code (so it can
    // never push unrelated pages first).
    let exact = eval(
        &tab,
        "import(new URL('_kanava/search/pagefind.js', location.href).href).then(async pf => (await pf.search(null, {filters: {sku: 'WARRANTY'}})).results.length)",
    );
    assert_eq!(exact, 0);
    // A heading inside a page is found and linked to.
    tab.press_key("Escape").expect("Esc");
    eval(
        &tab,
        "(() => { const i = document.querySelector('.search-input'); i.value = ''; i.dispatchEvent(new Event('input')); })()",
    );
    tab.type_str("cut-off").expect("type");
    wait_for(
        &tab,
        "[...document.querySelectorAll('.search-result a')].some(a => a.href.endsWith('/gold/ordering/delivery/#cut-off-times'))",
        10,
    );
}

pub fn a_gold_only_page_is_found_by_gold_and_not_by_silver(path: PathBuf) {
    let site = fixture();
    let base = serve(&site.out());
    let chrome = launch(path);

    let silver = chrome.open(&format!("{base}silver/"), 1366, 900);
    search(&silver, "zebrawood");
    assert_eq!(results(&silver), Vec::<String>::new());
    assert!(
        eval(
            &silver,
            "document.querySelector('[data-search-message]').textContent"
        )
        .as_str()
        .is_some_and(|m| m.contains("No results")),
    );
    // Not through the UI either: silver's index does not know the word at all.
    let direct = eval(
        &silver,
        "import(new URL('_kanava/search/pagefind.js', location.href).href).then(async pf => (await pf.search('zebrawood')).results.length)",
    );
    assert_eq!(direct, 0);

    let gold = chrome.open(&format!("{base}gold/"), 1366, 900);
    search(&gold, "zebrawood");
    let found = results(&gold);
    assert!(
        found
            .first()
            .is_some_and(|r| r.contains("Gold rebate programme")),
        "{found:?}"
    );
}

pub fn keyboard_navigation_opens_a_result(path: PathBuf) {
    let site = fixture();
    let base = serve(&site.out());
    let chrome = launch(path);
    let tab = chrome.open(&format!("{base}silver/support/"), 1366, 900);
    search(&tab, "delivery");
    let found = results(&tab);
    let target = found
        .iter()
        .position(|r| r.contains("Delivery terms"))
        .unwrap_or_else(|| panic!("{found:?}"));
    for _ in 0..=target {
        tab.press_key("ArrowDown").expect("↓");
    }
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.search-input').getAttribute('aria-activedescendant')"
        ),
        format!("kanava-search-option-{target}")
    );
    tab.press_key("Enter").expect("Enter");
    wait_for(
        &tab,
        "location.pathname.startsWith('/silver/ordering/delivery/') && document.readyState === 'complete'",
        10,
    );
    assert_eq!(
        eval(&tab, "document.querySelector('h1').textContent"),
        "Delivery terms"
    );
    // Esc closes the results, and the box keeps working on the new page.
    search(&tab, "returns");
    tab.press_key("Escape").expect("Esc");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.search-panel').hidden && document.querySelector('.search-input').getAttribute('aria-expanded') === 'false'"
        ),
        true
    );
}

pub fn without_http_the_search_box_stays_a_link_to_all_pages(path: PathBuf) {
    let site = fixture();
    let chrome = launch(path);
    let home = site.out().join("gold/index.html");
    let tab = chrome.open(&format!("file://{}", home.display()), 1366, 900);
    // The claim in the README: from file:// the browser cannot fetch the index files.
    let fetched = eval(
        &tab,
        "fetch('_kanava/search/pagefind-entry.json').then(() => 'fetched', () => 'blocked')",
    );
    assert_eq!(fetched, "blocked");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.search.is-ready') === null && getComputedStyle(document.querySelector('.search-link')).display !== 'none'"
        ),
        true
    );
    // …and the link leads to the list of every page of this audience's site.
    let all = site.out().join("gold/all/index.html");
    let listed = std::fs::read_to_string(all).expect("all pages");
    for title in [
        "Delivery terms",
        "Warranty registration",
        "Gold rebate programme",
    ] {
        assert!(listed.contains(title), "{title} missing from all/");
    }
}

pub fn a_product_code_puts_that_product_first(path: PathBuf) {
    let site = demo();
    let base = serve(&site.out());
    let chrome = launch(path);
    let tab = chrome.open(&format!("{base}gold/"), 1366, 900);
    // Typed in lower case; other products mention "HP-12" too (bundles, replacements).
    search(&tab, "hp-12");
    let first = eval(
        &tab,
        "JSON.stringify([document.querySelector('.search-result .search-kind').textContent, document.querySelector('.search-result .search-sku').textContent, new URL(document.querySelector('.search-result a').href).pathname])",
    );
    let first: Vec<String> = serde_json::from_str(first.as_str().unwrap()).unwrap();
    assert_eq!(first[0], "Product", "{first:?} in {:?}", results(&tab));
    assert_eq!(first[1], "HP-12", "{first:?} in {:?}", results(&tab));
    assert!(first[2].starts_with("/gold/catalog/"), "{first:?}");
}

/// Issue #6: the catalog's quick-find by product code, in the demo's gold site.
pub fn the_catalog_quick_find_opens_a_product_by_its_code(path: PathBuf) {
    let site = demo();
    let base = serve(&site.out());
    let chrome = launch(path);
    let tab = chrome.open(&format!("{base}gold/catalog/"), 1366, 900);
    wait_for(
        &tab,
        "document.querySelector('[data-quickfind]') !== null && !document.querySelector('.quickfind').closest('[hidden]')",
        10,
    );
    eval(
        &tab,
        "document.querySelector('[data-quickfind]').focus(), true",
    );
    tab.type_str("hp-12").expect("type");
    wait_for(
        &tab,
        "document.querySelectorAll('[data-quickfind-list] [role=option]').length > 0",
        10,
    );
    let first = eval(
        &tab,
        "document.querySelector('[data-quickfind-list] [role=option]').innerText",
    );
    assert!(
        first.as_str().unwrap_or("").starts_with("HP-12"),
        "exact code first: {first}"
    );
    tab.press_key("Enter").expect("Enter");
    wait_for(
        &tab,
        "location.pathname.endsWith('/catalog/air-to-water/hp-12/')",
        10,
    );
}
