//! Layout and accessibility of the default theme (issue #13), on the demo (gold's view):
//! no page is wider than the screen at any width from a small phone to a laptop; the phone
//! header's tap targets are large and apart; the header's title and search box are not cut
//! at any width; wide tables scroll in boxes of their own that keyboards reach; keyboard
//! hints stay off touch screens; the sidebar does not pretend to expand; and axe-core finds
//! nothing serious or critical on any kind of page.
//!
//! One Chromium per test and one tab whose viewport changes width (`viewport`), on one
//! demo build shared by the tests (`shared_demo`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Emulation;

use crate::*;

/// Every kind of page: name (screenshots are `<name>-<width>.png`) and URL under gold's
/// site. "search" is the guide with the search box open and showing results.
pub const PAGES: &[(&str, &str)] = &[
    ("home", ""),
    ("section", "ordering/"),
    ("guide", "ordering/delivery/"),
    ("guide-with-code", "technical/ordering-api/"),
    ("catalog", "catalog/"),
    // The widest comparison table of the demo (it made the page 1,692 px wide on a phone).
    ("category", "catalog/spare-parts/"),
    ("product", "catalog/air-to-water/hp-12/"),
    ("price-list", "catalog/price-list/"),
    ("all-pages", "all/"),
    ("tags", "tags/"),
    ("tag", "tags/air-to-water/"),
    ("404", "404.html"),
    ("search", "ordering/delivery/"),
    // Issue #14: the materials library, as it opens and filtered (its live count shows),
    // and What's new, which lists materials too.
    ("materials", "materials/"),
    (
        "materials-filtered",
        "materials/?kind=datasheet&product=HP-12",
    ),
    ("whats-new", "whats-new/"),
];

/// The widths checked (CSS px), each with a usual screen height: small and common phones,
/// tablets upright, a small laptop and a common one.
pub const WIDTHS: &[(u32, u32)] = &[
    (360, 740),
    (390, 844),
    (768, 1024),
    (820, 1180),
    (1024, 768),
    (1366, 900),
];

/// Phones: where the header shows icons and the navigation hides behind a button.
const PHONES: &[(u32, u32)] = &[(360, 740), (390, 844)];

/// One tab of a fresh Chromium, patient enough for axe on a long page.
pub fn tab(chrome: &Chrome) -> Arc<Tab> {
    let tab = chrome.browser.new_tab().expect("new tab");
    tab.set_default_timeout(Duration::from_secs(60));
    tab
}

/// Shows page `name` (at `url` under `base`) at `width`×`height`, ready: scripts ran, the
/// search box is ready, and for "search" the box is open with results.
pub fn show(tab: &Tab, base: &str, (name, url): (&str, &str), (width, height): (u32, u32)) {
    viewport(tab, width, height);
    // Not `wait_until_navigated`: it waits for the network to be quiet for half a second.
    // Every call to Chromium counts (some 100 ms each on a busy machine), so one question
    // is asked until the new document (the old one is marked) has loaded and search.js ran.
    eval(tab, "window.kanavaTestOld = true");
    tab.navigate_to(&format!("{base}{url}")).expect("navigate");
    let ready = "window.kanavaTestOld === undefined && document.readyState === 'complete' \
                 && (document.querySelector('.search[data-bundle]') === null \
                     || document.querySelector('.search.is-ready') !== null)";
    let until = Instant::now() + Duration::from_secs(15);
    // While the documents change, an evaluation may fail: ask again.
    while !tab
        .evaluate(ready, false)
        .is_ok_and(|r| r.value == Some(serde_json::Value::Bool(true)))
    {
        assert!(Instant::now() < until, "{name} at {width} px does not load");
        std::thread::sleep(Duration::from_millis(20));
    }
    if name == "search" {
        open_search(tab, width, "warranty");
    }
}

/// JavaScript that waits two frames: after a change of width, the page is laid out again
/// and its resize observers have run. What reads the page after [`each_page`] starts with it.
pub const FRAMES: &str =
    "await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));";

