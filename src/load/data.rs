//! Catalog data files (`catalog.files` in kanava.yaml): YAML and CSV product data, read as
//! UTF-8 text. Patterns are relative to the site root; `*` may appear in the file name only.
//! Nothing outside the site root is read.

use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Pos};
use crate::load::CONFIG_FILE;
use crate::yaml::{Node, Value};

#[derive(Debug, Clone)]
pub struct DataFile {
    /// Relative to the site root: `data/products/heat-pumps.yaml`.
    pub path: String,
    pub text: Arc<str>,
}

/// The `files:` patterns of a `catalog:` block, with their positions in kanava.yaml.
pub fn patterns(catalog: &Node) -> Vec<(String, Pos)> {
    let Value::Map(entries) = &catalog.value else {
        return Vec::new();
    };
    let Some((_, files)) = entries
        .iter()
        .find(|(k, _)| k.value == Value::Str("files".into()))
    else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &files.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Str(_) => vec![files],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|n| match &n.value {
            Value::Str(s) => Some((s.clone(), Pos::new(n.line, n.column))),
            _ => None,
        })
        .collect()
}

pub fn read(
    root: &Path,
    canonical_root: &Path,
    patterns: &[(String, Pos)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<DataFile> {
    let mut files: Vec<DataFile> = Vec::new();
    for (pattern, pos) in patterns {
        let refuse = |message: String, help: &str| {
            Diagnostic::error("bad-data-path", message)
                .at(CONFIG_FILE, *pos)
                .len(pattern.chars().count())
                .help(help.to_owned())
        };
        if pattern.starts_with('/') || pattern.split('/').any(|p| p == "..") {
            diags.push(refuse(
                format!("`{pattern}` leaves the site root"),
                "give a path relative to the site root, e.g. `data/products.yaml`",
            ));
            continue;
        }
        let (dir, name) = pattern.rsplit_once('/').unwrap_or(("", pattern.as_str()));
        if dir.contains('*') {
            diags.push(refuse(
                format!("`{pattern}` has `*` in a folder name"),
                "only the file name may contain `*`, e.g. `data/products/*.yaml`",
            ));
            continue;
        }
        let mut matched: Vec<String> = Vec::new();
        if name.contains('*') {
            if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
                for entry in entries.flatten() {
                    let file_name = entry.file_name().to_string_lossy().into_owned();
                    if wildcard(name, &file_name) && entry.path().is_file() {
                        matched.push(if dir.is_empty() {
                            file_name
                        } else {
                            format!("{dir}/{file_name}")
                        });
                    }
                }
            }
            matched.sort();
        } else if root.join(pattern).is_file() {
            matched.push(pattern.clone());
        }
        if matched.is_empty() {
            diags.push(refuse(
                format!("`{pattern}` matches no file"),
                "check the path; it is relative to the site root",
            ));
            continue;
        }
        for path in matched {
            if files.iter().any(|f| f.path == path) {
                continue;
            }
            let disk = root.join(&path);
            match disk.canonicalize() {
                Ok(c) if c.starts_with(canonical_root) => {}
                _ => {
                    diags.push(refuse(
                        format!("`{path}` resolves outside the site root"),
                        "kanava reads nothing outside the site",
                    ));
                    continue;
                }
            }
            match std::fs::read(&disk).map(String::from_utf8) {
                Ok(Ok(text)) => files.push(DataFile {
                    path,
                    text: Arc::from(
                        super::line_endings(text.trim_start_matches('\u{feff}')).as_ref(),
                    ),
                }),
                Ok(Err(e)) => {
                    let at = e.utf8_error().valid_up_to();
                    diags.push(
                        super::not_utf8(path.clone(), e.as_bytes(), at)
                            .help("export the file as UTF-8 (with or without BOM)"),
                    )
                }
                Err(e) => diags.push(
                    Diagnostic::error("unreadable", format!("cannot read `{path}`: {}", e.kind()))
                        .in_file(path.clone()),
                ),
            }
        }
    }
    files
}

/// `*` matches any run of characters (no `/` in file names anyway).
fn wildcard(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return parts.len() == 1 && pattern == name;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    parts.len() > 1 || pattern == name
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards() {
        assert!(wildcard("*.yaml", "heat-pumps.yaml"));
        assert!(wildcard("p*s.yaml", "products.yaml"));
        assert!(!wildcard("*.yaml", "x.csv"));
        assert!(wildcard("a.csv", "a.csv"));
        assert!(!wildcard("a.csv", "b.csv"));
        assert!(wildcard("*", "anything"));
        assert!(!wildcard("a*b*c", "ac"));
    }
}
