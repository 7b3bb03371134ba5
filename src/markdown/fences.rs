//! Where a page's `::: only` blocks are: its fence lines, decided with CommonMark's own
//! reading of the page (issue #12).
//!
//! A hand-written fence scanner that disagreed with CommonMark about where code blocks end
//! published blocks to every audience as plain text. So the rule is now small and stated
//! in terms of pulldown-cmark's parse of the whole body:
//!
//! - A **fence** is a line that starts with `:::` after at most three spaces and is not in
//!   the body of a fenced code block. The body is cut at fences; the pieces between them
//!   (segments) are rendered separately, each under the blocks open at its place. A cut
//!   can never hide content: whatever a segment's Markdown turns into, it stays inside
//!   its segment.
//! - Any **other line that looks like a fence** — `:::` after invisible characters, tabs,
//!   deeper indentation, quote or list markers, or `::only` — is an error unless it is in
//!   the body of a *closed* fenced code block (where pages show fence syntax as code). A
//!   fence-like line inside a code block that is never closed is an error too: the author
//!   most likely forgot the closing fence, and the block would swallow the fence.
//!
//! Blocks are stored flat, each knowing its parent, so that deep nesting costs linear
//! memory (a fragment names only its innermost block).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

use super::{BlockId, OnlyBlock, options};
use crate::diag::{Diagnostic, Pos, did_you_mean, suggest_help};
use crate::model::audience::{AudienceModel, Restriction};
use crate::model::lifecycle::{CONDITION_KEYS, Calendar, Window};

/// A piece of the body between fences.
pub(super) struct Segment {
    pub start: usize,
    pub end: usize,
    /// File line of the segment's first line.
    pub line: u32,
    /// The innermost `only` block around the segment.
    pub block: Option<BlockId>,
}

/// How a line of the body is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Code {
    /// Not in the body of a fenced code block.
    No,
    /// In the body of a fenced code block that has a closing fence.
    Closed,
    /// In the body of a fenced code block that is never closed; the block opens at this
    /// (0-based) line.
    Unclosed(usize),
}