/// Each kind of page loaded once and shown at each of `sizes`, narrowest first, as a reader
/// turning a tablet or widening a window would: `each` is called with the page and the
/// width (what it reads of the page must wait for [`FRAMES`] first).
///
/// Then the learning-path pages (`paths::REVIEW_PAGES`), with some progress
/// (`paths::seed_for_review`) and the quiz checked (`paths::prepare_for_review`).
pub fn each_page(tab: &Tab, base: &str, sizes: &[(u32, u32)], mut each: impl FnMut(&str, u32)) {
    let review = crate::paths::REVIEW_PAGES;
    for (n, &page) in PAGES.iter().chain(review).enumerate() {
        let is_path = n >= PAGES.len();
        if n == PAGES.len() {
            show(tab, base, ("paths", "paths/"), sizes[0]);
            crate::paths::seed_for_review(tab);
        }
        for (i, &size) in sizes.iter().enumerate() {
            if i == 0 {
                show(tab, base, page, size);
                if is_path {
                    crate::paths::prepare_for_review(tab, page.0);
                }
            } else {
                viewport(tab, size.0, size.1);
            }
            each(page.0, size.0);
        }
    }
}

/// Opens the search box (the icon on phones, `/` elsewhere) and types `query`.
fn open_search(tab: &Tab, width: u32, query: &str) {
    if width < 768 {
        tab.find_element(".search-link")
            .expect("search icon")
            .click()
            .expect("tap");
    } else {
        tab.press_key("/").expect("press /");
    }
    wait_for(
        tab,
        "document.activeElement === document.querySelector('.search-input')",
        5,
    );
    // Typed at once (typing key by key is tested in search.rs, and costs seconds here).
    eval(
        tab,
        &format!(
            "(() => {{ const i = document.querySelector('.search-input'); i.value = {q};
                i.dispatchEvent(new Event('input', {{ bubbles: true }})); return true; }})()",
            q = serde_json::to_string(query).unwrap()
        ),
    );
    wait_for(
        tab,
        "document.querySelectorAll('.search-result').length > 0",
        15,
    );
}

/// `document.documentElement` fits `width`: what is wider, and where, or `None`.
///
/// The layout viewport must not have grown (phones widen it to the content) and nothing
/// may scroll the page sideways (`scrollWidth` within `clientWidth`, which leaves out a
/// desktop scroll bar). On failure, the elements that stick out, leaving out those inside
/// a box that scrolls and that itself fits.
fn overflow(tab: &Tab, width: u32) -> Option<String> {
    let js = format!(
        "(async () => {{ {FRAMES} return JSON.stringify((() => {{
            const doc = document.documentElement;
            const fits = doc.scrollWidth <= doc.clientWidth && doc.clientWidth <= {width};
            if (fits) return null;
            const edge = Math.min(doc.clientWidth, {width});
            const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
            // Inside a box that scrolls and fits — unless positioned outside its clip (an
            // absolutely positioned element is clipped only from its containing block up).
            const clipped = e => {{
                let position = getComputedStyle(e).position;
                for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {{
                    const style = getComputedStyle(a);
                    if (position === 'fixed') return false;
                    if (position === 'absolute' && style.position === 'static') continue;
                    if (style.overflowX !== 'visible' && a.getBoundingClientRect().right <= edge + 0.5) return true;
                    position = style.position;
                }}
                return false;
            }};
            const out = [];
            for (const e of document.body.querySelectorAll('*')) {{
                const r = e.getBoundingClientRect();
                if (r.width > 0 && r.right > edge + 0.5 && !clipped(e)) {{
                    const path = [];
                    for (let a = e; a && a !== document.body && path.length < 4; a = a.parentElement) path.unshift(name(a));
                    out.push(path.join(' > ') + ' (right edge ' + Math.round(r.right) + ' px)');
                    if (out.length === 8) break;
                }}
            }}
            return 'scrollWidth ' + doc.scrollWidth + ', clientWidth ' + doc.clientWidth + ', innerWidth ' + innerWidth +
                '; sticking out: ' + (out.join('; ') || 'nothing found');
        }})()); }})()"
    );
    match eval(tab, &js) {
        serde_json::Value::String(s) if s != "null" => Some(s),
        _ => None,
    }
}

