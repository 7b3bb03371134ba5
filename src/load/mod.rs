//! Load: disk → [`Sources`]. The only stage that reads the site from disk.
//!
//! Walks `content/`, reads Markdown as UTF-8 text and records every other file as an asset.
//! Symlinks are followed only while they stay inside the site root: a link or loop that
//! leads outside is refused (never read, never copied) with a diagnostic.

pub mod config;
pub mod data;
pub mod files;
pub mod frontmatter;
pub mod git;
pub mod theme;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use rayon::prelude::*;

use crate::diag::{Diagnostic, Pos, SourceMap};
pub use config::{CONFIG_FILE, Config};

pub const CONTENT_DIR: &str = "content";

/// Where `kanava build` keeps the parsed pages of the site at `root` (issue 19,
/// `model::cache`): a file in the user's cache folder `dir`, named after the root's
/// canonical path. Never in the site: a cache holds rendered HTML that is used as it is,
/// so one that came with the sources (committed, say) could publish what the Markdown
/// beside it does not say.
pub fn cache_file(dir: &Path, root: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut h);
    dir.join(format!("{:016x}.pages", h.finish()))
}

/// The stored document cache, if there is one, to be read as a stream.
pub fn stored_cache(file: &Path) -> Option<std::io::BufReader<std::fs::File>> {
    let file = std::fs::File::open(file).ok()?;
    Some(std::io::BufReader::with_capacity(1 << 20, file))
}

/// A Markdown file: its path relative to the site root (always `/`-separated) and text.
#[derive(Debug, Clone)]
pub struct MarkdownFile {
    /// `content/ordering/delivery.md`
    pub path: String,
    pub text: Arc<str>,
}

/// A material's metadata sidecar (`NAME.EXT.yaml` beside `NAME.EXT`, issue #14).
#[derive(Debug, Clone)]
pub struct SidecarFile {
    /// `content/marketing/files/x200.pdf.yaml`
    pub path: String,
    /// The file it describes: `content/marketing/files/x200.pdf`.
    pub file: String,
    pub text: Arc<str>,
}

/// Is `rel` a sidecar (`x200.pdf.yaml`), and of which file? A YAML file whose name has
/// another extension before `.yaml`; a plain `settings.yaml` is an asset.
pub fn sidecar_of(rel: &str) -> Option<&str> {
    let file = rel.strip_suffix(".yaml")?;
    let name = file.rsplit('/').next()?;
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then_some(file)
}

/// A non-Markdown file under `content/` (image, PDF…): copied only where a view links it.
#[derive(Debug, Clone)]
pub struct AssetFile {
    /// `content/products/files/hp-12.pdf`
    pub path: String,
    pub disk_path: PathBuf,
}

/// Everything read from disk, before any interpretation beyond "is it Markdown".
pub struct Sources {
    pub root: PathBuf,
    pub config: Option<Config>,
    pub markdown: Vec<MarkdownFile>,
    pub assets: Vec<AssetFile>,
    /// Materials' sidecars, in walk order; each one's file is among `assets`.
    pub sidecars: Vec<SidecarFile>,
    /// Catalog data files (YAML, CSV), when kanava.yaml declares a catalog.
    pub data: Vec<data::DataFile>,
    /// Paths under `content/` that were refused (symlinks leaving the root, loops…).
    pub refused: Vec<String>,
    pub texts: SourceMap,
    /// The first and last git commit of each file under `content/` (by its path), when the
    /// root is in a git repository: a page's date in what's new without `updated`, and a
    /// material's "new" badge (issue #14).
    pub commits: std::collections::BTreeMap<String, git::Commits>,
    /// Every path (inside the root) changed since the last read, when that is known
    /// exactly: a reused walk of `content/` whose files only the watcher's paths changed
    /// (`kanava serve`, [`Texts`]). `None` for a first read or a new walk.
    pub changed: Option<Vec<String>>,
}

