//! Learning paths in the browser (issue #15): progress kept in `localStorage` by paths.js —
//! "Mark as done" fills the path's progress bar and survives a reload; a quiz grades right
//! and wrong answers and passing it marks the step done; a finished path shows its
//! certificate with the name typed in, on one printed A4 page; progress exported to a file,
//! reset and imported comes back; a prerequisite is locked until its path is finished.
//!
//! The fixture: gold's site with three paths — "Sales onboarding" (two stages, three steps,
//! the last a quiz), "Technical certification" (requires sales) and "Marketing kit" (shares
//! its first step, Welcome, with sales). Each test has its own Chromium (a fresh profile:
//! no progress); the site is built and served once.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Browser as Cdp;
use headless_chrome::types::PrintToPdfOptions;

use crate::*;

pub const SALES: &str = "onboarding/sales/";
const TECHNICAL: &str = "onboarding/technical/";
const MARKETING: &str = "onboarding/marketing/";
/// `?path=` naming the sales path, as its links to its steps have it.
const FROM_SALES: &str = "?path=onboarding%2Fsales%2F";

/// The demo's learning-path pages, added to the layout checks, the axe run and the
/// screenshots (`layout::each_page`), shown with the progress of [`seed_for_review`]: the
/// sales path half done, technical locked, the marketing kit finished (its certificate).
pub const REVIEW_PAGES: &[(&str, &str)] = &[
    ("path", "learn/sales-onboarding/"),
    ("path-locked", "learn/technical-certification/"),
    ("paths", "paths/"),
    (
        "certificate",
        "paths/certificate/?path=learn%2Fmarketing-kit%2F",
    ),
    (
        "path-step-quiz",
        "learn/quiz-ordering/?path=learn%2Fsales-onboarding%2F",
    ),
    (
        "path-step-product",
        "catalog/air-to-water/hp-12/?path=learn%2Fsales-onboarding%2F",
    ),
];

fn paths_fixture() -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "kanava.yaml",
        "title: Paths Test Extranet
audience:
  axes:
    tier: { values: [silver, gold], ordered: true, default: silver }
  audiences:
    gold: { tier: gold }
",
    );
    for (file, text) in [
        (
            "_index.md",
            "---\ntitle: Home\n---\nWelcome to the partner extranet.\n",
        ),
        (
            "welcome.md",
            "---\ntitle: Welcome\nduration: 5m\n---\nWelcome to the programme. Start here.\n",
        ),
        (
            "ordering/_index.md",
            "---\ntitle: Ordering\n---\nHow to order.\n",
        ),
        (
            "ordering/delivery.md",
            "---\ntitle: Delivery terms\n---\nOrders confirmed before 14:00 leave the warehouse the same day.\n",
        ),
        (
            "ordering/check.md",
            "---
title: Ordering self-check
quiz:
  - question: When is the cut-off for same-day dispatch?
    options: [\"12:00\", \"14:00\", \"16:00\"]
    answer: 2
    explain: Orders confirmed before 14:00 leave the same day.
  - question: Which of these ship from the central warehouse?
    options: [Heat pumps, Spare parts, Office chairs]
    answer: [1, 2]
    explain: Heat pumps and spare parts; we sell no chairs.
  - question: Where do you order?
    options: [By fax, In the partner portal]
    answer: 2
pass: 80%
---
Three questions on ordering.
",
        ),
        (
            "support/_index.md",
            "---\ntitle: Support\n---\nHelp for installers.\n",
        ),
        (
            "support/warranty.md",
            "---\ntitle: Warranty registration\n---\nRegister every installation within 30 days.\n",
        ),
        (
            "support/install.md",
            "---\ntitle: Installation checklist\n---\nCheck the flow temperature before you leave.\n",
        ),
        (
            "marketing/_index.md",
            "---\ntitle: Marketing\n---\nBrand and campaigns.\n",
        ),
        (
            "marketing/brand.md",
            "---\ntitle: Brand guidelines\n---\nUse the logo on a white background.\n",
        ),
        (
            "onboarding/_index.md",
            "---\ntitle: Onboarding\n---\nLearning paths.\n",
        ),
        (
            "onboarding/sales.md",
            "---
title: Sales onboarding
description: From your first day to your first order.
path:
  stages:
    - title: Get started
      steps: [../welcome.md, ../ordering/delivery.md]
    - title: Check yourself
      steps: [../ordering/check.md]
  badge: Certified sales partner
---
Three steps to your first order.
",
        ),
        (
            "onboarding/technical.md",
            "---
title: Technical certification
path:
  requires: [sales.md]
  steps: [../support/warranty.md, ../support/install.md]
  badge: Certified installer
---
For installers, after the sales onboarding.
",
        ),
        (
            "onboarding/marketing.md",
            "---
title: Marketing kit
path:
  steps: [../welcome.md, ../marketing/brand.md]
---
Everything to promote the range.
",
        ),
    ] {
        write(root, &format!("content/{file}"), text);
    }
    build(root, root.join("public"), &[]);
    Site { dir }
}

