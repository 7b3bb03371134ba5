//! `kanava diff`: what a release changes, per audience — pages and assets added, removed and
//! changed between two (stage, moment) pairs, with a short text diff of each changed page.
//! Both sides are planned by `plan::make`, so the diff is exactly what the builds differ by.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::html::strip_tags;
use crate::model::Site;
use crate::model::lifecycle::Stage;
use crate::plan::{self, Plan};

/// Lines of text diff shown per changed page, at most.
const MAX_LINES: usize = 12;

#[derive(Serialize)]
pub struct Report {
    pub from: Side,
    pub to: Side,
    pub audiences: Vec<AudienceDiff>,
}

#[derive(Serialize, Clone)]
pub struct Side {
    pub stage: Stage,
    pub at: String,
}

#[derive(Serialize)]
pub struct AudienceDiff {
    pub audience: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
    pub assets_added: Vec<String>,
    pub assets_removed: Vec<String>,
}

#[derive(Serialize)]
pub struct Changed {
    pub page: String,
    /// `-old line` / `+new line`, at most a dozen.
    pub diff: Vec<String>,
}

pub fn make(site: &Site, from: (Stage, Timestamp), to: (Stage, Timestamp)) -> Report {
    let cal = &site.calendar;
    let a_views = plan::views(site, &[], from.0, from.1);
    let b_views = plan::views(site, &[], to.0, to.1);
    let audiences = a_views
        .into_iter()
        .zip(b_views)
        .map(|(a, b)| {
            let (a, b) = (plan::make(site, a), plan::make(site, b));
            // A language's view by its folder (`gold/fi`, issue 18).
            let name = match (a.view.language, a.audience) {
                (0, audience) => audience.unwrap_or("site").to_owned(),
                _ => a.view.folder(site).to_owned(),
            };
            compare(&name, &a, &b)
        })
        .collect();
    Report {
        from: Side {
            stage: from.0,
            at: cal.iso(from.1),
        },
        to: Side {
            stage: to.0,
            at: cal.iso(to.1),
        },
        audiences,
    }
}

fn compare(audience: &str, a: &Plan, b: &Plan) -> AudienceDiff {
    let pages = |p: &Plan| -> BTreeMap<String, (String, String)> {
        p.pages
            .iter()
            .enumerate()
            .map(|(i, pg)| {
                (
                    pg.source.unwrap_or(pg.url).to_owned(),
                    (pg.title.to_owned(), strip_tags(&p.content(i))),
                )
            })
            .collect()
    };
    let (pa, pb) = (pages(a), pages(b));
    let mut d = AudienceDiff {
        audience: audience.to_owned(),
        added: pb
            .keys()
            .filter(|k| !pa.contains_key(*k))
            .cloned()
            .collect(),
        removed: pa
            .keys()
            .filter(|k| !pb.contains_key(*k))
            .cloned()
            .collect(),
        changed: Vec::new(),
        assets_added: Vec::new(),
        assets_removed: Vec::new(),
    };
    for (key, (title_a, text_a)) in &pa {
        let Some((title_b, text_b)) = pb.get(key) else {
            continue;
        };
        if title_a == title_b && text_a == text_b {
            continue;
        }
        let mut diff = Vec::new();
        if title_a != title_b {
            diff.push(format!("-title: {title_a}"));
            diff.push(format!("+title: {title_b}"));
        }
        for change in TextDiff::from_lines(text_a, text_b).iter_all_changes() {
            let sign = match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => continue,
            };
            let line = change.value().trim();
            if !line.is_empty() {
                diff.push(format!("{sign}{line}"));
            }
        }
        if diff.len() > MAX_LINES {
            let more = diff.len() - MAX_LINES;
            diff.truncate(MAX_LINES);
            diff.push(format!(
                "… {}",
                crate::diag::plural(more, "more changed line")
            ));
        }
        d.changed.push(Changed {
            page: key.clone(),
            diff,
        });
    }
    let assets = |p: &Plan| {
        p.assets
            .iter()
            .map(|x| x.path.clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (aa, ab) = (assets(a), assets(b));
    d.assets_added = ab.difference(&aa).cloned().collect();
    d.assets_removed = aa.difference(&ab).cloned().collect();
    d
}

pub fn human(r: &Report) -> String {
    let mut out = format!(
        "diff from {} at {} to {} at {}\n",
        r.from.stage.name(),
        r.from.at,
        r.to.stage.name(),
        r.to.at
    );
    for a in &r.audiences {
        let total = a.added.len()
            + a.removed.len()
            + a.changed.len()
            + a.assets_added.len()
            + a.assets_removed.len();
        let _ = writeln!(
            out,
            "\n{} ({})",
            a.audience,
            if total == 0 {
                "no changes".to_owned()
            } else {
                crate::diag::plural(total, "change")
            }
        );
        for p in &a.added {
            let _ = writeln!(out, "  + {p}");
        }
        for p in &a.removed {
            let _ = writeln!(out, "  - {p}");
        }
        for c in &a.changed {
            let _ = writeln!(out, "  ~ {}", c.page);
            for line in &c.diff {
                let _ = writeln!(out, "      {line}");
            }
        }
        for p in &a.assets_added {
            let _ = writeln!(out, "  + {p} (asset)");
        }
        for p in &a.assets_removed {
            let _ = writeln!(out, "  - {p} (asset)");
        }
    }
    out
}
