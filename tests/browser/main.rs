//! Browser tests: features that live in the browser (search, the catalog's quick-find, the
//! materials library's filters, learning-path progress; the language switch as a later
//! issue adds it), tested in real Chromium.
//!
//! Chromium comes from Debian's packages (`apt-get install chromium`) at `/usr/bin/chromium`
//! and is driven over the DevTools protocol (`headless_chrome`, without its browser
//! download). Fixture sites are built with the library and served from a loopback HTTP
//! server on a free port inside this process.
//!
//! Without Chromium the tests are reported as **ignored** (this file has its own
//! `main`, libtest-mimic, so that "skipped" is never counted as "passed") — unless
//! `KANAVA_BROWSER_TESTS=require` (set by `.ci/run`), which makes them fail instead. The
//! accessibility test also needs axe-core from the npm registry (`.ci/run` installs the
//! version pinned in `tests/browser/package-lock.json` into `target/npm/`); without it that
//! test alone is ignored, or fails when required, the same way.
//!
//! Layout tests (`layout.rs`) load every kind of page of the demo at phone, tablet and
//! desktop widths. Screenshots of every kind of page at 390, 820 and 1366 px are written to
//! `target/screenshots/` (`<page>-<width>.png`) for people to look at; they are not compared.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::{Browser, LaunchOptions, Tab};

const CHROMIUM: &str = "/usr/bin/chromium";

// ---- Chromium, or why not ---------------------------------------------------------------

/// The browser to use, or why the tests cannot run.
fn chromium() -> Result<PathBuf, String> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Ok(path);
    }
    Err(format!(
        "{CHROMIUM} not found: install Chromium to run the browser tests (`sudo apt-get install -y chromium`)"
    ))
}

/// Where axe-core's browser script is: `KANAVA_AXE`, or where `.ci/run` installs it.
fn axe() -> Result<PathBuf, String> {
    let path = std::env::var_os("KANAVA_AXE").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/npm/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    );
    if path.is_file() {
        return Ok(path);
    }
    Err(format!(
        "axe-core not found at {}: install it for the accessibility test \
         (`mkdir -p target/npm && cp tests/browser/package*.json target/npm/ && npm ci --prefix target/npm`, as .ci/run does)",
        path.display()
    ))
}

/// What a browser test needs besides Chromium, or that it runs only when asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    Chromium,
    /// axe-core's script too.
    Axe,
    /// Not a test: a benchmark helper, run only when asked for (`--ignored`).
    Bench,
}

