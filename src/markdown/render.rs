//! One fragment's Markdown → HTML with holes ([`super::Part`]).
//!
//! pulldown-cmark writes the HTML; every view-dependent place is written as a marker
//! (`HOLE` kind number `HOLE`) in an `Html` event, and the finished HTML is cut at the
//! markers. The input holds no marker character (`super::normalize`), so every marker in
//! the output is one of ours. Internal links (Markdown and raw HTML `href`/`src`) are
//! resolved here to their targets, never to URLs: `plan` writes URLs per view.

use pulldown_cmark::{
    BlockQuoteKind, BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Parser, Tag,
    TagEnd,
};

use super::{
    Code, HOLE, Hole, Link, LinkError, LinkResolver, LinkTarget, Part, Resolved, Scope, options,
};
use crate::diag::{Diagnostic, Pos};
use crate::highlight;
use crate::html::{decode_attribute, escape, slugify, url_attributes};

/// What a rendered text holds besides its HTML.
pub(super) struct Found {
    pub links: Vec<Link>,
    /// `(level, base id, title)` of each heading.
    pub headings: Vec<(u8, String, String)>,
    pub code: Vec<Code>,
}

pub(super) struct FragmentRenderer<'a, 'd> {
    file: &'a str,
    column_offset: u32,
    text: &'a str,
    first_line: u32,
    line_starts: Vec<usize>,
    resolver: &'a dyn LinkResolver,
    diags: &'d mut Vec<Diagnostic>,
    links: Vec<Link>,
    /// `(level, base id, title)` of each heading met.
    headings: Vec<(u8, String, String)>,
    /// How many headings the document had before this fragment.
    heading_offset: usize,
    code: Vec<Code>,
    /// File line of each line of `text`, when its lines are not consecutive in the file
    /// (a joined table or list, written without its fence lines).
    lines: Option<Vec<u32>>,
    /// Where the output is cut into pieces (offsets in `text` of the rows or items that
    /// begin pieces); with `cuts`, a last cut before the container's closing tag.
    cuts: Vec<usize>,
}

/// Where [`FragmentRenderer::render`] cuts its output into pieces (never in the input:
/// the hole marker character is removed from it).
const CUT: &str = "\u{FFFF}x\u{FFFF}";
const CUT_KIND: &str = "x";

fn hole(kind: Hole) -> String {
    let (k, n) = match kind {
        Hole::LinkStart(n) => ('a', n),
        Hole::Url(n) => ('u', n),
        Hole::Label(n) => ('l', n),
        Hole::HeadingId(n) => ('h', n),
        Hole::Code(n) => ('c', n),
        Hole::FileMeta(n) => ('f', n),
    };
    format!("{HOLE}{k}{n}{HOLE}")
}

fn parse_hole(text: &str) -> Option<Hole> {
    let mut chars = text.chars();
    let kind = chars.next()?;
    let n: usize = chars.as_str().parse().ok()?;
    Some(match kind {
        'a' => Hole::LinkStart(n),
        'u' => Hole::Url(n),
        'l' => Hole::Label(n),
        'h' => Hole::HeadingId(n),
        'c' => Hole::Code(n),
        'f' => Hole::FileMeta(n),
        _ => return None,
    })
}

/// Cuts HTML written with markers into parts, and into pieces at [`CUT`]s.
fn into_pieces(html: String) -> Vec<Vec<Part>> {
    if !html.contains(HOLE) {
        return vec![vec![Part::Html(html)]];
    }
    let mut pieces = Vec::new();
    let mut parts = Vec::new();
    let mut after_code = false;
    for (i, piece) in html.split(HOLE).enumerate() {
        if i % 2 == 0 {
            // A code block's hole is written with the newline that ends the block, so that
            // pulldown-cmark lays out what follows as after a block; its HTML has its own.
            let piece = match after_code {
                true => piece.strip_prefix('\n').unwrap_or(piece),
                false => piece,
            };
            if !piece.is_empty() {
                parts.push(Part::Html(piece.to_owned()));
            }
        } else if piece == CUT_KIND {
            after_code = false;
            pieces.push(std::mem::take(&mut parts));
        } else if let Some(h) = parse_hole(piece) {
            after_code = matches!(h, Hole::Code(_));
            parts.push(Part::Hole(h));
        }
    }
    pieces.push(parts);
    pieces
}

