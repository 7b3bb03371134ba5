//! The theme: the embedded default (compiled in by `build.rs`) overlaid with the files of
//! the site's own `theme:` folder, file by file. The default's templates stay reachable as
//! `default/<name>` so an override can extend the original and replace one block.
//!
//! The theme folder must be inside the site root, and only its `templates/`, `static/` and
//! `i18n/` are read (issue #12: `theme: /` walked the whole file system).
//!
//! Interface strings (issue 18): `i18n/<language>.yaml`, a flat map `key: "text"`. A site's
//! file overrides single keys of the shipped language, or adds a language the theme does not
//! ship; it may only name keys of the default theme's `en.yaml` (a typo would otherwise be
//! silently ignored) and only the placeholders the English text has.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Pos};
use crate::load::CONFIG_FILE;
use crate::yaml::{self, Node, Value};

/// The language whose strings every other falls back to, and whose keys are the known ones.
pub const DEFAULT_LANGUAGE: &str = "en";

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

pub struct Theme {
    /// Template name (`page.html`, `partials/nav.html`, `default/page.html`) → source, and
    /// the file to name in errors.
    pub templates: BTreeMap<String, (String, String)>,
    /// Path under `static/` → bytes; published at `_kanava/<path>`.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Interface strings: language code → key → text, the site's `i18n/` files merged over
    /// the default theme's, key by key.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
    /// The text of each strings file read from the site's theme folder, by the name
    /// diagnostics give it, so they can show the offending line.
    pub string_files: BTreeMap<String, String>,
}

pub fn read(
    root: &Path,
    theme_dir: Option<&Spanned<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Theme {
    let mut theme = Theme {
        templates: BTreeMap::new(),
        static_files: BTreeMap::new(),
        strings: BTreeMap::new(),
        string_files: BTreeMap::new(),
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
    // Only the folders a theme has are read, whatever else the folder holds.
    for sub in ["templates", "static", "i18n"] {
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

/// Reads `<theme>/<sub>/` (`templates`, `static` or `i18n`). Links are followed only while they stay
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
    } else if let Some(name) = rel.strip_prefix("i18n/") {
        add_strings(theme, name, bytes, origin, builtin, diags);
    }
}

/// Reads `i18n/<name>` into [`Theme::strings`]: the default theme's files as they are, a
/// site's over them key by key, strictly (known keys, string values, known placeholders).
fn add_strings(
    theme: &mut Theme,
    name: &str,
    bytes: Vec<u8>,
    origin: String,
    builtin: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(code) = name
        .strip_suffix(".yaml")
        .filter(|c| crate::model::languages::is_language(c))
    else {
        diags.push(
            Diagnostic::error(
                "theme-strings",
                format!("`{origin}` is not a strings file"),
            )
            .in_file(origin)
            .help("the theme's `i18n/` folder holds one `<language>.yaml` per language, named by its ISO 639-1 code, e.g. `i18n/fi.yaml`"),
        );
        return;
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            diags.push(
                Diagnostic::error("not-utf8", format!("`{origin}` is not valid UTF-8"))
                    .in_file(origin),
            );
            return;
        }
    };
    // A site's file may name only the default theme's keys, with their placeholders.
    let known = (!builtin).then(|| {
        theme
            .strings
            .get(DEFAULT_LANGUAGE)
            .cloned()
            .unwrap_or_default()
    });
    let read = read_strings(&text, &origin, known.as_ref(), diags);
    if !builtin {
        theme.string_files.insert(origin, text);
    }
    theme
        .strings
        .entry(code.to_owned())
        .or_default()
        .extend(read);
}

/// The entries of one strings file; problems are diagnostics at their line, and an entry
/// with a problem is left out (the shipped text stays).
fn read_strings(
    text: &str,
    origin: &str,
    known: Option<&BTreeMap<String, String>>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let node: Node = match yaml::parse(text, origin, 0) {
        Ok(node) => node,
        Err(d) => {
            diags.push(d);
            return out;
        }
    };
    let entries = match node.value {
        Value::Map(entries) => entries,
        Value::Null => return out,
        other => {
            diags.push(
                Diagnostic::error(
                    "theme-strings",
                    format!(
                        "expected a mapping of keys to texts, found {}",
                        other.kind()
                    ),
                )
                .at(origin, Pos::new(node.line, node.column))
                .help("write one `key: \"text\"` per line, e.g. `nav.catalog: \"Catalog\"`"),
            );
            return out;
        }
    };
    for (key, value) in entries {
        let at = Pos::new(key.line, key.column);
        let Value::Str(key) = key.value else {
            diags.push(
                Diagnostic::error(
                    "theme-strings",
                    format!("a key must be text, found {}", key.value.kind()),
                )
                .at(origin, at)
                .help("keys are the default theme's, e.g. `nav.catalog`"),
            );
            continue;
        };
        if let Some(known) = known
            && !known.contains_key(&key)
        {
            let help = match crate::diag::did_you_mean(&key, known.keys().map(String::as_str)) {
                Some(best) => format!(
                    "did you mean `{best}`? a site may override only the keys of the default theme's `i18n/en.yaml` (docs/languages.md)"
                ),
                None => "a site may override only the keys of the default theme's `i18n/en.yaml` (docs/languages.md)".to_owned(),
            };
            diags.push(
                Diagnostic::error(
                    "unknown-string",
                    format!("unknown interface string `{key}`"),
                )
                .at(origin, at)
                .len(key.chars().count())
                .help(help),
            );
            continue;
        }
        let text = match value.value {
            Value::Str(text) => text,
            Value::Map(_) => {
                diags.push(
                    Diagnostic::error(
                        "theme-strings",
                        format!("the text of `{key}` must be a string, found a mapping"),
                    )
                    .at(origin, Pos::new(value.line, value.column))
                    .help(format!("keys are written flat: `{key}.<name>: \"text\"`")),
                );
                continue;
            }
            other => {
                diags.push(
                    Diagnostic::error(
                        "theme-strings",
                        format!(
                            "the text of `{key}` must be a string, found {}",
                            other.kind()
                        ),
                    )
                    .at(origin, Pos::new(value.line, value.column))
                    .help("put the text in quotes"),
                );
                continue;
            }
        };
        if let Some(english) = known.and_then(|k| k.get(&key)) {
            let allowed = placeholders(english);
            if let Some(bad) = placeholders(&text)
                .into_iter()
                .find(|p| !allowed.contains(p))
            {
                let list = allowed
                    .iter()
                    .map(|p| format!("`{{{p}}}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                diags.push(
                    Diagnostic::error(
                        "theme-strings",
                        format!("`{{{bad}}}` is not a placeholder of `{key}`"),
                    )
                    .at(origin, Pos::new(value.line, value.column))
                    .help(if list.is_empty() {
                        format!("`{key}` has no placeholders")
                    } else {
                        format!("the placeholders of `{key}` are {list}")
                    }),
                );
                continue;
            }
        }
        out.insert(key, text);
    }
    out
}

/// The names of the `{name}` placeholders of `text`, sorted, each once.
pub fn placeholders(text: &str) -> std::collections::BTreeSet<&str> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        if let Some(end) = rest.find('}') {
            let name = &rest[..end];
            if is_placeholder(name) {
                out.insert(name);
                rest = &rest[end + 1..];
            }
        }
    }
    out
}

/// `{name}`: a placeholder's name is a word (ASCII letters, digits, `_`).
pub fn is_placeholder(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