/// A browser test: its name, the test (given Chromium's path), and what it needs.
type BrowserTest = (&'static str, fn(PathBuf), Needs);

mod encrypted;
mod languages;
mod layout;
mod materials;
mod paths;
#[cfg(feature = "search")]
mod pfwriter;
mod review;
mod search;
mod serve;
mod site;

const TESTS: &[BrowserTest] = &[
    #[cfg(feature = "search")]
    (
        "pagefind_reads_kanavas_index_as_its_own",
        pfwriter::same_results_on_both_indexes,
        Needs::Chromium,
    ),
    (
        "serve_view_bar_switches_audience",
        serve::view_bar_switches_audience,
        Needs::Chromium,
    ),
    (
        "serve_a_broken_file_shows_the_overlay_until_fixed",
        serve::a_broken_file_shows_the_overlay_until_fixed,
        Needs::Chromium,
    ),
    (
        "the_switcher_opens_the_same_page_in_another_language",
        languages::the_switcher_opens_the_same_page_in_another_language,
        Needs::Chromium,
    ),
    #[cfg(feature = "search")]
    (
        "the_finnish_site_searches_finnish_text",
        languages::the_finnish_site_searches_finnish_text,
        Needs::Chromium,
    ),
    (
        "serve_view_bar_switches_language",
        serve::view_bar_switches_language,
        Needs::Chromium,
    ),
    (
        "search_finds_a_known_page",
        search::search_finds_a_known_page,
        Needs::Chromium,
    ),
    (
        "a_gold_only_page_is_found_by_gold_and_not_by_silver",
        search::a_gold_only_page_is_found_by_gold_and_not_by_silver,
        Needs::Chromium,
    ),
    (
        "keyboard_navigation_opens_a_result",
        search::keyboard_navigation_opens_a_result,
        Needs::Chromium,
    ),
    (
        "without_http_the_search_box_stays_a_link_to_all_pages",
        search::without_http_the_search_box_stays_a_link_to_all_pages,
        Needs::Chromium,
    ),
    (
        "a_product_code_puts_that_product_first",
        search::a_product_code_puts_that_product_first,
        Needs::Chromium,
    ),
    (
        "the_catalog_quick_find_opens_a_product_by_its_code",
        search::the_catalog_quick_find_opens_a_product_by_its_code,
        Needs::Chromium,
    ),
    (
        "search_results_nest_no_interactive_elements",
        search::search_results_nest_no_interactive_elements,
        Needs::Chromium,
    ),
    (
        "show_more_reveals_every_result",
        search::show_more_reveals_every_result,
        Needs::Chromium,
    ),
    (
        "a_typo_lists_no_unrelated_pages",
        search::a_typo_lists_no_unrelated_pages,
        Needs::Chromium,
    ),
    (
        "a_typo_finds_nothing_on_the_demo",
        search::a_typo_finds_nothing_on_the_demo,
        Needs::Chromium,
    ),
    (
        "screenshots_for_review",
        review::screenshots_for_review,
        Needs::Chromium,
    ),
    (
        "no_page_is_wider_than_the_screen",
        layout::no_page_is_wider_than_the_screen,
        Needs::Chromium,
    ),
    (
        "phone_header_targets_are_large_apart_and_the_title_readable",
        layout::phone_header_targets_are_large_apart_and_the_title_readable,
        Needs::Chromium,
    ),
    (
        "the_header_title_and_search_box_fit_at_every_width",
        layout::the_header_title_and_search_box_fit_at_every_width,
        Needs::Chromium,
    ),
    (
        "wide_tables_scroll_in_their_own_box_by_keyboard_too",
        layout::wide_tables_scroll_in_their_own_box_by_keyboard_too,
        Needs::Chromium,
    ),
    (
        "keyboard_hints_are_hidden_on_touch_screens",
        layout::keyboard_hints_are_hidden_on_touch_screens,
        Needs::Chromium,
    ),
    (
        "sidebar_links_do_not_look_like_expanders",
        layout::sidebar_links_do_not_look_like_expanders,
        Needs::Chromium,
    ),
    (
        "axe_finds_nothing_serious_on_any_page",
        layout::axe_finds_nothing_serious_on_any_page,
        Needs::Axe,
    ),
    (
        "the_library_filters_on_a_phone_and_keeps_the_choice_in_the_address",
        materials::the_library_filters_on_a_phone_and_keeps_the_choice_in_the_address,
        Needs::Chromium,
    ),
    (
        "without_javascript_the_library_is_the_whole_grouped_list",
        materials::without_javascript_the_library_is_the_whole_grouped_list,
        Needs::Chromium,
    ),
    (
        "marking_steps_done_fills_the_progress_bar_and_survives_a_reload",
        paths::marking_steps_done_fills_the_progress_bar_and_survives_a_reload,
        Needs::Chromium,
    ),
    (
        "a_quiz_grades_right_and_wrong_answers_and_passing_marks_the_step_done",
        paths::a_quiz_grades_right_and_wrong_answers_and_passing_marks_the_step_done,
        Needs::Chromium,
    ),
    (
        "completing_every_step_shows_the_certificate_with_the_typed_name",
        paths::completing_every_step_shows_the_certificate_with_the_typed_name,
        Needs::Chromium,
    ),
    (
        "export_reset_and_import_round_trip_progress",
        paths::export_reset_and_import_round_trip_progress,
        Needs::Chromium,
    ),
    (
        "a_locked_prerequisite_unlocks_when_its_path_is_finished",
        paths::a_locked_prerequisite_unlocks_when_its_path_is_finished,
        Needs::Chromium,
    ),
    (
        "paths_work_from_disk",
        paths::paths_work_from_disk,
        Needs::Chromium,
    ),
    (
        "without_storage_the_page_says_progress_cannot_be_saved",
        paths::without_storage_the_page_says_progress_cannot_be_saved,
        Needs::Chromium,
    ),
    (
        "the_404_page_works_at_any_depth_without_base_url",
        site::the_404_page_works_at_any_depth_without_base_url,
        Needs::Chromium,
    ),
    (
        "encrypted_a_magic_link_opens_the_site_and_everything_works",
        encrypted::a_magic_link_opens_the_site_and_everything_works,
        Needs::Chromium,
    ),
    (
        "encrypted_a_passphrase_opens_the_site_and_wrong_credentials_show_only_an_error",
        encrypted::a_passphrase_opens_the_site_and_wrong_credentials_show_only_an_error,
        Needs::Chromium,
    ),
    (
        "encrypted_from_disk_a_magic_link_opens_pages_and_links_work",
        encrypted::from_disk_a_magic_link_opens_pages_and_links_work,
        Needs::Chromium,
    ),
    (
        "encrypted_the_demo_opens_searches_and_serves_a_pdf",
        encrypted::the_encrypted_demo_opens_searches_and_serves_a_pdf,
        Needs::Chromium,
    ),
    (
        "encrypted_after_a_rotation_the_reader_logs_in_again_with_the_same_link",
        encrypted::after_a_rotation_the_reader_logs_in_again_with_the_same_link,
        Needs::Chromium,
    ),
    (
        "encrypted_webcrypto_decrypts_what_rust_encrypted",
        encrypted::webcrypto_decrypts_what_rust_encrypted,
        Needs::Chromium,
    ),
    // Not a test: the benchmark's "bytes transferred for a first query" (bench/search.sh).
    ("first_query_bytes", first_query_bytes, Needs::Bench),
];

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let browser = chromium();
    let axe = axe();
    let required = std::env::var("KANAVA_BROWSER_TESTS").is_ok_and(|v| v == "require");
    if !required {
        if let Err(why) = &browser {
            eprintln!("\n*** browser tests: {why}; they are reported as ignored.\n");
        } else if let Err(why) = &axe {
            eprintln!("\n*** accessibility test: {why}; it is reported as ignored.\n");
        }
    }
    let trials = TESTS
        .iter()
        .map(|&(name, test, needs)| {
            // What the test needs and is missing: Chromium, or axe-core for the axe test.
            let missing = match (&browser, &axe) {
                (Err(why), _) => Some(why.clone()),
                (Ok(_), Err(why)) if needs == Needs::Axe => Some(why.clone()),
                _ => None,
            };
            let browser = browser.clone();
            let ignored = needs == Needs::Bench || (missing.is_some() && !required);
            libtest_mimic::Trial::test(name, move || match (browser, missing) {
                (Ok(path), None) => {
                    test(path);
                    Ok(())
                }
                // Only reached when required: a missing tool fails the test, saying why.
                (_, Some(why)) | (Err(why), None) => {
                    Err(format!("KANAVA_BROWSER_TESTS=require, but {why}").into())
                }
            })
            .with_ignored_flag(ignored)
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some((site, _)) = DEMO.get() {
        let _ = std::fs::remove_dir_all(site.dir.path());
    }
    paths::remove_fixture();
    conclusion.exit_code()
}

/// Chromium with a fresh profile; killed when dropped.
struct Chrome {
    browser: Browser,
    _profile: tempfile::TempDir,
}

fn launch(path: PathBuf) -> Chrome {
    let profile = tempfile::tempdir().expect("profile dir");
    let args: Vec<&OsStr> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(profile.path().to_owned()))
        .args(args)
        .window_size(Some((1366, 900)))
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .expect("launch options");
    let browser = Browser::new(options).expect("start Chromium");
    Chrome {
        browser,
        _profile: profile,
    }
}

impl Chrome {
    /// A new tab showing `url`, its viewport `width`×`height` (CSS pixels).
    fn open(&self, url: &str, width: u32, height: u32) -> Arc<Tab> {
        let tab = self.browser.new_tab().expect("new tab");
        tab.set_default_timeout(Duration::from_secs(15));
        viewport(&tab, width, height);
        tab.navigate_to(url).expect("navigate");
        tab.wait_until_navigated().expect("page loads");
        tab
    }
}

fn viewport(tab: &Tab, width: u32, height: u32) {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile: width < 600,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("set viewport");
}

// ---- a loopback web server ----------------------------------------------------------------

/// Serves `root` on 127.0.0.1 (a free port) for the rest of the process; returns its URL.
fn serve(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let root = root.to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = respond(stream, &root);
            });
        }
    });
    url
}