/// Cuts `body` (line endings already `\n`) at its fences, pushing the blocks it opens to
/// `blocks` and every problem to `diags`.
#[allow(clippy::too_many_arguments)]
pub(super) fn split(
    file: &str,
    body: &str,
    line_offset: u32,
    column_offset: u32,
    audiences: &AudienceModel,
    calendar: &Calendar,
    blocks: &mut Vec<OnlyBlock>,
    diags: &mut Vec<Diagnostic>,
) -> Split {
    // Most pages have no line that could look like a fence: one segment, nothing to scan.
    if !may_have_fence(body) {
        let segments = vec![Segment {
            start: 0,
            end: body.len(),
            line: line_offset + 1,
            block: None,
        }];
        return units(segments, Vec::new());
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&s| s < body.len() || s == 0)
        .collect();
    let line = |i: usize| line(body, &starts, i);
    let shapes: Vec<(usize, Shape)> = (0..starts.len())
        .filter_map(|i| fence_shape(line(i)).map(|s| (i, s)))
        .collect();
    // Most pages have no fence-like line at all: skip CommonMark's parse for them.
    let code = if shapes.is_empty() {
        Vec::new()
    } else {
        code_lines(body, &starts)
    };
    let mut segments = Vec::new();
    let mut fences = Vec::new();
    let mut stack: Vec<BlockId> = Vec::new();
    let mut seg_start = 0;
    let mut seg_line = line_offset + 1;
    for (i, shape) in shapes {
        let (start, line) = (starts[i], line(i));
        let end = start + line.len() + usize::from(start + line.len() < body.len());
        let line_no = line_offset + 1 + i as u32;
        let in_code = code.get(i).copied().unwrap_or(Code::No);
        match (shape, in_code) {
            (_, Code::Closed) => continue,
            (_, Code::Unclosed(open)) => {
                diags.push(
                    Diagnostic::error(
                        "fence-in-open-code",
                        "this `:::` line is inside a code block that is never closed",
                    )
                    .at(file, Pos::new(line_no, 1 + column_offset))
                    .len(line.chars().count().max(1))
                    .help(format!(
                        "the code block opened at line {} runs to the end of its container, so this line would be shown as code to every audience; close the code block above it",
                        line_offset + 1 + open as u32
                    )),
                );
                continue;
            }
            (Shape::Ambiguous(why), Code::No) => {
                diags.push(
                    Diagnostic::error(
                        "ambiguous-fence",
                        format!("this line looks like a `::: only` fence but is not one: {why}"),
                    )
                    .at(file, Pos::new(line_no, 1 + column_offset))
                    .len(line.chars().count().max(1))
                    .help("a fence is a line of its own starting with `:::` (at most 3 spaces before it), outside lists and block quotes; to show fence syntax, put it in a fenced code block"),
                );
                continue;
            }
            (Shape::Fence { indent }, Code::No) => {
                segments.push(Segment {
                    start: seg_start,
                    end: start,
                    line: seg_line,
                    block: stack.last().copied(),
                });
                seg_start = end;
                seg_line = line_no + 1;
                let trimmed = line[indent..].trim_end();
                let rest = trimmed.trim_start_matches(':').trim();
                let col = indent as u32 + 1 + column_offset;
                if rest.is_empty() {
                    if stack.pop().is_none() {
                        diags.push(
                            Diagnostic::error(
                                "unmatched-block-end",
                                "`:::` closes no open `::: only` block",
                            )
                            .at(file, Pos::new(line_no, col))
                            .len(3)
                            .help("remove this line, or open a block above it with `::: only …`"),
                        );
                    }
                } else {
                    let conditions = parse_only(
                        rest,
                        file,
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
                        parent: stack.last().copied(),
                    });
                    stack.push(blocks.len() - 1);
                }
                fences.push((i, stack.last().copied()));
            }
        }
    }
    segments.push(Segment {
        start: seg_start,
        end: body.len(),
        line: seg_line,
        block: stack.last().copied(),
    });
    let joined = join_containers(
        &Lines {
            body,
            starts: &starts,
            file,
            line_offset,
            column_offset,
        },
        &fences,
        blocks,
        diags,
    );
    for open in stack {
        diags.push(
            Diagnostic::error("unclosed-block", "this `::: only` block is never closed")
                .at(file, blocks[open].pos)
                .len(3)
                .help("add a line with `:::` where the restricted part ends"),
        );
    }
    units(segments, joined)
}

/// Line `i` of `body` (lines start at `starts`), without its newline.
fn line<'b>(body: &'b str, starts: &[usize], i: usize) -> &'b str {
    let end = starts.get(i + 1).copied().unwrap_or(body.len());
    body[starts[i]..end].trim_end_matches('\n')
}

/// The body's lines, and where they are in their file.
struct Lines<'b> {
    body: &'b str,
    starts: &'b [usize],
    file: &'b str,
    line_offset: u32,
    column_offset: u32,
}

impl Lines<'_> {
    fn pos(&self, line: usize) -> Pos {
        Pos::new(self.line_offset + 1 + line as u32, 1 + self.column_offset)
    }
    fn end(&self, line: usize) -> usize {
        self.starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.body.len())
    }
}

/// A table or list whose rows or items are restricted one by one: rendered as one
/// container from its text without the fence lines, and cut into pieces between rows or
/// items ([`Unit::Joined`]).
pub(super) struct Joined {
    /// Body offsets of the container's first and last lines, fence lines included.
    pub start: usize,
    pub end: usize,
    /// The container's text without its fence lines.
    pub text: String,
    /// File line of each line of `text`.
    pub lines: Vec<u32>,
    /// Offsets in `text` where the pieces after the first begin (a row or an item).
    pub cuts: Vec<usize>,
    /// The block of each piece: the opening piece (`<ul>`, or the table and its header),
    /// one per cut, then the closing piece (`</ul>`, `</tbody></table>`).
    pub blocks: Vec<Option<BlockId>>,
}

