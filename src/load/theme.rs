//! The theme: the embedded default (compiled in by `build.rs`) overlaid with the files of
//! the site's own `theme:` folder, file by file. The default's templates stay reachable as
//! `default/<name>` so an override can extend the original and replace one block.
//!
//! The theme folder must be inside the site root, and only its `templates/` and `static/`
//! are read (issue #12: `theme: /` walked the whole file system).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Pos};
use crate::load::CONFIG_FILE;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

pub struct Theme {
    /// Template name (`page.html`, `partials/nav.html`, `default/page.html`) → source, and
    /// the file to name in errors.
    pub templates: BTreeMap<String, (String, String)>,
    /// Path under `static/` → bytes; published at `_kanava/<path>`.
    pub static_files: BTreeMap<String, Vec<u8>>,
}

pub fn read(
    root: &Path,
    theme_dir: Option<&Spanned<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Theme {
    let mut theme = Theme {
        templates: BTreeMap::new(),
        static_files: BTreeMap::new(),
    };
    for (path, bytes) in embedded::FILES {
        let origin = format!("(built-in theme) {path}");
        add(&mut theme, path, bytes.to_vec(), origin, true, diags);
    }
    let Some(spanned) = theme_dir else {
        return theme;
    };
    let dir = spanned.value.as_str();
    let at = Pos::new(
        u32::try_from(spanned.referenced.line()).unwrap_or(u32::MAX),
        u32::try_from(spanned.referenced.column()).unwrap_or(1),
    );
    // Checked before anything is read: `theme: /` walked the whole file system (#12).
    let Some(base) = folder(root, dir) else {
        diags.push(
            Diagnostic::error(
                "outside-root",
                format!("the theme folder `{dir}` is outside the site"),
            )
            .at(CONFIG_FILE, at)
            .len(dir.chars().count())
            .help("the theme folder must be inside the site root: move it there and write its path relative to the root, e.g. `theme: theme`"),
        );
        return theme;
    };
    if !base.is_dir() {
        diags.push(
            Diagnostic::error(
                "missing-theme",
                format!("the theme folder `{dir}` does not exist"),
            )
            .at(CONFIG_FILE, at)
            .len(dir.chars().count())
            .help("create it (with `templates/` and `static/`), or remove the `theme:` key"),
        );
        return theme;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    // Only the two folders a theme has are read, whatever else the folder holds.
    for sub in ["templates", "static"] {
        read_folder(&mut theme, &base, sub, dir, &canonical_root, diags);
    }
    theme
}

/// The theme folder `dir` (from kanava.yaml) under `root`, if it is inside the site root:
/// a relative path without `..` that, links followed, stays inside. A folder that does not
/// exist is returned as it would be (and reported as missing by [`read`]).
pub fn folder(root: &Path, dir: &str) -> Option<PathBuf> {
    let rel = Path::new(dir);
    if dir.is_empty()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let base = root.join(rel);
    match (base.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(root)) => real.starts_with(root).then_some(base),
        (Err(_), _) => Some(base),
        (Ok(_), Err(_)) => None,
    }
}

/// Reads `<theme>/<sub>/` (`templates` or `static`). Links are followed only while they stay
/// inside the site root, as in `content/`.
fn read_folder(
    theme: &mut Theme,
    base: &Path,
    sub: &str,
    dir: &str,
    canonical_root: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    let start = base.join(sub);
    let outside = |path: &Path| {
        path.canonicalize()
            .map_or(true, |real| !real.starts_with(canonical_root))
    };
    let shown = |path: &Path| {
        let rel = path.strip_prefix(base).unwrap_or(path);
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        (format!("{dir}/{rel}"), rel)
    };
    if !start.exists() {
        return;
    }
    let refused = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(&start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if (e.depth() == 0 || e.path_is_symlink()) && outside(e.path()) {
                refused.borrow_mut().push(e.path().to_owned());
                return false;
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let (shown, _) = shown(err.path().unwrap_or(&start));
                diags.push(
                    Diagnostic::error("unreadable", format!("cannot read `{shown}`: {err}"))
                        .in_file(shown),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let (shown, rel) = shown(entry.path());
        match std::fs::read(entry.path()) {
            Ok(bytes) => add(theme, &rel, bytes, shown, false, diags),
            Err(e) => diags.push(
                Diagnostic::error("unreadable", format!("cannot read `{shown}`: {e}"))
                    .in_file(shown),
            ),
        }
    }
    for path in refused.into_inner() {
        let (shown, _) = shown(&path);
        diags.push(
            Diagnostic::error(
                "outside-root",
                format!("`{shown}` is a symbolic link to a place outside the site root"),
            )
            .in_file(shown)
            .help("kanava reads nothing outside the site; copy the files into the theme folder"),
        );
    }
}

fn add(
    theme: &mut Theme,
    rel: &str,
    bytes: Vec<u8>,
    origin: String,
    builtin: bool,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(name) = rel.strip_prefix("templates/") {
        match String::from_utf8(bytes) {
            Ok(text) => {
                if builtin {
                    theme
                        .templates
                        .insert(format!("default/{name}"), (text.clone(), origin.clone()));
                }
                theme.templates.insert(name.to_owned(), (text, origin));
            }
            Err(_) => diags.push(
                Diagnostic::error("not-utf8", format!("`{origin}` is not valid UTF-8"))
                    .in_file(origin),
            ),
        }
    } else if let Some(name) = rel.strip_prefix("static/") {
        // The build-time guard (issue #16), for the theme's files as for content's.
        if let Some(what) = crate::model::hosting::secret_file(name) {
            diags.push(crate::model::hosting::secret_file_error(
                &origin,
                &format!("_kanava/{name}"),
                what,
            ));
            return;
        }
        theme.static_files.insert(name.to_owned(), bytes);
    }
}
