//! Markdown → [`Document`], once per page, whatever the number of views.
//!
//! The body is cut at its `::: only …` / `:::` fences ([`fences`], which takes code-block
//! structure from CommonMark's own parse and fails closed on anything fence-like it does
//! not take as a fence) into *fragments*. Each fragment is rendered by pulldown-cmark
//! ([`render`]) into HTML **with holes**: every internal link's URL, the label of an empty
//! `sku:` link, every heading id and every code block is a [`Hole`] that `plan` fills per
//! view ([`Fragment::write`]). So a fragment's HTML names no page, file or heading by
//! itself: a link to what a view cannot see cannot be rendered, and a heading id depends
//! only on headings the view shows (issue #12). Which fragments a view keeps is decided in
//! `plan`, never here; N audiences cost one parse.
//!
//! Reference-style link definitions are visible where their block is: a fragment uses the
//! definitions of its own segment and of the segments around it (outside its blocks or in
//! blocks enclosing it), never those of a block that may be hidden when it is shown.
//! Footnotes keep their labels as their visible marks.

mod fences;
mod render;

use std::collections::HashMap;

use pulldown_cmark::{Options, Parser};

use crate::diag::{Diagnostic, Pos};
use crate::highlight;
use crate::model::audience::{AudienceModel, Restriction};
use crate::model::lifecycle::{Calendar, Window};

pub type BlockId = usize;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Document {
    pub fragments: Vec<Fragment>,
    /// The `::: only` blocks, in source order (a block's parent comes before it).
    pub blocks: Vec<OnlyBlock>,
    /// All headings, in order, each knowing its fragment.
    pub headings: Vec<Heading>,
    /// Links that belong to the page as a whole, shown wherever it is (a product's
    /// datasheet and image).
    pub attachments: Vec<Link>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Fragment {
    /// The HTML, in pieces: literal HTML and the holes a view fills.
    pub parts: Vec<Part>,
    /// The innermost `only` block enclosing this fragment; it and its ancestors must all
    /// admit the view.
    pub block: Option<BlockId>,
    pub links: Vec<Link>,
    /// The code blocks, plain until [`Fragment::highlight`].
    pub code: Vec<Code>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Part {
    Html(String),
    Hole(Hole),
}

/// A place in a fragment's HTML that depends on the view (or on highlighting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Hole {
    /// `<a href="…" title="…">` of the fragment's link `n` (a Markdown link).
    LinkStart(usize),
    /// The URL of link `n`, attribute-escaped (an image's `src`, a raw HTML `href`).
    Url(usize),
    /// The text of an empty link `n` to something with a name (`[](sku:HP-12)`).
    Label(usize),
    /// The id of the document's heading `n`.
    HeadingId(usize),
    /// The fragment's code block `n`.
    Code(usize),
    /// What link `n` (to a file) downloads: `PDF · 2.4 MB · 12 pages` (issue #14).
    FileMeta(usize),
}

/// A fenced code block: its plain HTML until [`Fragment::highlight`] replaces it.
/// Highlighting is the costliest part of a build, so it waits until it is known which
/// fragments the views being built show (`Site::highlight`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Code {
    pub html: String,
    pub lang: String,
    pub source: String,
    /// `html` is highlighted (it has `hl-` classes, styled by the generated highlight.css).
    pub highlighted: bool,
}

impl Fragment {
    /// Replaces the plain code blocks with highlighted ones (a language syntect does not
    /// know stays plain).
    pub fn highlight(&mut self) {
        for code in &mut self.code {
            if code.lang.is_empty() {
                continue;
            }
            if let Some(html) = highlight::code_block(&code.lang, &code.source) {
                code.html = html;
                code.highlighted = true;
            }
        }
    }

    /// Writes the fragment's HTML, asking `fill` for every view-dependent hole (code
    /// blocks are filled here).
    pub fn write(&self, out: &mut String, fill: &mut dyn FnMut(Hole, &mut String)) {
        for part in &self.parts {
            match part {
                Part::Html(html) => out.push_str(html),
                Part::Hole(Hole::Code(n)) => {
                    if let Some(code) = self.code.get(*n) {
                        out.push_str(&code.html);
                    }
                }
                Part::Hole(hole) => fill(*hole, out),
            }
        }
    }