impl Sources {
    /// The folders a build reads its sources from, and what each is: `content/`, the catalog
    /// data folders and the theme folder. No output may be, be inside, or hold one of them
    /// (issue #12: `--out content` deleted the sources). A theme or data path that leaves the
    /// site root is not listed: it is an error of its own, and the build writes nothing.
    pub fn source_dirs(&self) -> Vec<(&'static str, PathBuf)> {
        let mut dirs = vec![("content folder", self.root.join(CONTENT_DIR))];
        let Some(config) = &self.config else {
            return dirs;
        };
        if let Some(catalog) = &config.catalog {
            for (pattern, _) in data::patterns(catalog) {
                let dir = pattern.rsplit_once('/').map_or("", |(dir, _)| dir);
                let inside = !pattern.starts_with('/') && !dir.split('/').any(|p| p == "..");
                if inside && !dir.is_empty() && !dir.contains('*') {
                    let dir = self.root.join(dir);
                    if !dirs.iter().any(|(_, d)| *d == dir) {
                        dirs.push(("catalog data folder", dir));
                    }
                }
            }
        }
        if let Some(dir) = &config.theme
            && let Some(theme) = theme::folder(&self.root, &dir.value)
        {
            // `theme: .` is the root itself (allowed): then its two folders are the theme.
            if theme.canonicalize().ok() == self.root.canonicalize().ok() {
                dirs.push(("theme folder", theme.join("templates")));
                dirs.push(("theme folder", theme.join("static")));
            } else {
                dirs.push(("theme folder", theme));
            }
        }
        dirs
    }
}

/// The texts of the site's Markdown files and sidecars from the last build, and its walk of
/// `content/` (`kanava serve`, issue 19). When every path [named as changed](Texts::changed)
/// (the watcher's word) is a file the last walk found, or a temporary file that is gone
/// again, that walk stands and only the named files are read: the watcher is trusted, as it
/// is for starting a rebuild at all (a lost event makes serve [forget](Texts::forget)
/// everything). Otherwise `content/` is walked again and a file is read again when it was
/// named, or its size or modification time changed.
#[derive(Default)]
pub struct Texts {
    inner: std::sync::Mutex<TextsInner>,
    walks: std::sync::atomic::AtomicUsize,
}

#[derive(Default)]
struct TextsInner {
    texts: std::collections::HashMap<String, (SizeAndTime, Arc<str>)>,
    changed: std::collections::HashSet<String>,
    /// The last walk of `content/`.
    listing: Option<Listing>,
}

/// What tells a file's versions apart without reading it: its size and modification time.
type SizeAndTime = (u64, Option<std::time::SystemTime>);

impl Texts {
    /// Files (site-relative paths) to read again whatever their size and time say.
    pub fn changed(&self, paths: impl IntoIterator<Item = String>) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.changed.extend(paths);
        }
    }

    /// How many times `content/` was walked through this (tests: that a save of a known
    /// file is not walked again).
    pub fn walks(&self) -> usize {
        self.walks.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Forgets every text and the last walk: the next build walks `content/` and reads
    /// every file.
    pub fn forget(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.texts.clear();
            inner.listing = None;
        }
    }
}

/// Reads the site at `root`. Problems with the user's files become diagnostics; only I/O
/// failures that are not about the content (e.g. an unreadable root) are errors.
pub fn read_site(root: &Path, diags: &mut Vec<Diagnostic>) -> Result<Sources> {
    read_site_reusing(root, None, diags)
}

/// [`read_site`], taking unchanged files' texts from `reuse` (and leaving this build's there).
pub fn read_site_reusing(
    root: &Path,
    reuse: Option<&Texts>,
    diags: &mut Vec<Diagnostic>,
) -> Result<Sources> {
    let mut texts = SourceMap::default();
    let config = read_config(root, &mut texts, diags);

    let canonical_root = root
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot open site root `{}`: {e}", root.display()))?;
    let content = root.join(CONTENT_DIR);
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let mut sidecars = Vec::new();
    let mut refused = Vec::new();
    let mut changed = None;
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("empty-content", "the site has no `content/` folder")
                .help("create `content/_index.md` for the home page, or run `kanava init`"),
        );
    } else {
        changed = walk_content(
            &content,
            &canonical_root,
            &mut Found {
                markdown: &mut markdown,
                assets: &mut assets,
                sidecars: &mut sidecars,
                refused: &mut refused,
            },
            reuse,
            diags,
        );
        if markdown.is_empty() {
            diags.push(
                Diagnostic::error("empty-content", "`content/` holds no Markdown pages")
                    .in_file(CONTENT_DIR)
                    .help("add `content/_index.md` with a `title` to start"),
            );
        }
    }
    let data = match config.as_ref().and_then(|c| c.catalog.as_ref()) {
        Some(catalog) => data::read(root, &canonical_root, &data::patterns(catalog), diags),
        None => Vec::new(),
    };
    for file in &markdown {
        texts.insert(file.path.clone(), file.text.clone());
    }
    for file in &data {
        texts.insert(file.path.clone(), file.text.clone());
    }
    for file in &sidecars {
        texts.insert(file.path.clone(), file.text.clone());
    }
    // One `git log` for the content folder (products are dated by their own `updated`).
    let commits = if markdown.is_empty() && sidecars.is_empty() {
        Default::default()
    } else {
        git::commits(root, &[CONTENT_DIR.to_owned()])
    };
    Ok(Sources {
        root: root.to_owned(),
        config,
        markdown,
        assets,
        sidecars,
        data,
        refused,
        texts,
        commits,
        changed,
    })
}

