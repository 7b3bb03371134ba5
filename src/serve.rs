//! `kanava serve` (issue #19, README "Writing with a live preview"): the site built into
//! memory and served from there on loopback, never written to `public/`. A change to the site's files rebuilds it and reloads the open
//! pages; a build with errors keeps the last good pages and shows the errors over them; a
//! view bar switches audience, stage and moment.
//!
//! Three parts, each on threads of its own:
//! - the **builder** owns the build: it runs `build_into` for the current [`ViewChoice`]
//!   whenever the watcher or the view bar asks, into a [`Live`] destination that the server
//!   answers from as soon as the build passed its checks and writes its first file (a file
//!   not written yet is waited for), so the pages open in browsers, which it renders first
//!   (`Options::first`), are served before the rest of the site is rendered;
//! - the **watcher** (notify, debounced) turns saves, renames, deletes and new files under
//!   the site's root into rebuild requests, ignoring the outputs and editors' scratch files;
//! - the **server** (tiny_http) answers each request on a thread: files from the running
//!   build once it writes, else from the last good build, with a small script injected into
//!   HTML pages (`/__kanava/live.js`: reload on a new build, the error overlay, the view
//!   bar), and `/__kanava/events` (Server-Sent Events; `?page=` names the page showing).
//!
//! What is served is exactly what `build` writes, byte for byte, except that HTML pages get
//! one `<script>` tag before `</body>`; nothing of it is in `build`'s output.
//!
//! Every change rebuilds the whole site (all audiences, or `--audience`), reusing the texts
//! of files that did not change (`load::Texts`) and the front matter, parsed and
//! highlighted documents of pages whose text and context did not change (`model::cache`).
//! The model, the checks and every view's pages and indexes are redone (issue #19 keeps a
//! finer engine open).

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify_debouncer_full::notify::RecursiveMode;
use serde::Serialize;

use crate::diag::{self, Diagnostic, Format};
use crate::model::lifecycle::Stage;
use crate::write::Live;

/// What `kanava serve` was asked for.
#[derive(Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    pub stage: Stage,
    pub at: Option<String>,
    /// Build only these audiences (faster on large sites); empty: all.
    pub audiences: Vec<String>,
    pub no_search: bool,
    /// The user's cache folder: the first build takes the parsed pages the last `kanava
    /// build` kept there (`load::cache_file`).
    pub cache_dir: Option<PathBuf>,
}

/// The view the view bar chose: stage and moment (the audience is the URL's first folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct ViewChoice {
    stage: Stage,
    /// As given (`2026-12-01`), or none for "now".
    at: Option<String>,
}

/// What the server shows: the last good build and the current problems.
struct State {
    /// The last build without errors: path inside the output → bytes.
    files: Arc<BTreeMap<String, Vec<u8>>>,
    /// Counts builds (good or not): pages reload when it moves on.
    generation: u64,
    /// Counts the ends of builds: the view bar's state ("building…") follows it.
    ended: u64,
    /// The last build's errors (and warnings), for the overlay; empty when it was good.
    problems: Vec<Problem>,
    /// The same, as the terminal shows them (without colour).
    problems_text: String,
    view: ViewChoice,
    /// The audiences built: (folder, title). A site without audiences has one, folder "".
    audiences: Vec<(String, String)>,
    /// The site's language codes, the default first (issue 18): others are folders inside
    /// each audience's.
    languages: Vec<String>,
    /// Set while a build runs.
    building: bool,
    /// The running build, once its checks passed and it writes files: served as they come
    /// (see [`Live`]).
    live: Option<Arc<Live>>,
}

#[derive(Debug, Clone, Serialize)]
struct Problem {
    severity: &'static str,
    code: &'static str,
    message: String,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    help: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    /// The last build's parsed and highlighted documents, for the next (`model::cache`).
    cache: Arc<crate::model::cache::DocCache>,
    /// Signalled when `generation` moves on.
    changed: Condvar,
    /// The pages open in browsers (their `/__kanava/events` streams, by output path, with
    /// how many) and the last page asked for: the next build renders them first.
    open: Mutex<(BTreeMap<String, usize>, Option<String>)>,
}

