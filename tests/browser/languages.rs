//! Languages (issue 18) in Chromium, on the demo's gold site: the language switcher opens
//! the same page in the chosen language (the page's `lang` follows), a page not yet
//! translated says so, and searching the Finnish site finds Finnish text.

use crate::*;

/// Opens the switcher and follows the link to `code`.
fn switch_to(tab: &Tab, code: &str) {
    eval(
        tab,
        &format!(
            "(() => {{ const d = document.querySelector('.lang-switch'); d.open = true; d.querySelector('a[hreflang={code}]').click(); return true; }})()"
        ),
    );
}

pub fn the_switcher_opens_the_same_page_in_another_language(chromium: PathBuf) {
    let base = shared_demo();
    let chrome = launch(chromium);
    let tab = chrome.open(&format!("{base}ordering/delivery/"), 1280, 900);
    assert_eq!(eval(&tab, "document.documentElement.lang"), "en");
    switch_to(&tab, "fi");
    wait_for(
        &tab,
        "location.pathname.endsWith('/gold/fi/ordering/delivery/') && document.readyState === 'complete'",
        20,
    );
    assert_eq!(eval(&tab, "document.documentElement.lang"), "fi");
    assert_eq!(
        eval(&tab, "document.querySelector('h1').innerText"),
        "Toimitusehdot"
    );
    // The switcher's button names the language shown.
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.lang-switch-code').innerText"
        ),
        "FI"
    );
    switch_to(&tab, "it");
    wait_for(
        &tab,
        "location.pathname.endsWith('/gold/it/ordering/delivery/') && document.readyState === 'complete'",
        20,
    );
    assert_eq!(eval(&tab, "document.documentElement.lang"), "it");
    // Back to the default language, at the audience's root.
    switch_to(&tab, "en");
    wait_for(
        &tab,
        "location.pathname.endsWith('/gold/ordering/delivery/') && document.readyState === 'complete'",
        20,
    );
    // A page with no Finnish translation: shown in English, said so, marked as English.
    tab.navigate_to(&format!("{base}fi/support/"))
        .expect("navigate");
    wait_for(&tab, "document.readyState === 'complete'", 20);
    assert_eq!(eval(&tab, "document.documentElement.lang"), "fi");
    assert_eq!(eval(&tab, "document.querySelector('main').lang"), "en");
    assert!(
        eval(&tab, "!!document.querySelector('.page-note-fallback')")
            == serde_json::Value::Bool(true),
        "no notice on an untranslated page"
    );
}

#[cfg(feature = "search")]
pub fn the_finnish_site_searches_finnish_text(chromium: PathBuf) {
    let base = shared_demo();
    let chrome = launch(chromium);
    let tab = chrome.open(&format!("{base}fi/"), 1280, 900);
    search(&tab, "toimitusehdot");
    let found = results(&tab);
    assert!(
        found.iter().any(|r| r.contains("Toimitusehdot")),
        "{found:?}"
    );
}