/// The paths fixture, built and served once for the whole run.
static PATHS_SITE: OnceLock<(Site, String)> = OnceLock::new();

/// The URL of gold's site of the paths fixture (`http://127.0.0.1:port/gold/`).
pub fn shared_paths() -> String {
    let (_, base) = PATHS_SITE.get_or_init(|| {
        let site = paths_fixture();
        let base = serve(&site.out());
        (site, base)
    });
    format!("{base}gold/")
}

/// Removes the fixture's folder (statics are never dropped).
pub fn remove_fixture() {
    if let Some((site, _)) = PATHS_SITE.get() {
        let _ = std::fs::remove_dir_all(site.dir.path());
    }
}

/// Progress to review the demo's path pages with ([`REVIEW_PAGES`]), read from the steps of
/// the paths index that `tab` shows: the first four steps of sales onboarding done, the
/// first of technical certification (locked: sales is not finished), every step of the
/// marketing kit (its self-check passed, so finished) and a name for the certificate.
pub fn seed_for_review(tab: &Tab) {
    let seeded = eval(
        tab,
        "(() => { const d = new Date(); const day = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
            const steps = {};
            for (const c of document.querySelectorAll('[data-path-card]')) steps[c.dataset.path] = c.dataset.steps.trim().split(/\\s+/);
            const sales = steps['learn/sales-onboarding/'], tech = steps['learn/technical-certification/'], kit = steps['learn/marketing-kit/'];
            if (!sales || !tech || !kit) return 'the demo paths are not on ' + location.href + ': ' + Object.keys(steps);
            const done = {};
            for (const s of [...sales.slice(0, 4), tech[0], ...kit]) done[s] = day;
            localStorage.setItem(document.body.dataset.progressKey, JSON.stringify({ v: 1, done,
                quiz: { [kit[kit.length - 1]]: { score: 100, right: 5, of: 5, passed: true, at: day } },
                finished: { 'learn/marketing-kit/': day }, last: 'learn/sales-onboarding/', name: 'Ada Lovelace' }));
            return true; })()",
    );
    assert_eq!(seeded, true, "seeding progress for the review");
}

/// After `layout::show` of review page `name`: the quiz is shown checked (the first option of
/// each question), so that the screenshots and axe see the feedback.
pub fn prepare_for_review(tab: &Tab, name: &str) {
    if name == "path-step-quiz" {
        eval(
            tab,
            "(() => { for (const q of document.querySelectorAll('[data-question]')) q.querySelector('input').checked = true;
                document.querySelector('[data-quiz-check]').click(); window.scrollTo(0, 0); return true; })()",
        );
    }
}

// ---- helpers ------------------------------------------------------------------------------

/// Opens `url` in `tab` and waits until paths.js has shown the reader's progress.
fn go(tab: &Tab, url: &str) {
    eval(tab, "window.kanavaTestOld = true");
    tab.navigate_to(url).expect("navigate");
    ready(tab, url);
}

/// Follows the link (or presses the button) `selector` to another page, and waits as [`go`].
fn follow(tab: &Tab, selector: &str) {
    eval(tab, "window.kanavaTestOld = true");
    click(tab, selector);
    ready(tab, selector);
}

/// Reloads the page, and waits as [`go`].
fn reload(tab: &Tab) {
    eval(tab, "window.kanavaTestOld = true");
    tab.reload(false, None).expect("reload");
    ready(tab, "reload");
}

