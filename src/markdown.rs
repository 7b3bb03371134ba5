//! Markdown → [`Document`], once per page, whatever the number of views.
//!
//! The body is first cut at `::: only …` / `:::` fence lines into *fragments*; each fragment
//! is rendered to HTML by pulldown-cmark (links rewritten, headings given ids, alerts turned
//! into callouts, code blocks plain) and remembers the `only` blocks around it. A view
//! later keeps the fragments whose blocks its audience satisfies — that choice is made in
//! `plan`, never here — so N audiences cost one parse. Code is highlighted later, once,
//! and only in fragments a view being built shows ([`Fragment::highlight`]).
//!
//! Fences are block-level, like Pandoc's fenced divs: a `:::` line must stand alone (up to
//! three spaces of indent) outside code blocks. Reference-style link definitions are shared
//! across fragments; footnotes keep their labels as their visible marks.

use std::collections::HashMap;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::highlight;
use crate::model::audience::{AudienceModel, Restriction};
use crate::model::lifecycle::{CONDITION_KEYS, Calendar, Window};

pub type BlockId = usize;

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub fragments: Vec<Fragment>,
    /// The `::: only` blocks, in source order.
    pub blocks: Vec<OnlyBlock>,
    /// All headings, in order, each knowing its fragment.
    pub headings: Vec<Heading>,
}

#[derive(Debug, Clone)]
pub struct Fragment {
    /// Complete HTML; code blocks plain until [`Fragment::highlight`].
    pub html: String,
    /// The blocks enclosing this fragment, outermost first; all must admit the audience.
    pub blocks: Vec<BlockId>,
    pub links: Vec<Link>,
    /// The code blocks with a language, not yet highlighted.
    pub code: Vec<Code>,
}

/// A fenced code block with a language, shown plain in its fragment's HTML at `at` until
/// [`Fragment::highlight`] replaces it. Highlighting is the costliest part of a build, so it
/// waits until it is known which fragments the views being built show (`Site::highlight`).
#[derive(Debug, Clone)]
pub struct Code {
    /// Where [`highlight::plain`]'s HTML of the block is in the fragment's HTML.
    pub at: std::ops::Range<usize>,
    pub lang: String,
    pub source: String,
}

impl Fragment {
    /// Replaces the plain code blocks with highlighted ones (a language syntect does not
    /// know stays plain). The HTML is complete before and after.
    pub fn highlight(&mut self) {
        // From the last, so that the earlier ranges stay valid.
        for code in std::mem::take(&mut self.code).into_iter().rev() {
            if let Some(html) = highlight::code_block(&code.lang, &code.source) {
                self.html.replace_range(code.at, &html);
            }
        }
    }
}

/// Stands for a code block in the events until the fragment's HTML is written; see
/// [`FragmentRenderer::place_code`]. Ends with a newline like the block it stands for, so
/// that the HTML around it is written the same.
const CODE_MARKER: &str = "<!--kanava:code-->\n";

#[derive(Debug, Clone)]
pub struct OnlyBlock {
    pub restriction: Restriction,
    /// `from=` / `until=` conditions.
    pub window: Window,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub fragment: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another page (by index in `Site::pages`), maybe with an anchor.
    Page { page: usize, anchor: Option<String> },
    /// An anchor on the same page.
    SelfAnchor(String),
    /// A file under `content/` (by index in `Site::assets`).
    Asset(usize),
}

#[derive(Debug, Clone)]
pub struct Link {
    pub target: LinkTarget,
    /// What the author wrote.
    pub dest: String,
    pub pos: Pos,
    pub is_image: bool,
}

