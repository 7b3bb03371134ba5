//! Diagnostics about the user's site: plain data, collected by every stage and reported
//! together at the end (rust-analyzer style: stages return `(T, Vec<Diagnostic>)` rather than
//! stopping at the first problem).
//!
//! Operational failures (I/O, bugs) are *not* diagnostics; they travel as `anyhow::Error`.
//! Rendering: `human` is rustc's format via annotate-snippets (title, `-->` location, the
//! source line with a caret, `= help:`); `short` is one grep-friendly line per problem
//! (`file:line:col: error[code]: message`); `json` is one object per diagnostic for CI.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file: 1-based line and column (columns count characters).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case identifier, e.g. `broken-link`; documented in the README.
    pub code: &'static str,
    /// Lowercase, says what is wrong.
    pub message: String,
    /// Path relative to the site root (`content/ordering/delivery.md`), when there is one.
    pub file: Option<String>,
    pub pos: Option<Pos>,
    /// How many characters the caret underlines (at least 1).
    pub len: u32,
    /// Says what to do next.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            pos: None,
            len: 1,
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Diagnostic {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, file: impl Into<String>, pos: Pos) -> Diagnostic {
        self.file = Some(file.into());
        self.pos = Some(pos);
        self
    }

    pub fn len(mut self, len: usize) -> Diagnostic {
        self.len = u32::try_from(len).unwrap_or(u32::MAX).max(1);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: by file, then position, so output is stable whatever order stages ran in.
    fn sort_key(&self) -> (Option<&str>, Option<Pos>, Severity, &'static str, &str) {
        (
            self.file.as_deref(),
            self.pos,
            self.severity,
            self.code,
            &self.message,
        )
    }
}

/// Sorts and de-duplicates diagnostics (parallel stages may report in any order).
pub fn normalize(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

pub fn count_errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// The texts of source files, so diagnostics can show the offending line.
#[derive(Default, Clone)]
pub struct SourceMap {
    files: BTreeMap<String, Arc<str>>,
}

impl SourceMap {
    pub fn insert(&mut self, path: String, text: Arc<str>) {
        self.files.insert(path, text);
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|t| &**t)
    }

    /// Feeds every file's path and text to `h` (sorted: same files, same hash).
    pub fn fingerprint(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        for (path, text) in &self.files {
            (path, &**text).hash(h);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style: message, location, the source line with a caret, help
    Human,
    /// one line per diagnostic: file:line:col: severity[code]: message
    Short,
    /// one JSON object per line: severity, code, message, file, line, column, help
    Json,
}

pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format, color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        match format {
            Format::Human => {
                out.push_str(&render_human(d, sources, color));
                out.push_str("\n\n");
            }
            Format::Short => {
                let _ = writeln!(out, "{}", render_short(d));
            }
            Format::Json => {
                let _ = writeln!(out, "{}", render_json(d));
            }
        }
    }
    out
}

pub fn render_short(d: &Diagnostic) -> String {
    let mut s = String::new();
    if let Some(file) = &d.file {
        s.push_str(file);
        if let Some(pos) = d.pos {
            let _ = write!(s, ":{}:{}", pos.line, pos.column);
        }
        s.push_str(": ");
    }
    let _ = write!(
        s,
        "{}[{}]: {}",
        severity_name(d.severity),
        d.code,
        d.message
    );
    if let Some(help) = &d.help {
        let _ = write!(s, " (help: {help})");
    }
    s
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    help: Option<&'a str>,
}

pub fn render_json(d: &Diagnostic) -> String {
    let j = JsonDiagnostic {
        severity: d.severity,
        code: d.code,
        message: &d.message,
        file: d.file.as_deref(),
        line: d.pos.map(|p| p.line),
        column: d.pos.map(|p| p.column),
        help: d.help.as_deref(),
    };
    serde_json::to_string(&j).unwrap_or_default()
}

pub fn render_human(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code);
    let snippet = match (&d.file, d.pos) {
        (Some(file), Some(pos)) => sources
            .get(file)
            .and_then(|text| line_snippet(text, pos, d.len))
            .map(|(line_text, range)| {
                Snippet::source(line_text)
                    .line_start(pos.line as usize)
                    .path(file.as_str())
                    .annotation(AnnotationKind::Primary.span(range))
            }),
        _ => None,
    };
    let mut group = match snippet {
        Some(snippet) => title.element(snippet),
        None => {
            let mut group = Group::with_title(title);
            if let Some(file) = &d.file {
                // No source text to show (e.g. a non-UTF-8 file): still say where.
                let mut origin = annotate_snippets::Origin::path(file.as_str());
                if let Some(pos) = d.pos {
                    origin = origin
                        .line(pos.line as usize)
                        .char_column(pos.column as usize);
                }
                group = group.element(origin);
            }
            group
        }
    };
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let groups = [group];
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&groups)
}

/// The text of line `pos.line` and the byte range the caret covers in it.
fn line_snippet(text: &str, pos: Pos, len: u32) -> Option<(&str, std::ops::Range<usize>)> {
    let line = text.lines().nth(pos.line.checked_sub(1)? as usize)?;
    let start = char_to_byte(line, pos.column.saturating_sub(1) as usize);
    let end = char_to_byte(&line[start..], len as usize) + start;
    let end = if end == start { start + 1 } else { end };
    // A caret at the end of the line points just past it; annotate-snippets accepts that.
    Some((line, start..end.min(line.len() + 1)))
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// "did you mean `x`?" for a misspelt name among `candidates`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Help text listing what is allowed, with a suggestion first when one is close.
/// "1 change", "2 changes": a count and its noun, for messages and reports (issue #13:
/// "1 changes"). Only for nouns whose plural adds an `s`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn suggest_help(word: &str, candidates: &[&str], what: &str) -> String {
    let list = candidates
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match did_you_mean(word, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? {what}: {list}"),
        None => format!("{what}: {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let check = |word: &str, expected: Option<&str>| {
            assert_eq!(
                did_you_mean(word, ["title", "description", "weight", "tags"]),
                expected,
                "{word}"
            );
        };
        check("titel", Some("title"));
        check("descripton", Some("description"));
        check("wieght", Some("weight"));
        check("zzz", None);
    }

    #[test]
    fn short_format() {
        let d = Diagnostic::error("broken-link", "no page at `x.md`")
            .at("content/a.md", Pos::new(12, 7))
            .help("check the path");
        assert_eq!(
            render_short(&d),
            "content/a.md:12:7: error[broken-link]: no page at `x.md` (help: check the path)"
        );
    }
}