enum Request {
    /// Files changed (paths inside the root, `/`-separated): rebuild.
    Rebuild(Vec<String>),
    /// The watcher lost track (its queue overflowed): read everything again.
    Rescan,
    /// The view bar chose another stage or moment.
    View(ViewChoice),
}

/// Where the server listens, once it does; given to `on_ready`.
pub struct Ready {
    pub url: String,
}

/// Runs the server until the process ends. `on_ready` gets the address once the first
/// build is in and the server listens; `log` gets a line per rebuild (with diagnostics).
pub fn run(
    options: Options,
    on_ready: impl FnOnce(Ready),
    log: impl Fn(&str) + Send + Sync + 'static,
) -> Result<()> {
    let addr = SocketAddr::new(options.bind, options.port);
    let server = tiny_http::Server::http(addr).map_err(|e| {
        let in_use = e.to_string().contains("in use") || e.to_string().contains("AddrInUse");
        if in_use {
            anyhow::anyhow!("port {} on {} is in use: choose another with `--port N` (or `--port 0` for any free port)", options.port, options.bind)
        } else {
            anyhow::anyhow!("cannot listen on {addr}: {e}")
        }
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            files: Arc::new(BTreeMap::new()),
            generation: 0,
            ended: 0,
            problems: Vec::new(),
            problems_text: String::new(),
            view: ViewChoice {
                stage: options.stage,
                at: options.at.clone(),
            },
            audiences: Vec::new(),
            languages: Vec::new(),
            building: true,
            live: None,
        }),
        changed: Condvar::new(),
        // The last `kanava build`'s parsed pages, if it kept them: a quicker first build.
        cache: Arc::new(
            options
                .cache_dir
                .as_ref()
                .and_then(|dir| {
                    crate::load::stored_cache(&crate::load::cache_file(dir, &options.root))
                })
                .and_then(crate::model::cache::DocCache::read_from)
                .unwrap_or_default(),
        ),
        open: Mutex::default(),
    });
    let log = Arc::new(log);

    // The first build, before anyone is told where to look.
    build(&options, &shared, &*log);
    let (requests, incoming) = channel::<Request>();
    let _watcher = watch(&options.root, requests.clone())?;
    {
        let (options, shared, log) = (options.clone(), Arc::clone(&shared), Arc::clone(&log));
        std::thread::spawn(move || builder(options, shared, incoming, &*log));
    }
    let host = match options.bind {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    on_ready(Ready {
        url: format!("http://{host}:{port}/"),
    });
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        let requests = requests.clone();
        std::thread::spawn(move || {
            let _ = respond(request, &shared, &requests);
        });
    }
    Ok(())
}

/// The builder: one build at a time; requests that arrive during a build are merged into
/// the next one.
fn builder(
    mut options: Options,
    shared: Arc<Shared>,
    incoming: Receiver<Request>,
    log: &(dyn Fn(&str) + Send + Sync),
) {
    while let Ok(first) = incoming.recv() {
        let mut changed = Vec::new();
        let mut take = |r: Request, options: &mut Options| match r {
            Request::Rebuild(paths) => changed.extend(paths),
            Request::Rescan => shared.cache.texts.forget(),
            Request::View(view) => {
                options.stage = view.stage;
                options.at = view.at;
            }
        };
        take(first, &mut options);
        while let Ok(more) = incoming.try_recv() {
            take(more, &mut options);
        }
        if !changed.is_empty() {
            // Read again whatever their size and time say (`load::Texts`).
            shared.cache.texts.changed(changed.iter().cloned());
            log(&format!("changed: {}", changed.join(", ")));
        }
        build(&options, &shared, log);
    }
}