/// What the body is rendered as, in order.
pub(super) enum Unit {
    /// A stretch of body text inside one segment, rendered alone.
    Text {
        segment: usize,
        start: usize,
        end: usize,
        /// File line of its first line.
        line: u32,
    },
    Joined(Joined),
}

/// The segments and the units to render, in body order.
pub(super) struct Split {
    pub segments: Vec<Segment>,
    pub units: Vec<Unit>,
}

/// Segments as units, with the joined containers cut out of them.
fn units(segments: Vec<Segment>, joined: Vec<Joined>) -> Split {
    let mut units = Vec::new();
    let mut joined = joined.into_iter().peekable();
    for (k, seg) in segments.iter().enumerate() {
        let mut at = seg.start;
        let mut line = seg.line;
        while at < seg.end {
            match joined.peek() {
                Some(j) if j.start < seg.end => {
                    if j.start > at {
                        units.push(Unit::Text {
                            segment: k,
                            start: at,
                            end: j.start,
                            line,
                        });
                    }
                    if j.end > seg.end {
                        // Goes on in a later segment.
                        break;
                    }
                    at = j.end;
                    line = *j.lines.last().unwrap_or(&line) + 1;
                    if let Some(j) = joined.next() {
                        units.push(Unit::Joined(j));
                    }
                }
                _ => {
                    units.push(Unit::Text {
                        segment: k,
                        start: at,
                        end: seg.end,
                        line,
                    });
                    at = seg.end;
                }
            }
        }
    }
    Split { segments, units }
}

/// The lowest block enclosing both (`None`: no block).
fn common(blocks: &[OnlyBlock], a: Option<BlockId>, b: Option<BlockId>) -> Option<BlockId> {
    let ancestors = |mut at: Option<BlockId>| {
        let mut out = Vec::new();
        while let Some(x) = at {
            out.push(x);
            at = blocks[x].parent;
        }
        out
    };
    let b = ancestors(b);
    ancestors(a).into_iter().find(|x| b.contains(x))
}

/// Is `inner` `outer` or inside it?
fn inside(blocks: &[OnlyBlock], outer: Option<BlockId>, inner: Option<BlockId>) -> bool {
    common(blocks, outer, inner) == outer
}

/// Finds the tables and lists that fences cut between rows or items, and the fences that
/// cut anything else a reader would take for one piece (an item, a block quote).
///
/// Segments are rendered apart, so a fence between two rows of a table would leave the
/// rows after it as literal text, and one between two list items would make two lists.
/// The author meant one table or list with some rows or items restricted, which is what
/// CommonMark reads when the fence lines are taken out. So the body is parsed once more
/// without them; a top-level table or list with a fence right before one of its own rows
/// or items (blank lines aside) is *joined*: rendered whole and cut into pieces there.
/// Every other fence inside a joined container is an error (it would cut an item), as is
/// a fence before a quoted line of a block quote that began above it. A fence CommonMark
/// would only attach to a list item as a lazy continuation line is no cut: the list ends
/// there, as it reads, and the segments are rendered apart as always.
fn join_containers(
    lines: &Lines,
    fences: &[(usize, Option<BlockId>)],
    blocks: &[OnlyBlock],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Joined> {
    if fences.is_empty() {
        return Vec::new();
    }
    // The body without its fence lines: for each of its lines, the body line and block;
    // for each fence, its offset in it.
    let mut without = String::with_capacity(lines.body.len());
    let mut wlines: Vec<(usize, usize, Option<BlockId>)> = Vec::new();
    let mut at: Vec<(usize, usize)> = Vec::with_capacity(fences.len());
    let mut next = fences.iter().peekable();
    let mut block = None;
    for i in 0..lines.starts.len() {
        if let Some(&&(f, after)) = next.peek()
            && f == i
        {
            next.next();
            at.push((without.len(), i));
            block = after;
            continue;
        }
        wlines.push((without.len(), i, block));
        without.push_str(&lines.body[lines.starts[i]..lines.end(i)]);
    }
    let mut joined = Vec::new();
    let mut depth = 0usize;
    let mut top: Option<(Kind, std::ops::Range<usize>, Vec<usize>)> = None;
    for (event, range) in Parser::new_ext(&without, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let kind = match tag {
                        Tag::Table(_) => Some(Kind::Table),
                        Tag::List(_) => Some(Kind::List),
                        Tag::BlockQuote(_) => Some(Kind::Quote),
                        _ => None,
                    };
                    top = kind.map(|k| (k, range.clone(), Vec::new()));
                } else if depth == 1
                    && let Some((_, _, children)) = &mut top
                {
                    children.push(range.start);
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some((kind, range, children)) = top.take()
                {
                    let inner: Vec<(usize, usize)> = at
                        .iter()
                        .copied()
                        .filter(|&(p, _)| range.start < p && p < range.end)
                        .collect();
                    if inner.is_empty() {
                        continue;
                    }
                    let c = Container {
                        kind,
                        range,
                        children,
                        fences: inner,
                    };
                    if let Some(j) = c.join(lines, &without, &wlines, blocks, diags) {
                        joined.push(j);
                    }
                }
            }
            _ => {}
        }
    }
    joined
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Table,
    List,
    Quote,
}

