//! Inputs for the parser fuzz targets (issue #12): valid seed documents, mutated the way a
//! hostile or careless author would — lines inserted, deleted, duplicated, swapped;
//! invisible and odd characters (U+FFFF, U+200B, BOM, NBSP, CR, NUL, right-to-left
//! override); very long names; deep nesting; invalid UTF-8 — and now and then bytes or
//! text with no structure at all.
//!
//! Every mutation is a value proptest can shrink, so a crash is reported with the fewest
//! mutations of the simplest seed that still cause it.

use proptest::prelude::*;
use proptest::sample::Index;

/// Text that breaks parsers: invisible characters, line breaks of every kind, syntax of
/// each format kanava reads, dates and numbers at their limits.
const PIECES: &[&str] = &[
    "\u{FFFF}",
    "\u{FFFE}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{00A0}",
    "\u{202E}",
    "\u{2028}",
    "\u{0301}",
    "\u{10FFFF}",
    "\u{1F600}",
    "é",
    "\r",
    "\r\n",
    "\n",
    "\0",
    "\t",
    " ",
    "    ",
    ":",
    ": ",
    "::: only tier=gold",
    "::: only tier=gold role=sales from=2026-11-01 until=2026-12-31",
    ":::",
    "::: only",
    "---",
    "...",
    "```",
    "~~~",
    "> ",
    "- ",
    "1. ",
    "# ",
    "|",
    "| a | b |\n|---|---|",
    "[x]: https://example.com",
    "[x]",
    "[^1]",
    "[^1]: note",
    "![i](img/a.svg)",
    "[l](other.md)",
    "[l](../../../etc/passwd)",
    "[l](/abs.md)",
    "[](sku:HP-12)",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<a href=\"x.md\">",
    "<img src=\"img/a.svg\">",
    "&#xFFFF;",
    "&#0;",
    "{#id}",
    "\"",
    "'",
    "\\",
    "*",
    "&",
    "!",
    "%",
    "@",
    "`",
    "[",
    "]",
    "{",
    "}",
    "*a",
    "&a ",
    "!!str ",
    "!!binary ",
    "<<: *a",
    "? ",
    "~",
    "null",
    "true",
    "no",
    "0x1F",
    "1e999",
    "-0",
    "99999999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "NaN",
    ".inf",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31T23:59:59",
    "0000-01-01",
    "2026-11-28T25:00",
    "2026-11-28T09:00:00+99:00",
    "1,234.5",
    "1 234,50",
    "12.345,67",
    "0.001",
    "-5",
    "tier",
    "role",
    "tags",
    "title",
    "sku",
    "gold",
    "public",
    "status",
    "draft",
    "expires",
    "publish",
    "slug",
    "weight",
    "category",
    "prices",
    "prices.list",
    "specs.",
    "audiences",
    "axes",
    "ordered",
    "default",
    "all",
    "catalog",
    "files",
    "categories",
    ";",
    ",",
    "\"\"",
    "\"a;b\"",
];

/// Openers and closers for deep nesting.
const NESTS: &[(&str, &str)] = &[
    ("[", "]"),
    ("{a: ", "}"),
    ("- ", ""),
    ("  ", ""),
    ("> ", ""),
    ("::: only tier=gold\n", ":::\n"),
    ("*", "*"),
    ("<div>", "</div>"),
    ("[", "](x.md)"),
    ("\"", "\""),
];

/// A piece of text to insert.
#[derive(Debug, Clone)]
pub enum Piece {
    Known(&'static str),
    Random(String),
    /// A name far longer than any file system allows.
    Long(char, usize),
}

impl Piece {
    fn text(&self) -> String {
        match self {
            Piece::Known(s) => (*s).to_owned(),
            Piece::Random(s) => s.clone(),
            Piece::Long(c, n) => std::iter::repeat_n(*c, *n).collect(),
        }
    }
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        6 => proptest::sample::select(PIECES).prop_map(Piece::Known),
        2 => ".{0,12}".prop_map(Piece::Random),
        1 => (proptest::sample::select(vec!['a', 'é', '-', '\u{200B}', '9']), 200usize..5000)
            .prop_map(|(c, n)| Piece::Long(c, n)),
    ]
}

#[derive(Debug, Clone)]
pub enum Mutation {
    InsertLine(Index, Piece),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// The line repeated many times.
    RepeatLine(Index, usize),
    InsertText(Index, Piece),
    DeleteSpan(Index, usize),
    Truncate(Index),
    /// Every line ending rewritten: `\r\n`, `\r`, or alternating.
    Endings(u8),
    /// A line wrapped in `depth` openers and closers.
    Nest(Index, usize, usize),
    /// Bytes that are not UTF-8 (a lone lead byte, an invalid byte, a surrogate).
    InvalidUtf8(Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), piece()).prop_map(|(i, p)| Mutation::InsertLine(i, p)),
        2 => any::<Index>().prop_map(Mutation::DeleteLine),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (any::<Index>(), 2usize..300).prop_map(|(i, n)| Mutation::RepeatLine(i, n)),
        5 => (any::<Index>(), piece()).prop_map(|(i, p)| Mutation::InsertText(i, p)),
        2 => (any::<Index>(), 1usize..40).prop_map(|(i, n)| Mutation::DeleteSpan(i, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (0u8..3).prop_map(Mutation::Endings),
        1 => (any::<Index>(), 0..NESTS.len(), 2usize..200).prop_map(|(i, k, d)| Mutation::Nest(i, k, d)),
        1 => (any::<Index>(), 0u8..3).prop_map(|(i, k)| Mutation::InvalidUtf8(i, k)),
    ]
}

