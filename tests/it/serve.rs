//! `kanava serve` (issue #19): the real binary on a free loopback port, a fixture site
//! edited under it. Waits are bounded (a test fails after them), never timed assertions.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::harness::TestSite;

/// The longest any wait here may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// `kanava serve` running on a site; killed when dropped.
struct Served {
    child: Child,
    url: String,
    /// Everything it prints, line by line.
    log: Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &TestSite, extra: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kanava"))
        .args(["serve", "--port", "0", "--no-search"])
        .args(extra)
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .env("KANAVA_CACHE_DIR", crate::harness::test_cache_dir())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start kanava serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, log) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let mut seen = Vec::new();
    while started.elapsed() < PATIENCE {
        if let Ok(line) = log.recv_timeout(Duration::from_millis(200)) {
            if let Some(url) = line
                .strip_prefix("serving at ")
                .and_then(|r| r.split(' ').next())
            {
                return Served {
                    child,
                    url: url.to_owned(),
                    log,
                };
            }
            seen.push(line);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve never said where it listens:\n{}", seen.join("\n"));
}

impl Served {
    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{}", self.url.trim_end_matches('/'), path))
            .call()
            .expect("a response");
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_vec().expect("body");
        (status, kind, body)
    }

    fn text(&self, path: &str) -> String {
        String::from_utf8_lossy(&self.get(path).2).into_owned()
    }

    /// Waits until `path`'s text satisfies `ok`; panics with the last text after PATIENCE.
    fn wait_for(&self, path: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self.text(path);
            if ok(&text) {
                return text;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "gave up waiting on {path}:\n{text}\nlog:\n{}",
                self.drain()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn drain(&self) -> String {
        self.log.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// The event stream of a browser showing `page` (`/gold/guide/`), read on a thread:
    /// each `event:` line as it comes.
    fn events(&self, page: &str) -> Receiver<String> {
        let host = self
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let mut stream = TcpStream::connect(&host).expect("connect");
        write!(
            stream,
            "GET /__kanava/events?page={page} HTTP/1.1\r\nHost: {host}\r\n\r\n"
        )
        .expect("request");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if line.starts_with("event:") && tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    }
}

fn site() -> TestSite {
    let site = TestSite::with_config(
        "title: Serve test\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    gold: { tier: gold }\n",
    );
    site.page(
        "content/guide.md",
        "title: Guide\ntier: public",
        "The first text.\n",
    );
    site.page(
        "content/prices.md",
        "title: Prices\ntier: gold",
        "Gold prices.\n",
    );
    site
}

#[test]
fn an_edit_is_served_with_a_reload_event() {
    let site = site();
    let served = serve(&site, &[]);
    let page = served.text("/gold/guide/");
    assert!(page.contains("The first text."), "{page}");
    assert!(
        page.contains("/__kanava/live.js"),
        "the live script is injected"
    );
    let events = served.events("/gold/guide/");
    // Let the stream open before the edit, so the event is not missed.
    std::thread::sleep(Duration::from_millis(300));
    site.page(
        "content/guide.md",
        "title: Guide\ntier: public",
        "The second text.\n",
    );
    let event = events
        .recv_timeout(PATIENCE)
        .expect("a build event after the edit");
    assert_eq!(event, "event: build");
    served.wait_for("/gold/guide/", |t| t.contains("The second text."));
    // The page reloaded as the build began to write; its end is told too (the view bar).
    let event = events
        .recv_timeout(PATIENCE)
        .expect("a status event at the end of the build");
    assert_eq!(event, "event: status");
    // A deleted page is gone (its audience's 404 page, with status 404).
    std::fs::remove_file(site.root().join("content/prices.md")).unwrap();
    let started = Instant::now();
    while served.get("/gold/prices/").0 != 404 {
        assert!(
            started.elapsed() < PATIENCE,
            "the deleted page is still served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_broken_file_shows_the_overlay_and_keeps_the_last_good_page() {
    let site = site();
    let served = serve(&site, &[]);
    served.wait_for("/gold/guide/", |t| t.contains("The first text."));
    site.write(
        "content/guide.md",
        "---\ntitle: [Guide\ntier: public\n---\nBroken.\n",
    );
    let started = Instant::now();
    let status = loop {
        let status: serde_json::Value =
            serde_json::from_str(&served.text("/__kanava/status")).unwrap();
        if status["problems"].as_array().is_some_and(|p| !p.is_empty()) {
            break status;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no problems reported: {status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let problem = &status["problems"][0];
    assert_eq!(problem["severity"], "error");
    assert_eq!(problem["file"], "content/guide.md");
    assert!(problem["line"].as_u64().is_some(), "{problem}");
    // The last good page, still with the script that shows the overlay.
    let page = served.text("/gold/guide/");
    assert!(
        page.contains("The first text.") && page.contains("/__kanava/live.js"),
        "{page}"
    );
    site.page(
        "content/guide.md",
        "title: Guide\ntier: public",
        "Fixed text.\n",
    );
    served.wait_for("/gold/guide/", |t| t.contains("Fixed text."));
    let status: serde_json::Value = serde_json::from_str(&served.text("/__kanava/status")).unwrap();
    assert_eq!(status["problems"], serde_json::json!([]));
}

#[test]
fn serves_the_bytes_build_writes() {
    let site = site();
    site.write_bytes("content/files/sheet.pdf", &crate::harness::pdf("sheet", 1));
    site.page(
        "content/sheet.md",
        "title: Sheet\ntier: gold",
        "[The sheet](files/sheet.pdf)\n",
    );
    site.build_with(|o| o.no_search = true).assert_clean();
    let served = serve(&site, &[]);
    let built = site.snapshot_tree("");
    let mut compared = 0;
    for (path, bytes) in &built {
        if path.starts_with(".kanava") {
            continue;
        }
        let (status, kind, body) = served.get(&format!("/{path}"));
        assert_eq!(status, 200, "{path}");
        let expected_kind = kanava::serve::content_type(path);
        assert_eq!(kind, expected_kind, "{path}");
        if path.ends_with(".html") {
            let text = String::from_utf8(body).unwrap();
            let without = text.replace(
                "<script src=\"/__kanava/live.js\" data-kanava-serve></script>",
                "",
            );
            assert_eq!(without.as_bytes(), &bytes[..], "{path}");
        } else {
            assert_eq!(&body, bytes, "{path}");
        }
        compared += 1;
    }
    assert!(compared > 10, "{compared}");
    assert!(built.keys().any(|p| p.ends_with(".pdf")) && built.keys().any(|p| p.ends_with(".css")));
    // Nothing of serve is in the build's output.
    assert!(
        built
            .values()
            .all(|b| !String::from_utf8_lossy(b).contains("__kanava"))
    );
}

#[test]
fn refuses_traversal_and_a_port_in_use() {
    let site = site();
    let served = serve(&site, &[]);
    let host = served
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    for path in [
        "/../../etc/passwd",
        "/gold/%2e%2e/%2e%2e/etc/passwd",
        "/gold/..%2f..%2fetc%2fpasswd",
    ] {
        // Raw, so that no client normalizes the path first.
        let mut stream = TcpStream::connect(&host).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 400"), "{path}: {response}");
        assert!(!response.contains("root:"), "{path}");
    }
    let port = host.rsplit(':').next().unwrap();
    let out = site.cli(&["serve", "--port", port]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port}")) && err.contains("in use"),
        "{err}"
    );
}

#[test]
fn a_site_that_never_built_shows_its_errors_until_fixed() {
    let site = site();
    site.write("kanava.yaml", "title: Serve test\naudience: [oops\n");
    let served = serve(&site, &[]);
    let (status, _, body) = served.get("/gold/guide/");
    assert_eq!(status, 503);
    assert!(String::from_utf8_lossy(&body).contains("/__kanava/live.js"));
    let status: serde_json::Value = serde_json::from_str(&served.text("/__kanava/status")).unwrap();
    assert_eq!(status["problems"][0]["file"], "kanava.yaml", "{status}");
    site.write(
        "kanava.yaml",
        "title: Serve test\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    gold: { tier: gold }\n",
    );
    served.wait_for("/gold/guide/", |t| t.contains("The first text."));
}

/// A build starts serving its files once its checks pass (the open page first); one that
/// fails after that, here on a template error found while rendering, goes back to the last
/// good files and shows the error.
#[test]
fn a_build_failing_while_it_renders_keeps_the_last_good_files() {
    let site = site();
    site.write("theme/templates/page.html", "{% extends \"base.html\" %}");
    site.write(
        "kanava.yaml",
        "title: Serve test\ntheme: theme\naudience:\n  axes:\n    tier: { values: [public, gold], ordered: true }\n  audiences:\n    public: { tier: public }\n    gold: { tier: gold }\n",
    );
    let served = serve(&site, &[]);
    served.wait_for("/gold/guide/", |t| t.contains("Serve test"));
    let good = served.text("/gold/guide/");
    // Renders nothing of the page, then fails on every page: `nope` is undefined.
    site.write(
        "theme/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ nope.x }}{% endblock %}",
    );
    let started = Instant::now();
    let status = loop {
        let status: serde_json::Value =
            serde_json::from_str(&served.text("/__kanava/status")).unwrap();
        if status["problems"].as_array().is_some_and(|p| !p.is_empty())
            && status["building"] == false
        {
            break status;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no problems reported: {status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status["problems"][0]["severity"], "error", "{status}");
    assert_eq!(served.text("/gold/guide/"), good);
    site.write("theme/templates/page.html", "{% extends \"base.html\" %}");
    served.wait_for("/__kanava/status", |t| t.contains("\"problems\":[]"));
    assert_eq!(served.text("/gold/guide/"), good);
}
