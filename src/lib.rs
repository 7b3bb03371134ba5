//! kanava: a static-site generator for reseller extranets.
//!
//! The pipeline, each stage returning a new type so the order cannot be forgotten:
//!
//! ```text
//! load ──► model ──► check ──► plan (per view) ──► render ──► write ──► post
//! Sources   Site     diags     Plan                files      Staging   sitemap…
//! ```
//!
//! See ARCHITECTURE.md for the invariants, chief among them: filtering happens only in
//! [`plan`], and a view is built from a site from which everything outside it was removed.

pub mod check;
pub mod deploy;
pub mod diag;
pub mod encrypt;
mod fs;
pub mod highlight;
pub mod html;
pub mod init;
pub mod load;
pub mod markdown;
pub mod model;
pub mod paths;
pub mod plan;
pub mod post;
pub mod probe;
pub mod render;
pub mod report;
pub mod serve;
pub mod write;
mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use diag::{Diagnostic, SourceMap};
use jiff::Timestamp;
use model::Site;
use model::lifecycle::Stage;
use plan::View;
use post::ViewOutput;
use render::Renderer;
use write::stamp::Stamp;
use write::{Destination, Discard, Staging};

/// Receives a short status line ("rendering gold (3/6)") as the build goes; the CLI shows
/// it only on a terminal.
pub type Progress = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// What to build.
#[derive(Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    /// `None`: check only, write nothing.
    pub out: Option<PathBuf>,
    /// Audience names to build; empty: all.
    pub audiences: Vec<String>,
    /// Treat warnings as errors (CI builds the demo this way).
    pub deny_warnings: bool,
    pub progress: Option<Progress>,
    /// Which content to publish (issue #4); default production.
    pub stage: Stage,
    /// The moment to build for (`--at`, "time travel"): a date or date and time, read in
    /// the site's timezone; `None`: now.
    pub at: Option<String>,
    /// Leave the search index out (`--no-search`): a faster build while writing. The theme
    /// then links to the list of all pages instead of showing a search box. Builds without
    /// the `search` cargo feature never have one.
    pub no_search: bool,
    /// Replace `out` even if it is a non-empty folder kanava did not write (`--force`). It
    /// never lifts the refusal of an output that is or holds the site's sources (#12).
    pub force: bool,
    /// Receives what the user should see at once, on a terminal or not: waiting for another
    /// build into the same output, a leftover that could not be removed. The CLI prints it.
    pub notice: Option<Progress>,
    /// Encrypt every protected audience with the keys in this key file (`--encrypt`,
    /// issue 20); `None`: `encrypt:` in kanava.yaml for a build to disk, else plain.
    pub encrypt: Option<PathBuf>,
    /// Parsed and highlighted documents of the last build, reused where nothing they
    /// depend on changed (`kanava serve`, issue 19; `model::cache`).
    pub cache: Option<std::sync::Arc<model::cache::DocCache>>,
    /// The user's cache folder: a build to disk without `cache` keeps its parsed pages
    /// there (`load::cache_file`) and reads the last build's (`kanava build`, unless
    /// `--no-cache`; issue 19): a page whose text and context did not change is not parsed
    /// again. `None`: no stored cache.
    pub cache_dir: Option<PathBuf>,
    /// Output paths to write before the others (`gold/ordering/index.html`): `kanava serve`
    /// renders the pages open in a browser first, their views before the other views. The
    /// files written are the same.
    pub first: Vec<String>,
}

impl Options {
    /// Does this build write search indexes (the `search` feature, and no `--no-search`)?
    pub fn search(&self) -> bool {
        cfg!(feature = "search") && !self.no_search
    }
}

/// What a build did.
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    /// Source texts, for showing diagnostics with their lines.
    pub sources: SourceMap,
    /// True when the output was replaced.
    pub wrote: bool,
    /// True when nothing changed since the last clean build, so nothing was done.
    pub up_to_date: bool,
    pub stats: Stats,
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Markdown files whose document came from the last build's (`Options::cache_dir`), of
    /// `documents`.
    pub reused: usize,
    pub documents: usize,
    pub pages: usize,
    pub assets: usize,
    pub views: usize,
    pub elapsed: Duration,
    /// Where the time went, stage by stage in pipeline order (`serve` logs it).
    pub phases: Phases,
}