/// Issue #13: at 360, 390, 768, 820, 1024 and 1366 px no kind of page scrolls sideways
/// (the price list and catalog grew to ~900 px on tablets; a comparison table made a
/// category page 1,692 px wide on a phone).
pub fn no_page_is_wider_than_the_screen(path: PathBuf) {
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    let mut failures = Vec::new();
    each_page(&tab, &base, WIDTHS, |page, width| {
        if let Some(why) = overflow(&tab, width) {
            failures.push(format!("{page} at {width} px: {why}"));
        }
    });
    assert!(
        failures.is_empty(),
        "pages wider than the screen:\n{}",
        failures.join("\n")
    );
}

/// The header's tap targets a finger can reach (shown, and not covered — the open search
/// box covers the rest of the header): `(element, [left, top, right, bottom])`.
fn header_targets(tab: &Tab) -> Vec<(String, [f64; 4])> {
    let json = eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('.site-header :is(a[href], button, input, select)')]
            .filter(e => !e.closest('.search-panel') && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
            .filter(e => { const r = e.getBoundingClientRect(); const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
                return top !== null && (top === e || e.contains(top) || top.contains(e)); })
            .map(e => { const r = e.getBoundingClientRect();
                return [e.tagName.toLowerCase() + '.' + (e.className || '').toString().trim().split(/\\s+/).join('.'), [r.left, r.top, r.right, r.bottom]]; }))",
    );
    serde_json::from_str(json.as_str().expect("JSON")).expect("targets")
}

/// What is wrong with these tap targets: smaller than 44×44 px, or overlapping.
fn target_problems(targets: &[(String, [f64; 4])]) -> Vec<String> {
    const MIN: f64 = 44.0 - 0.5;
    let mut problems = Vec::new();
    for (name, [l, t, r, b]) in targets {
        if r - l < MIN || b - t < MIN {
            problems.push(format!("{name} is {:.0}×{:.0} px", r - l, b - t));
        }
    }
    for (i, (a, [al, at, ar, ab])) in targets.iter().enumerate() {
        for (b, [bl, bt, br, bb]) in &targets[i + 1..] {
            let w = ar.min(*br) - al.max(*bl);
            let h = ab.min(*bb) - at.max(*bt);
            if w > 0.5 && h > 0.5 {
                problems.push(format!("{a} and {b} overlap by {w:.0}×{h:.0} px"));
            }
        }
    }
    problems
}