    /// The literal HTML of the fragment, holes left out (for searching raw `id=` attributes).
    pub fn literal(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Html(h) => Some(h.as_str()),
            Part::Hole(_) => None,
        })
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct OnlyBlock {
    pub restriction: Restriction,
    /// `from=` / `until=` conditions.
    pub window: Window,
    pub pos: Pos,
    /// The block this one is nested in.
    pub parent: Option<BlockId>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    /// What the author wrote (`{#id}`) or the slug of the title: what `#anchor` links name.
    pub base: String,
    /// The id in a view that shows every heading (bases made unique in document order).
    /// A view's own ids are made unique among the headings it shows (`plan`).
    pub id: String,
    pub title: String,
    pub fragment: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkTarget {
    /// Another page (by index in `Site::pages`), maybe with an anchor.
    Page { page: usize, anchor: Option<String> },
    /// An anchor on the same page.
    SelfAnchor(String),
    /// A file under `content/` (by index in `Site::assets`).
    Asset(usize),
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub target: LinkTarget,
    /// What the author wrote.
    pub dest: String,
    /// The link's `title`, if any (Markdown links).
    pub title: String,
    pub pos: Pos,
    pub is_image: bool,
}

/// An internal link, resolved.
pub struct Resolved {
    pub target: LinkTarget,
    /// The target has a name to show when the author wrote no text (`[](sku:HP-12)`).
    pub labelled: bool,
}

/// Why a link cannot be resolved; becomes a diagnostic at the link.
pub struct LinkError {
    pub code: &'static str,
    pub message: String,
    pub help: String,
}

/// Maps what an author wrote in a link to where it goes. Implemented by the model, which
/// knows every page and asset.
pub trait LinkResolver {
    /// `Ok(None)` for external links (left as they are); `Ok(Some(_))` for internal ones;
    /// `Err` when the target does not exist or is refused.
    fn resolve(&self, dest: &str) -> Result<Option<Resolved>, LinkError>;
}

pub struct Input<'a> {
    pub file: &'a str,
    pub body: &'a str,
    /// File line of the body's first line, minus one.
    pub line_offset: u32,
    /// Columns the body is indented by in its file (a YAML block scalar), added to columns.
    pub column_offset: u32,
}

/// How many page bodies have been parsed in this process: lets a test prove that building
/// N audiences parses each page once (tests/parse_once.rs).
pub static PARSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Marks a hole in the HTML pulldown-cmark writes; [`normalize`] removes it from the input,
/// so every one in the output is ours.
pub(crate) const HOLE: char = '\u{FFFF}';

/// The body as CommonMark reads it: line endings (`\r\n`, lone `\r`) as `\n`, so that
/// every line-based step agrees with the parser about lines; the hole marker (a Unicode
/// noncharacter) replaced. Line and column numbers are unchanged.
fn normalize(body: &str) -> std::borrow::Cow<'_, str> {
    if !body.contains(['\r', HOLE]) {
        return body.into();
    }
    body.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace(HOLE, "\u{FFFD}")
        .into()
}

/// Parses a page body. Problems are pushed to `diags`; the document is still usable.
pub fn parse(
    input: &Input,
    audiences: &AudienceModel,
    calendar: &Calendar,
    links: &dyn LinkResolver,
    diags: &mut Vec<Diagnostic>,
) -> Document {
    PARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let body = normalize(input.body);
    let mut doc = Document::default();
    let fences::Split { segments, units } = fences::split(
        input.file,
        &body,
        input.line_offset,
        input.column_offset,
        audiences,
        calendar,
        &mut doc.blocks,
        diags,
    );
    let definitions = if segments.len() > 1 {
        definitions(&body, &segments)
    } else {
        Vec::new()
    };
    let mut bases = Vec::new();
    for unit in units {
        // A stretch of one segment, or a joined table or list: its text, where its lines
        // are in the file, where it is cut into pieces, and each piece's block.
        let (text, line, lines, cuts, blocks, range) = match unit {
            fences::Unit::Text {
                segment,
                start,
                end,
                line,
            } => {
                let text = &body[start..end];
                if text.trim().is_empty() {
                    continue;
                }
                let block = segments[segment].block;
                let text = std::borrow::Cow::Borrowed(text);
                (text, line, None, Vec::new(), vec![block], start..end)
            }
            fences::Unit::Joined(j) => {
                let line = j.lines.first().copied().unwrap_or(1);
                let text = std::borrow::Cow::Owned(j.text);
                (text, line, Some(j.lines), j.cuts, j.blocks, j.start..j.end)
            }
        };
        // The definitions each piece may use: those of segments always shown with it.
        let scopes: Vec<_> = std::iter::once(0)
            .chain(cuts.iter().copied())
            .zip(&blocks)
            .map(|(from, &block)| (from, Scope::of(&definitions, &doc.blocks, &range, block)))
            .collect();
        let mut r = render::FragmentRenderer::new(
            input.file,
            &text,
            line,
            input.column_offset,
            links,
            diags,
            doc.headings.len(),
        );
        if let Some(lines) = lines {
            r = r.joined(lines, cuts);
        }
        let pieces = r.render(&scopes);
        let found = r.finish();
        push_pieces(&mut doc, &mut bases, pieces, &blocks, found);
    }
    for (heading, id) in doc.headings.iter_mut().zip(unique_ids(&bases)) {
        heading.id = id;
    }
    doc
}