/// How long each stage of a build took, in the order they ran.
#[derive(Debug, Default, Clone)]
pub struct Phases(pub Vec<(&'static str, Duration)>);

impl Phases {
    /// Records the time since `*since` as `name`, and restarts the clock.
    fn lap(&mut self, name: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.0.push((name, now - *since));
        *since = now;
    }
}

impl std::fmt::Display for Phases {
    /// `read 80ms, model 120ms, …`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, (name, took)) in self.0.iter().enumerate() {
            let sep = if n == 0 { "" } else { ", " };
            write!(f, "{sep}{name} {}ms", took.as_millis())?;
        }
        Ok(())
    }
}

impl Outcome {
    pub fn errors(&self) -> usize {
        diag::count_errors(&self.diagnostics)
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Loads, models and checks the site for the views of `stage` at `at`: everything up to
/// (not including) planning views. `None` for the site when the configuration is unusable.
/// Code is not highlighted (reports and checks never show it; see `Site::highlight`).
pub fn load_site(
    root: &Path,
    stage: Stage,
    at: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Result<Loaded> {
    let sources = load::read_site(root, diags)?;
    let mut phases = (Phases::default(), Instant::now());
    model_and_check(sources, stage, at, None, diags, &mut phases)
}

/// Model and check already-read sources (see [`load_site`]).
fn model_and_check(
    mut sources: load::Sources,
    stage: Stage,
    at: Option<&str>,
    cache: Option<&model::cache::DocCache>,
    diags: &mut Vec<Diagnostic>,
    (phases, clock): &mut (Phases, Instant),
) -> Result<Loaded> {
    // Taken whatever happens, so that no later build uses a model older than its last.
    let kept = cache.and_then(|c| c.take_model());
    let Some(config) = sources.config.take() else {
        return Ok(Loaded {
            site: None,
            sources: sources.texts,
            at: Timestamp::now(),
        });
    };
    let site = model::build(&sources, config, cache, kept, diags);
    phases.lap("model", clock);
    let at = resolve_at(&site, at)?;
    diags.extend(check::run(&site, &plan::views(&site, &[], stage, at)));
    phases.lap("check", clock);
    Ok(Loaded {
        site: Some(site),
        sources: sources.texts,
        at,
    })
}

/// A loaded and checked site, and the moment its views are for.
pub struct Loaded {
    /// `None` when the configuration is unusable (see the diagnostics).
    pub site: Option<Site>,
    pub sources: SourceMap,
    pub at: Timestamp,
}

/// `--at` in the site's timezone, or now.
fn resolve_at(site: &Site, at: Option<&str>) -> Result<Timestamp> {
    match at {
        None => Ok(Timestamp::now()),
        Some(text) => site.calendar.parse(text).ok_or_else(|| {
            anyhow::anyhow!("`--at {text}` is not a date or date and time (write e.g. 2026-12-01 or 2026-12-01T09:00)")
        }),
    }
}

/// Runs the whole pipeline. With `options.out == None` it renders into nothing (`check`).
/// On any error the previous output is left untouched.
pub fn build(options: &Options) -> Result<Outcome> {
    run(options, None)
}

/// Runs the whole pipeline into `dest` (a dev server's memory, a test's): the same files
/// `build` writes, without `options.out`, its lock, stamp or swap.
pub fn build_into(options: &Options, dest: &dyn Destination) -> Result<Outcome> {
    run(options, Some(dest))
}

fn run(options: &Options, into: Option<&dyn Destination>) -> Result<Outcome> {
    // A build to disk keeps its documents for the next one (`Options::cache_dir`).
    let stored = match &options.cache_dir {
        Some(dir) if options.cache.is_none() && into.is_none() && options.out.is_some() => {
            StoredCache::new(load::cache_file(dir, &options.root))
        }
        _ => {
            let cache = options.cache.as_deref().map(Cache::Kept);
            return run_with(options, into, cache);
        }
    };
    let outcome = run_with(options, into, Some(Cache::Stored(&stored)));
    let (kept, reused) = stored.finish();
    if let (Err(e), Some(notice)) = (kept, &options.notice) {
        notice(&format!("the cache of parsed pages was not kept: {e:#}"));
    }
    let mut outcome = outcome?;
    if let Some(reused) = reused {
        (outcome.stats.reused, outcome.stats.documents) = reused;
    }
    Ok(outcome)
}

/// A build's site, handed to serve's cache when the build is done with it (`model::keep`).
struct KeepSite<'c> {
    /// `Some` until dropped.
    site: Option<Site>,
    cache: Option<&'c model::cache::DocCache>,
}

impl std::ops::Deref for KeepSite<'_> {
    type Target = Site;
    fn deref(&self) -> &Site {
        match &self.site {
            Some(site) => site,
            None => unreachable!("a KeepSite holds its site until dropped"),
        }
    }
}

impl std::ops::DerefMut for KeepSite<'_> {
    fn deref_mut(&mut self) -> &mut Site {
        match &mut self.site {
            Some(site) => site,
            None => unreachable!("a KeepSite holds its site until dropped"),
        }
    }
}

