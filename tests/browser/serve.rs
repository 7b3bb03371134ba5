//! `kanava serve`'s view bar (issue #19), in Chromium: switching the audience opens the same
//! page in the other audience's site, or that site's home when it has no such page; a
//! broken file shows the error overlay over the last good page, and fixing it reloads.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::*;

/// `kanava serve` on a fixture site; killed when dropped.
struct Served {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_fixture() -> Served {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "kanava.yaml",
        "title: Serve Test\nlanguages: [en, fi]\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public, title: Everyone }\n    gold: { tier: gold, title: Gold partner }\n",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\ntier: public\n---\nWelcome.\n",
    );
    write(
        root,
        "content/guide.md",
        "---\ntitle: Guide\ntier: public\n---\nFor everyone.\n",
    );
    write(
        root,
        "content/guide.fi.md",
        "---\ntitle: Opas\n---\nKaikille.\n",
    );
    write(
        root,
        "content/prices.md",
        "---\ntitle: Prices\ntier: gold\n---\nGold only.\n",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_kanava"))
        .args(["serve", "--port", "0", "--no-search", "--root"])
        .arg(root)
        .env(
            "KANAVA_CACHE_DIR",
            std::env::temp_dir().join("kanava-tests-cache"),
        )
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start kanava serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let started = Instant::now();
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(url) = line
                    .strip_prefix("serving at ")
                    .and_then(|r| r.split(' ').next())
                {
                    break url.to_owned();
                }
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("kanava serve ended before serving");
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve never started"
        );
    };
    // Keep reading its output, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served {
        child,
        url,
        _dir: dir,
    }
}

const BAR: &str = "document.getElementById('kanava-serve').shadowRoot";

pub fn view_bar_switches_audience(chromium: PathBuf) {
    let served = serve_fixture();
    let chrome = launch(chromium);
    let tab = chrome.browser.new_tab().expect("tab");
    open_with_bar(&tab, &format!("{}gold/guide/", served.url), "audience");
    assert_eq!(
        eval(
            &tab,
            &format!("{BAR}.querySelector('select[name=audience]').value")
        ),
        "gold"
    );
    // The same page in the other audience's site. The page is parsed ("interactive"), not
    // waited on to "complete": under CPU load Chromium sometimes never fetched a page's
    // deferred kanava.js from `serve` after this switch (the request never reached the
    // server; seen before issue 19's changes too; see the stop's note), which is not what
    // this test is about.
    choose(&tab, "audience", "public");
    wait_for(
        &tab,
        "location.pathname === '/public/guide/' && document.readyState !== 'loading'",
        20,
    );
    assert!(
        eval(&tab, "document.body.innerText")
            .as_str()
            .unwrap_or("")
            .contains("For everyone.")
    );
    // A page the other audience lacks: its home instead.
    open_with_bar(&tab, &format!("{}gold/prices/", served.url), "audience");
    choose(&tab, "audience", "public");
    wait_for(&tab, "location.pathname === '/public/'", 20);
}

/// Opens `url` and waits for the view bar's `select` (`audience`, `language`).
fn open_with_bar(tab: &Tab, url: &str, select: &str) {
    tab.navigate_to(url).expect("navigate");
    wait_for_bar(tab, select);
}

/// Waits for the view bar's `select`.
fn wait_for_bar(tab: &Tab, select: &str) {
    wait_for(
        tab,
        &format!("!!{BAR}?.querySelector('select[name={select}]')"),
        20,
    );
}

/// Picks `value` in the view bar's `name` select.
fn choose(tab: &Tab, name: &str, value: &str) {
    eval(
        tab,
        &format!(
            "(() => {{ const s = {BAR}.querySelector('select[name={name}]'); s.value = '{value}'; s.dispatchEvent(new Event('change')); return true; }})()"
        ),
    );
}

pub fn view_bar_switches_language(chromium: PathBuf) {
    let served = serve_fixture();
    let chrome = launch(chromium);
    let tab = chrome.browser.new_tab().expect("tab");
    open_with_bar(&tab, &format!("{}gold/guide/", served.url), "language");
    choose(&tab, "language", "fi");
    wait_for(
        &tab,
        "location.pathname === '/gold/fi/guide/' && document.readyState !== 'loading'",
        20,
    );
    assert!(
        eval(&tab, "document.body.innerText")
            .as_str()
            .unwrap_or("")
            .contains("Kaikille.")
    );
    // The audience changes, the language stays.
    wait_for_bar(&tab, "audience");
    choose(&tab, "audience", "public");
    wait_for(&tab, "location.pathname === '/public/fi/guide/'", 20);
    // A page the Finnish site of public lacks: its Finnish home.
    open_with_bar(&tab, &format!("{}gold/fi/prices/", served.url), "audience");
    choose(&tab, "audience", "public");
    wait_for(&tab, "location.pathname === '/public/fi/'", 20);
}

pub fn a_broken_file_shows_the_overlay_until_fixed(chromium: PathBuf) {
    let served = serve_fixture();
    let root = served._dir.path().to_owned();
    let chrome = launch(chromium);
    let tab = chrome.browser.new_tab().expect("tab");
    tab.navigate_to(&format!("{}public/guide/", served.url))
        .expect("navigate");
    wait_for(&tab, &format!("!!{BAR}?.querySelector('.bar')"), 20);
    // Give the page's event stream a moment to open.
    std::thread::sleep(Duration::from_millis(500));
    write(
        &root,
        "content/guide.md",
        "---\ntitle: [Guide\ntier: public\n---\nBroken.\n",
    );
    wait_for(
        &tab,
        &format!("!{BAR}.querySelector('.overlay').hidden"),
        30,
    );
    let overlay = eval(&tab, &format!("{BAR}.querySelector('.overlay').innerText"));
    let overlay = overlay.as_str().unwrap_or("");
    assert!(overlay.contains("content/guide.md:"), "{overlay}");
    assert!(
        eval(&tab, "document.body.innerText")
            .as_str()
            .unwrap_or("")
            .contains("For everyone."),
        "the last good page stays"
    );
    write(
        &root,
        "content/guide.md",
        "---\ntitle: Guide\ntier: public\n---\nFixed now.\n",
    );
    wait_for(&tab, "document.body.innerText.includes('Fixed now.')", 30);
    wait_for(&tab, &format!("{BAR}.querySelector('.overlay').hidden"), 10);
}