/// Byte offsets where each line starts, and the end.
fn line_starts(b: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        b.iter()
            .enumerate()
            .filter(|(_, c)| **c == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

/// The lines of `b`, each with its `\n` (the last maybe without).
fn lines(b: &[u8]) -> Vec<Vec<u8>> {
    b.split_inclusive(|c| *c == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// The nearest char boundary at or before `at` (inputs stay UTF-8 unless a mutation
/// breaks them on purpose).
fn boundary(b: &[u8], mut at: usize) -> usize {
    at = at.min(b.len());
    while at > 0 && at < b.len() && (b[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}

impl Mutation {
    fn apply(&self, b: &mut Vec<u8>) {
        match self {
            Mutation::InsertLine(i, p) => {
                let starts = line_starts(b);
                let at = starts[i.index(starts.len())];
                let mut line = p.text().into_bytes();
                line.push(b'\n');
                b.splice(at..at, line);
            }
            Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
                let mut ls = lines(b);
                if ls.is_empty() {
                    return;
                }
                let n = i.index(ls.len());
                if matches!(self, Mutation::DeleteLine(_)) {
                    ls.remove(n);
                } else {
                    let line = ls[n].clone();
                    ls.insert(n, line);
                }
                *b = ls.concat();
            }
            Mutation::SwapLines(x, y) => {
                let mut ls = lines(b);
                if ls.is_empty() {
                    return;
                }
                let (x, y) = (x.index(ls.len()), y.index(ls.len()));
                ls.swap(x, y);
                *b = ls.concat();
            }
            Mutation::RepeatLine(i, n) => {
                let mut ls = lines(b);
                if ls.is_empty() {
                    return;
                }
                let at = i.index(ls.len());
                let mut line = ls[at].clone();
                if !line.ends_with(b"\n") {
                    line.push(b'\n');
                }
                let repeated: Vec<Vec<u8>> = vec![line; *n];
                ls.splice(at..at, repeated);
                *b = ls.concat();
            }
            Mutation::InsertText(i, p) => {
                let at = boundary(b, i.index(b.len() + 1));
                b.splice(at..at, p.text().into_bytes());
            }
            Mutation::DeleteSpan(i, n) => {
                let from = boundary(b, i.index(b.len() + 1));
                let to = boundary(b, (from + n).min(b.len()));
                let to = if to < from { from } else { to };
                // Keep the end on a boundary: extend to the next char start.
                let mut to = to;
                while to < b.len() && (b[to] & 0xC0) == 0x80 {
                    to += 1;
                }
                b.drain(from..to);
            }
            Mutation::Truncate(i) => {
                let at = boundary(b, i.index(b.len() + 1));
                b.truncate(at);
            }
            Mutation::Endings(kind) => {
                let text: Vec<u8> = b.iter().copied().filter(|c| *c != b'\r').collect();
                let mut out = Vec::with_capacity(text.len() + text.len() / 8);
                let mut nth = 0;
                for c in text {
                    if c == b'\n' {
                        nth += 1;
                        match (kind, nth % 2) {
                            (0, _) | (2, 0) => out.extend_from_slice(b"\r\n"),
                            (1, _) => out.push(b'\r'),
                            _ => out.push(b'\n'),
                        }
                    } else {
                        out.push(c);
                    }
                }
                *b = out;
            }
            Mutation::Nest(i, k, depth) => {
                let mut ls = lines(b);
                let (open, close) = NESTS[*k];
                let at = i.index(ls.len() + 1);
                let mut nested = open.repeat(*depth).into_bytes();
                nested.extend_from_slice(b"x");
                nested.extend_from_slice(close.repeat(*depth).as_bytes());
                nested.push(b'\n');
                ls.insert(at, nested);
                *b = ls.concat();
            }
            Mutation::InvalidUtf8(i, k) => {
                let at = boundary(b, i.index(b.len() + 1));
                let bytes: &[u8] = match k {
                    0 => &[0xC3],
                    1 => &[0xFF, 0xFE],
                    _ => &[0xED, 0xA0, 0x80],
                };
                b.splice(at..at, bytes.iter().copied());
            }
        }
    }
}

/// A seed and the mutations applied to it, or raw input.
#[derive(Debug, Clone)]
pub enum Input {
    Mutated(String, Vec<Mutation>),
    Text(String),
    Bytes(Vec<u8>),
}

impl Input {
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Input::Mutated(seed, mutations) => {
                let mut b = seed.clone().into_bytes();
                for m in mutations {
                    m.apply(&mut b);
                }
                b
            }
            Input::Text(s) => s.clone().into_bytes(),
            Input::Bytes(b) => b.clone(),
        }
    }
}

/// Mostly near-valid mutations of `seeds`; some arbitrary text and bytes.
pub fn input(seeds: &'static [&'static str]) -> impl Strategy<Value = Input> {
    mutated(proptest::sample::select(seeds).prop_map(str::to_owned))
}

/// Mostly near-valid mutations of the seeds `seed` draws; some arbitrary text and bytes.
pub fn mutated(seed: impl Strategy<Value = String>) -> impl Strategy<Value = Input> {
    prop_oneof![
        12 => (seed, proptest::collection::vec(mutation(), 0..6))
            .prop_map(|(seed, m)| Input::Mutated(seed, m)),
        1 => any::<String>().prop_map(Input::Text),
        1 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Input::Bytes),
    ]
}