/// A top-level container of the fence-free body with fences inside it.
struct Container {
    kind: Kind,
    range: std::ops::Range<usize>,
    /// Where its own rows or items begin.
    children: Vec<usize>,
    /// `(offset, body line)` of the fences inside it.
    fences: Vec<(usize, usize)>,
}
impl Container {
    /// Does the row or item at `c` (right after a fence) go on with the container as its
    /// author meant? A list item does. A table row does when it looks like one (starts
    /// with `|`) and does not head a table of its own (the next line is no delimiter
    /// row): CommonMark would read any text line there as a row, but after a fence a
    /// sentence or a new table is what the author wrote.
    fn continues(&self, without: &str, c: usize) -> bool {
        if self.kind != Kind::Table {
            return true;
        }
        let mut lines = without[c..].lines();
        let row = lines.next().unwrap_or("");
        let next = lines.next().unwrap_or("");
        row.trim_start().starts_with('|') && !delimiter_row(next)
    }

    /// The container as a [`Joined`] unit, or `None` when no fence cuts it between rows
    /// or items (its fences only end it, as CommonMark reads them) or when a fence before
    /// its last restricted row or item cuts it anywhere else (an error).
    fn join(
        self,
        lines: &Lines,
        without: &str,
        wlines: &[(usize, usize, Option<BlockId>)],
        blocks: &[OnlyBlock],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Joined> {
        let wline = |offset: usize| wlines.partition_point(|l| l.0 <= offset).saturating_sub(1);
        let fence_len = |i: usize| line(lines.body, lines.starts, i).chars().count().max(1);
        if self.kind == Kind::Quote {
            for &(p, i) in &self.fences {
                if without[p..].trim_start().starts_with('>') {
                    diags.push(
                        Diagnostic::error("block-splits-quote", "this `:::` line cuts a block quote in two")
                            .at(lines.file, lines.pos(i))
                            .len(fence_len(i))
                            .help("a `::: only` block holds whole block quotes: put the quote for each audience in its own block"),
                    );
                }
            }
            return None;
        }
        let (item, what) = match self.kind {
            Kind::Table => ("row", "table"),
            _ => ("item", "list"),
        };
        let mut cuts: Vec<usize> = Vec::new();
        // The fence line before each cut.
        let mut cut_fences: Vec<usize> = Vec::new();
        let mut stray = Vec::new();
        for &(p, i) in &self.fences {
            let k = self.children.partition_point(|&c| c < p);
            match self.children.get(k) {
                Some(&c) if without[p..c].trim().is_empty() && self.continues(without, c) => {
                    if cuts.last() != Some(&c) {
                        cuts.push(c);
                        cut_fences.push(i);
                    }
                }
                None if without[p..self.range.end].trim().is_empty() => {}
                _ => stray.push((p, i)),
            }
        }
        // A fence that is no cut ends the container, as the author reads it — even where
        // CommonMark would go on with the row or item above — when a blank line stands
        // before it or no restricted row or item follows it: what comes after is rendered
        // as the segments it is in. Only one written right under a row or item, with
        // restricted ones after it, would cut that row or item: an error.
        let blank_before = |p: usize| {
            let before = &without[..p];
            let before = before.strip_suffix('\n').unwrap_or(before);
            before.rsplit('\n').next().unwrap_or("").trim().is_empty()
        };
        let mut end = self.range.end;
        while let Some(&(p, _)) = stray.iter().find(|&&(p, _)| {
            p < end && (blank_before(p) || !cuts.iter().any(|&c| c > p && c < end))
        }) {
            end = p;
        }
        cuts.retain(|&c| c < end);
        if cuts.is_empty() {
            return None;
        }
        stray.retain(|&(p, _)| p < end);
        for &(_, i) in &stray {
            let (message, help) = match self.kind {
                Kind::Table => (
                    "CommonMark would read the line after this `:::` line as a row of the table above, which has restricted rows".to_owned(),
                    "leave a blank line between this `:::` line and the text after it to end the table here, or write that line as a table row (`| … |`)".to_owned(),
                ),
                _ => (
                    format!("this `:::` line is inside an {item} of the {what} around it"),
                    format!("a `::: only` block holds whole {item}s of a {what}, not part of one; to restrict text that is not an {item}, end the {what} first: fences at the left margin, with a blank line before the block"),
                ),
            };
            diags.push(
                Diagnostic::error("fence-inside-item", message)
                    .at(lines.file, lines.pos(i))
                    .len(fence_len(i))
                    .help(help),
            );
        }
        if !stray.is_empty() {
            return None;
        }
        let block_at = |offset: usize| wlines[wline(offset)].2;
        // A list's opening piece is its tag alone, so the items are pieces of their own.
        if self.kind == Kind::List && self.children.first() != cuts.first() {
            cuts.insert(0, self.children[0]);
        }
        let pieces: Vec<Option<BlockId>> = cuts.iter().map(|&c| block_at(c)).collect();
        let outer = match self.kind {
            // A table's opening piece holds its header: it stays in the header's block.
            Kind::Table => {
                let outer = block_at(self.range.start);
                for (&i, &b) in cut_fences.iter().zip(&pieces) {
                    if !inside(blocks, outer, b) {
                        diags.push(
                            Diagnostic::error(
                                "block-ends-inside-table",
                                "the table's header is inside a `::: only` block, and its rows go on after the block ends",
                            )
                            .at(lines.file, lines.pos(i))
                            .len(fence_len(i))
                            .help("put the whole table inside the block, or move the block's opening line below the header"),
                        );
                        return None;
                    }
                }
                outer
            }
            _ => pieces
                .iter()
                .skip(1)
                .fold(pieces[0], |acc, &b| common(blocks, acc, b)),
        };
        let first = wline(self.range.start);
        let last = wline(end.saturating_sub(1));
        let from = wlines[first].0;
        let to = wlines.get(last + 1).map_or(without.len(), |l| l.0);
        let text = without[from..to].to_owned();
        if Parser::new_ext(&text, options())
            .reference_definitions()
            .iter()
            .next()
            .is_some()
        {
            diags.push(
                Diagnostic::error(
                    "definition-in-split-list",
                    format!("a reference definition inside a {what} with restricted {item}s"),
                )
                .at(lines.file, lines.pos(wlines[first].1))
                .help(format!(
                    "move the definition out of the {what} (below it), or write the link inline"
                )),
            );
            return None;
        }
        let mut all = vec![outer];
        all.extend(pieces);
        all.push(outer);
        Some(Joined {
            start: lines.starts[wlines[first].1],
            end: lines.end(wlines[last].1),
            text,
            lines: (first..=last)
                .map(|l| lines.line_offset + 1 + wlines[l].1 as u32)
                .collect(),
            cuts: cuts.into_iter().map(|c| c - from).collect(),
            blocks: all,
        })
    }
}

/// A table's delimiter row: `|---|:--:|`, `--- | ---`.
fn delimiter_row(line: &str) -> bool {
    let line = line.trim().trim_start_matches('|').trim_end_matches('|');
    line.contains('-')
        && line.split('|').all(|cell| {
            let cell = cell.trim().trim_start_matches(':').trim_end_matches(':');
            !cell.is_empty() && cell.chars().all(|c| c == '-')
        })
}

enum Shape {
    /// A fence, after `indent` spaces.
    Fence { indent: usize },
    /// Looks like a fence to a reader, but is not one; why.
    Ambiguous(String),
}

/// Characters that do not show in an editor (zero-width, joiners, marks, BOM, soft hyphen).
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{E0000}'..='\u{E007F}')
}

