//! Front matter: YAML [`Node`] → typed [`FrontMatter`], strictly. Unknown keys get a "did you
//! mean"; wrong types and bad dates point at the value's line and column in the file.

use jiff::civil::Date;

use crate::diag::{Diagnostic, Pos, suggest_help};
use crate::model::audience::{AudienceModel, AxisId, Req};
use crate::model::lifecycle::{Calendar, Status};
use crate::yaml::{Node, Value};
use jiff::Timestamp;

/// Keys every page may use; the site's audience axes (`tier`, `role`…) come on top.
///
/// The one list of them (issue #12): `parse` reads a key as one of these only when it is
/// listed here, and no axis may take one of these names (`audience::reserved_names`), so a
/// key added here can never shadow an axis, and a key read without being listed here never
/// works.
pub const KEYS: &[&str] = &[
    "title",
    "description",
    "weight",
    "slug",
    "tags",
    "updated",
    "status",
    "publish",
    "expires",
    "path",
    "quiz",
    "pass",
    "duration",
];

#[derive(Debug, Default, Clone)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: i64,
    pub slug: Option<String>,
    /// Where `weight` and `slug` are written, when they are (a translation may set neither).
    pub weight_pos: Option<Pos>,
    pub slug_pos: Option<Pos>,
    pub tags: Vec<String>,
    pub updated: Option<Date>,
    pub status: Option<(Status, Pos)>,
    pub publish: Option<(Timestamp, Pos)>,
    pub expires: Option<(Timestamp, Pos)>,
    /// The front matter could not be read at all (already reported): say nothing more.
    pub unreadable: bool,
    /// Audience restrictions written on this page, with where each was written.
    pub restrictions: Vec<(AxisId, Req, Pos)>,
    /// Learning-path keys (issue #15: `path`, `quiz`, `pass`, `duration`), as written:
    /// `model::paths` reads them, with positions (add `line_offset` to their lines).
    pub learning: Learning,
}

/// A page's learning-path keys as written (see [`FrontMatter::learning`]).
#[derive(Debug, Default, Clone)]
pub struct Learning {
    pub path: Option<Node>,
    pub quiz: Option<Node>,
    pub pass: Option<Node>,
    pub duration: Option<Node>,
    /// The front matter's first line in the file, less one.
    pub line_offset: u32,
}

pub fn parse(
    yaml: &str,
    file: &str,
    line_offset: u32,
    audiences: &AudienceModel,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    parse_with(
        yaml,
        file,
        line_offset,
        audiences,
        calendar,
        diags,
        KEYS,
        &mut |_, _, _| false,
    )
}

