//! `kanava probe URL` (issue #16, docs/hosting.md): proves a deployed site's access control
//! from outside, the way an attacker would try it. For every protected audience: its page,
//! a PDF or image, the search index, the feed and made-up files with regex-prone extensions
//! must be refused to anonymous readers and to other audiences' users, and served to its
//! own; dotfiles and the users file must be served to nobody; folders must not be listed.
//! The public audience and the site's root must stay open.
//!
//! What to try comes from `deploy-probe.json` (written by `deploy-config` from the built
//! site); credentials from the users file. Redirects are not followed: a sign-in redirect
//! is a refusal, never a page.

use std::time::Duration;

use anyhow::{Context, Result};
use base64::Engine;
use serde::Serialize;

use crate::deploy::Manifest;
use crate::deploy::manifest::{Audience, Auth};

/// A user the probe signs in as.
#[derive(Debug, Clone)]
pub struct Credential {
    pub user: String,
    pub audience: String,
    pub password: String,
}

/// What a check expects of the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// 401 or 403 (or, behind a login service, a redirect to it).
    Refused,
    /// 200.
    Served,
    /// Anything but a 2xx: 401, 403 and 404 are all fine.
    NotServed,
    /// A 2xx or a redirect (the root page).
    Open,
}

impl Expect {
    fn describe(self) -> &'static str {
        match self {
            Expect::Refused => "refused",
            Expect::Served => "served",
            Expect::NotServed => "not served",
            Expect::Open => "open",
        }
    }
}

/// One request and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub audience: String,
    /// page, asset, search, feed, regex, listing, hidden, root
    pub check: &'static str,
    pub path: String,
    /// `anonymous`, or `<user> (<audience>)`.
    pub who: String,
    pub expect: Expect,
    /// The response's status; none when there was no response (`why` says what happened).
    pub status: Option<u16>,
    pub passed: bool,
    /// Why it failed, in words.
    pub why: Option<String>,
}

/// A check the probe could not run, and why (a user without a plain password).
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub audience: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub url: String,
    pub rows: Vec<Row>,
    pub skipped: Vec<Skipped>,
}

impl Report {
    pub fn failures(&self) -> usize {
        self.rows.iter().filter(|r| !r.passed).count()
    }
}

struct Request<'a> {
    audience: &'a str,
    check: &'static str,
    path: String,
    who: Option<&'a Credential>,
    expect: Expect,
}

/// Plans every request for `manifest` with `credentials` (one per audience at most).
fn requests<'a>(
    manifest: &'a Manifest,
    credentials: &'a [Credential],
    skipped: &mut Vec<Skipped>,
) -> Vec<Request<'a>> {
    let mut out = Vec::new();
    let mut push = |audience: &'a str, check, path: &str, who, expect| {
        out.push(Request {
            audience,
            check,
            path: path.to_owned(),
            who,
            expect,
        })
    };
    if let Some(root) = &manifest.root {
        push("(root)", "root", root, None, Expect::Open);
    }
    for path in &manifest.hidden {
        push("(root)", "hidden", path, None, Expect::NotServed);
    }
    let basic = manifest.auth == Auth::Basic;
    let own = |a: &Audience| credentials.iter().find(|c| c.audience == a.name);
    for a in &manifest.audiences {
        let name = a.name.as_str();
        let real = real_files(a);
        if a.public {
            push(name, "page", &a.page, None, Expect::Served);
            if let Some(l) = &a.listing {
                push(name, "listing", l, None, Expect::NotServed);
            }
            for h in &a.hidden {
                push(name, "hidden", h, None, Expect::NotServed);
            }
            continue;
        }
        for (check, path) in &real {
            push(name, check, path, None, Expect::Refused);
        }
        for path in &a.regex {
            push(name, "regex", path, None, Expect::Refused);
        }
        for h in &a.hidden {
            push(name, "hidden", h, None, Expect::NotServed);
        }
        for e in &a.encoded {
            push(name, "encoded", e, None, Expect::NotServed);
        }
        if !basic {
            continue;
        }
        match own(a) {
            Some(c) => {
                for (check, path) in &real {
                    push(name, check, path, Some(c), Expect::Served);
                }
                if let Some(l) = &a.listing {
                    push(name, "listing", l, Some(c), Expect::NotServed);
                }
                for h in &a.hidden {
                    push(name, "hidden", h, Some(c), Expect::NotServed);
                }
            }
            None => skipped.push(Skipped {
                audience: a.name.clone(),
                why: "no user of this audience with a plain-text password in the users file: signed-in checks not run".into(),
            }),
        }
        // Every other audience's user is refused the page, and the asset.
        for other in credentials.iter().filter(|c| c.audience != a.name) {
            for (check, path) in real.iter().filter(|(c, _)| matches!(*c, "page" | "asset")) {
                push(name, check, path, Some(other), Expect::Refused);
            }
        }
    }
    out
}

/// The audience's real files worth trying: page, asset, search index, feed.
fn real_files(a: &Audience) -> Vec<(&'static str, String)> {
    let mut files = vec![("page", a.page.clone())];
    files.extend(a.asset.clone().map(|p| ("asset", p)));
    files.extend(a.search.clone().map(|p| ("search", p)));
    files.extend(a.feed.clone().map(|p| ("feed", p)));
    files
}

