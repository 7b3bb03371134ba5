//! The theme: the embedded default (compiled in by `build.rs`) overlaid with the files of
//! the site's own `theme:` folder, file by file. The default's templates stay reachable as
//! `default/<name>` so an override can extend the original and replace one block.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostic;

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

pub fn read(root: &Path, theme_dir: Option<&str>, diags: &mut Vec<Diagnostic>) -> Theme {
    let mut theme = Theme {
        templates: BTreeMap::new(),
        static_files: BTreeMap::new(),
    };
    for (path, bytes) in embedded::FILES {
        let origin = format!("(built-in theme) {path}");
        add(&mut theme, path, bytes.to_vec(), origin, true, diags);
    }
    let Some(dir) = theme_dir else { return theme };
    let base = root.join(dir);
    if !base.is_dir() {
        diags.push(
            Diagnostic::error(
                "missing-theme",
                format!("the theme folder `{dir}` does not exist"),
            )
            .in_file(crate::load::CONFIG_FILE)
            .help("create it (with `templates/` and `static/`), or remove the `theme:` key"),
        );
        return theme;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    for entry in walkdir::WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&base) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let shown = format!("{dir}/{rel}");
        match entry.path().canonicalize() {
            Ok(p) if p.starts_with(&canonical_root) => {}
            _ => {
                diags.push(
                    Diagnostic::error(
                        "outside-root",
                        format!("`{shown}` resolves outside the site root"),
                    )
                    .in_file(shown),
                );
                continue;
            }
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => add(&mut theme, &rel, bytes, shown, false, diags),
            Err(e) => diags.push(
                Diagnostic::error("unreadable", format!("cannot read `{shown}`: {e}"))
                    .in_file(shown),
            ),
        }
    }
    theme
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
        theme.static_files.insert(name.to_owned(), bytes);
    }
}