/// Is this line a fence, or does it look like one? `None` for ordinary lines.
fn fence_shape(line: &str) -> Option<Shape> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent <= 3 && line[indent..].starts_with(":::") {
        return Some(Shape::Fence { indent });
    }
    // What a reader would skip over before the colons.
    let mut why = None;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let reason = match c {
            ' ' => "it is indented by 4 or more spaces (inside a list item or a code block)".into(),
            '\t' => "it is indented with a tab".into(),
            '>' => "it is inside a block quote".into(),
            '-' | '*' | '+' => "it is inside a list item".into(),
            '0'..='9' | '.' | ')' => "it is inside a numbered list item".into(),
            c if invisible(c) => format!(
                "an invisible character (U+{:04X}) stands before `:::`",
                c as u32
            ),
            c if c.is_whitespace() => {
                format!("a Unicode space (U+{:04X}) stands before `:::`", c as u32)
            }
            _ => break,
        };
        why = why.or(Some(reason));
        rest = &rest[c.len_utf8()..];
    }
    let colons = rest.len() - rest.trim_start_matches(':').len();
    let after = rest[colons..].trim_start();
    let only = after
        .get(..4)
        .is_some_and(|w| w.eq_ignore_ascii_case("only"));
    if colons >= 3 || (colons >= 1 && only) {
        return Some(Shape::Ambiguous(why.unwrap_or_else(|| {
            "a fence starts with three colons (`:::`), then `only` and its conditions".into()
        })));
    }
    None
}