/// Builds into memory and publishes the result: the files if there is no error, the
/// problems either way. Once the build's checks passed and it starts writing, its files are
/// served as they are written ([`Live`]), the pages open in browsers first, and the
/// browsers are told to reload; a build that fails after that (a template error) goes back
/// to the last good files.
fn build(options: &Options, shared: &Arc<Shared>, log: &(dyn Fn(&str) + Send + Sync)) {
    if let Ok(mut state) = shared.state.lock() {
        state.building = true;
    }
    let started = Instant::now();
    let first = match shared.open.lock() {
        Ok(open) => open.0.keys().chain(&open.1).cloned().collect(),
        Err(_) => Vec::new(),
    };
    // When the first file was served (the page open in the browser, if there is one).
    let serving = Arc::new(Mutex::new(None));
    let live = Live::new({
        let shared = Arc::clone(shared);
        let serving = Arc::clone(&serving);
        move |live| {
            if let Ok(mut serving) = serving.lock() {
                *serving = Some(started.elapsed());
            }
            if let Ok(mut state) = shared.state.lock() {
                state.live = Some(live);
                state.generation += 1;
                state.problems.clear();
                state.problems_text.clear();
                shared.changed.notify_all();
            }
        }
    });
    let build_options = crate::Options {
        root: options.root.clone(),
        audiences: options.audiences.clone(),
        stage: options.stage,
        at: options.at.clone(),
        no_search: options.no_search,
        cache: Some(Arc::clone(&shared.cache)),
        first,
        ..crate::Options::default()
    };
    let outcome = crate::build_into(&build_options, &*live);
    let Ok(mut state) = shared.state.lock() else {
        return;
    };
    state.building = false;
    state.ended += 1;
    state.live = None;
    // Pages were told to reload when the files began to come; a failed build tells them
    // again (to show the errors over the last good page).
    let good = outcome.as_ref().is_ok_and(|o| o.errors() == 0);
    if !(good && live.started()) {
        state.generation += 1;
    }
    state.view = ViewChoice {
        stage: options.stage,
        at: options.at.clone(),
    };
    match outcome {
        Ok(outcome) => {
            let text = diag::render(&outcome.diagnostics, &outcome.sources, Format::Human, false);
            state.problems = outcome.diagnostics.iter().map(problem).collect();
            state.problems_text = text.clone();
            if outcome.errors() == 0 {
                state.files = Arc::new(live.finish());
                (state.audiences, state.languages) = audiences_of(&outcome.sources);
                let served = match serving.lock().ok().and_then(|s| *s) {
                    Some(after) => format!("; serving after {after:.0?}"),
                    None => String::new(),
                };
                log(&format!(
                    "{text}built {} page{} in {:.0?} ({}{served}){}",
                    outcome.stats.pages,
                    if outcome.stats.pages == 1 { "" } else { "s" },
                    started.elapsed(),
                    outcome.stats.phases,
                    if outcome.warnings() > 0 {
                        " (with warnings)"
                    } else {
                        ""
                    }
                ));
            } else {
                live.finish();
                log(&format!(
                    "{text}build failed: {} error{}; still serving the last good build",
                    outcome.errors(),
                    if outcome.errors() == 1 { "" } else { "s" }
                ));
            }
        }
        Err(e) => {
            live.finish();
            state.problems = vec![Problem {
                severity: "error",
                code: "build",
                message: format!("{e:#}"),
                file: None,
                line: None,
                column: None,
                help: None,
            }];
            state.problems_text = format!("error: {e:#}\n");
            log(&format!("error: {e:#}; still serving the last good build"));
        }
    }
    shared.changed.notify_all();
}

fn problem(d: &Diagnostic) -> Problem {
    Problem {
        severity: if d.is_error() { "error" } else { "warning" },
        code: d.code,
        message: d.message.clone(),
        file: d.file.clone(),
        line: d.pos.map(|p| p.line),
        column: d.pos.map(|p| p.column),
        help: d.help.clone(),
    }
}

/// The audiences' folders and titles, and the languages, for the view bar: from the
/// kanava.yaml text the build just read (in its sources), not a second load of the site.
fn audiences_of(sources: &diag::SourceMap) -> (Vec<(String, String)>, Vec<String>) {
    let Some(config) = sources
        .get(crate::load::CONFIG_FILE)
        .and_then(|text| crate::load::Config::parse(text).ok())
    else {
        return (Vec::new(), Vec::new());
    };
    let languages = crate::model::languages::settings(&config, &mut Vec::new()).codes;
    let model = crate::model::audience::from_config(config.audience.as_ref(), &mut Vec::new());
    if !model.configured {
        return (vec![(String::new(), config.title)], languages);
    }
    let audiences = model
        .audiences
        .into_iter()
        .map(|a| {
            let title = a.title.unwrap_or_else(|| a.name.clone());
            (a.name, title)
        })
        .collect();
    (audiences, languages)
}

