//! The real `kanava` binary: exit codes, output formats, reports, and a built site served
//! from a sub-path by a tiny HTTP server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use crate::bad_input::{AUDIENCE_CONFIG, four_problem_site};
use crate::harness::{TestSite, assert_exit, stderr, stdout};

fn clean_site() -> TestSite {
    let site = TestSite::with_config("title: Test\n");
    site.page(
        "content/guide.md",
        "title: Guide",
        "## Start\n\nSee [home](_index.md).\n",
    );
    site
}

// ---- check and build ---------------------------------------------------------------------

#[test]
fn check_json_prints_one_object_per_problem() {
    let site = four_problem_site();
    let out = site.cli(&["check", "--format", "json"]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let mut got = Vec::new();
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        for key in [
            "severity", "code", "message", "file", "line", "column", "help",
        ] {
            assert!(v.get(key).is_some(), "`{key}` missing in {line}");
        }
        assert_eq!(v["severity"], "error", "{line}");
        assert!(!v["message"].as_str().unwrap().is_empty(), "{line}");
        assert!(!v["help"].as_str().unwrap().is_empty(), "{line}");
        got.push((
            v["code"].as_str().unwrap().to_owned(),
            v["file"].as_str().unwrap().to_owned(),
            v["line"].as_u64().unwrap(),
            v["column"].as_u64().unwrap(),
        ));
    }
    let expected = [
        ("broken-link", "content/a.md", 4, 13),
        ("broken-link", "content/a.md", 6, 12),
        ("unknown-key", "content/b.md", 3, 1),
        ("broken-anchor", "content/b.md", 6, 9),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
        .collect();
    assert_eq!(got, expected);
    assert!(!site.out_dir().exists(), "`check` wrote output");
}

#[test]
fn check_short_format_is_one_line_per_problem() {
    let site = four_problem_site();
    let out = site.cli(&["check", "--format", "short"]);
    assert_exit(&out, 1);
    let text = stderr(&out);
    assert!(
        text.contains("content/a.md:4:13: error[broken-link]: "),
        "{text}"
    );
    assert!(
        text.contains("content/b.md:3:1: error[unknown-key]: "),
        "{text}"
    );
    assert!(
        text.contains("check failed: 4 errors, 0 warnings (in "),
        "{text}"
    );
    // Stopped before any view was planned: no "0 pages in 0 views checked" (issue #13).
    assert!(
        text.contains("; pages are rendered once these are fixed)"),
        "{text}"
    );
    assert!(!text.contains("0 pages"), "{text}");
}

#[test]
fn check_clean_site_exits_0() {
    let site = clean_site();
    let out = site.cli(&["check"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("check passed: 0 errors, 0 warnings"),
        "{}",
        stderr(&out)
    );
    assert!(!site.out_dir().exists(), "`check` wrote output");
}

#[test]
fn build_of_a_broken_site_exits_1_and_keeps_the_previous_output() {
    let site = clean_site();
    assert_exit(&site.cli(&["build"]), 0);
    let before = site.snapshot_tree("");
    assert!(site.exists("guide/index.html"));
    site.page("content/guide.md", "title: Guide", "See [gone](gone.md).\n");
    let out = site.cli(&["build"]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("error[broken-link]"), "{err}");
    assert!(err.contains("build failed: 1 error, 0 warnings;"), "{err}");
    assert!(err.contains("was left as it was"), "{err}");
    assert_eq!(
        before,
        site.snapshot_tree(""),
        "the previous output changed"
    );
}

#[test]
fn build_with_an_unknown_audience() {
    let site = TestSite::with_config(AUDIENCE_CONFIG);
    let out = site.cli(&["build", "--audience", "glod"]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("error[unknown-audience]: no audience named `glod`"),
        "{err}"
    );
    assert!(err.contains("did you mean `gold`?"), "{err}");
    assert!(
        !site.out_dir().exists(),
        "a failed build created the output"
    );

    let out = site.cli(&["build", "--audience", "nosuch"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("`public`, `silver`, `gold`"),
        "the help lists the audiences:\n{}",
        stderr(&out)
    );

    let plain = clean_site();
    let out = plain.cli(&["build", "--audience", "gold"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("this site defines no audiences"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_texts() {
    let site = clean_site();
    let out = site.cli(&["--help"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    for command in ["build", "check", "init", "audiences", "explain"] {
        assert!(
            text.contains(command),
            "`{command}` missing from --help:\n{text}"
        );
    }
    for command in [
        "build",
        "check",
        "audiences",
        "explain",
        "init",
        "status",
        "diff",
    ] {
        let out = site.cli(&[command, "--help"]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(
            text.contains("Example"),
            "`kanava {command} --help` shows no examples:\n{text}"
        );
        assert!(text.contains(&format!("kanava {command}")), "{text}");
    }
    assert_exit(&site.cli(&["frobnicate"]), 2);
}

// ---- reports -----------------------------------------------------------------------------

fn audience_site() -> TestSite {
    let site = TestSite::with_config(AUDIENCE_CONFIG);
    site.page(
        "content/x.md",
        "title: Registered",
        "Price list: [pdf](files/prices.pdf).\n",
    )
    .page("content/open.md", "title: Open\ntier: public", "Hello.\n")
    .page(
        "content/gold.md",
        "title: Gold\ntier: gold\nrole: [technical]",
        "Secret.\n",
    )
    .write_bytes(
        "content/files/prices.pdf",
        &crate::harness::pdf("prices", 1),
    );
    site
}

#[test]
fn audiences_csv() {
    let site = audience_site();
    let out = site.cli(&["audiences", "--format", "csv"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "kind,path,public,silver,gold\n\
         page,content/_index.md,yes,yes,yes\n\
         page,content/gold.md,no,no,yes\n\
         page,content/open.md,yes,yes,yes\n\
         page,content/x.md,no,yes,yes\n\
         asset,content/files/prices.pdf,no,yes,yes\n"
    );
}

/// Issue #13: the reports run on a site with content errors (`explain` is how one fixes a
/// `hidden-link-target`); a note on stderr counts the errors.
#[test]
fn reports_run_on_a_site_with_content_errors() {
    let site = audience_site();
    site.page("content/y.md", "title: Y\ntier: glod", "").page(
        "content/open.md",
        "title: Open\ntier: public",
        "See [x](x.md).\n",
    );
    let out = site.cli(&["audiences", "--format", "csv"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).starts_with("kind,path,public,silver,gold\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("page,content/x.md,no,yes,yes\n"),
        "{}",
        stdout(&out)
    );
    let note = "note: the site has 2 errors; `kanava check` lists them";
    assert!(stderr(&out).contains(note), "{}", stderr(&out));
    // Not the diagnostics themselves: `check` shows those.
    assert!(
        !stderr(&out).contains("unknown-axis-value"),
        "{}",
        stderr(&out)
    );

    // The target of the broken link, explained.
    let out = site.cli(&["explain", "content/x.md", "--audience", "public"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).starts_with("content/x.md is NOT in the site of `public`."),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains(note), "{}", stderr(&out));

    for args in [
        &["status"][..],
        &["diff"],
        &["audiences", "--format", "json"],
    ] {
        let out = site.cli(args);
        assert_exit(&out, 0);
        assert!(!stdout(&out).is_empty(), "kanava {args:?} printed nothing");
        assert!(stderr(&out).contains(note), "{args:?}: {}", stderr(&out));
    }
    // JSON stays parseable: the note is on stderr.
    let out = site.cli(&["audiences", "--format", "json"]);
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");

    // A clean site: no note.
    let out = audience_site().cli(&["audiences"]);
    assert_exit(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// Only the configuration stops a report: without a usable kanava.yaml the audiences,
/// axes and catalog it is about may be wrong.
#[test]
fn reports_stop_on_configuration_errors() {
    let site = audience_site();
    site.write(
        "kanava.yaml",
        &AUDIENCE_CONFIG.replace("silver: { tier: silver", "silver: { tier: silvr"),
    );
    for args in [
        &["audiences"][..],
        &["explain", "content/x.md", "--audience", "gold"],
        &["status"],
        &["diff"],
    ] {
        let out = site.cli(args);
        assert_exit(&out, 1);
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("kanava.yaml"), "{args:?}: {err}");
        assert!(err.contains("fix kanava.yaml first"), "{args:?}: {err}");
    }
    let empty = TestSite::new();
    std::fs::remove_file(empty.root().join("kanava.yaml")).expect("remove config");
    let out = empty.cli(&["audiences"]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("missing-config"), "{}", stderr(&out));
}

#[test]
fn explain_a_page_an_audience_does_not_see() {
    let site = audience_site();
    let out = site.cli(&["explain", "content/x.md", "--audience", "public"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.starts_with("content/x.md is NOT in the site of `public`."),
        "{text}"
    );
    assert!(
        text.contains("✗ tier: requires tier registered and above"),
        "{text}"
    );
    assert!(text.contains("the axis default"), "{text}");

    let out = site.cli(&["explain", "x.md", "--audience", "silver"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).starts_with("content/x.md is in the site of `silver`."),
        "{}",
        stdout(&out)
    );

    let out = site.cli(&["explain", "content/gold.md", "--audience", "silver"]);
    let text = stdout(&out);
    assert!(text.contains("is NOT in"), "{text}");
    assert!(text.contains("✗ tier"), "{text}");
    assert!(text.contains("✗ role"), "{text}");
    assert!(text.contains("set in this file"), "{text}");

    let out = site.cli(&["explain", "content/nope.md", "--audience", "public"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no page `content/nope.md`"),
        "{}",
        stderr(&out)
    );
}

// ---- products in the reports (issue #13) ---------------------------------------------------

#[test]
fn audiences_lists_products() {
    let site = crate::catalog::catalog_site();
    let out = site.cli(&["audiences", "--format", "csv"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "kind,path,public,registered,silver,gold,staff\n\
         page,content/_index.md,yes,yes,yes,yes,yes\n\
         page,content/delivery.md,no,yes,yes,yes,yes\n\
         product,sku:BND-1,no,no,no,yes,yes\n\
         product,sku:HP-7,no,yes,yes,yes,yes\n\
         product,sku:HP-8,no,yes,yes,yes,yes\n\
         product,sku:HP-12,no,yes,yes,yes,yes\n\
         product,sku:SP-1,no,no,no,yes,yes\n\
         asset,content/files/hp-12.pdf,no,yes,yes,yes,yes\n"
    );
    let out = site.cli(&["audiences"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("\nsku:HP-12 "), "{}", stdout(&out));

    // JSON: each audience's prices, exactly as its view shows them.
    let out = site.cli(&["audiences", "--format", "json"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let row = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["path"] == "sku:HP-12")
        .expect("a row for HP-12");
    assert_eq!(row["kind"], "product");
    assert_eq!(row["file"], "data/pumps.yaml");
    assert_eq!(
        row["prices"],
        serde_json::json!([
            {},
            { "list": "999.99" },
            { "list": "999.99", "silver": "927.31" },
            { "list": "999.99", "gold": "913.57" },
            { "list": "999.99", "silver": "927.31", "gold": "913.57" },
        ])
    );
    let page = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "page")
        .unwrap();
    assert!(
        page.get("prices").is_none() && page.get("file").is_none(),
        "{page}"
    );
}

#[test]
fn explain_a_product_and_the_prices_an_audience_sees() {
    let site = crate::catalog::catalog_site();
    let explain = |what: &str, audience: &str| {
        let out = site.cli(&["explain", what, "--audience", audience]);
        assert_exit(&out, 0);
        stdout(&out)
    };
    let text = explain("sku:HP-12", "silver");
    assert!(
        text.starts_with("sku:HP-12 (Ilma HP-12, data/pumps.yaml:1) is in the site of `silver`.\n"),
        "{text}"
    );
    assert!(
        text.contains("✓ tier: requires tier registered and above — the axis default, since the product names no tier; `silver` has silver"),
        "{text}"
    );
    assert!(
        text.contains(
            "prices `silver` sees: list price €999.99, silver price €927.31 (its own tier)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("not shown to `silver`: the gold price\n"),
        "{text}"
    );
    assert!(
        !text.contains("913.57"),
        "silver is told the gold price:\n{text}"
    );

    // The SKU in any case; the gold tier; staff see every tier's price.
    let text = explain("sku:hp-12", "gold");
    assert!(
        text.contains("list price €999.99, gold price €913.57 (its own tier)"),
        "{text}"
    );
    assert!(
        text.contains("not shown to `gold`: the silver price"),
        "{text}"
    );
    let text = explain("sku:HP-12", "staff");
    assert!(
        text.contains(
            "prices `staff` sees: list price €999.99, silver price €927.31, gold price €913.57\n"
        ),
        "{text}"
    );
    assert!(!text.contains("not shown"), "{text}");

    // Not in the view: why, and no prices.
    let text = explain("sku:HP-12", "public");
    assert!(text.contains("is NOT in the site of `public`"), "{text}");
    assert!(
        text.contains("✗ tier: requires tier registered and above — the axis default"),
        "{text}"
    );
    assert!(
        text.contains("prices: none, since the product is not in the site of `public`"),
        "{text}"
    );
    assert!(!text.contains("999.99"), "{text}");
    let text = explain("sku:BND-1", "silver");
    assert!(
        text.contains("✗ tier: requires tier gold and above — set in the product's data"),
        "{text}"
    );
    let text = explain("sku:SP-1", "silver");
    assert!(text.contains("✗ role: requires role technical"), "{text}");

    // A data file: every product in it, in catalog order; `file#SKU`: one.
    let text = explain("data/pumps.yaml", "gold");
    for sku in ["sku:BND-1 ", "sku:HP-7 ", "sku:HP-8 ", "sku:HP-12 "] {
        assert!(text.contains(sku), "{sku} missing:\n{text}");
    }
    assert!(!text.contains("sku:SP-1"), "{text}");
    let text = explain("./data/pumps.yaml#hp-8", "silver");
    assert!(text.starts_with("sku:HP-8 "), "{text}");
    assert!(
        text.contains("prices `silver` sees: list price €750.00\n"),
        "{text}"
    );
    let text = explain("data/erp.csv", "gold");
    assert!(
        text.starts_with("sku:SP-1 (Fan; outdoor, data/erp.csv:2) is in the site of `gold`."),
        "{text}"
    );

    // What is not found is a usage error that says what to write.
    for (what, says) in [
        (
            "sku:HP-13",
            "no product with SKU `HP-13`; did you mean `sku:HP-12`?",
        ),
        ("data/pump.yaml", "did you mean `data/pumps.yaml`?"),
        (
            "data/pumps.yaml#XX-1",
            "no product with SKU `XX-1` in `data/pumps.yaml`",
        ),
        (
            "content/nope.md",
            "no page `content/nope.md` (give a Markdown file",
        ),
    ] {
        let out = site.cli(&["explain", what, "--audience", "gold"]);
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(says), "{what}: {}", stderr(&out));
    }
    let out = audience_site().cli(&["explain", "sku:HP-12", "--audience", "gold"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("this site has no catalog"),
        "{}",
        stderr(&out)
    );
}

/// The reports plan views of sites with errors (issue #13), which builds never do: no model
/// a fixture leaves, however broken, may make one panic.
#[test]
fn reports_run_on_every_fixture_site() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut sites: Vec<(String, TestSite)> = names
        .iter()
        .map(|n| (n.clone(), TestSite::fixture(n)))
        .collect();
    sites.push(("four problems".into(), four_problem_site()));
    let broken_catalog = crate::catalog::catalog_site();
    broken_catalog
        .page(
            "content/open.md",
            "title: Open\ntier: public",
            "[x](sku:BND-1) [y](sku:NOPE)\n",
        )
        .write(
            "data/more.yaml",
            "- sku: HP-12\n  name: Twin\n  category: nowhere\n  prices: { list: x }\n",
        );
    sites.push(("broken catalog".into(), broken_catalog));
    for (name, site) in &sites {
        if let Err(e) = site.every_report("2026-11-22T10:00") {
            panic!("{name}: {e}");
        }
    }
}

// ---- serving from a sub-path -------------------------------------------------------------

const PREFIX: &str = "/sub/path/";

/// Every `href="…"` and `src="…"` value in `html`, HTML entities decoded.
fn urls_in(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            // Only whole attribute names: `data-src="` is not `src="`.
            let before = rest[..i].chars().last();
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("attribute value is closed");
            if matches!(before, Some(c) if c.is_whitespace()) {
                urls.push(decode_entities(&rest[..end]));
            }
            rest = &rest[end..];
        }
    }
    urls
}

fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').expect("entity is closed");
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                char::from_u32(u32::from_str_radix(&entity[2..], 16).unwrap()).unwrap()
            }
            _ if entity.starts_with('#') => char::from_u32(entity[1..].parse().unwrap()).unwrap(),
            other => panic!("unknown entity &{other}; in {s}"),
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// True for URLs that leave the site or stay on the page: `https:`, `mailto:`, `#…`, `//…`.
fn is_external_or_fragment(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s);
    url.starts_with('#')
        || url.starts_with("//")
        || scheme.is_some_and(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Resolves a relative `url` against the page URL `base` (an absolute path), as a browser
/// does for the path part: query and fragment dropped.
fn resolve(base: &str, url: &str) -> String {
    let url = url.split(['#', '?']).next().unwrap_or("");
    assert!(
        !url.starts_with('/'),
        "absolute internal URL `{url}` on {base}"
    );
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop(); // the last segment of the base (empty for a folder URL)
    let mut segments = url.split('/').peekable();
    while let Some(seg) = segments.next() {
        match seg {
            "." => {}
            ".." => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            s => parts.push(s),
        }
        if segments.peek().is_none() && matches!(seg, "." | "..") {
            parts.push("");
        }
    }
    if url.is_empty() {
        parts.push("");
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        if let (b'%', Some(byte)) = (b[i], hex) {
            out.push(byte);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Answers one HTTP request: files of `root` under `PREFIX`, `index.html` for folders.
fn serve_one(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
            break;
        }
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let file = target
        .strip_prefix(PREFIX)
        .filter(|_| method == "GET")
        .and_then(|rest| String::from_utf8(percent_decode(rest)).ok())
        .filter(|rest| !rest.split('/').any(|s| s == ".." || s == "."))
        .map(|rest| {
            let mut path = root.join(&rest);
            if rest.is_empty() || rest.ends_with('/') {
                path.push("index.html");
            }
            path
        });
    let response = match file.and_then(|p| std::fs::read(p).ok()) {
        Some(body) => [
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes(),
            body,
        ]
        .concat(),
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    stream.write_all(&response).unwrap();
}

/// A server for exactly `requests` requests, on a free port of 127.0.0.1.
fn start_server(root: PathBuf, requests: usize) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            serve_one(stream.unwrap(), &root);
        }
    });
    (port, handle)
}

fn get_status(port: u16, path: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let head = String::from_utf8_lossy(&response[..response.len().min(64)]).into_owned();
    head.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn resolver_for_the_server_test() {
    assert_eq!(resolve("/sub/path/a/b/", "../../"), "/sub/path/");
    assert_eq!(resolve("/sub/path/a/b/", "../c/"), "/sub/path/a/c/");
    assert_eq!(resolve("/sub/path/", "./"), "/sub/path/");
    assert_eq!(
        resolve("/sub/path/404.html", "_kanava/x.css"),
        "/sub/path/_kanava/x.css"
    );
    assert_eq!(resolve("/sub/path/a/", "..#top"), "/sub/path/");
    assert_eq!(resolve("/sub/path/a/", "../../../x"), "/x");
    assert_eq!(
        urls_in("<a href=\"..&#x2f;x\" data-src=\"no\"><img src=\"y.png\">"),
        ["../x", "y.png"]
    );
}

#[test]
fn relative_urls_work_from_a_sub_path() {
    let site = TestSite::with_config("title: Test\n");
    site.page("content/_index.md", "title: Home", "Start at [ordering](ordering/_index.md).\n")
        .page("content/ordering/_index.md", "title: Ordering\nweight: 1", "Intro.\n")
        .page(
            "content/ordering/delivery.md",
            "title: Delivery terms\ntags: [delivery, terms]",
            "## Lead times\n\nSee [credit](credit.md#limits), [prices](../files/price%20list.pdf) \
             and [home](../_index.md).\n\n![truck](img/truck.svg)\n\n[External](https://example.com/x) \
             and [mail](mailto:sales@example.com).\n",
        )
        .page("content/ordering/credit.md", "title: Credit checks\ntags: [terms]", "## Limits\n\nText.\n")
        .page(
            "content/ordering/deep/nested/page.md",
            "title: Deep page",
            "Back to [delivery](../../delivery.md#lead-times) and [top](../../../_index.md).\n",
        )
        .write("content/ordering/img/truck.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .write_bytes("content/files/price list.pdf", &crate::harness::pdf("prices", 1));
    let out = site.cli(&["build"]);
    assert_exit(&out, 0);

    // Every relative URL on every HTML page, resolved as a browser would under PREFIX.
    let mut wanted: Vec<(String, String, String)> = Vec::new(); // (page, url, resolved)
    let pages: Vec<String> = site
        .listing()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() >= 8, "{pages:?}");
    for file in &pages {
        let page_url = match file.strip_suffix("index.html") {
            Some(dir) => format!("{PREFIX}{dir}"),
            None => format!("{PREFIX}{file}"),
        };
        wanted.push((file.clone(), String::new(), page_url.clone()));
        for url in urls_in(&site.read(file)) {
            if !is_external_or_fragment(&url) {
                let resolved = resolve(&page_url, &url);
                wanted.push((file.clone(), url, resolved));
            }
        }
    }
    assert!(
        wanted
            .iter()
            .any(|(_, u, _)| u.contains("price%20list.pdf")),
        "the PDF link is missing"
    );
    assert!(
        wanted.iter().any(|(_, u, _)| u.ends_with("truck.svg")),
        "the image is missing"
    );

    let (port, server) = start_server(site.out_dir(), wanted.len());
    let failures: Vec<String> = wanted
        .iter()
        .filter_map(|(page, url, resolved)| {
            let status = get_status(port, resolved);
            (status != 200).then(|| format!("{page}: `{url}` → {resolved} gave {status}"))
        })
        .collect();
    server.join().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} URLs fail under {PREFIX}:\n{}",
        failures.len(),
        wanted.len(),
        failures.join("\n")
    );
}