/// Runs every check against `url` (the site's address; the manifest's paths are absolute).
pub fn run(url: &str, manifest: &Manifest, credentials: &[Credential]) -> Result<Report> {
    let origin =
        origin_of(url).with_context(|| format!("`{url}` is not an http:// or https:// address"))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(15)))
        .user_agent(concat!("kanava-probe/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut skipped = Vec::new();
    let requests = requests(manifest, credentials, &mut skipped);
    let mut rows = Vec::with_capacity(requests.len());
    for r in requests {
        let mut request = agent.get(format!("{origin}{}", r.path));
        if let Some(c) = r.who {
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", c.user, c.password));
            request = request.header("Authorization", format!("Basic {token}"));
        }
        let got = match request.call() {
            Ok(response) => Ok((
                response.status().as_u16(),
                location_elsewhere(&response, &origin),
            )),
            Err(e) => Err(e.to_string()),
        };
        let (passed, why) = verdict(r.expect, &got, manifest.auth, r.check);
        rows.push(Row {
            audience: r.audience.to_owned(),
            check: r.check,
            path: r.path,
            who: r.who.map_or_else(
                || "anonymous".to_owned(),
                |c| format!("{} ({})", c.user, c.audience),
            ),
            expect: r.expect,
            status: got.ok().map(|(status, _)| status),
            passed,
            why,
        });
    }
    Ok(Report {
        url: url.to_owned(),
        rows,
        skipped,
    })
}

/// Whether a redirect leads to another host (a login service), for `Auth::External`.
fn location_elsewhere(response: &ureq::http::Response<ureq::Body>, origin: &str) -> bool {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.contains("://") && !l.starts_with(origin))
}

fn verdict(
    expect: Expect,
    got: &Result<(u16, bool), String>,
    auth: Auth,
    check: &str,
) -> (bool, Option<String>) {
    let (status, elsewhere) = match got {
        Ok(s) => *s,
        Err(e) => return (false, Some(format!("no response: {e}"))),
    };
    let ok = match expect {
        Expect::Refused => {
            matches!(status, 401 | 403)
                || (auth == Auth::External && (300..400).contains(&status) && elsewhere)
        }
        Expect::Served => status == 200,
        Expect::NotServed => !(200..300).contains(&status),
        Expect::Open => (200..400).contains(&status),
    };
    if ok {
        return (true, None);
    }
    let why = match (expect, status) {
        (Expect::Refused, 200..=299) => "served without the audience's sign-in".to_owned(),
        (Expect::Refused, 404) if check == "regex" => {
            "404, not 401: the request reached the files without a sign-in (a regex location or rule bypasses the audience's)".to_owned()
        }
        (Expect::Refused, 404) => "404, not 401: the request reached the files without a sign-in".to_owned(),
        (Expect::Refused, s) => format!("{s}: not a refusal (401 or 403)"),
        (Expect::NotServed, _) if check == "encoded" => {
            "served without a sign-in: the host matched the path before decoding it".to_owned()
        }
        (Expect::NotServed, _) if check == "listing" => "the folder is listed: turn directory listing off".to_owned(),
        (Expect::NotServed, _) => "served: it must not be reachable at all".to_owned(),
        (Expect::Served, s) => format!("{s}: the audience's own user cannot read it"),
        (Expect::Open, s) => format!("{s}: the site's root should be open"),
    };
    (false, Some(why))
}

/// `https://host:8080/x/` → `https://host:8080`.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// The report as a table for the terminal.
pub fn human(report: &Report) -> String {
    let mut out = format!("probing {}\n\n", report.url);
    let width = |f: &dyn Fn(&Row) -> usize| report.rows.iter().map(f).max().unwrap_or(0);
    let (wa, wc, ww) = (
        width(&|r| r.audience.len()).max(8),
        width(&|r| r.check.len()).max(5),
        width(&|r| r.who.len()).max(2),
    );
    out.push_str(&format!(
        "{:<4}  {:<wa$}  {:<wc$}  {:<ww$}  {:<10}  {:<6}  path\n",
        "", "audience", "check", "as", "expected", "got"
    ));
    for r in &report.rows {
        let got = r.status.map_or_else(|| "—".to_owned(), |s| s.to_string());
        out.push_str(&format!(
            "{:<4}  {:<wa$}  {:<wc$}  {:<ww$}  {:<10}  {:<6}  {}\n",
            if r.passed { "ok" } else { "FAIL" },
            r.audience,
            r.check,
            r.who,
            r.expect.describe(),
            got,
            r.path
        ));
        if let Some(why) = &r.why {
            out.push_str(&format!("      └─ {why}\n"));
        }
    }
    for s in &report.skipped {
        out.push_str(&format!("skipped  {}: {}\n", s.audience, s.why));
    }
    let failed = report.failures();
    out.push_str(&format!(
        "\n{}: {} checks, {} failed{}\n",
        if failed == 0 {
            "probe passed"
        } else {
            "probe FAILED"
        },
        report.rows.len(),
        failed,
        if report.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} audiences not signed in to", report.skipped.len())
        }
    ));
    out
}