impl<'a, 'd> FragmentRenderer<'a, 'd> {
    pub(super) fn new(
        file: &'a str,
        text: &'a str,
        first_line: u32,
        column_offset: u32,
        resolver: &'a dyn LinkResolver,
        diags: &'d mut Vec<Diagnostic>,
        heading_offset: usize,
    ) -> Self {
        FragmentRenderer {
            file,
            column_offset,
            text,
            first_line,
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            resolver,
            diags,
            links: Vec::new(),
            headings: Vec::new(),
            heading_offset,
            code: Vec::new(),
            lines: None,
            cuts: Vec::new(),
        }
    }

    /// Renders a joined table or list ([`super::fences::Joined`]): `lines` are the file
    /// lines of the text's lines; the output is cut before each row or item at `cuts` and
    /// before the container's closing tag.
    pub(super) fn joined(mut self, lines: Vec<u32>, cuts: Vec<usize>) -> Self {
        self.lines = Some(lines);
        self.cuts = cuts;
        self
    }

    /// The links, headings and code blocks met.
    pub(super) fn finish(self) -> Found {
        Found {
            links: self.links,
            headings: self.headings,
            code: self.code,
        }
    }

    fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let col = self.text[self.line_starts[line]..offset].chars().count() + 1;
        let line = match &self.lines {
            Some(lines) => lines.get(line).copied().unwrap_or(self.first_line),
            None => self.first_line + line as u32,
        };
        Pos::new(line, col as u32 + self.column_offset)
    }

    /// Column of the link destination inside `[text](dest)`, for a precise caret.
    fn dest_pos(&self, range: &std::ops::Range<usize>, dest: &str) -> Pos {
        let src = &self.text[range.clone()];
        match src.rfind(dest) {
            Some(i) if !dest.is_empty() => self.pos(range.start + i),
            _ => self.pos(range.start),
        }
    }

    /// The fragment's HTML in parts: one piece, or for a joined container one per piece.
    /// `scopes` are the reference definitions the text may use from elsewhere, from an
    /// offset on (one per piece).
    pub(super) fn render(&mut self, scopes: &[(usize, Scope)]) -> Vec<Vec<Part>> {
        // References this segment does not define: from the segments always shown with it,
        // never from a block that may be hidden when it is shown.
        let mut hidden_refs: Vec<(String, std::ops::Range<usize>, u32)> = Vec::new();
        let mut callback = |link: BrokenLink<'_>| {
            let label = link.reference.to_lowercase();
            let k = scopes.partition_point(|(from, _)| *from <= link.span.start);
            let (_, scope) = scopes.get(k.checked_sub(1)?)?;
            if let Some(d) = scope.visible.iter().find(|d| d.label == label) {
                return Some((CowStr::from(d.dest.clone()), CowStr::from(d.title.clone())));
            }
            if let Some(d) = scope.hidden.iter().find(|d| d.label == label) {
                hidden_refs.push((link.reference.to_string(), link.span.clone(), d.line));
            }
            None
        };
        let parser =
            Parser::new_with_broken_link_callback(self.text, options(), Some(&mut callback));
        let events: Vec<_> = parser.into_offset_iter().collect();
        let last = events.len().saturating_sub(1);
        let joined = !self.cuts.is_empty();
        let mut cuts = std::mem::take(&mut self.cuts).into_iter().peekable();
        let mut out: Vec<Event> = Vec::with_capacity(events.len());
        // Events of the heading being read, rendered when it ends.
        let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
        let mut code: Option<(String, String)> = None;
        // An image being read: link index, title, alt text.
        let mut image: Option<(usize, String, String)> = None;
        // Consecutive raw HTML, resolved together (a tag may span lines).
        let mut raw: Vec<(String, usize)> = Vec::new();
        // The link just opened, when it may need its target's name as its text.
        let mut label: Option<usize> = None;
        // The link just opened, when it leads to a file: what it downloads is said in it.
        let mut file: Option<usize> = None;
        for (index, (event, range)) in events.into_iter().enumerate() {
            let event = unforgeable(event);
            // A cut before a joined container's row or item, and before its closing tag.
            let row = matches!(event, Event::Start(Tag::Item | Tag::TableRow));
            let cut =
                (row && cuts.next_if(|&c| c <= range.start).is_some()) || (index == last && joined);
            if cut {
                if !raw.is_empty() {
                    let html = self.raw_html(std::mem::take(&mut raw));
                    self.emit(Event::Html(html.into()), &mut heading, &mut out);
                }
                out.push(Event::Html(CUT.into()));
            }
            if matches!(event, Event::Html(_) | Event::InlineHtml(_))
                && code.is_none()
                && image.is_none()
            {
                if let Event::Html(h) | Event::InlineHtml(h) = event {
                    raw.push((h.to_string(), range.start));
                }
                continue;
            }
            if !raw.is_empty() {
                let html = self.raw_html(std::mem::take(&mut raw));
                self.emit(Event::Html(html.into()), &mut heading, &mut out);
            }
            if let Some((_, _, alt)) = &mut image {
                match event {
                    Event::End(TagEnd::Image) => {
                        let Some((n, title, alt)) = image.take() else {
                            unreachable!()
                        };
                        let title = if title.is_empty() {
                            String::new()
                        } else {
                            format!(" title=\"{}\"", escape(&title))
                        };
                        let html = format!(
                            "<img src=\"{}\" alt=\"{}\"{title} />",
                            hole(Hole::Url(n)),
                            escape(&alt)
                        );
                        self.emit(Event::Html(html.into()), &mut heading, &mut out);
                    }
                    Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                    _ => {}
                }
                continue;
            }
            if let Some((_, buf)) = &mut code {
                match event {
                    Event::Text(t) => buf.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        let Some((lang, source)) = code.take() else {
                            unreachable!()
                        };
                        let n = self.code.len();
                        self.code.push(Code {
                            html: highlight::plain(&lang, &source),
                            lang,
                            source,
                            highlighted: false,
                        });
                        self.emit(
                            Event::Html(format!("{}\n", hole(Hole::Code(n))).into()),
                            &mut heading,
                            &mut out,
                        );
                    }
                    _ => {}
                }
                continue;
            }
            // An empty link to something with a name (`[](sku:HP-12)`) shows the name.
            if let Some(n) = label.take()
                && matches!(event, Event::End(TagEnd::Link))
            {
                self.emit(
                    Event::Html(hole(Hole::Label(n)).into()),
                    &mut heading,
                    &mut out,
                );
            }
            if matches!(event, Event::End(TagEnd::Link))
                && let Some(n) = file.take()
            {
                self.emit(
                    Event::Html(hole(Hole::FileMeta(n)).into()),
                    &mut heading,
                    &mut out,
                );
            }
            let event = match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => match self.internal(link_type, &dest_url, &title, &range, false) {
                    Some((n, labelled)) => {
                        label = labelled.then_some(n);
                        file = matches!(self.links[n].target, LinkTarget::Asset(_)).then_some(n);
                        Event::Html(hole(Hole::LinkStart(n)).into())
                    }
                    None => Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                },
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => match self.internal(link_type, &dest_url, &title, &range, true) {
                    Some((n, _)) => {
                        image = Some((n, title.to_string(), String::new()));
                        continue;
                    }
                    None => Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                },
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split([' ', ',', '{']).next().unwrap_or("").to_owned()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                    continue;
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, title) = alert(kind);
                    Event::Html(
                        format!("<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>\n").into(),
                    )
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</div>\n".into()),
                Event::FootnoteReference(label) => {
                    let id = slugify(&label);
                    let label = escape(&label);
                    Event::Html(
                        format!("<sup class=\"footnote-ref\" id=\"fnref-{id}\"><a href=\"#fn-{id}\">{label}</a></sup>").into(),
                    )
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let id = slugify(&label);
                    let label = escape(&label);
                    Event::Html(
                        format!("<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-label\"><a href=\"#fnref-{id}\">{label}</a></sup>\n").into(),
                    )
                }
                Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>\n".into()),
                other => other,
            };
            self.emit(event, &mut heading, &mut out);
        }
        if !raw.is_empty() {
            let html = self.raw_html(std::mem::take(&mut raw));
            self.emit(Event::Html(html.into()), &mut heading, &mut out);
        }
        for (reference, span, line) in hidden_refs {
            let pos = self.pos(span.start);
            self.diags.push(
                Diagnostic::error(
                    "hidden-reference",
                    format!(
                        "`[{reference}]` is defined only inside a `::: only` block (line {line}) that is not always shown with this text"
                    ),
                )
                .at(self.file, pos)
                .len(span.len().max(1))
                .help("move the definition out of the block (or into the block this text is in), or write the link inline"),
            );
        }
        let mut html = String::with_capacity(self.text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, wrap_tables(out).into_iter());
        into_pieces(html)
    }

    /// Sends an event to the output, or to the heading being read.
    fn emit<'e>(
        &mut self,
        event: Event<'e>,
        heading: &mut Option<(HeadingLevel, Option<String>, Vec<Event<'e>>)>,
        out: &mut Vec<Event<'e>>,
    ) {
        if let Some((_, _, events)) = heading {
            if let Event::End(TagEnd::Heading(_)) = event {
                let Some((level, id, events)) = heading.take() else {
                    unreachable!()
                };
                out.push(Event::Html(self.heading_html(level, id, events).into()));
            } else {
                events.push(event);
            }
            return;
        }
        if let Event::Start(Tag::Heading { level, id, .. }) = event {
            *heading = Some((level, id.map(|s| s.to_string()), Vec::new()));
            return;
        }
        out.push(event);
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
        let base = id.unwrap_or_else(|| slugify(&title));
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, events.into_iter());
        let n = level as u8;
        let index = self.heading_offset + self.headings.len();
        self.headings.push((n, base, title));
        let id = hole(Hole::HeadingId(index));
        format!(
            "<h{n} id=\"{id}\">{inner}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this heading\">#</a></h{n}>\n"
        )
    }

    /// Resolves a Markdown link or image; `Some((link index, labelled))` when internal.
    fn internal(
        &mut self,
        link_type: LinkType,
        dest: &str,
        title: &str,
        range: &std::ops::Range<usize>,
        is_image: bool,
    ) -> Option<(usize, bool)> {
        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
            return None;
        }
        let pos = self.dest_pos(range, dest);
        self.resolve(dest, title, pos, is_image)
    }

    fn resolve(
        &mut self,
        dest: &str,
        title: &str,
        pos: Pos,
        is_image: bool,
    ) -> Option<(usize, bool)> {
        match self.resolver.resolve(dest) {
            Ok(None) => None,
            Ok(Some(Resolved { target, labelled })) => {
                self.links.push(Link {
                    target,
                    dest: dest.to_owned(),
                    title: title.to_owned(),
                    pos,
                    is_image,
                });
                Some((self.links.len() - 1, labelled))
            }
            Err(LinkError {
                code,
                message,
                help,
            }) => {
                self.diags.push(
                    Diagnostic::error(code, message)
                        .at(self.file, pos)
                        .len(dest.chars().count().max(1))
                        .help(help),
                );
                None
            }
        }
    }

    /// Raw HTML, its internal `href`/`src` values resolved like Markdown links and made
    /// holes (issue #12: they were published as written, unchecked, their files not copied).
    fn raw_html(&mut self, pieces: Vec<(String, usize)>) -> String {
        let mut html = String::new();
        // (offset in `html`, offset in the fragment's text) of each piece.
        let mut origins = Vec::with_capacity(pieces.len());
        for (piece, source) in &pieces {
            origins.push((html.len(), *source));
            html.push_str(piece);
        }
        let attributes = url_attributes(&html);
        if attributes.is_empty() {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut last = 0;
        for attribute in attributes {
            let value = &html[attribute.value.clone()];
            let dest = decode_attribute(value);
            if dest.is_empty() || dest.starts_with("{{") {
                continue;
            }
            let at = attribute.value.start;
            let (piece_start, source) = origins
                .iter()
                .rev()
                .find(|(start, _)| *start <= at)
                .copied()
                .unwrap_or((0, 0));
            let pos = self.pos(source + (at - piece_start));
            if let Some((n, _)) = self.resolve(&dest, "", pos, !attribute.href) {
                out.push_str(&html[last..attribute.value.start]);
                out.push_str(&hole(Hole::Url(n)));
                last = attribute.value.end;
            }
        }
        out.push_str(&html[last..]);
        out
    }
}