/// Waits until a new document (the old one is marked) has loaded and paths.js ran.
fn ready(tab: &Tab, what: &str) {
    let js = "window.kanavaTestOld === undefined && document.readyState === 'complete' \
              && document.documentElement.hasAttribute('data-paths-ready')";
    let until = Instant::now() + Duration::from_secs(15);
    // While the documents change, an evaluation may fail: ask again.
    while !tab
        .evaluate(js, false)
        .is_ok_and(|r| r.value == Some(serde_json::Value::Bool(true)))
    {
        assert!(
            Instant::now() < until,
            "{what}: the page does not load, or paths.js does not run"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A tab of a fresh Chromium (no progress yet) showing `url`.
fn start(chrome: &Chrome, url: &str) -> std::sync::Arc<Tab> {
    let tab = chrome.open("about:blank", 1366, 900);
    go(&tab, url);
    tab
}

/// Waits until `js` is true; on failure shows what the page says about progress.
fn until(tab: &Tab, js: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while eval(tab, js) != serde_json::Value::Bool(true) {
        if Instant::now() > deadline {
            panic!("timed out waiting for `{js}`; page: {}", state(tab));
        }
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// What the page shows of the reader's progress, for failure messages.
fn state(tab: &Tab) -> String {
    eval(
        tab,
        "JSON.stringify({ url: location.href, stored: localStorage.getItem(document.body.dataset.progressKey),
            text: [...document.querySelectorAll('[data-path-progress-text], .path-step-tally, [data-quiz-result], [data-progress-status]')].map(e => e.textContent) })",
    )
    .as_str()
    .unwrap_or("?")
    .to_owned()
}

/// The text of the first element matching `selector` (spaces collapsed), or null.
fn text(tab: &Tab, selector: &str) -> serde_json::Value {
    eval(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({}); return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null; }})()",
            serde_json::to_string(selector).unwrap()
        ),
    )
}

/// Whether the first element matching `selector` is shown.
fn visible(tab: &Tab, selector: &str) -> bool {
    eval(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({}); return !!e && e.getClientRects().length > 0; }})()",
            serde_json::to_string(selector).unwrap()
        ),
    ) == serde_json::Value::Bool(true)
}

fn attr(tab: &Tab, selector: &str, name: &str) -> serde_json::Value {
    eval(
        tab,
        &format!(
            "document.querySelector({}).getAttribute({})",
            serde_json::to_string(selector).unwrap(),
            serde_json::to_string(name).unwrap()
        ),
    )
}

/// A real click (the element must be shown and not covered).
fn click(tab: &Tab, selector: &str) {
    tab.find_element(selector)
        .unwrap_or_else(|e| panic!("{selector}: {e}; page: {}", state(tab)))
        .click()
        .unwrap_or_else(|e| panic!("clicking {selector}: {e}"));
}

/// The progress kept in this browser, parsed.
fn stored(tab: &Tab) -> serde_json::Value {
    let raw = eval(
        tab,
        "localStorage.getItem(document.body.dataset.progressKey)",
    );
    raw.as_str().map_or(serde_json::Value::Null, |s| {
        serde_json::from_str(s).expect("stored JSON")
    })
}

/// The shown block at the end of a step page.
const BLOCK: &str = "[data-path-step]:not([hidden])";

/// Opens step `step` from the sales path and presses "Mark as done" (to `done`).
fn mark(tab: &Tab, base: &str, step: &str, done: bool) {
    go(tab, &format!("{base}{step}{FROM_SALES}"));
    let button = format!("{BLOCK} [data-mark-done]");
    click(tab, &button);
    until(
        tab,
        &format!("document.querySelector('{button}').getAttribute('aria-pressed') === '{done}'"),
    );
}

/// Chooses option `option` of question `question` of the quiz (both from 1).
fn answer(tab: &Tab, question: usize, option: usize) {
    click(
        tab,
        &format!(".quiz-question:nth-of-type({question}) input[value=\"{option}\"]"),
    );
}

/// Passes the sales quiz (every answer right).
fn pass_quiz(tab: &Tab, base: &str) {
    go(tab, &format!("{base}ordering/check/{FROM_SALES}"));
    for (q, o) in [(1, 2), (2, 1), (2, 2), (3, 2)] {
        answer(tab, q, o);
    }
    click(tab, "[data-quiz-check]");
    until(
        tab,
        "document.querySelector('[data-quiz-result]').textContent.includes('passed')",
    );
}

/// The path whose block a step page shows.
fn shown_path(tab: &Tab) -> serde_json::Value {
    eval(
        tab,
        &format!("document.querySelector('{BLOCK}').dataset.path"),
    )
}

/// The path page's progress: (aria-valuenow, the bar's width in %, the text).
fn path_progress(tab: &Tab) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    (
        attr(
            tab,
            "[data-path-page] [data-path-progress]",
            "aria-valuenow",
        ),
        eval(
            tab,
            "document.querySelector('[data-path-page] .path-progress-bar').style.width",
        ),
        text(tab, "[data-path-progress-text]"),
    )
}

// ---- tests --------------------------------------------------------------------------------