fn respond(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let mut file = root.to_owned();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part.contains('\\') {
            return reply(&mut stream, "400 Bad Request", "text/plain", b"bad path");
        }
        file.push(part);
    }
    if file.is_dir() {
        if !path.ends_with('/') {
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {path}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return stream.write_all(head.as_bytes());
        }
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => reply(&mut stream, "200 OK", mime(&file), &body),
        // Like a host's `error_page`: an audience's own 404 page for what is missing in it.
        Err(_) => match path
            .split('/')
            .find(|p| !p.is_empty())
            .and_then(|audience| std::fs::read(root.join(audience).join("404.html")).ok())
        {
            Some(page) => reply(
                &mut stream,
                "404 Not Found",
                "text/html; charset=utf-8",
                &page,
            ),
            None => reply(&mut stream, "404 Not Found", "text/plain", b"not found"),
        },
    }
}

fn reply(stream: &mut TcpStream, status: &str, mime: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)
}

fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(OsStr::to_str).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---- fixture sites ------------------------------------------------------------------------

/// A built site in a temporary folder.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn build(root: &Path, out: PathBuf, audiences: &[&str]) {
    let outcome = kanava::build(&kanava::Options {
        root: root.to_owned(),
        out: Some(out),
        audiences: audiences.iter().map(|a| a.to_string()).collect(),
        ..kanava::Options::default()
    })
    .expect("build");
    assert_eq!(
        outcome.errors(),
        0,
        "the site has errors:\n{}",
        kanava::diag::render(
            &outcome.diagnostics,
            &outcome.sources,
            kanava::diag::Format::Short,
            false
        )
    );
}