/// Issue #13: on phones the site title was cut to "K…" (390 px) or gone (360 px), and the
/// search and catalog targets overlapped by 14 px. Every header tap target is at least
/// 44×44 px and none overlaps another — with the search box closed and open — and the
/// title shows whole.
pub fn phone_header_targets_are_large_apart_and_the_title_readable(path: PathBuf) {
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    let mut failures = Vec::new();
    for &size in PHONES {
        for page in [PAGES[0], PAGES[4], PAGES[11], PAGES[12]] {
            show(&tab, &base, page, size);
            let targets = header_targets(&tab);
            // Closed: menu, home link (the title), search, catalog. Open: the box and its
            // close button cover the header.
            let expected = if page.0 == "search" { 2 } else { 4 };
            if page.0 != "404" && targets.len() < expected {
                failures.push(format!(
                    "{} at {} px: only {targets:?} in the header",
                    page.0, size.0
                ));
            }
            for problem in target_problems(&targets) {
                failures.push(format!("{} at {} px: {problem}", page.0, size.0));
            }
            if page.0 != "search"
                && let Some(title) = title_cut(&tab)
            {
                failures.push(format!(
                    "{} at {} px: the title is not shown whole: {title}",
                    page.0, size.0
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The site title of the header, when it is not shown whole (cut to an ellipsis, or too
/// narrow to read).
fn title_cut(tab: &Tab) -> Option<serde_json::Value> {
    let title = eval(
        tab,
        "JSON.stringify((() => { const t = document.querySelector('.brand-title'); const r = t.getBoundingClientRect();
            return { text: t.textContent, width: r.width, clipped: t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1 }; })())",
    );
    let title: serde_json::Value =
        serde_json::from_str(title.as_str().expect("JSON")).expect("title");
    (title["width"].as_f64().unwrap_or(0.0) < 60.0 || title["clipped"] == true).then_some(title)
}

/// Issue #14: the header's Materials link, beside Catalog, cut the site title to "Kaamos
/// Heat…" and the search box to "Sear" on tablets (768 and 820 px). At every width the
/// title shows whole and, where the header has it, the search box is at least 8 rem wide.
pub fn the_header_title_and_search_box_fit_at_every_width(path: PathBuf) {
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    let mut failures = Vec::new();
    let pages = [PAGES[0], PAGES[4], page("materials")];
    for page in pages {
        for (i, &size) in WIDTHS.iter().enumerate() {
            if i == 0 {
                show(&tab, &base, page, size);
            } else {
                viewport(&tab, size.0, size.1);
            }
            eval(
                &tab,
                &format!("(async () => {{ {FRAMES} return true; }})()"),
            );
            if let Some(title) = title_cut(&tab) {
                failures.push(format!(
                    "{} at {} px: the title is not shown whole: {title}",
                    page.0, size.0
                ));
            }
            let search = eval(
                &tab,
                "(() => { const f = document.querySelector('.search-form'); return f && f.getClientRects().length ? f.getBoundingClientRect().width : null; })()",
            );
            if let Some(width) = search.as_f64()
                && width < 128.0
            {
                failures.push(format!(
                    "{} at {} px: the search box is {width:.0} px wide",
                    page.0, size.0
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The page type called `name` in [`PAGES`].
fn page(name: &str) -> (&'static str, &'static str) {
    *PAGES
        .iter()
        .find(|p| p.0 == name)
        .unwrap_or_else(|| panic!("no page type {name}"))
}

/// The state of the first element matching `selector`: its scroll box and tab stop.
fn scroll_box(tab: &Tab, selector: &str) -> serde_json::Value {
    let js = format!(
        "JSON.stringify((() => {{ const b = document.querySelector({s});
            return {{ scrolls: b.scrollWidth > b.clientWidth, left: b.scrollLeft, tabindex: b.getAttribute('tabindex'),
                      role: b.getAttribute('role') || b.tagName.toLowerCase(),
                      name: b.getAttribute('aria-label') || (b.getAttribute('aria-labelledby') && document.getElementById(b.getAttribute('aria-labelledby')).textContent.trim()) }}; }})())",
        s = serde_json::to_string(selector).unwrap()
    );
    serde_json::from_str(eval(tab, &js).as_str().expect("JSON")).expect("box")
}

/// Issue #13: a wide table (a Markdown table in a guide, the comparison table of a
/// category) scrolls inside a box of its own, which is a named region and a tab stop, so
/// the keyboard scrolls it; a table that fits is no tab stop (kanava.js).
pub fn wide_tables_scroll_in_their_own_box_by_keyboard_too(path: PathBuf) {
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    for (page, selector, name) in [
        (
            PAGES[2],
            ".prose .table-scroll",
            "Table: Warehouse, Cut-off for same-day dispatch, Time zone",
        ),
        (
            PAGES[5],
            ".compare-scroll",
            "Comparison table, scrolls sideways",
        ),
    ] {
        show(&tab, &base, page, (390, 844));
        assert_eq!(overflow(&tab, 390), None, "{}", page.0);
        let before = scroll_box(&tab, selector);
        assert_eq!(before["scrolls"], true, "{}: {before}", page.0);
        assert_eq!(before["tabindex"], "0", "{}: {before}", page.0);
        assert_eq!(before["role"], "region", "{}: {before}", page.0);
        assert_eq!(before["name"], name, "{}: {before}", page.0);
        tab.find_element(selector)
            .expect("box")
            .focus()
            .expect("focus");
        for _ in 0..3 {
            tab.press_key("ArrowRight").expect("→");
        }
        wait_for(
            &tab,
            &format!(
                "document.querySelector({}).scrollLeft > 0",
                serde_json::to_string(selector).unwrap()
            ),
            5,
        );
        assert_eq!(overflow(&tab, 390), None, "{} after scrolling", page.0);
    }
    // On a laptop the delivery table fits: its box is no tab stop of its own.
    show(&tab, &base, PAGES[2], (1366, 900));
    let wide = scroll_box(&tab, ".prose .table-scroll");
    assert_eq!(wide["scrolls"], false, "{wide}");
    assert_eq!(wide["tabindex"], serde_json::Value::Null, "{wide}");
}

/// Whether the first element matching `selector` is shown.
fn shown(tab: &Tab, selector: &str) -> bool {
    let js = format!(
        "(() => {{ const e = document.querySelector({}); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).display !== 'none'; }})()",
        serde_json::to_string(selector).unwrap()
    );
    eval(tab, &js) == serde_json::Value::Bool(true)
}

fn touch(tab: &Tab, enabled: bool) {
    tab.call_method(Emulation::SetTouchEmulationEnabled {
        enabled,
        max_touch_points: enabled.then_some(5),
    })
    .expect("touch emulation");
}

/// Issue #13: the keyboard hints — the search box's `/` and the quick-find's ↑ ↓ Enter —
/// show where there is a mouse (and likely a keyboard), not on a touch screen.
pub fn keyboard_hints_are_hidden_on_touch_screens(path: PathBuf) {
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    let catalog = PAGES[4];
    let hints = [".search-key", ".quickfind-keys"];
    show(&tab, &base, catalog, (1366, 900));
    wait_for(
        &tab,
        "document.querySelector('.catalog-tools:not([hidden])') !== null",
        10,
    );
    for hint in hints {
        assert!(shown(&tab, hint), "{hint} is hidden without a touch screen");
    }
    touch(&tab, true);
    show(&tab, &base, catalog, (820, 1180));
    wait_for(
        &tab,
        "document.querySelector('.catalog-tools:not([hidden])') !== null",
        10,
    );
    assert_eq!(
        eval(
            &tab,
            "matchMedia('(hover: none) and (pointer: coarse)').matches"
        ),
        true,
        "touch emulation"
    );
    for hint in hints {
        assert!(!shown(&tab, hint), "{hint} is shown on a touch screen");
    }
    touch(&tab, false);
}

/// Issue #13: sidebar sections had chevrons, as if they opened in place, but they are
/// links. No sidebar link draws a marker before or after its text, and nothing in the
/// sidebar claims to expand.
pub fn sidebar_links_do_not_look_like_expanders(path: PathBuf) {
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    show(&tab, &base, PAGES[2], (1366, 900));
    let json = eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('.sidebar a')].flatMap(a =>
            ['::before', '::after'].map(p => [a.textContent.trim() + p, getComputedStyle(a, p).content])
              .filter(([, c]) => c !== 'none' && c !== 'normal')))",
    );
    assert_eq!(json, "[]", "sidebar links with markers");
    let sections = eval(
        &tab,
        "document.querySelectorAll('.sidebar .nav-section > a[href]').length",
    );
    assert!(
        sections.as_u64().unwrap_or(0) >= 5,
        "sections are links: {sections}"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('.sidebar [aria-expanded]').length"
        ),
        0
    );
}

/// Issue #13: axe-core (`target/npm`, installed by .ci/run) finds no serious or critical
/// violation on any kind of page, at a phone's width and a laptop's.
pub fn axe_finds_nothing_serious_on_any_page(path: PathBuf) {
    let axe = std::fs::read_to_string(crate::axe().expect("axe-core")).expect("read axe-core");
    let base = shared_demo();
    let chrome = launch(path);
    let tab = tab(&chrome);
    let mut failures = Vec::new();
    each_page(&tab, &base, &[(390, 844), (1366, 900)], |page, width| {
        if eval(&tab, "typeof axe") != "object" {
            tab.evaluate(&axe, false).expect("load axe-core");
        }
        let run = format!(
            "(async () => {{ {FRAMES}
                const r = await axe.run(document, {{ resultTypes: ['violations'] }});
                return JSON.stringify(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({{ id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                                  targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }})));
            }})()"
        );
        let found = eval(&tab, &run);
        let found: Vec<serde_json::Value> =
            serde_json::from_str(found.as_str().expect("axe results")).expect("JSON");
        for v in found {
            let id = v["id"].as_str().unwrap_or("?");
            failures.push(format!(
                "{page} at {width} px: {id} ({}) — {}; {} element(s): {}",
                v["impact"], v["help"], v["count"], v["targets"]
            ));
        }
    });
    assert!(
        failures.is_empty(),
        "axe-core, serious or critical:\n{}",
        failures.join("\n")
    );
}