impl Drop for KeepSite<'_> {
    fn drop(&mut self) {
        if let (Some(cache), Some(site)) = (self.cache, self.site.take()) {
            cache.keep_site(site);
        }
    }
}

/// A build's document cache, and what it does with it besides using it.
#[derive(Clone, Copy)]
enum Cache<'a> {
    /// Kept in memory for the next build, file texts too (serve).
    Kept(&'a model::cache::DocCache),
    /// Kept in a file between runs (`kanava build`).
    Stored(&'a StoredCache),
}

impl<'a> Cache<'a> {
    /// The cache serve keeps in memory, if this is it.
    fn kept(self) -> Option<&'a model::cache::DocCache> {
        match self {
            Cache::Kept(cache) => Some(cache),
            Cache::Stored(_) => None,
        }
    }
}

/// `kanava build`'s cache of parsed pages: read from its file when the model needs it (not
/// for a build that finds its output up to date), and stored once the documents are
/// highlighted, on a thread of its own while pages render.
struct StoredCache {
    file: PathBuf,
    cache: std::sync::OnceLock<model::cache::DocCache>,
    storing: std::sync::Mutex<Option<std::thread::JoinHandle<Result<()>>>>,
}

impl StoredCache {
    fn new(file: PathBuf) -> StoredCache {
        StoredCache {
            file,
            cache: Default::default(),
            storing: Default::default(),
        }
    }

    fn load(&self) -> &model::cache::DocCache {
        self.cache.get_or_init(|| {
            load::stored_cache(&self.file)
                .and_then(model::cache::DocCache::read_from)
                .unwrap_or_default()
        })
    }

    /// Takes this build's documents out of the cache and starts writing them.
    fn store(&self) {
        let Some(cache) = self.cache.get() else {
            return;
        };
        let (taken, file) = (cache.take(), self.file.clone());
        let thread =
            std::thread::spawn(move || write::keep_cache(&file, |out| taken.write_to(out)));
        if let Ok(mut storing) = self.storing.lock() {
            *storing = Some(thread);
        }
    }

    /// Waits for the writing; and how many documents the build took from the cache, of how
    /// many, if it used it.
    fn finish(self) -> (Result<()>, Option<(usize, usize)>) {
        let kept = match self.storing.into_inner().ok().flatten() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the thread writing it failed"))),
            None => Ok(()),
        };
        let reused = self.cache.get().filter(|c| c.used()).map(|c| c.reused());
        (kept, reused)
    }
}