/// The event with the hole marker replaced wherever pulldown-cmark may have made one of
/// the page's text: an entity (`&#xFFFF;`) decodes to it after [`super::normalize`] ran
/// (issue #12's fuzzing: `&#xFFFF;a0&#xFFFF;` forged a hole and crashed the build).
fn unforgeable(event: Event<'_>) -> Event<'_> {
    fn clean(s: CowStr<'_>) -> CowStr<'_> {
        if s.contains(HOLE) {
            s.replace(HOLE, "\u{FFFD}").into()
        } else {
            s
        }
    }
    match event {
        Event::Text(t) => Event::Text(clean(t)),
        Event::Code(t) => Event::Code(clean(t)),
        Event::Html(t) => Event::Html(clean(t)),
        Event::InlineHtml(t) => Event::InlineHtml(clean(t)),
        Event::InlineMath(t) => Event::InlineMath(clean(t)),
        Event::DisplayMath(t) => Event::DisplayMath(clean(t)),
        Event::FootnoteReference(t) => Event::FootnoteReference(clean(t)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: clean(dest_url),
            title: clean(title),
            id: clean(id),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: clean(dest_url),
            title: clean(title),
            id: clean(id),
        }),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level,
            id: id.map(clean),
            classes: classes.into_iter().map(clean).collect(),
            attrs: attrs
                .into_iter()
                .map(|(k, v)| (clean(k), v.map(clean)))
                .collect(),
        }),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(clean(info))))
        }
        Event::Start(Tag::FootnoteDefinition(label)) => {
            Event::Start(Tag::FootnoteDefinition(clean(label)))
        }
        other => other,
    }
}