/// "Mark as done" on step pages fills the path's progress bar, the next step moves on, and
/// the progress survives a reload; a step page shows the path the reader came from (or the
/// one opened last) and hides the other path it belongs to. Unreadable stored progress
/// starts afresh.
pub fn marking_steps_done_fills_the_progress_bar_and_survives_a_reload(path: PathBuf) {
    let base = shared_paths();
    let chrome = launch(path);
    let tab = start(&chrome, &format!("{base}{SALES}"));
    // Corrupt storage is no obstacle.
    eval(
        &tab,
        "localStorage.setItem(document.body.dataset.progressKey, '{not json'), true",
    );
    go(&tab, &format!("{base}{SALES}"));
    assert!(visible(&tab, "[data-path-status]"), "{}", state(&tab));
    assert_eq!(
        path_progress(&tab),
        ("0".into(), "0%".into(), "0 of 3 steps done".into())
    );
    assert_eq!(text(&tab, "[data-path-next]"), "Start with: Welcome");
    assert!(visible(&tab, "[data-path-reset]"));

    // Welcome belongs to sales and to the marketing kit: from sales, sales shows.
    follow(&tab, "[data-step='welcome/'] a");
    assert_eq!(eval(&tab, "location.search"), FROM_SALES);
    for selector in ["[data-path-where]", "[data-path-step]"] {
        let shown = eval(
            &tab,
            &format!(
                "JSON.stringify([...document.querySelectorAll('{selector}')].filter(e => !e.hidden).map(e => e.dataset.path))"
            ),
        );
        assert_eq!(shown, format!("[\"{SALES}\"]"), "{selector}");
    }
    assert_eq!(
        text(&tab, &format!("{BLOCK} .path-step-where")),
        "Step 1 of 3 · Sales onboarding · 0 of 3 steps done"
    );
    click(&tab, &format!("{BLOCK} [data-mark-done]"));
    until(
        &tab,
        &format!(
            "document.querySelector('{BLOCK} [data-mark-done]').getAttribute('aria-pressed') === 'true'"
        ),
    );
    assert_eq!(
        attr(
            &tab,
            &format!("{BLOCK} [data-path-progress]"),
            "aria-valuenow"
        ),
        "1"
    );
    assert_eq!(
        text(&tab, &format!("{BLOCK} .path-step-tally")),
        "· 1 of 3 steps done"
    );
    mark(&tab, &base, "ordering/delivery/", true);

    go(&tab, &format!("{base}{SALES}"));
    let expected = ("2".into(), "67%".into(), "2 of 3 steps done".into());
    assert_eq!(path_progress(&tab), expected, "{}", state(&tab));
    assert_eq!(
        text(&tab, "[data-path-next]"),
        "Next step: Ordering self-check"
    );
    assert_eq!(
        text(&tab, "[data-step='welcome/'] [data-step-state]"),
        "✓ Done"
    );
    assert_eq!(
        eval(
            &tab,
            "[...document.querySelectorAll('.path-step-item')].map(li => li.className).join(' | ')"
        ),
        "path-step-item is-done | path-step-item is-done | path-step-item is-next"
    );
    assert!(!visible(&tab, "[data-path-complete]"));

    reload(&tab);
    assert_eq!(path_progress(&tab), expected, "after a reload");

    // Opened last: sales; so Welcome, opened without ?path=, shows sales…
    go(&tab, &format!("{base}welcome/"));
    assert_eq!(
        eval(
            &tab,
            &format!("document.querySelector('{BLOCK}').dataset.path")
        ),
        SALES
    );
    // …until the marketing kit is opened (1 of 2 done there: Welcome counts for both).
    go(&tab, &format!("{base}{MARKETING}"));
    assert_eq!(
        path_progress(&tab).2,
        serde_json::Value::from("1 of 2 steps done")
    );
    go(&tab, &format!("{base}welcome/"));
    assert_eq!(
        eval(
            &tab,
            &format!("document.querySelector('{BLOCK}').dataset.path")
        ),
        MARKETING
    );
    // …and ?path= wins over the path opened last (and becomes it).
    go(&tab, &format!("{base}welcome/{FROM_SALES}"));
    assert_eq!(shown_path(&tab), SALES);
    go(&tab, &format!("{base}welcome/"));
    assert_eq!(shown_path(&tab), SALES);

    // Pressed again, the step is no longer done.
    mark(&tab, &base, "ordering/delivery/", false);
    go(&tab, &format!("{base}{SALES}"));
    assert_eq!(
        path_progress(&tab),
        ("1".into(), "33%".into(), "1 of 3 steps done".into())
    );
    let kept = stored(&tab);
    assert_eq!(kept["v"], 1, "{kept}");
    assert!(kept["done"]["welcome/"].is_string(), "{kept}");
    assert!(kept["done"].get("ordering/delivery/").is_none(), "{kept}");
    assert_eq!(kept["last"], SALES, "{kept}");

    // "Reset my progress in this path" (after a confirmation).
    eval(&tab, "window.confirm = () => true");
    click(&tab, "[data-path-reset]");
    until(
        &tab,
        "document.querySelector('[data-path-progress-text]').textContent === '0 of 3 steps done'",
    );
    assert_eq!(stored(&tab)["done"], serde_json::json!({}));
    reload(&tab);
    assert_eq!(path_progress(&tab).0, "0");
}