/// Watches the site's root; changes to its sources become rebuild requests. Outputs,
/// version control, build folders and editors' scratch files are not sources.
fn watch(root: &Path, requests: Sender<Request>) -> Result<impl Drop> {
    let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
    let ignored_root = root_abs.clone();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(20),
        None,
        move |result: notify_debouncer_full::DebounceEventResult| {
            let events = match result {
                Ok(events) if !events.iter().any(|e| e.need_rescan()) => events,
                // Events were lost: nothing tells what changed.
                _ => {
                    let _ = requests.send(Request::Rescan);
                    return;
                }
            };
            let mut paths: Vec<String> = events
                .iter()
                .filter(|e| !e.kind.is_access())
                .flat_map(|e| e.paths.iter())
                .filter(|p| is_source(&ignored_root, p))
                .filter_map(|p| {
                    let rel = p.strip_prefix(&ignored_root).ok()?;
                    Some(rel.to_string_lossy().replace('\\', "/"))
                })
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                let _ = requests.send(Request::Rebuild(paths));
            }
        },
    )
    .context("cannot watch the site's files")?;
    debouncer
        .watch(&root_abs, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch `{}`", root_abs.display()))?;
    Ok(debouncer)
}

/// Whether a changed path is one of the site's sources (anything under the root but the
/// outputs, version control, build folders, and editors' dot, backup and lock files).
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return false;
    };
    if matches!(
        first.as_ref(),
        "public" | "target" | "deploy" | "node_modules"
    ) {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let scratch = |s: &str| {
        s.starts_with('.')
            || s.ends_with('~')
            || s.starts_with('#')
            || s.ends_with(".swp")
            || s.ends_with(".tmp")
    };
    !rel.components()
        .any(|c| scratch(&c.as_os_str().to_string_lossy()))
        && !scratch(&name)
}

// ---- the server -------------------------------------------------------------------------

const LIVE_JS: &str = include_str!("serve/live.js");
/// Injected before `</body>` of every HTML page served (never in `build`'s output).
const INJECT: &str = "<script src=\"/__kanava/live.js\" data-kanava-serve></script>";

fn respond(
    request: tiny_http::Request,
    shared: &Shared,
    requests: &Sender<Request>,
) -> std::io::Result<()> {
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    match path {
        "/__kanava/events" => {
            let page = param(query, "page")
                .and_then(|p| safe_path(&p))
                .map(|rel| requested_file(&rel));
            return events(request, shared, page);
        }
        "/__kanava/live.js" => {
            return request.respond(text(
                200,
                "text/javascript; charset=utf-8",
                LIVE_JS.as_bytes().to_vec(),
            ));
        }
        "/__kanava/status" => {
            let body = status_json(shared);
            return request
                .respond(text(200, "application/json", body.into_bytes()).with_header(no_store()));
        }
        "/__kanava/view" => {
            let view = ViewChoice {
                stage: match param(query, "stage").as_deref() {
                    Some("staging") => Stage::Staging,
                    Some("preview") => Stage::Preview,
                    _ => Stage::Production,
                },
                at: param(query, "at").filter(|a| !a.trim().is_empty()),
            };
            let _ = requests.send(Request::View(view));
            return request.respond(text(202, "text/plain", b"rebuilding".to_vec()));
        }
        _ => {}
    }
    let Some(rel) = safe_path(path) else {
        return request.respond(text(
            400,
            "text/plain; charset=utf-8",
            b"400: not a path inside the site".to_vec(),
        ));
    };
    // The running build's file, once written; else (not in it, or no build running) the
    // last good build's.
    let live = shared.state.lock().ok().and_then(|s| s.live.clone());
    let wanted = requested_file(&rel);
    if wanted.ends_with(".html")
        && let Ok(mut open) = shared.open.lock()
    {
        open.1 = Some(wanted.clone());
    }
    if let Some(bytes) = live.and_then(|live| live.wait(&wanted)) {
        return respond_file(request, &wanted, &bytes);
    }
    let files = match shared.state.lock() {
        Ok(state) => Arc::clone(&state.files),
        Err(_) => return request.respond(text(500, "text/plain", b"500".to_vec())),
    };
    match lookup(&files, &rel) {
        Found::File(name) => respond_file(request, &name, &files[&name]),
        Found::Folder => {
            let to = format!(
                "{path}/{}",
                if query.is_empty() {
                    String::new()
                } else {
                    format!("?{query}")
                }
            );
            let header = tiny_http::Header::from_bytes(&b"Location"[..], to.as_bytes())
                .map_err(|()| std::io::Error::other("header"))?;
            request.respond(text(301, "text/plain", Vec::new()).with_header(header))
        }
        // No good build yet (the first one failed): a page that shows the errors and
        // reloads once they are fixed.
        Found::Missing(_) if files.is_empty() => request.respond(
            text(
                503,
                "text/html; charset=utf-8",
                inject(b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>kanava serve</title></head><body><p>The site has not built yet: see the errors above (and in the terminal).</p></body></html>"),
            )
            .with_header(no_store()),
        ),
        Found::Missing(not_found) => {
            let body = not_found.map_or_else(|| b"404: not found".to_vec(), |n| inject(&files[&n]));
            request.respond(text(404, "text/html; charset=utf-8", body).with_header(no_store()))
        }
    }
}

/// A file of the site, HTML with the live script.
fn respond_file(request: tiny_http::Request, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let (body, kind) = if name.ends_with(".html") {
        (inject(bytes), "text/html; charset=utf-8")
    } else {
        (bytes.to_vec(), content_type(name))
    };
    request.respond(text(200, kind, body).with_header(no_store()))
}

/// The file a request path names first: `gold/x/` → `gold/x/index.html`.
fn requested_file(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        crate::paths::page_file(rel)
    } else {
        rel.to_owned()
    }
}