/// Is a definition in `outer`'s segment always shown where `inner`'s segment is? It is
/// when `outer` is no block, or `inner`'s block or one of its ancestors.
fn encloses(blocks: &[OnlyBlock], outer: Option<BlockId>, inner: Option<BlockId>) -> bool {
    let Some(outer) = outer else { return true };
    let mut at = inner;
    while let Some(b) = at {
        if b == outer {
            return true;
        }
        at = blocks[b].parent;
    }
    false
}

/// A reference-link definition and the segment it is in.
struct Definition {
    label: String,
    dest: String,
    title: String,
    block: Option<BlockId>,
    /// Where it is in the body.
    offset: usize,
    /// File line, for diagnostics.
    line: u32,
}

/// The definitions a text may use from elsewhere in the body, and those it may not.
struct Scope<'d> {
    visible: Vec<&'d Definition>,
    hidden: Vec<&'d Definition>,
}

impl<'d> Scope<'d> {
    /// For the text at `range` of the body, shown in `block`: definitions outside the
    /// text (CommonMark finds those inside it), visible when always shown with it.
    fn of(
        definitions: &'d [Definition],
        blocks: &[OnlyBlock],
        range: &std::ops::Range<usize>,
        block: Option<BlockId>,
    ) -> Self {
        let (visible, hidden) = definitions
            .iter()
            .filter(|d| !range.contains(&d.offset))
            .partition(|d| encloses(blocks, d.block, block));
        Scope { visible, hidden }
    }
}

/// Adds a rendered text's pieces to the document as fragments, one per piece in `blocks`
/// (empty pieces of a joined container left out), with the links, headings and code
/// blocks each piece holds.
fn push_pieces(
    doc: &mut Document,
    bases: &mut Vec<String>,
    pieces: Vec<Vec<Part>>,
    blocks: &[Option<BlockId>],
    render::Found {
        links,
        headings,
        code,
    }: render::Found,
) {
    let first_heading = doc.headings.len();
    let mut heading_fragment = vec![doc.fragments.len(); headings.len()];
    if pieces.len() == 1 {
        // One text, one fragment: numbers stay as they are.
        let [parts] = <[Vec<Part>; 1]>::try_from(pieces).unwrap_or_else(|_| unreachable!());
        doc.fragments.push(Fragment {
            parts,
            block: blocks.first().copied().flatten(),
            links,
            code,
        });
    } else {
        let mut links: Vec<Option<Link>> = links.into_iter().map(Some).collect();
        let mut code: Vec<Option<Code>> = code.into_iter().map(Some).collect();
        for (parts, &block) in pieces.into_iter().zip(blocks) {
            if parts.is_empty() {
                continue;
            }
            let index = doc.fragments.len();
            let mut fragment = Fragment {
                block,
                ..Fragment::default()
            };
            // Each link and code block is in one piece: renumbered within it.
            let mut renumber = |n: usize, is_code: bool| -> usize {
                if is_code {
                    fragment.code.extend(code.get_mut(n).and_then(Option::take));
                    fragment.code.len().saturating_sub(1)
                } else {
                    if let Some(link) = links.get_mut(n).and_then(Option::take) {
                        fragment.links.push(link);
                    }
                    fragment.links.len().saturating_sub(1)
                }
            };
            let mut seen: HashMap<usize, usize> = HashMap::new();
            let parts: Vec<Part> = parts
                .into_iter()
                .map(|part| match part {
                    Part::Hole(Hole::Code(n)) => Part::Hole(Hole::Code(renumber(n, true))),
                    Part::Hole(Hole::HeadingId(n)) => {
                        if let Some(f) = heading_fragment.get_mut(n - first_heading) {
                            *f = index;
                        }
                        part
                    }
                    Part::Hole(
                        hole @ (Hole::LinkStart(n)
                        | Hole::Url(n)
                        | Hole::Label(n)
                        | Hole::FileMeta(n)),
                    ) => {
                        let local = *seen.entry(n).or_insert_with(|| renumber(n, false));
                        Part::Hole(match hole {
                            Hole::LinkStart(_) => Hole::LinkStart(local),
                            Hole::Url(_) => Hole::Url(local),
                            Hole::Label(_) => Hole::Label(local),
                            _ => Hole::FileMeta(local),
                        })
                    }
                    other => other,
                })
                .collect();
            fragment.parts = parts;
            doc.fragments.push(fragment);
        }
    }
    for ((level, base, title), fragment) in headings.into_iter().zip(heading_fragment) {
        bases.push(base.clone());
        doc.headings.push(Heading {
            level,
            id: String::new(),
            base,
            title,
            fragment,
        });
    }
}