/// The quiz grades in the browser: a question is right when exactly its right options are
/// chosen (a part of them is wrong); below the pass mark the step stays undone; "Try again"
/// clears the answers; passing marks the step done.
pub fn a_quiz_grades_right_and_wrong_answers_and_passing_marks_the_step_done(path: PathBuf) {
    let base = shared_paths();
    let chrome = launch(path);
    let tab = start(&chrome, &format!("{base}ordering/check/{FROM_SALES}"));
    assert!(visible(&tab, "[data-quiz-check]"));
    assert!(!visible(&tab, "[data-quiz-retry]"));
    assert!(!visible(&tab, "[data-feedback]"));
    // A quiz step is done by passing its quiz, not by a click (issue #15: the certificate
    // needs every step and every quiz).
    assert!(!visible(&tab, "[data-mark-done]"));

    // Right, half of a two-answer question (wrong), and a wrong option.
    answer(&tab, 1, 2);
    answer(&tab, 2, 1);
    answer(&tab, 3, 1);
    click(&tab, "[data-quiz-check]");
    until(
        &tab,
        "document.querySelector('[data-quiz-result]').textContent !== ''",
    );
    assert_eq!(
        text(&tab, "[data-quiz-result]"),
        "✗ 1 of 3 right (33 %) — not yet: you need 80 %."
    );
    let feedback = eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('[data-question]')].map(q => [q.className, q.querySelector('[data-feedback]').textContent.trim(), !q.querySelector('[data-feedback]').hidden]))",
    );
    let feedback: Vec<(String, String, bool)> =
        serde_json::from_str(feedback.as_str().unwrap()).unwrap();
    assert_eq!(feedback[0].0, "quiz-question is-right");
    assert_eq!(feedback[0].1, "✓ Right.");
    assert_eq!(feedback[1].0, "quiz-question is-wrong");
    assert!(feedback[1].1.starts_with("✗ Not quite"), "{feedback:?}");
    assert_eq!(feedback[2].0, "quiz-question is-wrong");
    assert!(feedback.iter().all(|f| f.2), "{feedback:?}");
    assert!(visible(&tab, "[data-explain]"));
    assert!(visible(&tab, "[data-quiz-retry]"));
    assert!(!visible(&tab, "[data-quiz-check]"));
    assert_eq!(
        attr(&tab, &format!("{BLOCK} [data-mark-done]"), "aria-pressed"),
        "false"
    );
    let kept = stored(&tab);
    assert_eq!(kept["quiz"]["ordering/check/"]["score"], 33, "{kept}");
    assert_eq!(kept["quiz"]["ordering/check/"]["passed"], false, "{kept}");
    assert!(kept["done"].get("ordering/check/").is_none(), "{kept}");

    // Changing an answer after the check hides the feedback (it was about the answers
    // checked) and offers the check again, keeping the answers.
    answer(&tab, 3, 2);
    assert!(!visible(&tab, "[data-feedback]"));
    assert!(visible(&tab, "[data-quiz-check]"));
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('[data-question] input:checked').length"
        ),
        3
    );
    assert!(
        text(&tab, "[data-quiz-result]")
            .as_str()
            .is_some_and(|t| t.starts_with("Your best so far (")
                && t.ends_with("): 1 of 3 right (33 %), not passed yet."))
    );

    // Try again: answers cleared, then all right.
    click(&tab, "[data-quiz-check]");
    until(
        &tab,
        "document.querySelector('[data-quiz-result]').textContent.startsWith('✗ 2 of 3')",
    );
    click(&tab, "[data-quiz-retry]");
    assert_eq!(
        eval(
            &tab,
            "[...document.querySelectorAll('[data-question] input')].some(i => i.checked || i.disabled)"
        ),
        false
    );
    assert!(!visible(&tab, "[data-feedback]"));
    for (q, o) in [(1, 2), (2, 1), (2, 2), (3, 2)] {
        answer(&tab, q, o);
    }
    click(&tab, "[data-quiz-check]");
    until(
        &tab,
        "document.querySelector('[data-quiz-result]').classList.contains('is-passed')",
    );
    assert_eq!(
        text(&tab, "[data-quiz-result]"),
        "✓ 3 of 3 right (100 %) — passed: this step is done."
    );
    assert_eq!(
        eval(
            &tab,
            &format!("document.querySelector('{BLOCK}').classList.contains('is-done')")
        ),
        true
    );
    let kept = stored(&tab);
    assert_eq!(kept["quiz"]["ordering/check/"]["passed"], true, "{kept}");
    assert_eq!(kept["quiz"]["ordering/check/"]["score"], 100, "{kept}");
    assert!(kept["done"]["ordering/check/"].is_string(), "{kept}");

    // The path page counts it, and the quiz page remembers the best attempt.
    go(&tab, &format!("{base}{SALES}"));
    assert_eq!(path_progress(&tab).0, "1");
    assert_eq!(
        text(&tab, "[data-step='ordering/check/'] [data-step-state]"),
        "✓ Done"
    );
    go(&tab, &format!("{base}ordering/check/{FROM_SALES}"));
    assert!(
        text(&tab, "[data-quiz-result]")
            .as_str()
            .is_some_and(|t| t.starts_with("Your best so far (")
                && t.ends_with("): 3 of 3 right (100 %), passed.")),
        "{}",
        state(&tab)
    );
}