enum Found {
    File(String),
    /// A folder addressed without its slash: redirect.
    Folder,
    /// The nearest audience's `404.html`, if any.
    Missing(Option<String>),
}

/// The file for a request path (already decoded and checked): `gold/x/` → `gold/x/index.html`.
fn lookup(files: &BTreeMap<String, Vec<u8>>, rel: &str) -> Found {
    let name = requested_file(rel);
    if files.contains_key(&name) {
        return Found::File(name);
    }
    if !rel.is_empty() && !rel.ends_with('/') && files.contains_key(&format!("{rel}/index.html")) {
        return Found::Folder;
    }
    let first = rel.split('/').next().unwrap_or("");
    let audience_404 = format!("{first}/404.html");
    Found::Missing(if files.contains_key(&audience_404) {
        Some(audience_404)
    } else {
        files
            .contains_key("404.html")
            .then(|| "404.html".to_owned())
    })
}

/// The request path, percent-decoded, as a path inside the output; `None` for anything
/// that could leave it (`..`, a backslash, a NUL) — the server reads only memory, but a
/// path like that is never a page.
pub fn safe_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let rel = decoded.strip_prefix('/')?;
    if rel.contains('\\') || rel.contains('\0') {
        return None;
    }
    if rel.split('/').any(|s| s == ".." || s == ".") {
        return None;
    }
    Some(rel.to_owned())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| percent_decode(&v.replace('+', " ")))
}

/// An HTML page with the live script before `</body>` (or at the end).
fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{INJECT}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{INJECT}").into_bytes(),
    }
}

fn text(status: u16, kind: &str, body: Vec<u8>) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    if let Ok(h) = tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes()) {
        response.add_header(h);
    }
    response
}

fn no_store() -> tiny_http::Header {
    tiny_http::Header {
        field: "Cache-Control".parse().expect("a valid header name"),
        value: "no-store".parse().expect("a valid header value"),
    }
}

/// Content types of what kanava writes and sites publish.
pub fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

#[derive(Serialize)]
struct Status<'a> {
    generation: u64,
    building: bool,
    view: &'a ViewChoice,
    audiences: Vec<AudienceItem<'a>>,
    languages: &'a [String],
    problems: &'a [Problem],
    problems_text: &'a str,
}

#[derive(Serialize)]
struct AudienceItem<'a> {
    name: &'a str,
    title: &'a str,
}

fn status_json(shared: &Shared) -> String {
    let Ok(state) = shared.state.lock() else {
        return "{}".into();
    };
    serde_json::to_string(&Status {
        generation: state.generation,
        building: state.building,
        view: &state.view,
        audiences: state
            .audiences
            .iter()
            .map(|(n, t)| AudienceItem { name: n, title: t })
            .collect(),
        languages: &state.languages,
        problems: &state.problems,
        problems_text: &state.problems_text,
    })
    .unwrap_or_else(|_| "{}".into())
}