/// [`run`] with `cache`.
fn run_with(
    options: &Options,
    into: Option<&dyn Destination>,
    with: Option<Cache>,
) -> Result<Outcome> {
    let started = Instant::now();
    let mut clock = started;
    let mut phases = Phases::default();
    let mut diags = Vec::new();
    let kept = with.and_then(Cache::kept);
    let reuse = kept.map(|cache| &cache.texts);
    let sources = load::read_site_reusing(&options.root, reuse, &mut diags)?;
    phases.lap("read", &mut clock);
    // Before anything is written (issue #12): refuse an output that is or holds the
    // sources, or a folder kanava did not write; then lock it for the whole build.
    let output = match (&options.out, into) {
        (Some(out), None) => Some(write::Output::open(
            out,
            &options.root,
            &sources.source_dirs(),
            options.force,
            options.notice.clone(),
        )?),
        _ => None,
    };
    // The key file (issue 20): `--encrypt`, else kanava.yaml's `encrypt:` for a build to disk.
    let key_file = match (&options.encrypt, &sources.config) {
        (Some(path), _) => Some(path.clone()),
        (None, Some(config)) if output.is_some() => {
            config.encrypt.as_ref().map(|p| options.root.join(p))
        }
        _ => None,
    };
    let keys = match &key_file {
        Some(path) => Some(read_keys(path, options, &mut diags)?),
        None => None,
    };
    let theme_dir = sources.config.as_ref().and_then(|c| c.theme.clone());
    let theme = load::theme::read(&options.root, theme_dir.as_ref(), &mut diags);
    // Nothing changed since the last clean build: nothing to do (issue #7).
    let stamp = output.as_ref().map(|out| {
        let keys = keys.as_ref().map(|k| k.as_ref().map(|k| k.to_text()));
        Stamp::new(
            out.path(),
            &sources,
            &theme,
            options,
            keys.flatten().as_deref(),
        )
    });
    if let (Some(out), Some(stamp)) = (&output, &stamp)
        && diags.is_empty()
        && stamp.is_current(out.path(), Timestamp::now())
    {
        return Ok(Outcome {
            diagnostics: diags,
            sources: sources.texts,
            wrote: false,
            up_to_date: true,
            stats: Stats {
                elapsed: started.elapsed(),
                ..Stats::default()
            },
        });
    }
    // Opening the output, the key file, the theme and the no-change stamp.
    phases.lap("prepare", &mut clock);
    let cache = match with {
        Some(Cache::Kept(cache)) => Some(cache),
        Some(Cache::Stored(stored)) => {
            let cache = stored.load();
            phases.lap("cache", &mut clock);
            Some(cache)
        }
        None => None,
    };
    let mut timing = (phases, clock);
    let Loaded {
        site,
        mut sources,
        at,
    } = model_and_check(
        sources,
        options.stage,
        options.at.as_deref(),
        cache,
        &mut diags,
        &mut timing,
    )?;
    let (mut phases, mut clock) = timing;
    let outcome = |diagnostics: Vec<Diagnostic>, sources: SourceMap, wrote, stats| Outcome {
        diagnostics,
        sources,
        wrote,
        up_to_date: false,
        stats: Stats {
            elapsed: started.elapsed(),
            ..stats
        },
    };
    let Some(site) = site else {
        diag::normalize(&mut diags);
        return Ok(outcome(diags, sources, false, Stats::default()));
    };
    // Serve's next build may start from this model (`model::keep`), however this one ends.
    let mut site = KeepSite {
        site: Some(site),
        cache: kept,
    };
    for (source, origin) in theme.templates.values() {
        sources.insert(origin.clone(), source.as_str().into());
    }
    for (origin, text) in &theme.string_files {
        sources.insert(origin.clone(), text.as_str().into());
    }
    // Interface strings for every language (issue 18): English where the theme has none.
    diags.extend(render::i18n::missing_languages(
        &theme,
        &site.languages.codes,
    ));
    let renderer = Renderer::new(theme, options.search(), &mut diags).first(&options.first);
    let selected = select_audiences(&site, &options.audiences, &mut diags);
    if let Some(output) = output.as_ref().filter(|_| !options.audiences.is_empty()) {
        diags.extend(stale_folders(&site, output));
    }

    let failed = |diags: &[Diagnostic]| {
        diag::count_errors(diags) > 0 || (options.deny_warnings && !diags.is_empty())
    };
    if failed(&diags) {
        diag::normalize(&mut diags);
        return Ok(outcome(diags, sources, false, Stats::default()));
    }

    phases.lap("setup", &mut clock);
    let mut views = plan::views(&site, &selected, options.stage, at);
    // The views holding the pages wanted first go first (a stable sort).
    let owners = first_views(&site, &views, &options.first);
    views.sort_by_key(|v| !owners.contains(v));
    let locked = match &keys {
        Some(keys) => {
            let locked = encrypted_audiences(&site, &views, keys.as_ref(), key_file.as_deref());
            match locked {
                Ok(locked) => Some(locked),
                Err(problems) => {
                    diags.extend(problems);
                    diag::normalize(&mut diags);
                    return Ok(outcome(diags, sources, false, Stats::default()));
                }
            }
        }
        None => None,
    };
    // Code is highlighted once, where some view being built shows it (`check` shows none).
    if output.is_some() || into.is_some() {
        if let Some(progress) = &options.progress {
            progress("highlighting code");
        }
        let shown = plan::shown_fragments(&site, &views);
        site.highlight(&shown, cache);
        phases.lap("highlight", &mut clock);
        if let Some(Cache::Stored(stored)) = with {
            stored.store();
        }
    }
    if let Some(stamp) = &stamp {
        stamp.clear();
    }
    let staging = match &output {
        Some(output) => Some(Staging::begin(output)?),
        None => None,
    };
    let dest: &dyn Destination = match (&staging, into) {
        (Some(staging), _) => staging,
        (None, Some(dest)) => dest,
        (None, None) => &Discard,
    };
    // Protected audiences' folders encrypted (issue 20); the others, and the root page, plain.
    let encrypting = locked.map(|locked| {
        write::encrypted::Encrypting::new(dest, locked, &site.config.title, &site.config.language)
    });
    let dest: &dyn Destination = match &encrypting {
        Some(encrypting) => encrypting,
        None => dest,
    };
    let search = options.search() && (staging.is_some() || into.is_some());
    let rendered = write_views(&site, &views, &renderer, dest, search, &options.progress).and_then(
        |(mut view_diags, stats, mut folders)| {
            if let Some(encrypting) = &encrypting {
                encrypting.write_shells(&folders)?;
            }
            // The output's root page, beside the audiences' folders (issue #16).
            if site.audiences.configured {
                view_diags.extend(renderer.render_root(&site, &*dest.view(""))?);
                folders.push(ROOT_PAGE);
            }
            Ok((view_diags, stats, folders))
        },
    );
    let (mut stats, folders) = match rendered {
        Ok((view_diags, stats, folders)) => {
            phases.lap("render", &mut clock);
            diags.extend(view_diags);
            (stats, folders)
        }
        Err(e) => {
            if let Some(staging) = staging {
                staging.abandon();
            }
            return Err(e);
        }
    };
    diag::normalize(&mut diags);
    let mut wrote = false;
    if let Some(staging) = staging {
        if failed(&diags) {
            staging.abandon();
        } else if options.audiences.is_empty() {
            staging.commit()?;
            wrote = true;
        } else {
            staging.commit_parts(&folders)?;
            wrote = true;
        }
    }
    if let Some(stamp) = stamp.filter(|_| wrote && diags.is_empty()) {
        // With `--at` the output is fixed; at "now" it holds until the next scheduled change.
        let until = if options.at.is_some() {
            None
        } else {
            site.next_change(at)
        };
        stamp.record(until)?;
    }
    if wrote {
        phases.lap("write", &mut clock);
    }
    stats.phases = phases;
    Ok(outcome(diags, sources, wrote, stats))
}