/// Once every step is done the path page links to the certificate, which shows the badge,
/// the day the last step was done and the name typed in (kept for next time), and prints
/// on one A4 page, landscape. Before that, the certificate page says the path is not
/// finished and links back to it.
pub fn completing_every_step_shows_the_certificate_with_the_typed_name(path: PathBuf) {
    let base = shared_paths();
    let chrome = launch(path);
    let certificate = format!("{base}paths/certificate/{FROM_SALES}");
    let tab = start(&chrome, &certificate);
    assert!(
        visible(&tab, "[data-certificate-incomplete]"),
        "{}",
        state(&tab)
    );
    assert!(!visible(&tab, "[data-certificate-for]"));
    assert!(!visible(&tab, "[data-certificate-form]"));
    assert!(!visible(&tab, "[data-certificate-missing]"));
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-certificate-path]').href"
        ),
        format!("{base}{SALES}")
    );

    mark(&tab, &base, "welcome/", true);
    mark(&tab, &base, "ordering/delivery/", true);
    pass_quiz(&tab, &base);
    go(&tab, &format!("{base}{SALES}"));
    assert_eq!(
        path_progress(&tab),
        ("3".into(), "100%".into(), "3 of 3 steps done.".into())
    );
    assert!(visible(&tab, "[data-path-complete]"));
    assert!(!visible(&tab, "[data-path-next]"));
    follow(&tab, "[data-path-complete] a");
    assert_eq!(eval(&tab, "location.href"), certificate);
    let section = format!("[data-certificate-for='{SALES}']");
    assert!(visible(&tab, &section), "{}", state(&tab));
    assert!(!visible(
        &tab,
        &format!("[data-certificate-for='{MARKETING}']")
    ));
    assert!(!visible(&tab, "[data-certificate-incomplete]"));
    assert_eq!(
        text(&tab, &format!("{section} .certificate-badge")),
        "Certified sales partner"
    );
    let kept = stored(&tab);
    let finished = kept["finished"][SALES]
        .as_str()
        .expect("finished date")
        .to_owned();
    assert_eq!(
        Some(finished.as_str()),
        kept["done"]["ordering/check/"].as_str()
    );
    let year = &finished[..4];
    assert!(
        text(&tab, &format!("{section} [data-certificate-date]"))
            .as_str()
            .is_some_and(|d| d.contains(year) && d.len() > 8),
        "{}",
        state(&tab)
    );

    click(&tab, "[data-certificate-input]");
    tab.type_str("Ada Lovelace").expect("type");
    until(
        &tab,
        &format!(
            "document.querySelector(\"{section} [data-certificate-name]\").textContent === 'Ada Lovelace'"
        ),
    );
    // Enter in the field does not submit the form (and lose ?path=).
    tab.press_key("Enter").expect("Enter");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(eval(&tab, "location.href"), certificate);
    go(&tab, &certificate);
    assert_eq!(
        text(&tab, &format!("{section} [data-certificate-name]")),
        "Ada Lovelace"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-certificate-input]').value"
        ),
        "Ada Lovelace"
    );
    assert_eq!(
        eval(
            &tab,
            "(() => { let printed = 0; window.print = () => printed++; document.querySelector('[data-certificate-print]').click(); return printed; })()"
        ),
        1
    );

    // Printed: one A4 page, landscape (842 × 595 pt), with the certificate alone.
    let pdf = tab
        .print_to_pdf(Some(PrintToPdfOptions {
            prefer_css_page_size: Some(true),
            print_background: Some(true),
            ..Default::default()
        }))
        .expect("print to PDF");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    std::fs::write(dir.join("certificate-print.pdf"), &pdf).expect("write PDF");
    let pdf = String::from_utf8_lossy(&pdf);
    let pages = pdf.matches("/Type /Page").count() - pdf.matches("/Type /Pages").count();
    assert_eq!(pages, 1, "the certificate prints on {pages} pages");
    let media = pdf
        .split("/MediaBox [")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .expect("a MediaBox");
    let size: Vec<f64> = media
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        (size[2] - 841.9).abs() < 2.0 && (size[3] - 595.3).abs() < 2.0,
        "not A4 landscape: {media}"
    );
}