fn read_config(root: &Path, texts: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read(&path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            let at = e.utf8_error().valid_up_to();
            diags.push(not_utf8(CONFIG_FILE.to_owned(), e.as_bytes(), at));
            return None;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(
                Diagnostic::error(
                    "missing-config",
                    format!("no `{CONFIG_FILE}` in the site root"),
                )
                .help("create it with at least `title: …`, or run `kanava init`"),
            );
            return None;
        }
        Err(e) => {
            diags.push(
                Diagnostic::error("unreadable", format!("cannot read `{CONFIG_FILE}`: {e}"))
                    .in_file(CONFIG_FILE),
            );
            return None;
        }
    };
    let text = line_endings(&text).into_owned();
    texts.insert(CONFIG_FILE.to_owned(), Arc::from(text.as_str()));
    match Config::parse(&text) {
        Ok(config) => Some(config),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// What [`walk_content`] finds.
struct Found<'a> {
    markdown: &'a mut Vec<MarkdownFile>,
    assets: &'a mut Vec<AssetFile>,
    sidecars: &'a mut Vec<SidecarFile>,
    refused: &'a mut Vec<String>,
}

/// What a walk of `content/` found, before any file is read: kept by [`Texts`] so that a
/// rebuild after the watcher named only files the walk knew need not walk again.
#[derive(Default)]
struct Listing {
    markdown: Vec<(String, PathBuf)>,
    sidecars: Vec<(String, PathBuf)>,
    assets: Vec<AssetFile>,
    /// Symlinks refused, with their diagnostics.
    refused: Vec<(String, Diagnostic)>,
    /// What else the walk could not read.
    diags: Vec<Diagnostic>,
    /// Every folder found (site-relative paths).
    dirs: std::collections::HashSet<String>,
    /// A symlink was followed: a change behind it is not in the watcher's paths.
    linked: bool,
}

impl Listing {
    /// Does this listing still describe `content/` after the changes to `changed`? Only
    /// when it met nothing unusual (no symlink, refusal or unreadable folder) and every
    /// changed path under `content/` is a file it lists that is still a file (written in
    /// place or replaced by a rename, as editors save), or something it never saw that is
    /// gone again (an editor's temporary file). Anything else — a new, deleted or renamed
    /// file or folder — needs a walk.
    fn holds(&self, changed: &std::collections::HashSet<String>, root: &Path) -> bool {
        if self.linked || !self.refused.is_empty() || !self.diags.is_empty() {
            return false;
        }
        let files: std::collections::HashSet<&str> = (self.markdown.iter())
            .chain(&self.sidecars)
            .map(|(rel, _)| rel.as_str())
            .chain(self.assets.iter().map(|a| a.path.as_str()))
            .collect();
        changed.iter().all(|rel| {
            let Some(inside) = rel.strip_prefix(CONTENT_DIR) else {
                return true;
            };
            let Some(inside) = inside.strip_prefix('/') else {
                // `content` itself, or `contents…`: only the first needs a walk.
                return !inside.is_empty();
            };
            if inside.split('/').any(|part| is_ignored(part.as_ref())) {
                return true;
            }
            let known = files.contains(rel.as_str());
            match std::fs::symlink_metadata(root.join(rel)) {
                Ok(meta) => known && meta.file_type().is_file(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    !known && !self.dirs.contains(rel)
                }
                Err(_) => false,
            }
        })
    }
}