/// A small extranet with a silver and a gold audience; one page only gold sees.
fn fixture() -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "kanava.yaml",
        "title: Browser Test Extranet
audience:
  axes:
    tier: { values: [silver, gold], ordered: true, default: silver }
  audiences:
    silver: { tier: silver }
    gold: { tier: gold }
",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\n---\nWelcome to the partner extranet.\n",
    );
    write(
        root,
        "content/ordering/_index.md",
        "---\ntitle: Ordering\n---\nHow to order.\n",
    );
    write(
        root,
        "content/ordering/delivery.md",
        "---
title: Delivery terms
description: Lead times, cut-off times and delivery options.
---
Orders ship from the central warehouse.

## Lead times

Standard heat pumps ship within five working days of the order confirmation.

## Cut-off times

Orders confirmed before 14:00 leave the warehouse the same day.
",
    );
    write(
        root,
        "content/ordering/returns.md",
        "---\ntitle: Returns\n---\nReturn unused goods within 30 days of delivery.\n",
    );
    write(
        root,
        "content/support/_index.md",
        "---\ntitle: Support\n---\nHelp for installers.\n",
    );
    write(
        root,
        "content/support/warranty.md",
        "---
title: Warranty registration
description: Register every installation to extend the warranty.
---
Register the installation within 30 days to get the seven-year warranty.

## What to register

The serial number, the installer and the commissioning date.
",
    );
    write(
        root,
        "content/programme/gold-rebate.md",
        "---
title: Gold rebate programme
tier: gold
---
Gold partners earn the zebrawood bonus: an extra 3 % year-end rebate.
",
    );
    build(root, root.join("public"), &[]);
    Site { dir }
}

/// The demo extranet of this repository (gold's view), for screenshots people review.
fn demo() -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    build(root, dir.path().join("public"), &["gold"]);
    Site { dir }
}

/// The demo, built and served once for all the tests that only read it.
static DEMO: std::sync::OnceLock<(Site, String)> = std::sync::OnceLock::new();

/// The URL of gold's site of the shared demo (`http://127.0.0.1:port/gold/`).
fn shared_demo() -> String {
    let (_, base) = DEMO.get_or_init(|| {
        let site = demo();
        let base = serve(&site.out());
        (site, base)
    });
    format!("{base}gold/")
}

// ---- page helpers -------------------------------------------------------------------------