/// Export writes a file (`kanava-progress-gold.json`), "Reset all progress" clears the
/// browser's, and importing the file brings it back; a file that is not progress is refused
/// and changes nothing.
pub fn export_reset_and_import_round_trip_progress(path: PathBuf) {
    let base = shared_paths();
    let chrome = launch(path);
    let tab = start(&chrome, &format!("{base}welcome/{FROM_SALES}"));
    mark(&tab, &base, "welcome/", true);
    mark(&tab, &base, "marketing/brand/", true);
    go(&tab, &format!("{base}paths/"));
    assert!(visible(&tab, "[data-paths-transfer]"));
    let cards = |tab: &Tab| -> Vec<String> {
        let json = eval(
            tab,
            "JSON.stringify([...document.querySelectorAll('[data-path-card]')].map(c => c.dataset.path + ' ' + c.querySelector('[data-path-progress]').getAttribute('aria-valuenow') + ' ' + c.querySelector('[data-path-progress-text]').textContent))",
        );
        serde_json::from_str(json.as_str().unwrap()).unwrap()
    };
    // Listed in page order: the marketing kit, sales, technical.
    let before = cards(&tab);
    assert_eq!(
        before[1..],
        [
            format!("{SALES} 1 1 of 3 steps done"),
            format!("{TECHNICAL} 0 Not started")
        ]
    );
    assert!(
        before[0].starts_with(&format!("{MARKETING} 2 ✓ Finished on "))
            && before[0].ends_with(" · Your certificate"),
        "{before:?}"
    );
    assert_eq!(
        eval(
            &tab,
            "new URL(document.querySelector('[data-path-card] [data-path-progress-text] a').href).search"
        ),
        "?path=onboarding%2Fmarketing%2F"
    );
    let saved = stored(&tab);

    let downloads = tempfile::tempdir().expect("downloads dir");
    tab.call_method(Cdp::SetDownloadBehavior {
        behavior: Cdp::SetDownloadBehaviorBehaviorOption::Allow,
        browser_context_id: None,
        download_path: Some(downloads.path().to_string_lossy().into_owned()),
        events_enabled: None,
    })
    .expect("allow downloads");
    click(&tab, "[data-progress-export]");
    let file = downloads.path().join("kanava-progress-gold.json");
    let deadline = Instant::now() + Duration::from_secs(10);
    let exported: serde_json::Value = loop {
        if let Ok(text) = std::fs::read_to_string(&file)
            && let Ok(json) = serde_json::from_str(&text)
        {
            break json;
        }
        assert!(
            Instant::now() < deadline,
            "no {} downloaded",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exported["kanava"], "progress");
    assert_eq!(exported["progress"], saved);
    assert!(
        text(&tab, "[data-progress-status]")
            .as_str()
            .is_some_and(|t| t.starts_with("Exported 2 steps done")),
        "{}",
        state(&tab)
    );

    eval(&tab, "window.confirm = () => true");
    click(&tab, "[data-progress-reset]");
    until(
        &tab,
        "document.querySelector('[data-progress-status]').textContent.includes('reset')",
    );
    assert_eq!(stored(&tab)["done"], serde_json::json!({}));
    assert!(
        cards(&tab).iter().all(|c| c.ends_with(" 0 Not started")),
        "{:?}",
        cards(&tab)
    );

    // Not a progress file: refused, nothing changes.
    let bad = downloads.path().join("notes.json");
    std::fs::write(&bad, "{\"v\": 2, \"done\": []}").expect("write");
    tab.find_element("[data-progress-import]")
        .expect("file input")
        .set_input_files(&[bad.to_str().unwrap()])
        .expect("choose file");
    until(
        &tab,
        "document.querySelector('[data-progress-status]').textContent.includes('nothing was imported')",
    );
    assert_eq!(stored(&tab)["done"], serde_json::json!({}));

    tab.find_element("[data-progress-import]")
        .expect("file input")
        .set_input_files(&[file.to_str().unwrap()])
        .expect("choose file");
    until(
        &tab,
        "document.querySelector('[data-progress-status]').textContent.startsWith('Imported')",
    );
    assert_eq!(cards(&tab), before, "{}", state(&tab));
    assert_eq!(stored(&tab), saved);
    // And the path page reads it too.
    go(&tab, &format!("{base}{SALES}"));
    assert_eq!(path_progress(&tab).0, "1");
}

/// Technical certification requires sales onboarding: its page shows the prerequisite
/// locked (every step still listed and linked) until sales is finished, and locked again
/// when a step of sales is undone.
pub fn a_locked_prerequisite_unlocks_when_its_path_is_finished(path: PathBuf) {
    let base = shared_paths();
    let chrome = launch(path);
    let technical = format!("{base}{TECHNICAL}");
    let tab = start(&chrome, &technical);
    let lock = format!("[data-required-path='{SALES}'] [data-lock]");
    assert!(visible(&tab, &lock), "{}", state(&tab));
    assert_eq!(text(&tab, &lock), "Not finished yet");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-path-page]').classList.contains('is-locked')"
        ),
        true
    );
    // Locked is a hint, not a wall: the steps are there.
    assert_eq!(
        eval(
            &tab,
            "[...document.querySelectorAll('.path-step-item a')].filter(a => a.getClientRects().length > 0).length"
        ),
        2
    );

    mark(&tab, &base, "welcome/", true);
    mark(&tab, &base, "ordering/delivery/", true);
    go(&tab, &technical);
    assert!(visible(&tab, &lock), "two of three steps: still locked");
    pass_quiz(&tab, &base);
    go(&tab, &technical);
    assert!(!visible(&tab, &lock), "{}", state(&tab));
    assert_eq!(
        text(
            &tab,
            &format!("[data-required-path='{SALES}'] .path-unlocked")
        ),
        "✓ Finished"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-path-page]').classList.contains('is-locked')"
        ),
        false
    );

    mark(&tab, &base, "ordering/delivery/", false);
    go(&tab, &technical);
    assert!(visible(&tab, &lock), "undone: locked again");
}