/// `/__kanava/events`: one `build` event per build (its generation), and a `status` event
/// when a build that already had the page reload ends, until the page goes.
/// Written on the raw connection so each event leaves at once (no response buffering).
/// `page`, the page showing (`gold/x/index.html`), is rendered first by the builds while
/// the stream is open.
fn events(
    request: tiny_http::Request,
    shared: &Shared,
    page: Option<String>,
) -> std::io::Result<()> {
    if let (Some(page), Ok(mut open)) = (&page, shared.open.lock()) {
        *open.0.entry(page.clone()).or_default() += 1;
    }
    let result = stream_events(request, shared);
    if let (Some(page), Ok(mut open)) = (&page, shared.open.lock())
        && let Some(n) = open.0.get_mut(page)
    {
        *n -= 1;
        if *n == 0 {
            open.0.remove(page);
        }
    }
    result
}

fn stream_events(request: tiny_http::Request, shared: &Shared) -> std::io::Result<()> {
    let mut last = shared
        .state
        .lock()
        .map(|s| (s.generation, s.ended))
        .unwrap_or((0, 0));
    let mut out = request.into_writer();
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    out.flush()?;
    loop {
        let now = {
            let Ok(state) = shared.state.lock() else {
                return Ok(());
            };
            let (state, _) = shared
                .changed
                .wait_timeout_while(state, Duration::from_secs(15), |s| {
                    (s.generation, s.ended) == last
                })
                .map_err(|_| std::io::Error::other("poisoned"))?;
            (state.generation, state.ended)
        };
        if now.0 != last.0 {
            out.write_all(format!("event: build\ndata: {}\n\n", now.0).as_bytes())?;
        } else if now.1 != last.1 {
            // A build that had already reloaded the page ended: the bar says so.
            out.write_all(b"event: status\ndata: \n\n")?;
        } else {
            // A comment keeps proxies from closing the stream, and finds a closed tab.
            out.write_all(b": keep-alive\n\n")?;
        }
        last = now;
        out.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(
            safe_path("/gold/ordering/").as_deref(),
            Some("gold/ordering/")
        );
        assert_eq!(
            safe_path("/gold/K%C3%A4ytt%C3%B6/").as_deref(),
            Some("gold/Käyttö/")
        );
        for bad in [
            "/../../etc/passwd",
            "/gold/%2e%2e/%2e%2e/etc/passwd",
            "/gold/..%2f..%2fetc",
            "/a\\b",
            "/%00",
            "/%zz",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn folders_index_and_not_found() {
        let files: BTreeMap<String, Vec<u8>> = [
            ("index.html", ""),
            ("gold/index.html", ""),
            ("gold/a/index.html", ""),
            ("gold/404.html", ""),
            ("gold/x.pdf", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec()))
        .collect();
        assert!(matches!(lookup(&files, ""), Found::File(f) if f == "index.html"));
        assert!(matches!(lookup(&files, "gold/a/"), Found::File(f) if f == "gold/a/index.html"));
        assert!(matches!(lookup(&files, "gold/a"), Found::Folder));
        assert!(matches!(lookup(&files, "gold/x.pdf"), Found::File(_)));
        assert!(
            matches!(lookup(&files, "gold/nope/"), Found::Missing(Some(f)) if f == "gold/404.html")
        );
        assert!(matches!(lookup(&files, "silver/"), Found::Missing(None)));
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let html = inject(b"<html><body><p>x</p></body></html>");
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<html><body><p>x</p>{INJECT}</body></html>")
        );
    }

    #[test]
    fn sources_are_watched_outputs_are_not() {
        let root = Path::new("/site");
        assert!(is_source(root, Path::new("/site/content/a.md")));
        assert!(is_source(root, Path::new("/site/kanava.yaml")));
        assert!(is_source(root, Path::new("/site/data/products/x.yaml")));
        for not in [
            "/site/public/gold/index.html",
            "/site/.git/index",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/target/x",
            "/elsewhere/a.md",
        ] {
            assert!(!is_source(root, Path::new(not)), "{not}");
        }
    }
}
