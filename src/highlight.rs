//! Build-time code highlighting with syntect: HTML with CSS classes (prefixed `hl-`), and
//! the stylesheet for them (light, and dark under `prefers-color-scheme`). An unknown
//! language renders as plain escaped text, never an error.

use std::collections::HashMap;
use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxSet};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Names people write after ``` that syntect knows under another token.
fn alias(lang: &str) -> &str {
    match lang {
        "sh" | "shell" | "console" | "zsh" => "bash",
        "yml" => "yaml",
        "jsonc" => "json",
        "js" | "mjs" => "javascript",
        "py" => "python",
        "rs" => "rust",
        "html" | "htm" => "html",
        other => other,
    }
}

/// A code block's HTML, unhighlighted: what a build shows for a language syntect does not
/// know, and what `check` and the reports (which never show code) keep.
pub fn plain(lang: &str, code: &str) -> String {
    wrap(lang, &crate::html::escape(code))
}

/// A code block's HTML, highlighted; `None` when syntect does not know the language.
pub fn code_block(lang: &str, code: &str) -> Option<String> {
    highlight(lang, code).map(|body| wrap(lang, &body))
}

/// A code block scrolls sideways rather than wrap its lines, so it is a tab stop: keyboard
/// users can scroll it too (issue #13, axe's `scrollable-region-focusable`).
fn wrap(lang: &str, body: &str) -> String {
    if lang.is_empty() {
        format!("<pre class=\"code\" tabindex=\"0\"><code>{body}</code></pre>\n")
    } else {
        let lang = crate::html::escape(lang);
        format!(
            "<pre class=\"code\" data-lang=\"{lang}\" tabindex=\"0\"><code>{body}</code></pre>\n"
        )
    }
}

fn highlight(lang: &str, code: &str) -> Option<String> {
    if lang.is_empty() {
        return None;
    }
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(alias(&lang.to_ascii_lowercase()))?;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 3);
    let mut open_spans: isize = 0;
    MEMO.with_borrow_mut(|memo| {
        for line in LinesWithEndings::from(code) {
            let ops = memo.parse_line(&mut state, line, set)?;
            let (spans, delta) =
                line_tokens_to_classed_spans(line, &ops, STYLE, &mut stack).ok()?;
            open_spans += delta;
            html.push_str(&spans);
        }
        Some(())
    })?;
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::default();
}

/// The lines this thread has parsed. What syntect makes of a line depends only on the
/// line and the parser's state before it, so a line met again in the same state — a closing
/// brace, a shared `use` or `set -euo pipefail`, the keys every sample of a config repeats —
/// reuses the result instead of running the regexes again (most of a build's time is these
/// regexes). One memo per thread: no locks, and the output cannot depend on which thread
/// highlights what.
#[derive(Default)]
struct Memo {
    lines: HashMap<Box<str>, Vec<Parsed>>,
    entries: usize,
}

struct Parsed {
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

impl Memo {
    /// How many parsed lines a thread keeps before starting over (a few MiB).
    const MAX_ENTRIES: usize = 20_000;
    /// Longer lines are rarely repeated: not kept.
    const MAX_LINE: usize = 200;

    /// `state.parse_line(line)`, remembered.
    fn parse_line(
        &mut self,
        state: &mut ParseState,
        line: &str,
        set: &SyntaxSet,
    ) -> Option<Vec<(usize, ScopeStackOp)>> {
        if line.len() > Self::MAX_LINE {
            return state.parse_line(line, set).ok();
        }
        if let Some(seen) = self
            .lines
            .get(line)
            .and_then(|seen| seen.iter().find(|p| p.before == *state))
        {
            *state = seen.after.clone();
            return Some(seen.ops.clone());
        }
        let before = state.clone();
        let ops = state.parse_line(line, set).ok()?;
        if self.entries >= Self::MAX_ENTRIES {
            self.lines.clear();
            self.entries = 0;
        }
        self.entries += 1;
        self.lines.entry(line.into()).or_default().push(Parsed {
            before,
            ops: ops.clone(),
            after: state.clone(),
        });
        Some(ops)
    }
}

/// The background of code blocks in the default theme (`--code-bg` of style.css), light
/// and dark: the highlighting colours must be readable on it.
const LIGHT_BACKGROUND: Color = Color {
    r: 0xf3,
    g: 0xf5,
    b: 0xf7,
    a: 0xff,
};
const DARK_BACKGROUND: Color = Color {
    r: 0x18,
    g: 0x20,
    b: 0x24,
    a: 0xff,
};

/// WCAG's minimum contrast for text (AA).
const CONTRAST: f64 = 4.5;

/// The stylesheet for highlighted code: light by default, dark when the reader prefers it.
/// Every colour reads at 4.5:1 or more on the code background (issue #13: axe found numbers
/// in JSON at 4.2:1).
pub fn stylesheet() -> String {
    let mut themes = ThemeSet::load_defaults();
    let mut css = String::from("/* generated by kanava: code highlighting */\n");
    if let Some(light) = themes.themes.get_mut("InspiredGitHub") {
        readable(light, LIGHT_BACKGROUND);
    }
    if let Some(dark) = themes.themes.get_mut("base16-ocean.dark") {
        readable(dark, DARK_BACKGROUND);
    }
    // Both schemes sit in media queries: syntect's selectors have different depths, so
    // unscoped light rules would beat dark ones.
    if let Some(light) = themes.themes.get("InspiredGitHub")
        && let Ok(s) = css_for_theme_with_class_style(light, STYLE)
    {
        css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
        css.push_str(&s);
        css.push_str("}\n");
    }
    if let Some(dark) = themes.themes.get("base16-ocean.dark")
        && let Ok(s) = css_for_theme_with_class_style(dark, STYLE)
    {
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&s);
        css.push_str("}\n");
    }
    css
}

/// Moves each colour of `theme` that reads at less than [`CONTRAST`] on `background`
/// towards black (on a light background) or white (on a dark one) until it does.
fn readable(theme: &mut Theme, background: Color) {
    for item in &mut theme.scopes {
        if let Some(colour) = &mut item.style.foreground {
            *colour = contrasting(*colour, background);
        }
    }
    if let Some(colour) = &mut theme.settings.foreground {
        *colour = contrasting(*colour, background);
    }
}

fn contrasting(colour: Color, background: Color) -> Color {
    let towards = if luminance(background) > 0.18 {
        0.0
    } else {
        255.0
    };
    let mut out = colour;
    let mut step = 0;
    while contrast(out, background) < CONTRAST && step < 20 {
        step += 1;
        let t = f64::from(step) / 20.0;
        let mix = |c: u8| (f64::from(c) * (1.0 - t) + towards * t).round() as u8;
        out = Color {
            r: mix(colour.r),
            g: mix(colour.g),
            b: mix(colour.b),
            a: colour.a,
        };
    }
    out
}

/// WCAG relative luminance.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text colour of the stylesheet reads at 4.5:1 on the code background of its
    /// scheme (issue #13).
    #[test]
    fn highlight_colours_are_readable() {
        let css = stylesheet();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .unwrap();
        for (part, background) in [(light, LIGHT_BACKGROUND), (dark, DARK_BACKGROUND)] {
            let mut seen = 0;
            for rule in part.split("\n color: #").skip(1) {
                let hex = &rule[..6];
                let v = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
                let colour = Color {
                    r: v(0),
                    g: v(2),
                    b: v(4),
                    a: 0xff,
                };
                let ratio = contrast(colour, background);
                assert!(ratio >= CONTRAST, "#{hex}: {ratio:.2}");
                seen += 1;
            }
            assert!(seen > 10, "{seen} colours in {part}");
        }
    }

    #[test]
    fn known_language_gets_classes() {
        let html = code_block("json", "{\"a\": 1}\n").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"json\" tabindex=\"0\">"));
    }

    #[test]
    fn unknown_language_is_plain_text() {
        assert_eq!(code_block("klingon", "<b>x</b>\n"), None);
        assert_eq!(
            plain("klingon", "<b>x</b>\n"),
            "<pre class=\"code\" data-lang=\"klingon\" tabindex=\"0\"><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n"
        );
    }

    /// The memo gives what syntect's own generator gives, for lines met again in the same
    /// state and in another (a line inside and outside a string or comment).
    #[test]
    fn the_memo_changes_nothing() {
        let code = "fn a() {\n    let s = \"\n}\n\";\n}\n/*\n}\n*/\nfn a() {\n}\n";
        let set = syntaxes();
        let syntax = set.find_syntax_by_token("rust").unwrap();
        let mut expected =
            syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
        for line in LinesWithEndings::from(code) {
            expected
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        let expected = expected.finalize();
        // Twice: the second time every line comes from the memo.
        assert_eq!(highlight("rust", code).as_deref(), Some(expected.as_str()));
        assert_eq!(highlight("rust", code).as_deref(), Some(expected.as_str()));
    }
}