/// The views whose folders hold `paths` (the deepest folder: `gold/fi/x/index.html` is in
/// `gold/fi`, not `gold`).
fn first_views(site: &Site, views: &[View], paths: &[String]) -> Vec<View> {
    paths
        .iter()
        .filter_map(|path| {
            views
                .iter()
                .filter_map(|&v| {
                    let folder = v.folder(site);
                    let inside = folder.is_empty()
                        || path
                            .strip_prefix(folder)
                            .is_some_and(|rest| rest.starts_with('/'));
                    inside.then_some((folder.len(), v))
                })
                .max_by_key(|&(depth, _)| depth)
                .map(|(_, v)| v)
        })
        .collect()
}

/// Plans every view and writes it through each [`ViewOutput`] into `dest`: the search
/// index (on threads of its own, while pages render), the pages, the sitemap, robots.txt
/// and the price list CSV. Returns their diagnostics, the figures, and the views' folders.
fn write_views<'s>(
    site: &'s Site,
    views: &[View],
    renderer: &Renderer,
    dest: &dyn Destination,
    search: bool,
    progress: &Option<Progress>,
) -> Result<(Vec<Diagnostic>, Stats, Vec<&'s str>)> {
    let mut diags = Vec::new();
    let mut stats = Stats {
        views: views.len(),
        ..Stats::default()
    };
    let mut folders = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        #[cfg(feature = "search")]
        let indexer =
            search.then(|| post::search::Indexer::<Box<dyn write::Sink + Send>>::spawn(scope));
        #[cfg(not(feature = "search"))]
        let _ = (scope, search);
        let mut outputs: Vec<&dyn ViewOutput> = Vec::new();
        #[cfg(feature = "search")]
        if let Some(indexer) = &indexer {
            outputs.push(indexer);
        }
        outputs.extend([
            renderer as &dyn ViewOutput,
            &post::Sitemap,
            &post::Robots,
            &post::PriceListCsv,
            &post::Feed,
        ]);
        for (n, &view) in views.iter().enumerate() {
            if let Some(progress) = progress {
                let name = &site.audiences.audiences[view.audience].name;
                progress(&format!("rendering {name} ({}/{})", n + 1, views.len()));
            }
            let plan = plan::make(site, view);
            stats.pages += plan.pages.len();
            stats.assets += plan.assets.len();
            let folder = view.folder(site);
            for output in &outputs {
                diags.extend(output.write(&plan, dest, folder)?);
            }
            // Another language's site is inside its audience's folder (`gold/fi`).
            if view.language == 0 {
                folders.push(folder);
            }
        }
        #[cfg(feature = "search")]
        if let Some(indexer) = indexer {
            if let Some(progress) = progress {
                progress("finishing the search indexes");
            }
            indexer.finish()?;
        }
        Ok(())
    })?;
    Ok((diags, stats, folders))
}

