//! `kanava status`: what an editor and a release manager need to know — drafts, pages and
//! materials in review, what goes live or expires in the next days (soonest first, with the audiences
//! concerned), and the next moment the production output will change, so CI can schedule
//! its next rebuild.

use std::fmt::Write as _;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::model::audience::Restriction;
use crate::model::lifecycle::{Status, Window};
use crate::model::{PageKind, Site};

#[derive(Serialize)]
pub struct Report {
    pub at: String,
    pub days: i64,
    pub drafts: Vec<Entry>,
    pub review: Vec<Entry>,
    pub upcoming: Vec<Event>,
    /// When the production output next changes (a page or block goes live or expires).
    pub next_production_change: Option<String>,
}

#[derive(Serialize)]
pub struct Entry {
    pub file: String,
    pub title: String,
    pub audiences: Vec<String>,
}

#[derive(Serialize)]
pub struct Event {
    pub when: String,
    /// `goes-live`, `expires`, `block-goes-live`, `block-ends`
    pub event: &'static str,
    pub file: String,
    pub title: String,
    pub audiences: Vec<String>,
    /// The block's line, for block events.
    pub line: Option<u32>,
    #[serde(skip)]
    at: Timestamp,
}

pub fn make(site: &Site, at: Timestamp, days: i64) -> Report {
    let cal = &site.calendar;
    let horizon = horizon(at, days);
    let mut drafts = Vec::new();
    let mut review = Vec::new();
    let mut upcoming = Vec::new();
    let mut next: Option<Timestamp> = None;
    // Pages (with their blocks' dates) and materials, each as the file an editor opens.
    let pages = site
        .pages
        .iter()
        .filter(|p| p.source.is_some() && p.kind != PageKind::Home)
        .map(|p| {
            (
                p.display_path(),
                &p.title,
                &p.restriction,
                p.lifecycle,
                p.doc.blocks.as_slice(),
            )
        });
    let materials = site.materials.iter().map(|m| {
        (
            m.sidecar.as_str(),
            &m.title,
            &m.restriction,
            m.lifecycle,
            &[][..],
        )
    });
    for (file, title, restriction, lifecycle, blocks) in pages.chain(materials) {
        let entry = || Entry {
            file: file.to_owned(),
            title: title.clone(),
            audiences: audiences(site, restriction),
        };
        match lifecycle.status {
            Status::Draft => drafts.push(entry()),
            Status::Review => review.push(entry()),
            Status::Published => {}
        }
        let mut event = |when: Timestamp, event: &'static str, line: Option<u32>| {
            if when > at && lifecycle.status == Status::Published {
                next = Some(next.map_or(when, |n| n.min(when)));
            }
            if when > at && when <= horizon && lifecycle.status != Status::Draft {
                upcoming.push(Event {
                    when: cal.display(when),
                    event,
                    file: file.to_owned(),
                    title: title.clone(),
                    audiences: audiences(site, restriction),
                    line,
                    at: when,
                });
            }
        };
        let Window { from, until } = lifecycle.window;
        if let Some(t) = from {
            event(t, "goes-live", None);
        }
        if let Some(t) = until {
            event(t, "expires", None);
        }
        for block in blocks {
            if let Some(t) = block.window.from {
                event(t, "block-goes-live", Some(block.pos.line));
            }
            if let Some(t) = block.window.until {
                event(t, "block-ends", Some(block.pos.line));
            }
        }
    }
    upcoming.sort_by(|a, b| (a.at, &a.file, a.line).cmp(&(b.at, &b.file, b.line)));
    Report {
        at: cal.iso(at),
        days,
        drafts,
        review,
        upcoming,
        next_production_change: next.map(|t| cal.iso(t)),
    }
}

/// `days` after `at`, saturating at the ends of time: `(days * 24).hours()` panicked for
/// `--days 7304485` and overflowed for larger values (issue #12). Any `i64` is fine here.
fn horizon(at: Timestamp, days: i64) -> Timestamp {
    let end = if days < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    };
    days.checked_mul(86_400)
        .and_then(|secs| at.checked_add(SignedDuration::from_secs(secs)).ok())
        .unwrap_or(end)
}

/// The audiences whose restrictions admit a page or material (whatever its stage); empty
/// for a site without audiences.
fn audiences(site: &Site, restriction: &Restriction) -> Vec<String> {
    if !site.audiences.configured {
        return Vec::new();
    }
    crate::plan::audiences_admitting(site, restriction)
        .map(|a| a.name.clone())
        .collect()
}

pub fn human(r: &Report) -> String {
    let mut out = format!(
        "status at {}, looking {} ahead\n",
        r.at,
        match r.days {
            1 => "1 day".to_owned(),
            n => format!("{n} days"),
        }
    );
    let list = |out: &mut String, title: &str, entries: &[Entry]| {
        let _ = writeln!(out, "\n{title} ({})", entries.len());
        for e in entries {
            let _ = writeln!(
                out,
                "  {}  \"{}\"{}",
                e.file,
                e.title,
                bracketed(&e.audiences)
            );
        }
    };
    list(&mut out, "drafts", &r.drafts);
    list(&mut out, "in review", &r.review);
    let _ = writeln!(out, "\nupcoming ({})", r.upcoming.len());
    for e in &r.upcoming {
        let place = match e.line {
            Some(line) => format!("{}:{line}", e.file),
            None => e.file.clone(),
        };
        let _ = writeln!(
            out,
            "  {:<17}  {:<15}  {place}  \"{}\"{}",
            e.when,
            e.event,
            e.title,
            bracketed(&e.audiences)
        );
    }
    match &r.next_production_change {
        Some(t) => {
            let _ = writeln!(out, "\nnext production change: {t}");
        }
        None => out.push_str("\nnext production change: none scheduled\n"),
    }
    out
}

fn bracketed(audiences: &[String]) -> String {
    if audiences.is_empty() {
        String::new()
    } else {
        format!("  [{}]", audiences.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizon_never_panics() {
        let at: Timestamp = "2026-11-22T00:00:00Z".parse().unwrap();
        assert_eq!(
            horizon(at, 1),
            "2026-11-23T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        for days in [7_304_485, 99_999_999_999, i64::MAX, u32::MAX.into()] {
            assert_eq!(horizon(at, days), Timestamp::MAX, "{days}");
        }
        for days in [-7_304_485, i64::MIN] {
            assert_eq!(horizon(at, days), Timestamp::MIN, "{days}");
        }
        assert_eq!(horizon(at, 0), at);
    }
}