/// The reference definitions of every segment, each read by CommonMark within its segment.
fn definitions(body: &str, segments: &[fences::Segment]) -> Vec<Definition> {
    let mut out = Vec::new();
    for seg in segments {
        let text = &body[seg.start..seg.end];
        if !text.contains("]:") {
            continue;
        }
        let parser = Parser::new_ext(text, options());
        let mut defs: Vec<_> = parser.reference_definitions().iter().collect();
        defs.sort_by_key(|(_, d)| d.span.start);
        for (label, def) in defs {
            out.push(Definition {
                label: label.to_lowercase(),
                dest: def.dest.to_string(),
                title: def.title.as_deref().unwrap_or("").to_owned(),
                block: seg.block,
                offset: seg.start + def.span.start,
                line: seg.line + text[..def.span.start].matches('\n').count() as u32,
            });
        }
    }
    out
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Makes heading ids unique in order: the second `terms` becomes `terms-1`. `plan` uses
/// it on the headings a view shows, so that an id never depends on a hidden heading.
pub fn unique_ids<'a>(bases: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    bases
        .into_iter()
        .map(|base| {
            let base = if base.is_empty() { "section" } else { base };
            match seen.get_mut(base) {
                None => {
                    seen.insert(base.to_owned(), 0);
                    base.to_owned()
                }
                Some(n) => {
                    *n += 1;
                    let id = format!("{base}-{n}");
                    seen.insert(id.clone(), 0);
                    id
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, dest: &str) -> Result<Option<Resolved>, LinkError> {
            // `x.md` and `#…` are internal; everything else external.
            Ok(match dest {
                "x.md" => Some(Resolved {
                    target: LinkTarget::Page {
                        page: 0,
                        anchor: None,
                    },
                    labelled: false,
                }),
                d if d.starts_with('#') => Some(Resolved {
                    target: LinkTarget::SelfAnchor(d[1..].to_owned()),
                    labelled: false,
                }),
                _ => None,
            })
        }
    }

    fn parse_str(body: &str) -> (Document, Vec<Diagnostic>) {
        let yaml = "axes:\n  tier: { values: [public, silver, gold], ordered: true }\n  role: { values: [sales, technical] }\naudiences:\n  a: { tier: gold }\n";
        let node = crate::yaml::parse(yaml, "kanava.yaml", 0).unwrap();
        let mut diags = Vec::new();
        let model = crate::model::audience::from_config(Some(&node), &mut diags);
        let doc = parse(
            &Input {
                file: "p.md",
                body,
                line_offset: 3,
                column_offset: 0,
            },
            &model,
            &Calendar::utc(),
            &NoLinks,
            &mut diags,
        );
        (doc, diags)
    }

    /// A fragment's HTML with its holes shown as `{a0}`, `{h1}`…
    fn html(fragment: &Fragment) -> String {
        let mut out = String::new();
        fragment.write(&mut out, &mut |hole, out| {
            out.push_str(&format!("{{{hole:?}}}"));
        });
        out
    }

    fn codes(diags: &[Diagnostic]) -> Vec<(&str, u32)> {
        diags
            .iter()
            .map(|d| (d.code, d.pos.map_or(0, |p| p.line)))
            .collect()
    }

    /// Code is plain after parsing, each block where it belongs, and highlighting replaces
    /// exactly the blocks with a language syntect knows.
    #[test]
    fn code_is_plain_until_highlighted() {
        let body = "Intro\n\n```rust\nfn a() {}\n```\n\n- item\n\n  ```yaml\n  k: v\n  ```\n\n```klingon\nx < y\n```\n\n```\nbare\n```\n\nEnd\n";
        let (doc, diags) = parse_str(body);
        assert!(diags.is_empty(), "{diags:?}");
        let mut fragment = doc.fragments[0].clone();
        assert_eq!(fragment.code.len(), 4);
        let plain = html(&fragment);
        assert!(
            plain.contains(
                "<pre class=\"code\" tabindex=\"0\"><code>bare\n</code></pre>\n<p>End</p>"
            )
        );
        assert!(plain.contains(&highlight::plain("rust", "fn a() {}\n")));
        assert!(fragment.code.iter().all(|c| !c.highlighted));
        fragment.highlight();
        let highlighted: Vec<bool> = fragment.code.iter().map(|c| c.highlighted).collect();
        assert_eq!(highlighted, [true, true, false, false]);
        let rust = highlight::code_block("rust", "fn a() {}\n").unwrap();
        let yaml = highlight::code_block("yaml", "k: v\n").unwrap();
        let lit = html(&fragment);
        assert!(lit.contains(&rust) && lit.contains(&yaml));
        assert!(lit.contains(&highlight::plain("klingon", "x < y\n")));
        assert_eq!(
            lit.replace(&rust, "R").replace(&yaml, "Y"),
            plain
                .replace(&highlight::plain("rust", "fn a() {}\n"), "R")
                .replace(&highlight::plain("yaml", "k: v\n"), "Y")
        );
    }

    /// Issue #13: every table scrolls sideways in a box of its own, a tab stop named after
    /// its column headings; nothing else is wrapped.
    #[test]
    fn tables_scroll_in_a_named_box() {
        let body = "Intro\n\n| Warehouse | Cut-off [time](x.md) | `TZ` |\n| --- | --- | --- |\n| Kuopio | 12:00 | EET |\n\n| a & b |\n| - |\n| 1 |\n\nEnd\n";
        let (doc, diags) = parse_str(body);
        assert!(diags.is_empty(), "{diags:?}");
        let out = html_of(&doc);
        let first = "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table: Warehouse, Cut-off time, TZ\">\n<table>";
        let second = "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table: a &amp; b\">\n<table>";
        assert!(out.contains(first), "{out}");
        assert!(out.contains(second), "{out}");
        assert_eq!(out.matches("</table>\n</div>\n").count(), 2, "{out}");
        assert!(
            out.starts_with("<p>Intro</p>") && out.ends_with("<p>End</p>\n"),
            "{out}"
        );

        let long = format!(
            "| {} | {} | c |\n| - | - | - |\n| 1 | 2 | 3 |\n",
            "x".repeat(40),
            "y".repeat(40)
        );
        let (doc, _) = parse_str(&long);
        let out = html_of(&doc);
        assert!(
            out.contains(&format!("aria-label=\"Table: {}, …\"", "x".repeat(40))),
            "{out}"
        );

        let (doc, _) = parse_str("No table | here\n");
        assert!(!html_of(&doc).contains("table-scroll"));
    }

    fn html_of(doc: &Document) -> String {
        doc.fragments.iter().map(html).collect()
    }

    /// The hole marker in a page is replaced, so it can never forge a hole.
    #[test]
    fn a_written_marker_is_not_a_hole() {
        let (doc, _) = parse_str("a \u{FFFF}a0\u{FFFF} b <span title=\"\u{FFFF}h0\u{FFFF}\">\n");
        let fragment = &doc.fragments[0];
        assert!(fragment.parts.iter().all(|p| matches!(p, Part::Html(_))));
        assert!(html(fragment).contains("\u{FFFD}a0\u{FFFD}"));
    }

    #[test]
    fn fences_split_fragments_and_nest() {
        let (doc, diags) = parse_str(
            "# Top\n\nintro\n\n::: only tier=silver\n## Silver\nS\n::: only role=technical\nT\n:::\n:::\nend\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(doc.blocks[1].parent, Some(0));
        let blocks: Vec<_> = doc.fragments.iter().map(|f| f.block).collect();
        assert_eq!(blocks, vec![None, Some(0), Some(1), None]);
        assert_eq!(doc.headings[1].fragment, 1);
        assert_eq!(doc.blocks[0].pos, Pos::new(8, 1));
    }

    #[test]
    fn fences_inside_closed_code_are_text() {
        for body in [
            "```\n::: only tier=gold\n```\n",
            "- item\n\n  ```markdown\n  ::: only tier=gold\n  x\n  :::\n  ```\n",
            "> ```\n> ::: only tier=gold\n> ```\n",
            "~~~~\n```\n::: only tier=gold\n```\n~~~~\n",
            "```\n:only tier=gold\n::: only tier=gold\n```\n",
        ] {
            let (doc, diags) = parse_str(body);
            assert!(diags.is_empty(), "{body:?}: {diags:?}");
            assert_eq!(doc.fragments.len(), 1, "{body:?}");
            assert!(html(&doc.fragments[0]).contains("::: only tier=gold"));
        }
    }

    /// The shapes of the `only-fence-ignored` report (issue #12): each line that looks like
    /// a fence is a fence, or an error.
    #[test]
    fn fence_like_lines_are_fences_or_errors() {
        // Taken as fences: CommonMark sees no code block around them.
        for body in [
            "```kanava build``` writes\n::: only tier=gold\nsecret\n:::\n",
            "- a\n\n  ```\n  code\n- b\n\n::: only tier=gold\nsecret\n:::\n",
            "<pre>\n```\n</pre>\n\n::: only tier=gold\nsecret\n:::\n",
            "Public.\r\r::: only tier=gold\rsecret\r:::\r",
            "Public.\r\n::: only tier=gold\r\nsecret\r\n:::\r\n",
            "- a\n- b\n::: only tier=gold\nsecret\n:::\n",
            "| a |\n|---|\n| 1 |\n::: only tier=gold\nsecret\n:::\n",
            "<div>\n::: only tier=gold\nsecret\n:::\n</div>\n",
        ] {
            let (doc, diags) = parse_str(body);
            assert!(diags.is_empty(), "{body:?}: {diags:?}");
            let secret: Vec<_> = doc
                .fragments
                .iter()
                .filter(|f| html(f).contains("secret"))
                .map(|f| f.block)
                .collect();
            assert_eq!(secret, vec![Some(0)], "{body:?}");
            assert!(
                doc.fragments.iter().all(|f| !html(f).contains(":::")),
                "{body:?}"
            );
        }
        // Errors: not a fence, but a reader would take it for one.
        for (body, code, line) in [
            (
                "1. step\n\n    ::: only tier=gold\n    secret\n    :::\n",
                "ambiguous-fence",
                6,
            ),
            (
                "> ::: only tier=gold\n> secret\n> :::\n",
                "ambiguous-fence",
                4,
            ),
            (
                "```\nunclosed\n\n::: only tier=gold\nsecret\n:::\n",
                "fence-in-open-code",
                7,
            ),
            (
                "\u{200B}::: only tier=gold\nsecret\n:::\n",
                "ambiguous-fence",
                4,
            ),
            ("\t::: only tier=gold\nsecret\n:::\n", "ambiguous-fence", 4),
            ("\u{A0}::: only tier=gold\nsecret\n", "ambiguous-fence", 4),
            (":: only tier=gold\nsecret\n", "ambiguous-fence", 4),
            ("- ::: only tier=gold\n", "ambiguous-fence", 4),
            ("text\n\n    ::: only tier=gold\n", "ambiguous-fence", 6),
        ] {
            let (_, diags) = parse_str(body);
            assert!(
                codes(&diags).contains(&(code, line)),
                "{body:?}: expected {code} at {line}, got {diags:?}"
            );
        }
    }

    #[test]
    fn block_errors() {
        let (_, diags) = parse_str("::: only tier=glod rol=sales\nx\n");
        let codes: Vec<_> = diags
            .iter()
            .map(|d| (d.code, d.pos.unwrap().column))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("unknown-axis-value", 15),
                ("unknown-axis", 20),
                ("unclosed-block", 1)
            ]
        );
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `gold`")
        );
        assert_eq!(diags[0].pos.unwrap().line, 4);
    }

    /// The HTML a view shows when the blocks `shown` (by id) are visible and no other.
    fn view(doc: &Document, shown: &[BlockId]) -> String {
        let visible = |mut b: Option<BlockId>| {
            while let Some(x) = b {
                if !shown.contains(&x) {
                    return false;
                }
                b = doc.blocks[x].parent;
            }
            true
        };
        doc.fragments
            .iter()
            .filter(|f| visible(f.block))
            .map(html)
            .collect()
    }

    /// Issue #13: `::: only` around table rows and list items restricts those rows and
    /// items, and every view gets one well-formed table or list.
    #[test]
    fn blocks_restrict_table_rows_and_list_items() {
        let table = "Intro.\n\n| Product | Price |\n|---|--:|\n| A | 1 |\n::: only tier=gold\n| B | 2 |\n:::\n| C | 3 |\n::: only tier=gold\n| D | 4 |\n:::\n\nAfter.\n";
        let (doc, diags) = parse_str(table);
        assert!(diags.is_empty(), "{diags:?}");
        let plain = view(&doc, &[]);
        assert_eq!(plain.matches("<table>").count(), 1, "{plain}");
        assert_eq!(plain.matches("</table>").count(), 1, "{plain}");
        assert!(plain.contains("<td>A</td>") && plain.contains("<td>C</td>"));
        assert!(!plain.contains('B') && !plain.contains('D') && !plain.contains('|'));
        // Every row keeps the table's alignment.
        assert!(
            plain.contains("<td style=\"text-align: right\">3</td>"),
            "{plain}"
        );
        let gold = view(&doc, &[0, 1]);
        let rows: Vec<_> = gold.match_indices("<tr>").collect();
        assert_eq!(rows.len(), 5, "{gold}");
        assert!(gold.find("<td>B</td>") < gold.find("<td>C</td>"));
        assert!(gold.find("</table>") < gold.find("After."));

        let list =
            "1. one\n2. two\n::: only tier=gold\n3. gold [x](x.md)\n:::\n4. four [y](#top)\n";
        let (doc, diags) = parse_str(list);
        assert!(diags.is_empty(), "{diags:?}");
        let plain = view(&doc, &[]);
        assert_eq!(plain.matches("<ol>").count(), 1, "{plain}");
        assert_eq!(plain.matches("</ol>").count(), 1, "{plain}");
        assert!(!plain.contains("gold"), "{plain}");
        let gold = view(&doc, &[0]);
        assert_eq!(gold.matches("<li>").count(), 4, "{gold}");
        // Links are numbered within their own fragment, which holds them.
        let with = |s: &str| doc.fragments.iter().find(|f| html(f).contains(s)).unwrap();
        assert_eq!(with("gold").links.len(), 1);
        assert_eq!(with("gold").links[0].dest, "x.md");
        assert_eq!(with("four").links[0].dest, "#top");
        assert!(html(with("four")).contains("{LinkStart(0)}"));

        // After a fence, a sentence or a new table is not a row of the table above.
        for body in [
            "| h |\n|---|\n| a |\n::: only tier=gold\nGold text.\n:::\n",
            "| h |\n|---|\n| a |\n::: only tier=gold\n| h2 |\n|---|\n| b |\n:::\n",
        ] {
            let (doc, diags) = parse_str(body);
            assert!(diags.is_empty(), "{diags:?}");
            let gold = view(&doc, &[0]);
            assert_eq!(
                gold.matches("<td>").count(),
                body.matches("| a").count() + body.matches("| b").count(),
                "{gold}"
            );
            assert!(!view(&doc, &[]).contains("Gold") && !view(&doc, &[]).contains("h2"));
        }
        // A fence after the last restricted row ends the table, as the author reads it.
        let (doc, diags) =
            parse_str("| h |\n|---|\n| a |\n::: only tier=gold\n| b |\n:::\nafter\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(
            view(&doc, &[0]).ends_with("</table>\n</div>\n<p>after</p>\n"),
            "{}",
            view(&doc, &[0])
        );
        let (doc, diags) = parse_str("1. a\n::: only tier=gold\n2. b\n:::\n\n    code\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(
            view(&doc, &[]).contains("</ol>\n<pre class=\"code\" tabindex=\"0\"><code>code\n"),
            "{}",
            view(&doc, &[])
        );
        // After a blank line, a fence ends the list, as it reads: what follows stands alone
        // even where CommonMark without the fences would take it into the last item and go
        // on with the list (a fuzz finding).
        let (doc, diags) = parse_str(
            "- a\n- b\n\n::: only tier=gold\n    code\n\n:::\n\n::: only tier=gold\n- c\n:::\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let gold = view(&doc, &[0, 1]);
        assert_eq!(gold.matches("<ul>").count(), 2, "{gold}");
        assert!(gold.contains("<pre"), "{gold}");
        // Before it, a fence inside a row is an error.
        let (_, diags) = parse_str(
            "| h |\n|---|\n| a |\n::: only tier=gold\nx\n:::\n| b |\n::: only tier=gold\n| c |\n:::\n",
        );
        assert_eq!(codes(&diags), vec![("fence-inside-item", 7)], "{diags:?}");

        // A list that begins inside a block and goes on after it.
        let (doc, diags) = parse_str("::: only tier=gold\n- a\n:::\n- b\n");
        assert!(diags.is_empty(), "{diags:?}");
        let flat = |s: String| s.replace('\n', "");
        assert_eq!(flat(view(&doc, &[])), "<ul><li>b</li></ul>");
        assert_eq!(flat(view(&doc, &[0])), "<ul><li>a</li><li>b</li></ul>");
    }

    #[test]
    fn blocks_cutting_an_item_or_quote_are_errors() {
        for (body, code, line) in [
            // The fence is inside item a: `more` goes on with it (CommonMark).
            (
                "- a\n::: only tier=gold\n  more\n:::\n- b\n",
                "fence-inside-item",
                5,
            ),
            (
                "::: only tier=gold\n| h |\n|---|\n| a |\n:::\n| b |\n",
                "block-ends-inside-table",
                8,
            ),
            (
                "> a\n::: only tier=gold\n> b\n:::\n",
                "block-splits-quote",
                5,
            ),
            (
                "- a\n::: only tier=gold\n- b\n\n  [r]: https://example.com\n:::\n- [c][r]\n",
                "definition-in-split-list",
                4,
            ),
            ("::: onyl tier=gold\nx\n:::\n", "unknown-block", 4),
        ] {
            let (_, diags) = parse_str(body);
            assert!(
                codes(&diags).contains(&(code, line)),
                "{body:?}: expected {code} at {line}, got {diags:?}"
            );
        }
        let (_, diags) = parse_str("::: onyl tier=gold\nx\n:::\n");
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `only`?")
        );
    }

    /// A broken link in a joined list is reported at its own line (fence lines are not in
    /// the text CommonMark reads there).
    #[test]
    fn joined_containers_keep_file_positions() {
        let body = "- a\n::: only tier=gold\n- b\n:::\n- c [dead][nowhere] and ![i](x.md)\n";
        let (doc, diags) = parse_str(body);
        assert!(diags.is_empty(), "{diags:?}");
        let with_image = doc
            .fragments
            .iter()
            .flat_map(|f| &f.links)
            .find(|l| l.is_image)
            .unwrap();
        assert_eq!(with_image.pos.line, 8);
    }

    /// 20,000 nested blocks: linear, not quadratic (issue #12's 540 KB page took 3.1 GB).
    #[test]
    fn deep_nesting_is_linear() {
        let n = 20_000;
        let mut body = String::new();
        for i in 0..n {
            body.push_str(&format!("::: only tier=silver\nline {i}\n"));
        }
        for _ in 0..n {
            body.push_str(":::\n");
        }
        let (doc, diags) = parse_str(&body);
        assert!(diags.is_empty());
        assert_eq!(doc.blocks.len(), n);
        assert_eq!(doc.fragments.len(), n);
        assert_eq!(doc.fragments[n - 1].block, Some(n - 1));
    }

    #[test]
    fn heading_ids_are_holes_with_document_ids() {
        let (doc, _) = parse_str("## Terms\n::: only tier=gold\n## Terms\n:::\n## Terms {#own}\n");
        let ids: Vec<_> = doc.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, vec!["terms", "terms-1", "own"]);
        let bases: Vec<_> = doc.headings.iter().map(|h| h.base.as_str()).collect();
        assert_eq!(bases, vec!["terms", "terms", "own"]);
        assert_eq!(
            html(&doc.fragments[1]),
            "<h2 id=\"{HeadingId(1)}\">Terms<a class=\"anchor\" href=\"#{HeadingId(1)}\" aria-label=\"Link to this heading\">#</a></h2>\n"
        );
    }

    #[test]
    fn reference_definitions_are_seen_only_where_their_block_is() {
        // Outside blocks: seen everywhere. Same block or an enclosing one: seen.
        let (doc, diags) = parse_str(
            "> [!WARNING]\n> Hot\n\n::: only tier=gold\nsee [the site][x] and [in][y]\n::: only role=sales\n[deep][y]\n:::\n[y]: https://gold.example\n:::\n\n[x]: https://example.com\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert!(html(&doc.fragments[0]).contains("callout-warning"));
        let gold = html(&doc.fragments[1]);
        assert!(gold.contains("href=\"https://example.com\""), "{gold}");
        assert!(gold.contains("href=\"https://gold.example\""), "{gold}");
        assert!(html(&doc.fragments[2]).contains("href=\"https://gold.example\""));
        // A definition inside a block, used outside it or in a sibling block: an error,
        // and the link is not made.
        let (doc, diags) = parse_str(
            "public [calc][c]\n\n::: only tier=gold\n[c]: https://secret.example\n:::\n::: only tier=silver\n[again][c]\n:::\n",
        );
        assert_eq!(
            codes(&diags),
            vec![("hidden-reference", 4), ("hidden-reference", 10)]
        );
        assert!(
            doc.fragments
                .iter()
                .all(|f| f.block == Some(0) || !html(f).contains("secret"))
        );
    }

    #[test]
    fn raw_html_links_are_resolved() {
        let (doc, _) = parse_str(
            "<a href=\"x.md\">page</a> and <img src=\"https://e.example/i.png\">\n\n<div>\n<a\n  href='#top'>top</a>\n</div>\n",
        );
        let f = &doc.fragments[0];
        assert_eq!(f.links.len(), 2);
        let out = html(f);
        assert!(out.contains("<a href=\"{Url(0)}\">page</a>"), "{out}");
        assert!(out.contains("href='{Url(1)}'"), "{out}");
        assert!(out.contains("src=\"https://e.example/i.png\""), "{out}");
    }
}