/// Reads the key file of an encrypted build (issue 20): refused inside `content/` or the
/// output; `None` (with an error) when it does not exist.
fn read_keys(
    path: &Path,
    options: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<encrypt::keys::KeyFile>> {
    encrypt::keyfile::check_location(path, &options.root, options.out.as_deref())?;
    let keys = encrypt::keyfile::read(path)?;
    if keys.is_none() {
        diags.push(
            Diagnostic::error(
                "no-key-file",
                format!("there is no key file `{}` to encrypt with", path.display()),
            )
            .in_file(load::CONFIG_FILE)
            .help(format!(
                "give each protected audience a partner first: `kanava keys --file {} add AUDIENCE PARTNER` creates it",
                path.display()
            )),
        );
    }
    Ok(keys)
}

/// The folders an encrypted build encrypts, with their keys: every protected audience among
/// `views` (public ones stay plain). Errors for a protected audience nobody could read.
fn encrypted_audiences(
    site: &Site,
    views: &[View],
    keys: Option<&encrypt::keys::KeyFile>,
    key_file: Option<&Path>,
) -> Result<Vec<(String, String, encrypt::keys::AudienceKeys)>, Vec<Diagnostic>> {
    let Some(keys) = keys else {
        // No key file: its error is already reported.
        return Err(Vec::new());
    };
    let file = key_file
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut locked = Vec::new();
    let mut problems = Vec::new();
    // One entry per audience: its languages' sites are inside its folder (issue 18).
    for view in views.iter().filter(|v| v.language == 0) {
        let audience = &site.audiences.audiences[view.audience];
        if let model::audience::Openness::Public(_) = site.audiences.openness(view.audience) {
            continue;
        }
        match keys.audiences.get(&audience.name) {
            Some(k) if !k.slots.is_empty() => locked.push((
                view.folder(site).to_owned(),
                audience.name.clone(),
                k.clone(),
            )),
            _ => problems.push(
                Diagnostic::error(
                    "no-partner",
                    format!(
                        "audience `{}` is protected, but no partner in the key file `{file}` can read it",
                        audience.name
                    ),
                )
                .in_file(load::CONFIG_FILE)
                .help(format!(
                    "add one with `kanava keys --file {file} add {} PARTNER`, or mark the audience `public: true` in kanava.yaml if it is meant to be open",
                    audience.name
                )),
            ),
        }
    }
    if problems.is_empty() {
        Ok(locked)
    } else {
        Err(problems)
    }
}

/// A build of some audiences replaces only their folders: anything else at the top of the
/// output (an audience kanava.yaml no longer has, files of a build from before audiences)
/// stays published as it was. Named, so nobody serves it unawares (issue #12); a full build
/// replaces the whole output and so removes it.
/// The output's root page: written by every build of a site with audiences.
const ROOT_PAGE: &str = "index.html";

fn stale_folders(site: &Site, output: &write::Output) -> Vec<Diagnostic> {
    let mut names: Vec<&str> = site.audiences.audience_names();
    names.push(ROOT_PAGE);
    output
        .stale_entries(&names)
        .into_iter()
        .map(|name| {
            Diagnostic::warning(
                "stale-output",
                format!(
                    "`{}` in the output is not an audience of {} and was left as it was",
                    output.path().join(&name).display(),
                    load::CONFIG_FILE
                ),
            )
            .in_file(load::CONFIG_FILE)
            .help("build without `--audience` to replace the whole output and remove it")
        })
        .collect()
}

fn select_audiences(site: &Site, names: &[String], diags: &mut Vec<Diagnostic>) -> Vec<usize> {
    let known: Vec<&str> = site.audiences.audience_names();
    let mut ids = Vec::new();
    for name in names {
        match site.audiences.audience_id(name) {
            Some(id) if site.audiences.configured => ids.push(id),
            _ if !site.audiences.configured => diags.push(
                Diagnostic::error(
                    "unknown-audience",
                    format!("`--audience {name}`: this site defines no audiences"),
                )
                .help("add an `audience:` block to kanava.yaml, or build without `--audience`"),
            ),
            _ => diags.push(
                Diagnostic::error("unknown-audience", format!("no audience named `{name}`"))
                    .help(diag::suggest_help(name, &known, "audiences")),
            ),
        }
    }
    ids
}