/// Reads what else has front-matter keys (a material's sidecar, issue #14): `keys` are the
/// keys it may use besides the audience axes; `extra` gets the first look at each of them
/// and returns `true` for those it read itself (the rest are read as a page's).
#[allow(clippy::too_many_arguments)]
pub fn parse_with(
    yaml: &str,
    file: &str,
    line_offset: u32,
    audiences: &AudienceModel,
    calendar: &Calendar,
    diags: &mut Vec<Diagnostic>,
    keys: &[&str],
    extra: &mut dyn FnMut(&str, &Node, &mut Vec<Diagnostic>) -> bool,
) -> FrontMatter {
    let mut fm = FrontMatter::default();
    if yaml.trim().is_empty() {
        return fm;
    }
    let node: Node = match crate::yaml::parse(yaml, file, line_offset) {
        Ok(node) => node,
        Err(d) => {
            diags.push(d);
            fm.unreadable = true;
            return fm;
        }
    };
    fm.learning.line_offset = line_offset;
    let at = |n: &Node| Pos::new(n.line + line_offset, n.column);
    let Value::Map(entries) = node.value else {
        diags.push(
            Diagnostic::error(
                "wrong-type",
                format!(
                    "front matter must be `key: value` lines, found {}",
                    node.value.kind()
                ),
            )
            .at(file, at(&node))
            .help("write e.g. `title: Delivery terms`"),
        );
        return fm;
    };
    let wrong = |key: &str, expected: &str, v: &Node| {
        let len = match &v.value {
            Value::Str(s) => s.chars().count(),
            _ => 1,
        };
        Diagnostic::error(
            "wrong-type",
            format!("`{key}` must be {expected}, found {}", v.value.kind()),
        )
        .at(file, at(v))
        .len(len)
    };
    for (k, v) in &entries {
        let Value::Str(key) = &k.value else {
            diags.push(
                Diagnostic::error("wrong-type", "front-matter keys must be names").at(file, at(k)),
            );
            continue;
        };
        if !keys.contains(&key.as_str()) {
            match audiences.axis_id(key) {
                Some(axis) => match audiences.req_from_node(axis, v, file, line_offset) {
                    Ok(req) => fm.restrictions.push((axis, req, at(k))),
                    Err(d) => diags.push(d),
                },
                None => {
                    let mut known: Vec<&str> = keys.to_vec();
                    known.extend(audiences.axis_names());
                    diags.push(
                        Diagnostic::error(
                            "unknown-key",
                            format!("unknown front-matter key `{key}`"),
                        )
                        .at(file, at(k))
                        .len(key.chars().count())
                        .help(suggest_help(key, &known, "known keys")),
                    );
                }
            }
            continue;
        }
        if extra(key, v, diags) {
            continue;
        }
        match key.as_str() {
            "weight" => fm.weight_pos = Some(at(k)),
            "slug" => fm.slug_pos = Some(at(k)),
            _ => {}
        }
        match (key.as_str(), &v.value) {
            ("title", Value::Str(s)) => fm.title = Some(s.clone()),
            ("title", _) => diags.push(wrong(key, "text", v).help("quote it: `title: \"2026\"`")),
            ("description", Value::Str(s)) => fm.description = Some(s.clone()),
            ("description", _) => diags.push(wrong(key, "text", v)),
            ("weight", Value::Int(n)) => fm.weight = *n,
            ("weight", _) => diags
                .push(wrong(key, "a whole number", v).help("e.g. `weight: 10`; lower comes first")),
            ("slug", Value::Str(s)) => {
                if let Some(d) = crate::model::long_segment("slug", s) {
                    diags.push(d.at(file, at(v)));
                } else if is_url_segment(s) {
                    fm.slug = Some(s.clone());
                } else {
                    diags.push(
                        Diagnostic::error(
                            "bad-slug",
                            format!("slug `{s}` is not a single URL segment"),
                        )
                        .at(file, at(v))
                        .help("use lowercase letters, digits and `-`, e.g. `slug: delivery-terms`"),
                    );
                }
            }
            ("slug", _) => diags.push(wrong(key, "text", v)),
            ("tags", Value::Seq(items)) => {
                for item in items {
                    match &item.value {
                        Value::Str(s) if !s.trim().is_empty() => {
                            if let Some(d) = tag_problem(s.trim()) {
                                diags.push(d.at(file, at(item)).len(s.chars().count()));
                            } else {
                                fm.tags.push(s.trim().to_owned());
                            }
                        }
                        _ => diags.push(wrong("tags", "a list of names", item)),
                    }
                }
            }
            ("tags", _) => {
                diags.push(wrong(key, "a list", v).help("write `tags: [ordering, delivery]`"))
            }
            ("updated", Value::Str(s)) => match s.parse::<Date>() {
                Ok(date) => fm.updated = Some(date),
                Err(_) => diags.push(
                    Diagnostic::error("bad-date", format!("`{s}` is not a valid date"))
                        .at(file, at(v))
                        .len(s.chars().count())
                        .help("write dates as YYYY-MM-DD, e.g. `updated: 2026-11-01`"),
                ),
            },
            ("updated", _) => diags.push(wrong(key, "a date (YYYY-MM-DD)", v)),
            ("status", Value::Str(s)) => match Status::parse(s) {
                Some(status) => fm.status = Some((status, at(v))),
                None => diags.push(
                    Diagnostic::error("unknown-status", format!("`{s}` is not a status"))
                        .at(file, at(v))
                        .len(s.chars().count())
                        .help(suggest_help(s, Status::NAMES, "statuses")),
                ),
            },
            ("status", _) => diags.push(wrong(key, "draft, review or published", v)),
            ("publish" | "expires", Value::Str(s)) => match calendar.parse(s) {
                Some(ts) if key == "publish" => fm.publish = Some((ts, at(v))),
                Some(ts) => fm.expires = Some((ts, at(v))),
                None => diags.push(
                    Diagnostic::error("bad-date", format!("`{s}` is not a valid date or date and time"))
                        .at(file, at(v))
                        .len(s.chars().count())
                        .help("write `2026-12-01`, `2026-12-01 09:00` or `2026-12-01T09:00:00+02:00`; without an offset the site's `timezone` applies"),
                ),
            },
            ("publish" | "expires", _) => diags.push(wrong(key, "a date or date and time", v)),
            ("path", _) => fm.learning.path = Some(v.clone()),
            ("quiz", _) => fm.learning.quiz = Some(v.clone()),
            ("pass", _) => fm.learning.pass = Some(v.clone()),
            ("duration", _) => fm.learning.duration = Some(v.clone()),
            // A key listed in `KEYS` that no arm above reads: a bug, which the unit test
            // `every_key_is_read` catches. Never read it as anything else.
            (name, _) => diags.push(
                Diagnostic::error("unknown-key", format!("front-matter key `{name}` is not read"))
                    .at(file, at(k)),
            ),
        }
    }
    if let (Some((publish, _)), Some((expires, pos))) = (fm.publish, fm.expires)
        && expires <= publish
    {
        diags.push(
            Diagnostic::error("expires-before-publish", "`expires` is not after `publish`")
                .at(file, pos)
                .help("the page would never be live; check both dates"),
        );
        fm.expires = None;
    }
    fm
}