/// Could some line of `body` be fence-like ([`fence_shape`] needs `::`, or `:` then
/// `only`)? A quick test that lets most pages skip the line scan.
fn may_have_fence(body: &str) -> bool {
    body.contains("::")
        || body.match_indices(':').any(|(i, _)| {
            let after = body[i + 1..].trim_start();
            after
                .get(..4)
                .is_some_and(|w| w.eq_ignore_ascii_case("only"))
        })
}

/// For each line of `body`: is it in the body of a fenced code block, by CommonMark?
fn code_lines(body: &str, starts: &[usize]) -> Vec<Code> {
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let mut lines = vec![Code::No; starts.len()];
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event else {
            continue;
        };
        let text = &body[range.clone()];
        let open = text.trim_start_matches(' ');
        let Some(fence) = open.chars().next() else {
            continue;
        };
        let width = open.len() - open.trim_start_matches(fence).len();
        let first = line_of(range.start);
        // The range ends after the closing fence when there is one; after the last line
        // of the block (its newline included) when there is none.
        let last_line = text.rsplit('\n').next().unwrap_or("");
        let closing = last_line.trim_start_matches([' ', '>']);
        let closed = !text.ends_with('\n')
            && line_of(range.end.saturating_sub(1)) > first
            && closing.len() - closing.trim_start_matches(fence).len() >= width
            && closing.trim_start_matches(fence).trim().is_empty();
        let last = line_of(range.end.saturating_sub(1));
        let (body_end, state) = if closed {
            (last, Code::Closed)
        } else {
            (last + 1, Code::Unclosed(first))
        };
        for line in lines.iter_mut().take(body_end).skip(first + 1) {
            *line = state;
        }
    }
    lines
}

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
                .help(format!(
                    "{}kanava knows `::: only <axis>=<values>` blocks, e.g. `::: only tier=gold`",
                    if did_you_mean(&kind.to_lowercase(), ["only"]).is_some() {
                        "did you mean `only`? "
                    } else {
                        ""
                    }
                )),
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