/// Opened from disk (file://), the links between a path and its steps still lead to pages
/// (`…/index.html?path=…`), and progress is kept.
pub fn paths_work_from_disk(path: PathBuf) {
    shared_paths();
    let (site, _) = PATHS_SITE.get().expect("built");
    let disk = format!("file://{}/gold/", site.out().display());
    let chrome = launch(path);
    let tab = start(&chrome, &format!("{disk}{SALES}index.html"));
    assert_eq!(
        eval(
            &tab,
            "document.querySelector(\"[data-step='welcome/'] a\").href"
        ),
        format!("{disk}welcome/index.html{FROM_SALES}")
    );
    follow(&tab, "[data-step='welcome/'] a");
    click(&tab, &format!("{BLOCK} [data-mark-done]"));
    until(
        &tab,
        &format!(
            "document.querySelector('{BLOCK} [data-mark-done]').getAttribute('aria-pressed') === 'true'"
        ),
    );
    follow(&tab, &format!("{BLOCK} .path-step-where a"));
    assert_eq!(
        eval(&tab, "location.href"),
        format!("{disk}{SALES}index.html")
    );
    assert_eq!(path_progress(&tab).0, "1", "{}", state(&tab));
    assert_eq!(
        eval(&tab, "document.querySelector('[data-path-next] a').href"),
        format!("{disk}ordering/delivery/index.html{FROM_SALES}")
    );
    go(&tab, &format!("{disk}paths/index.html"));
    assert_eq!(
        text(
            &tab,
            &format!("[data-path-card][data-path='{SALES}'] [data-path-progress-text]")
        ),
        "1 of 3 steps done"
    );
    // The certificate page links back to the unfinished path.
    go(
        &tab,
        &format!("{disk}paths/certificate/index.html{FROM_SALES}"),
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-certificate-path]').href"
        ),
        format!("{disk}{SALES}index.html")
    );
}

/// Where the browser keeps nothing (storage turned off), the page says that progress cannot
/// be saved; marking a step done still shows on the page.
pub fn without_storage_the_page_says_progress_cannot_be_saved(path: PathBuf) {
    use headless_chrome::protocol::cdp::Page;
    let base = shared_paths();
    let chrome = launch(path);
    let tab = chrome.open("about:blank", 1366, 900);
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: "Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The user denied storage', 'SecurityError'); } });".into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .expect("storage turned off");
    go(&tab, &format!("{base}welcome/{FROM_SALES}"));
    assert!(
        text(&tab, ".path-nosave")
            .as_str()
            .is_some_and(|t| t.contains("does not let this site keep your progress")),
        "no warning"
    );
    click(&tab, &format!("{BLOCK} [data-mark-done]"));
    until(
        &tab,
        &format!(
            "document.querySelector('{BLOCK} [data-path-progress]').getAttribute('aria-valuenow') === '1'"
        ),
    );
}