/// A tag's page is `tags/<slug>/`: a tag whose slug is empty would be the list of all tags
/// (`tags//`), one whose slug is too long cannot be a folder (issue #12).
fn tag_problem(name: &str) -> Option<Diagnostic> {
    let slug = crate::html::slugify(name);
    if slug.is_empty() {
        return Some(
            Diagnostic::error(
                "bad-tag",
                format!("tag `{name}` has no letters or digits, so it cannot have a page"),
            )
            .help("a tag's URL is made of its letters and digits; name it with some"),
        );
    }
    crate::model::long_segment("tag", &slug)
}

/// A slug must be usable as one path segment. A leading `.` is refused too: such folders
/// are hidden from most web servers, and `.kanava-output` marks the output (issue #12).
pub fn is_url_segment(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_fm(yaml: &str) -> (FrontMatter, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let fm = parse(
            yaml,
            "p.md",
            1,
            &AudienceModel::single(),
            &Calendar::utc(),
            &mut diags,
        );
        (fm, diags)
    }

    #[test]
    fn typed_fields() {
        let (fm, diags) = parse_fm("title: A\nweight: 3\ntags: [x, y]\nupdated: 2026-11-01\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(fm.title.as_deref(), Some("A"));
        assert_eq!(fm.weight, 3);
        assert_eq!(fm.tags, vec!["x", "y"]);
        assert_eq!(fm.updated.unwrap().to_string(), "2026-11-01");
    }

    /// Every listed key has an arm of its own: a key of the wrong type gets `wrong-type`,
    /// never `unknown-key` (issue #12: the list must be the keys `parse` reads).
    #[test]
    fn every_key_is_read() {
        // The learning-path keys are kept as written and read by `model::paths` (its
        // tests check their types).
        for key in KEYS
            .iter()
            .filter(|k| !["path", "quiz", "pass", "duration"].contains(k))
        {
            let (_, diags) = parse_fm(&format!("{key}: {{x: 1}}\n"));
            let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
            assert_eq!(codes, ["wrong-type"], "`{key}`: {diags:?}");
        }
    }

    #[test]
    fn errors_point_into_the_file() {
        let (_, diags) = parse_fm("title: A\ntitel: B\nweight: heavy\nupdated: 2026-13-01\n");
        let got: Vec<_> = diags
            .iter()
            .map(|d| (d.code, d.pos.unwrap().line, d.pos.unwrap().column))
            .collect();
        assert_eq!(
            got,
            vec![
                ("unknown-key", 3, 1),
                ("wrong-type", 4, 9),
                ("bad-date", 5, 10)
            ]
        );
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `title`?")
        );
    }
}