/// Evaluates a JavaScript expression (JSON-encoded by the caller when not a primitive).
fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, true)
        .unwrap_or_else(|e| panic!("evaluating `{js}`: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Waits until the expression is true (or fails after `secs` seconds, showing where the page is).
fn wait_for(tab: &Tab, js: &str, secs: u64) {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        // While the page navigates, evaluating fails ("Inspected target navigated or
        // closed", no execution context): that is "not yet", not a failure.
        let value = tab.evaluate(js, true).ok().and_then(|r| r.value);
        if value == Some(serde_json::Value::Bool(true)) {
            return;
        }
        if Instant::now() > until {
            let state = eval(
                tab,
                "JSON.stringify({url: location.href, results: document.querySelector('.search-results')?.innerText, message: document.querySelector('[data-search-message]')?.innerText})",
            );
            panic!("timed out waiting for `{js}`; page: {state}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The result list as shown: one string per result (type, title, section, excerpt).
fn results(tab: &Tab) -> Vec<String> {
    let json = eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('.search-result')].map(li => li.innerText.replace(/\\s+/g, ' ').trim()))",
    );
    serde_json::from_str(json.as_str().unwrap_or("[]")).expect("JSON list")
}

/// Clears the search box, focuses it with `/` and types `query`; waits for the answer to the
/// whole query.
fn search(tab: &Tab, query: &str) {
    wait_for(
        tab,
        "document.querySelector('.search.is-ready') !== null",
        10,
    );
    // An earlier query's text would be typed onto.
    eval(
        tab,
        "(() => { const i = document.querySelector('.search-input'); i.value = ''; i.dispatchEvent(new Event('input')); i.blur(); return true; })()",
    );
    tab.press_key("/").expect("press /");
    wait_for(
        tab,
        "document.activeElement === document.querySelector('.search-input')",
        5,
    );
    tab.type_str(query).expect("type");
    // Settled: the live region names the whole query ("3 results for …", "No results for
    // …", in Finnish "3 tulosta haulle …"), not a part of it typed on the way.
    wait_for(
        tab,
        &format!(
            "document.querySelector('[data-search-status]').textContent.endsWith(' ' + {q})",
            q = serde_json::to_string(query).unwrap()
        ),
        15,
    );
}

/// Not a test: the benchmark's "bytes transferred for a first query" (bench/search.sh).
/// Serves `KANAVA_BENCH_SITE`, opens its home page, types `KANAVA_BENCH_QUERY` into the
/// search box and sums what the browser fetched for search.
fn first_query_bytes(path: PathBuf) {
    let site = PathBuf::from(std::env::var("KANAVA_BENCH_SITE").expect("KANAVA_BENCH_SITE"));
    let query = std::env::var("KANAVA_BENCH_QUERY").unwrap_or_else(|_| "warranty".into());
    let base = serve(&site);
    let chrome = launch(path);
    let tab = chrome.open(&base, 1366, 900);
    let page = eval(
        &tab,
        "performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0) + performance.getEntriesByType('navigation')[0].transferSize",
    );
    let started = Instant::now();
    search(&tab, &query);
    let elapsed = started.elapsed();
    let stats = eval(
        &tab,
        "JSON.stringify((() => {
            const entries = performance.getEntriesByType('resource').filter(e => e.name.includes('/_kanava/search/'));
            const sum = k => entries.reduce((n, e) => n + e[k], 0);
            return { requests: entries.length, transfer: sum('transferSize'), encoded: sum('encodedBodySize'),
                     decoded: sum('decodedBodySize'),
                     files: entries.map(e => [e.name.replace(/^.*\\/_kanava\\/search\\//, ''), e.transferSize]) };
        })())",
    );
    let stats: serde_json::Value =
        serde_json::from_str(stats.as_str().expect("string")).expect("JSON");
    let shown = results(&tab).len();
    println!("first-query page-load-bytes {page}");
    println!(
        "first-query requests {} transfer-bytes {} encoded-body-bytes {} decoded-bytes {} results-shown {shown} time-ms {}",
        stats["requests"],
        stats["transfer"],
        stats["encoded"],
        stats["decoded"],
        elapsed.as_millis()
    );
    for file in stats["files"].as_array().into_iter().flatten() {
        println!("first-query file {} {}", file[0], file[1]);
    }
    drop(tab);

    // The same query as one call (no typing: no intermediate queries as you type), in a
    // fresh tab: pagefind.js, its metadata and WebAssembly, the word chunks and the
    // fragments of the first 8 results.
    let tab = chrome.open(&base, 1366, 900);
    let direct = eval(
        &tab,
        &format!(
            "(async () => {{
                performance.clearResourceTimings();
                const pf = await import(new URL('_kanava/search/pagefind.js', location.href).href);
                await pf.options({{ noWorker: true }});
                const r = await pf.search({q});
                await Promise.all(r.results.slice(0, 8).map(x => x.data()));
                const e = performance.getEntriesByType('resource').filter(e => e.name.includes('/_kanava/search/'));
                return JSON.stringify({{ requests: e.length, transfer: e.reduce((n, e) => n + e.transferSize, 0), results: r.results.length }});
            }})()",
            q = serde_json::to_string(&query).unwrap()
        ),
    );
    println!("first-query direct {}", direct.as_str().unwrap_or("?"));
}