/// Walks `content/` (sorted by name, symlinks followed only inside the root).
fn list(content: &Path, canonical_root: &Path) -> Listing {
    let mut listing = Listing::default();
    // Symlinks are resolved before walkdir descends, so a link to `/` is never walked.
    let refused_links = std::cell::RefCell::new(Vec::new());
    let linked = std::cell::Cell::new(false);
    let walker = walkdir::WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && is_ignored(e.file_name()) {
                return false;
            }
            if !e.path_is_symlink() {
                return true;
            }
            linked.set(true);
            match e.path().canonicalize() {
                Ok(target) if target.starts_with(canonical_root) => true,
                result => {
                    let rel = site_relative(e.path(), content);
                    refused_links
                        .borrow_mut()
                        .push(refused_link(rel, result.err()));
                    false
                }
            }
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| site_relative(p, content))
                    .unwrap_or_else(|| CONTENT_DIR.to_owned());
                let is_link = err
                    .path()
                    .and_then(|p| std::fs::symlink_metadata(p).ok())
                    .is_some_and(|m| m.file_type().is_symlink());
                if err.loop_ancestor().is_some() || is_link {
                    // A link walkdir could not even stat: a loop onto itself or dangling.
                    // walkdir's own loop detection has no OS error: report it as ELOOP.
                    let os = err
                        .io_error()
                        .and_then(std::io::Error::raw_os_error)
                        .unwrap_or(ELOOP);
                    let io = std::io::Error::from_raw_os_error(os);
                    refused_links
                        .borrow_mut()
                        .push(refused_link(path, Some(io)));
                } else {
                    let why = err
                        .io_error()
                        .map_or_else(|| err.to_string(), |e| e.kind().to_string());
                    listing.diags.push(
                        Diagnostic::error("unreadable", format!("cannot read `{path}`: {why}"))
                            .in_file(path)
                            .help("check the file's permissions"),
                    );
                }
                continue;
            }
        };
        let rel = site_relative(entry.path(), content);
        if !entry.file_type().is_file() {
            listing.dirs.insert(rel);
            continue;
        }
        if rel.ends_with(".md") {
            listing.markdown.push((rel, entry.into_path()));
        } else if sidecar_of(&rel).is_some() {
            listing.sidecars.push((rel, entry.into_path()));
        } else {
            listing.assets.push(AssetFile {
                path: rel,
                disk_path: entry.path().to_owned(),
            });
        }
    }
    listing.refused = refused_links.into_inner();
    listing.linked = linked.get();
    listing
}

fn walk_content(
    content: &Path,
    canonical_root: &Path,
    found: &mut Found,
    reuse: Option<&Texts>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let Found {
        markdown,
        assets,
        sidecars,
        refused,
    } = found;
    // With `reuse`, the last walk stands if the watcher named only files it knew (and
    // every file it did not name is as it was); otherwise `content/` is walked again.
    let (old, changed, last) = match reuse.and_then(|r| r.inner.lock().ok()) {
        Some(mut inner) => (
            std::mem::take(&mut inner.texts),
            std::mem::take(&mut inner.changed),
            inner.listing.take(),
        ),
        None => Default::default(),
    };
    let root = content.parent().unwrap_or(content);
    let (listing, trusted) = match last.filter(|l| l.holds(&changed, root)) {
        Some(listing) => (listing, true),
        None => {
            if let Some(reuse) = reuse {
                reuse
                    .walks
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            (list(content, canonical_root), false)
        }
    };
    diags.extend(listing.diags.iter().cloned());
    assets.extend(listing.assets.iter().cloned());
    // Reading is the slow part of loading a large site: in parallel, in walk order; with
    // `reuse`, only what changed since the last build (by size and modification time, or
    // as the watcher named it when the walk was not made again).
    type Kept = Option<(String, (SizeAndTime, Arc<str>))>;
    let read_reusing = |rel: &str, path: &Path| -> (Result<MarkdownFile, Diagnostic>, Kept) {
        if reuse.is_none() {
            return (read_markdown(rel.to_owned(), path), None);
        }
        let unnamed = !changed.contains(rel);
        if trusted
            && unnamed
            && let Some((stamp, text)) = old.get(rel)
        {
            let file = MarkdownFile {
                path: rel.to_owned(),
                text: Arc::clone(text),
            };
            return (Ok(file), Some((rel.to_owned(), (*stamp, Arc::clone(text)))));
        }
        // The stamp is taken before reading: a change in between is seen next time.
        let stamp = std::fs::metadata(path).map(|m| (m.len(), m.modified().ok()));
        let file = match (&stamp, old.get(rel)) {
            (Ok(stamp), Some((was, text))) if stamp == was && unnamed => MarkdownFile {
                path: rel.to_owned(),
                text: Arc::clone(text),
            },
            _ => match read_markdown(rel.to_owned(), path) {
                Ok(file) => file,
                Err(diag) => return (Err(diag), None),
            },
        };
        let kept = stamp
            .ok()
            .map(|stamp| (file.path.clone(), (stamp, Arc::clone(&file.text))));
        (Ok(file), kept)
    };
    let mut kept = Vec::new();
    let read: Vec<_> = listing
        .markdown
        .par_iter()
        .map(|(rel, path)| read_reusing(rel, path))
        .collect();
    for (file, k) in read {
        kept.extend(k);
        match file {
            Ok(file) => markdown.push(file),
            Err(diag) => diags.push(diag),
        }
    }
    // A sidecar describes a file beside it: one for a missing file is an error (one for a
    // refused file, a link leaving the root, has that file's error already).
    let files: std::collections::HashSet<&str> = assets.iter().map(|a| a.path.as_str()).collect();
    let refused_paths: std::collections::HashSet<&str> = listing
        .refused
        .iter()
        .map(|(path, _)| path.as_str())
        .collect();
    for (rel, path) in &listing.sidecars {
        let file = sidecar_of(rel).unwrap_or_default().to_owned();
        if refused_paths.contains(file.as_str()) {
            continue;
        }
        if !files.contains(file.as_str()) {
            diags.push(
                Diagnostic::error(
                    "material-without-file",
                    format!("`{rel}` describes `{file}`, which does not exist"),
                )
                .in_file(rel.clone())
                .help("put the file beside its sidecar, or remove the sidecar (a YAML file named like `x.pdf.yaml` describes `x.pdf`)"),
            );
            continue;
        }
        let (file_read, k) = read_reusing(rel, path);
        kept.extend(k);
        match file_read {
            Ok(text) => sidecars.push(SidecarFile {
                path: text.path,
                file,
                text: text.text,
            }),
            Err(diag) => diags.push(diag),
        }
    }
    for (path, diag) in &listing.refused {
        refused.push(path.clone());
        diags.push(diag.clone());
    }
    if let Some(reuse) = reuse
        && let Ok(mut inner) = reuse.inner.lock()
    {
        inner.texts = kept.into_iter().collect();
        inner.listing = Some(listing);
    }
    // The last walk stood, so nothing the watcher did not name changed.
    let mut changed: Vec<String> = trusted.then(|| changed.into_iter().collect())?;
    changed.sort();
    Some(changed)
}

fn read_markdown(rel: String, path: &Path) -> Result<MarkdownFile, Diagnostic> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(MarkdownFile {
                path: rel,
                text: Arc::from(line_endings(text.trim_start_matches('\u{feff}')).as_ref()),
            }),
            Err(e) => Err(not_utf8(rel, e.as_bytes(), e.utf8_error().valid_up_to())),
        },
        Err(e) => {
            Err(Diagnostic::error("unreadable", format!("cannot read `{rel}`: {e}")).in_file(rel))
        }
    }
}