/// An internal link, resolved: the URL to write and what it points to.
pub struct Resolved {
    pub href: String,
    pub target: LinkTarget,
    /// Text to show when the author wrote none (`[](sku:HP-12)` shows the product's name).
    pub label: Option<String>,
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

/// Parses a page body. Problems are pushed to `diags`; the document is still usable.
pub fn parse(
    input: &Input,
    audiences: &AudienceModel,
    calendar: &Calendar,
    links: &dyn LinkResolver,
    diags: &mut Vec<Diagnostic>,
) -> Document {
    PARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut doc = Document::default();
    let segments = split_fences(input, audiences, calendar, &mut doc.blocks, diags);
    let refdefs = if segments.len() > 1 {
        reference_definitions(input.body)
    } else {
        HashMap::new()
    };
    let mut ids = HeadingIds::default();
    for seg in segments {
        let text = &input.body[seg.start..seg.end];
        if text.trim().is_empty() {
            continue;
        }
        let fragment_index = doc.fragments.len();
        let mut r = FragmentRenderer {
            file: input.file,
            text,
            first_line: seg.line,
            column_offset: input.column_offset,
            line_starts: line_starts(text),
            resolver: links,
            diags,
            links: Vec::new(),
            headings: Vec::new(),
            ids: &mut ids,
            label: None,
            code: Vec::new(),
        };
        let (html, code) = r.render(&refdefs);
        let (links, headings) = (r.links, r.headings);
        doc.headings
            .extend(headings.into_iter().map(|(level, id, title)| Heading {
                level,
                id,
                title,
                fragment: fragment_index,
            }));
        doc.fragments.push(Fragment {
            html,
            blocks: seg.blocks,
            links,
            code,
        });
    }
    doc
}

struct Segment {
    start: usize,
    end: usize,
    /// File line of the segment's first line.
    line: u32,
    blocks: Vec<BlockId>,
}

fn split_fences(
    input: &Input,
    audiences: &AudienceModel,
    calendar: &Calendar,
    blocks: &mut Vec<OnlyBlock>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut stack: Vec<BlockId> = Vec::new();
    let mut code_fence: Option<(char, usize)> = None;
    let mut seg_start = 0;
    let mut seg_line = input.line_offset + 1;
    let mut offset = 0;
    for (i, line) in input.body.split_inclusive('\n').enumerate() {
        let line_no = input.line_offset + 1 + i as u32;
        let line_end = offset + line.len();
        let indent = line.len() - line.trim_start_matches(' ').len();
        let trimmed = line.trim();
        if indent <= 3 {
            if let Some(fence) = code_fence_marker(trimmed) {
                match code_fence {
                    None => code_fence = Some(fence),
                    Some((c, n))
                        if fence.0 == c
                            && fence.1 >= n
                            && trimmed.trim_start_matches(c).trim().is_empty() =>
                    {
                        code_fence = None
                    }
                    Some(_) => {}
                }
            } else if code_fence.is_none() && trimmed.starts_with(":::") {
                segments.push(Segment {
                    start: seg_start,
                    end: offset,
                    line: seg_line,
                    blocks: stack.clone(),
                });
                seg_start = line_end;
                seg_line = line_no + 1;
                let rest = trimmed.trim_start_matches(':').trim();
                let col = indent as u32 + 1 + input.column_offset;
                if rest.is_empty() {
                    if stack.pop().is_none() {
                        diags.push(
                            Diagnostic::error(
                                "unmatched-block-end",
                                "`:::` closes no open `::: only` block",
                            )
                            .at(input.file, Pos::new(line_no, col))
                            .len(3)
                            .help("remove this line, or open a block above it with `::: only …`"),
                        );
                    }
                } else {
                    let conditions = parse_only(
                        rest,
                        input.file,
                        Pos::new(line_no, col + (trimmed.len() - rest.len()) as u32),
                        audiences,
                        calendar,
                        diags,
                    );
                    // A block with errors fails the build; keep its place so parsing goes on.
                    let (restriction, window) = conditions.unwrap_or_default();
                    blocks.push(OnlyBlock {
                        restriction,
                        window,
                        pos: Pos::new(line_no, col),
                    });
                    stack.push(blocks.len() - 1);
                }
            }
        }
        offset = line_end;
    }
    segments.push(Segment {
        start: seg_start,
        end: input.body.len(),
        line: seg_line,
        blocks: stack.clone(),
    });
    for open in stack {
        diags.push(
            Diagnostic::error("unclosed-block", "this `::: only` block is never closed")
                .at(input.file, blocks[open].pos)
                .len(3)
                .help("add a line with `:::` where the restricted part ends"),
        );
    }
    segments
}

fn code_fence_marker(trimmed: &str) -> Option<(char, usize)> {
    let c = trimmed.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = trimmed.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// Parses `only tier=gold role=sales,technical` (after the `:::`).
/// Parses `only tier=gold role=sales,technical from=2026-12-01` (after the `:::`).
fn parse_only(
    rest: &str,
    file: &str,
    at: Pos,
    audiences: &AudienceModel,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Restriction, Window)> {
    let (line, col) = (at.line, at.column);
    let (kind, conds) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if kind != "only" {
        diags.push(
            Diagnostic::error("unknown-block", format!("unknown block kind `{kind}`"))
                .at(file, Pos::new(line, col))
                .len(kind.chars().count())
                .help("kanava knows `::: only <axis>=<values>` blocks, e.g. `::: only tier=gold`"),
        );
        return None;
    }
    let mut restriction = Restriction::default();
    let mut window = Window::default();
    let mut ok = true;
    let conds_col = col + (rest.len() - conds.len()) as u32;
    let mut any = false;
    for (tok_start, token) in tokens(conds) {
        any = true;
        let tok_col = conds_col + conds[..tok_start].chars().count() as u32;
        let Some((axis_name, values)) = token.split_once('=') else {
            diags.push(
                Diagnostic::error("bad-condition", format!("`{token}` is not a condition"))
                    .at(file, Pos::new(line, tok_col))
                    .len(token.chars().count())
                    .help("write conditions as `axis=value` or `axis=a,b`, e.g. `tier=gold role=sales`"),
            );
            ok = false;
            continue;
        };
        if CONDITION_KEYS.contains(&axis_name) {
            let parsed = if axis_name == "from" {
                calendar.parse(values)
            } else {
                calendar.parse_until(values)
            };
            match parsed {
                Some(ts) if axis_name == "from" => window.from = Some(ts),
                Some(ts) => window.until = Some(ts),
                None => {
                    diags.push(
                        Diagnostic::error("bad-date", format!("`{values}` is not a valid date or date and time"))
                            .at(file, Pos::new(line, tok_col + axis_name.len() as u32 + 1))
                            .len(values.chars().count().max(1))
                            .help("write e.g. `from=2026-12-01` or `until=2026-12-31T18:00`; `until` with a date keeps the block through that day"),
                    );
                    ok = false;
                }
            }
            continue;
        }
        let Some(axis) = audiences.axis_id(axis_name) else {
            let mut known = audiences.axis_names();
            known.extend(CONDITION_KEYS);
            let help = if known.len() == CONDITION_KEYS.len() {
                "this site defines no audience axes (add an `audience:` block to kanava.yaml); dates work: `from=2026-12-01`, `until=2026-12-31`"
                    .to_owned()
            } else {
                suggest_help(axis_name, &known, "known axes")
            };
            diags.push(
                Diagnostic::error("unknown-axis", format!("unknown axis `{axis_name}`"))
                    .at(file, Pos::new(line, tok_col))
                    .len(axis_name.chars().count())
                    .help(help),
            );
            ok = false;
            continue;
        };
        let values_col = tok_col + axis_name.chars().count() as u32 + 1;
        let mut vals = Vec::new();
        let mut c = values_col;
        for v in values.split(',') {
            vals.push((v, Pos::new(line, c)));
            c += v.chars().count() as u32 + 1;
        }
        let vals: Vec<_> = vals.into_iter().filter(|(v, _)| !v.is_empty()).collect();
        match audiences.req_from_values(axis, &vals, file, Pos::new(line, tok_col)) {
            Ok(req) => restriction.require(axis, req),
            Err(d) => {
                diags.push(d);
                ok = false;
            }
        }
    }
    if !any {
        diags.push(
            Diagnostic::error("bad-condition", "`::: only` needs at least one condition")
                .at(file, Pos::new(line, col))
                .help("e.g. `::: only tier=gold`"),
        );
        ok = false;
    }
    if let (Some(from), Some(until)) = (window.from, window.until)
        && until <= from
    {
        diags.push(
            Diagnostic::error("expires-before-publish", "`until` is not after `from`")
                .at(file, Pos::new(line, col))
                .help("the block would never be shown; check both dates"),
        );
        ok = false;
    }
    ok.then_some((restriction, window))
}

/// Whitespace-separated tokens with their byte offsets.
fn tokens(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split(char::is_whitespace)
        .filter(|t| !t.is_empty())
        .map(move |t| (t.as_ptr() as usize - s.as_ptr() as usize, t))
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

type RefDefs = HashMap<String, (String, String)>;

fn reference_definitions(body: &str) -> RefDefs {
    let parser = Parser::new_ext(body, options());
    parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| {
            (
                label.to_lowercase(),
                (
                    def.dest.to_string(),
                    def.title.as_deref().unwrap_or("").to_owned(),
                ),
            )
        })
        .collect()
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

#[derive(Default)]
struct HeadingIds {
    seen: HashMap<String, usize>,
}

impl HeadingIds {
    fn unique(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_owned()
        } else {
            base
        };
        match self.seen.get_mut(&base) {
            None => {
                self.seen.insert(base.clone(), 0);
                base
            }
            Some(n) => {
                *n += 1;
                let id = format!("{base}-{n}");
                self.seen.insert(id.clone(), 0);
                id
            }
        }
    }
}

/// `Lead times & cut-off` → `lead-times-cut-off`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    out
}

struct FragmentRenderer<'a, 'd> {
    file: &'a str,
    column_offset: u32,
    text: &'a str,
    first_line: u32,
    line_starts: Vec<usize>,
    resolver: &'a dyn LinkResolver,
    diags: &'d mut Vec<Diagnostic>,
    links: Vec<Link>,
    headings: Vec<(u8, String, String)>,
    ids: &'d mut HeadingIds,
    /// The label of the link just opened, if its target has one (see `Resolved::label`).
    label: Option<String>,
    /// The code blocks with a language met so far: `(lang, source)`, one per [`CODE_MARKER`].
    code: Vec<(String, String)>,
}

impl FragmentRenderer<'_, '_> {
    fn pos(&self, offset: usize) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let col = self.text[self.line_starts[line]..offset].chars().count() + 1;
        Pos::new(
            self.first_line + line as u32,
            col as u32 + self.column_offset,
        )
    }

