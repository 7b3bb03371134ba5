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
use crate::diag::{Diagnostic, Pos, suggest_help};
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
) -> Vec<Segment> {
    // Most pages have no line that could look like a fence: one segment, nothing to scan.
    if !may_have_fence(body) {
        return vec![Segment {
            start: 0,
            end: body.len(),
            line: line_offset + 1,
            block: None,
        }];
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&s| s < body.len() || s == 0)
        .collect();
    let line = |i: usize| {
        let end = starts.get(i + 1).copied().unwrap_or(body.len());
        body[starts[i]..end].trim_end_matches('\n')
    };
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
            }
        }
    }
    segments.push(Segment {
        start: seg_start,
        end: body.len(),
        line: seg_line,
        block: stack.last().copied(),
    });
    for open in stack {
        diags.push(
            Diagnostic::error("unclosed-block", "this `::: only` block is never closed")
                .at(file, blocks[open].pos)
                .len(3)
                .help("add a line with `:::` where the restricted part ends"),
        );
    }
    segments
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