/// "Too many levels of symbolic links" on Linux.
const ELOOP: i32 = 40;

/// The diagnostic for a symbolic link kanava will not follow: it leads outside the site
/// root (`io` is `None`), loops, or points nowhere.
fn refused_link(rel: String, io: Option<std::io::Error>) -> (String, Diagnostic) {
    let diag = match io {
        None => Diagnostic::error(
            "outside-root",
            format!("`{rel}` is a symbolic link to a place outside the site root"),
        )
        .help("kanava reads nothing outside the site; copy the file into `content/`"),
        Some(e) if e.raw_os_error() == Some(ELOOP) => Diagnostic::error(
            "symlink-loop",
            format!("`{rel}` is a symbolic link that loops"),
        )
        .help("remove the link; kanava does not follow it"),
        Some(_) => Diagnostic::error(
            "broken-symlink",
            format!("`{rel}` is a symbolic link to nothing"),
        )
        .help("remove the link or point it at a file inside the site"),
    };
    (rel.clone(), diag.in_file(rel))
}

/// Dot files, editor backups and the like are not content.
fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#')
}

/// Text with every line ending as `\n`: CommonMark, YAML and CSV also end lines at `\r\n`
/// and a lone `\r`, so a file with those would otherwise count its lines one way in the
/// parsers and another in front matter offsets and diagnostics (issue #12: a page with
/// classic-Mac line endings hid its `::: only` fences). Line and column numbers stay those
/// an editor shows.
pub(crate) fn line_endings(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    }
}

/// `not-utf8` at the first byte that is not UTF-8 (lines end at `\n`, `\r\n` or a lone
/// `\r`, as CommonMark and YAML read them).
pub(crate) fn not_utf8(path: String, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let before = &bytes[..valid_up_to];
    let mut line = 1;
    let mut line_start = 0;
    for (i, &b) in before.iter().enumerate() {
        let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Diagnostic::error("not-utf8", format!("`{path}` is not valid UTF-8"))
        .at(path, Pos::new(line as u32, column as u32))
        .help("save the file as UTF-8 (most editors: \"Save with encoding\")")
}

/// `content/a/b.md` for a path under `content`, always with `/`.
fn site_relative(path: &Path, content: &Path) -> String {
    let rel = path.strip_prefix(content).unwrap_or(path);
    let mut s = String::from(CONTENT_DIR);
    for part in rel.components() {
        s.push('/');
        s.push_str(&part.as_os_str().to_string_lossy());
    }
    s
}