    /// Column of the link destination inside `[text](dest)`, for a precise caret.
    fn dest_pos(&self, range: &std::ops::Range<usize>, dest: &str) -> Pos {
        let src = &self.text[range.clone()];
        match src.rfind(dest) {
            Some(i) if !dest.is_empty() => self.pos(range.start + i),
            _ => self.pos(range.start),
        }
    }

    /// The fragment's HTML and its code blocks to highlight.
    fn render(&mut self, refdefs: &RefDefs) -> (String, Vec<Code>) {
        let mut callback = |link: pulldown_cmark::BrokenLink<'_>| {
            refdefs
                .get(&link.reference.to_lowercase())
                .map(|(dest, title)| (CowStr::from(dest.clone()), CowStr::from(title.clone())))
        };
        let parser =
            Parser::new_with_broken_link_callback(self.text, options(), Some(&mut callback));
        let mut out: Vec<Event> = Vec::new();
        // Events of the heading being read, rendered when it ends.
        let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
        let mut code: Option<(String, String)> = None;
        for (event, range) in parser.into_offset_iter() {
            let event = match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.rewrite(link_type, dest_url, &range, false);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.rewrite(link_type, dest_url, &range, true);
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                other => other,
            };
            // An empty link to something with a label (`[](sku:HP-12)`) shows the label.
            let label = match &event {
                Event::Start(Tag::Link { .. }) => None,
                _ => self.label.take(),
            };
            let events: Vec<Event> = match (label, event) {
                (Some(label), end @ Event::End(TagEnd::Link)) => {
                    vec![Event::Text(label.into()), end]
                }
                (_, event) => vec![event],
            };
            for event in events {
                if let Some((_, _, events)) = &mut heading {
                    if let Event::End(TagEnd::Heading(_)) = event {
                        let Some((level, id, events)) = heading.take() else {
                            unreachable!()
                        };
                        out.push(Event::Html(self.heading_html(level, id, events).into()));
                    } else {
                        events.push(event);
                    }
                    continue;
                }
                if let Some((_, buf)) = &mut code {
                    match event {
                        Event::Text(t) => buf.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => {
                            let Some((lang, buf)) = code.take() else {
                                unreachable!()
                            };
                            // A text holding the marker itself (never in practice) keeps its
                            // code plain rather than confuse the markers.
                            if lang.is_empty() || self.text.contains(CODE_MARKER.trim_end()) {
                                out.push(Event::Html(highlight::plain(&lang, &buf).into()));
                            } else {
                                out.push(Event::Html(CODE_MARKER.into()));
                                self.code.push((lang, buf));
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                match event {
                    Event::Start(Tag::Heading { level, id, .. }) => {
                        heading = Some((level, id.map(|s| s.to_string()), Vec::new()));
                    }
                    Event::Start(Tag::CodeBlock(kind)) => {
                        let lang = match kind {
                            CodeBlockKind::Fenced(info) => {
                                info.split([' ', ',', '{']).next().unwrap_or("").to_owned()
                            }
                            CodeBlockKind::Indented => String::new(),
                        };
                        code = Some((lang, String::new()));
                    }
                    Event::Start(Tag::BlockQuote(Some(kind))) => {
                        let (class, title) = alert(kind);
                        out.push(Event::Html(
                        format!("<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>\n").into(),
                    ));
                    }
                    Event::End(TagEnd::BlockQuote(Some(_))) => {
                        out.push(Event::Html("</div>\n".into()))
                    }
                    Event::FootnoteReference(label) => {
                        let id = slugify(&label);
                        let label = escape(&label);
                        out.push(Event::Html(
                        format!("<sup class=\"footnote-ref\" id=\"fnref-{id}\"><a href=\"#fn-{id}\">{label}</a></sup>").into(),
                    ));
                    }
                    Event::Start(Tag::FootnoteDefinition(label)) => {
                        let id = slugify(&label);
                        let label = escape(&label);
                        out.push(Event::Html(
                        format!("<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-label\"><a href=\"#fnref-{id}\">{label}</a></sup>\n").into(),
                    ));
                    }
                    Event::End(TagEnd::FootnoteDefinition) => {
                        out.push(Event::Html("</div>\n".into()))
                    }
                    other => out.push(other),
                }
            }
        }
        let mut html = String::with_capacity(self.text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        self.place_code(html)
    }

    /// Replaces the markers, in order, with the plain code blocks, noting where each is.
    /// The fragment's text does not contain the marker (see `render`), so every marker in the
    /// HTML is one of ours, in the order of `self.code`.
    fn place_code(&mut self, rendered: String) -> (String, Vec<Code>) {
        if self.code.is_empty() {
            return (rendered, Vec::new());
        }
        let mut html = String::with_capacity(rendered.len() + 64 * self.code.len());
        let mut code = Vec::with_capacity(self.code.len());
        let mut blocks = std::mem::take(&mut self.code).into_iter();
        let mut rest = rendered.as_str();
        while let Some(i) = rest.find(CODE_MARKER) {
            html.push_str(&rest[..i]);
            rest = &rest[i + CODE_MARKER.len()..];
            let Some((lang, source)) = blocks.next() else {
                break;
            };
            let start = html.len();
            html.push_str(&highlight::plain(&lang, &source));
            code.push(Code {
                at: start..html.len(),
                lang,
                source,
            });
        }
        html.push_str(rest);
        (html, code)
    }

    fn heading_html(
        &mut self,
        level: HeadingLevel,
        id: Option<String>,
        events: Vec<Event>,
    ) -> String {
        let mut title = String::new();
        for e in &events {
            if let Event::Text(t) | Event::Code(t) = e {
                title.push_str(t);
            }
        }
        let id = self.ids.unique(id.unwrap_or_else(|| slugify(&title)));
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, events.into_iter());
        let n = level as u8;
        self.headings.push((n, id.clone(), title));
        let id = escape(&id);
        format!(
            "<h{n} id=\"{id}\">{inner}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this heading\">#</a></h{n}>\n"
        )
    }

    fn rewrite<'e>(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'e>,
        range: &std::ops::Range<usize>,
        is_image: bool,
    ) -> CowStr<'e> {
        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
            return dest;
        }
        match self.resolver.resolve(&dest) {
            Ok(None) => dest,
            Ok(Some(Resolved {
                href,
                target,
                label,
            })) => {
                self.label = label;
                let pos = self.dest_pos(range, &dest);
                self.links.push(Link {
                    target,
                    dest: dest.to_string(),
                    pos,
                    is_image,
                });
                href.into()
            }
            Err(LinkError {
                code,
                message,
                help,
            }) => {
                let pos = self.dest_pos(range, &dest);
                self.diags.push(
                    Diagnostic::error(code, message)
                        .at(self.file, pos)
                        .len(dest.chars().count())
                        .help(help),
                );
                dest
            }
        }
    }
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The visible text of some HTML, tags stripped and the common entities decoded (for
/// diffs and, later, search).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, _: &str) -> Result<Option<Resolved>, LinkError> {
            Ok(None)
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

    #[test]
    fn slugs() {
        let check = |text: &str, expected: &str| assert_eq!(slugify(text), expected, "{text}");
        check("Lead times & cut-off", "lead-times-cut-off");
        check("  Hello   World ", "hello-world");
        check("Ääni ja väri", "ääni-ja-väri");
        check("HP-12 (2026)", "hp-12-2026");
    }

    /// Code is plain after parsing, each block where it belongs, and highlighting replaces
    /// exactly the blocks with a language syntect knows.
    #[test]
    fn code_is_plain_until_highlighted() {
        let body = "Intro\n\n```rust\nfn a() {}\n```\n\n- item\n\n  ```yaml\n  k: v\n  ```\n\n```klingon\nx < y\n```\n\n```\nbare\n```\n\nEnd\n";
        let (doc, diags) = parse_str(body);
        assert!(diags.is_empty(), "{diags:?}");
        let mut fragment = doc.fragments[0].clone();
        assert_eq!(
            fragment.code.len(),
            3,
            "rust, yaml and klingon wait; a bare block does not"
        );
        for code in &fragment.code {
            assert_eq!(
                fragment.html[code.at.clone()],
                highlight::plain(&code.lang, &code.source)
            );
        }
        assert!(!fragment.html.contains("kanava:code"));
        assert!(
            fragment
                .html
                .contains("<pre class=\"code\"><code>bare\n</code></pre>\n<p>End</p>")
        );
        let plain = fragment.html.clone();
        fragment.highlight();
        assert!(fragment.code.is_empty());
        let rust = highlight::code_block("rust", "fn a() {}\n").unwrap();
        let yaml = highlight::code_block("yaml", "k: v\n").unwrap();
        assert!(fragment.html.contains(&rust) && fragment.html.contains(&yaml));
        assert!(
            fragment
                .html
                .contains(&highlight::plain("klingon", "x < y\n"))
        );
        assert_eq!(
            fragment.html.replace(&rust, "R").replace(&yaml, "Y"),
            plain
                .replace(&highlight::plain("rust", "fn a() {}\n"), "R")
                .replace(&highlight::plain("yaml", "k: v\n"), "Y")
        );
    }

    /// A page that writes the placeholder itself keeps its code plain, and its HTML intact.
    #[test]
    fn a_written_placeholder_is_left_alone() {
        let body = "<!--kanava:code-->\n\n```rust\nfn a() {}\n```\n";
        let (doc, _) = parse_str(body);
        let fragment = &doc.fragments[0];
        assert!(fragment.code.is_empty());
        assert!(fragment.html.starts_with("<!--kanava:code-->\n"));
        assert!(
            fragment
                .html
                .contains(&highlight::plain("rust", "fn a() {}\n"))
        );
    }

    #[test]
    fn fences_split_fragments_and_nest() {
        let (doc, diags) = parse_str(
            "# Top\n\nintro\n\n::: only tier=silver\n## Silver\nS\n::: only role=technical\nT\n:::\n:::\nend\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(doc.blocks.len(), 2);
        let blocks: Vec<_> = doc.fragments.iter().map(|f| f.blocks.clone()).collect();
        assert_eq!(blocks, vec![vec![], vec![0], vec![0, 1], vec![]]);
        assert_eq!(doc.headings[1].fragment, 1);
        assert_eq!(doc.blocks[0].pos, Pos::new(8, 1));
    }

    #[test]
    fn fences_inside_code_are_text() {
        let (doc, diags) = parse_str("```\n::: only tier=gold\n```\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(doc.fragments.len(), 1);
        assert!(doc.fragments[0].html.contains("::: only tier=gold"));
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

    #[test]
    fn headings_get_unique_ids_across_fragments() {
        let (doc, _) = parse_str("## Terms\n::: only tier=gold\n## Terms\n:::\n");
        let ids: Vec<_> = doc.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, vec!["terms", "terms-1"]);
    }

    #[test]
    fn alerts_and_reference_links_across_fragments() {
        let (doc, _) = parse_str(
            "> [!WARNING]\n> Hot\n\n::: only tier=gold\nsee [the site][x]\n:::\n\n[x]: https://example.com\n",
        );
        assert!(doc.fragments[0].html.contains("callout-warning"));
        assert!(
            doc.fragments[1]
                .html
                .contains("href=\"https://example.com\"")
        );
    }
}