/// Puts each table in a box of its own that scrolls sideways when the table is wider than
/// the page (issue #13: a wide table made the whole page scroll). The box is a tab stop and a
/// named region, so keyboard users can scroll it too; its name is the table's column
/// headings (`Table: Warehouse, Cut-off, Time zone`), which tells one table from another.
fn wrap_tables(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::Table(_))))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len() + 8);
    // The header cells' text of the table being read, until its head ends.
    let mut head: Option<(usize, Vec<String>)> = None;
    for event in events {
        match &event {
            Event::Start(Tag::Table(_)) => {
                // A placeholder, replaced when the head has been read.
                head = Some((out.len(), Vec::new()));
                out.push(Event::Html(CowStr::Borrowed("")));
            }
            Event::Start(Tag::TableCell) => {
                if let Some((_, cells)) = &mut head {
                    cells.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, cells)) = &mut head
                    && let Some(cell) = cells.last_mut()
                {
                    cell.push_str(t);
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some((at, cells)) = head.take() {
                    out[at] = Event::Html(table_box(&cells).into());
                }
            }
            _ => {}
        }
        let end = matches!(event, Event::End(TagEnd::Table));
        out.push(event);
        if end {
            // A table always has a head; should one not, its box still gets a name.
            if let Some((at, cells)) = head.take() {
                out[at] = Event::Html(table_box(&cells).into());
            }
            out.push(Event::Html("</div>\n".into()));
        }
    }
    out
}

/// The opening tag of a table's scroll box, named after its column headings.
fn table_box(headings: &[String]) -> String {
    const MAX: usize = 80;
    let mut label = String::from("Table");
    let mut sep = ": ";
    for heading in headings.iter().map(|h| h.trim()).filter(|h| !h.is_empty()) {
        if label.chars().count() + heading.chars().count() > MAX {
            label.push_str(if sep == ": " { ": …" } else { ", …" });
            break;
        }
        label.push_str(sep);
        label.push_str(heading);
        sep = ", ";
    }
    format!(
        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n",
        escape(&label)
    )
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
