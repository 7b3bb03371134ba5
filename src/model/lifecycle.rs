//! Lifecycle: a page's `status` (draft → review → published) and its `publish`/`expires`
//! window, and which of them each *stage* shows at a given moment (issue #4).
//!
//! - production: published, and `publish ≤ at < expires`;
//! - staging: also `review` and scheduled (`publish > at`) content; not expired;
//! - preview: everything.
//!
//! Sections cascade: a child's status is the least published of its chain, its window the
//! intersection of the chain's windows; a child may not widen its section's window.
//! Dates without a time mean 00:00 in the site's timezone. A block's `until=DATE` keeps the
//! block through the end of that day; `expires` is the moment a page disappears.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    // Ordered from least to most published: the cascade takes the minimum.
    Draft,
    Review,
    Published,
}

impl Status {
    pub const NAMES: &[&str] = &["draft", "review", "published"];

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "review" => Some(Status::Review),
            "published" => Some(Status::Published),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Published => "published",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    #[default]
    Production,
    Staging,
    Preview,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Production => "production",
            Stage::Staging => "staging",
            Stage::Preview => "preview",
        }
    }
}

/// The date conditions of a `::: only` block (`from=2026-12-01 until=2026-12-31`), read
/// before axis names; no axis may take one of these names (issue #12,
/// `audience::reserved_names`).
pub const CONDITION_KEYS: &[&str] = &["from", "until"];

/// `[from, until)`: either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl Window {
    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.until.is_none()
    }

    /// Both windows at once.
    pub fn and(self, other: Window) -> Window {
        Window {
            from: max_opt(self.from, other.from),
            until: min_opt(self.until, other.until),
        }
    }

    /// Does `self` (a child's own dates; an open end inherits) reach outside `outer`?
    pub fn widens(self, outer: Window) -> bool {
        let earlier = matches!((self.from, outer.from), (Some(a), Some(b)) if a < b);
        let later = matches!((self.until, outer.until), (Some(a), Some(b)) if a > b);
        earlier || later
    }

    pub fn started(&self, at: Timestamp) -> bool {
        self.from.is_none_or(|f| f <= at)
    }

    pub fn ended(&self, at: Timestamp) -> bool {
        self.until.is_some_and(|u| at >= u)
    }
}

fn max_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn min_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A page's (or block's) lifecycle after cascading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub status: Status,
    pub window: Window,
}

impl Default for Lifecycle {
    fn default() -> Lifecycle {
        Lifecycle {
            status: Status::Published,
            window: Window::default(),
        }
    }
}

/// Why something not live in production is shown in a stage (drives the page banner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Note {
    Draft,
    Review,
    Scheduled,
    Expired,
}

impl Lifecycle {
    /// Is it in `stage` at `at`? `Some(None)`: yes, live; `Some(Some(note))`: yes, but not
    /// live in production (bannered); `None`: no.
    pub(crate) fn shown(&self, stage: Stage, at: Timestamp) -> Option<Option<Note>> {
        let note = if self.status == Status::Draft {
            Some(Note::Draft)
        } else if self.window.ended(at) {
            Some(Note::Expired)
        } else if self.status == Status::Review {
            Some(Note::Review)
        } else if !self.window.started(at) {
            Some(Note::Scheduled)
        } else {
            None
        };
        match (stage, note) {
            (_, None) => Some(None),
            (Stage::Preview, note) => Some(note),
            (Stage::Staging, Some(n @ (Note::Review | Note::Scheduled))) => Some(Some(n)),
            _ => None,
        }
    }
}

impl Lifecycle {
    /// Why this is not in `stage` at `at` ("it is a draft", "it goes live 1 Dec 2026 09:00"),
    /// or `None` when it is.
    pub fn absence(&self, stage: Stage, at: Timestamp, cal: &Calendar) -> Option<String> {
        if self.shown(stage, at).is_some() {
            return None;
        }
        Some(
            match (self.shown(Stage::Preview, at).flatten(), self.window) {
                (Some(Note::Draft), _) => "it is a draft".to_owned(),
                (Some(Note::Review), _) => "it is in review".to_owned(),
                (Some(Note::Expired), Window { until: Some(t), .. }) => {
                    format!("it expired {}", cal.display(t))
                }
                (Some(Note::Scheduled), Window { from: Some(t), .. }) => {
                    format!("it goes live {}", cal.display(t))
                }
                _ => "it is not shown".to_owned(),
            },
        )
    }
}

/// The site's clock settings: timezone for dates without one.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: TimeZone,
}

impl Calendar {
    pub fn utc() -> Calendar {
        Calendar { tz: TimeZone::UTC }
    }

    /// Parses `2026-12-01`, `2026-12-01 09:00`, `2026-12-01T09:00:00` (site timezone) or
    /// `2026-12-01T09:00:00+02:00` / `…Z` (its own offset).
    pub fn parse(&self, s: &str) -> Option<Timestamp> {
        let s = s.trim();
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Some(ts);
        }
        if let Ok(zoned) = s.parse::<jiff::Zoned>() {
            return Some(zoned.timestamp());
        }
        let normalized = s.replacen(' ', "T", 1);
        if let Ok(dt) = normalized.parse::<DateTime>() {
            return dt.to_zoned(self.tz.clone()).ok().map(|z| z.timestamp());
        }
        self.start_of(s.parse::<Date>().ok()?)
    }

    /// The first moment of `date` in the site's timezone.
    pub fn start_of(&self, date: Date) -> Option<Timestamp> {
        date.to_zoned(self.tz.clone()).ok().map(|z| z.timestamp())
    }

    /// An `until=` date: through the end of that day (the next midnight, exclusive).
    pub fn parse_until(&self, s: &str) -> Option<Timestamp> {
        let start = self.parse(s)?;
        if s.trim().len() == 10 {
            let date = s.trim().parse::<Date>().ok()?;
            return self.start_of(date.checked_add(1.day()).ok()?);
        }
        Some(start)
    }

    /// `1 Dec 2026 09:00`, in the site's timezone.
    pub fn display(&self, ts: Timestamp) -> String {
        ts.to_zoned(self.tz.clone())
            .strftime("%-d %b %Y %H:%M")
            .to_string()
    }

    /// `2026-12-01T09:00:00+02:00`, in the site's timezone.
    pub fn iso(&self, ts: Timestamp) -> String {
        ts.to_zoned(self.tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Calendar::utc().parse(s).unwrap()
    }

    fn life(status: Status, from: Option<&str>, until: Option<&str>) -> Lifecycle {
        Lifecycle {
            status,
            window: Window {
                from: from.map(ts),
                until: until.map(ts),
            },
        }
    }

    #[test]
    fn every_stage_status_window_combination() {
        use Stage::*;
        use Status::{Draft, Published, Review};
        const SCHEDULED: Option<Option<Note>> = Some(Some(Note::Scheduled));
        const EXPIRED: Option<Option<Note>> = Some(Some(Note::Expired));
        const REVIEW: Option<Option<Note>> = Some(Some(Note::Review));
        const DRAFT: Option<Option<Note>> = Some(Some(Note::Draft));
        let at = ts("2026-11-22");
        let (past, future) = (Some("2026-01-01"), Some("2027-01-01"));
        // (status, publish, expires) → (production, staging, preview)
        type Row<'a> = (
            (Status, Option<&'a str>, Option<&'a str>),
            [Option<Option<Note>>; 3],
        );
        let table: &[Row] = &[
            (
                (Published, None, None),
                [Some(None), Some(None), Some(None)],
            ),
            (
                (Published, past, future),
                [Some(None), Some(None), Some(None)],
            ),
            ((Published, future, None), [None, SCHEDULED, SCHEDULED]),
            ((Published, None, past), [None, None, EXPIRED]),
            ((Review, None, None), [None, REVIEW, REVIEW]),
            ((Review, future, None), [None, REVIEW, REVIEW]),
            ((Review, None, past), [None, None, EXPIRED]),
            ((Draft, None, None), [None, None, DRAFT]),
            ((Draft, future, None), [None, None, DRAFT]),
            ((Draft, None, past), [None, None, DRAFT]),
        ];
        for ((status, from, until), expected) in table {
            let l = life(*status, *from, *until);
            for (stage, want) in [Production, Staging, Preview].iter().zip(expected) {
                assert_eq!(
                    l.shown(*stage, at),
                    *want,
                    "{status:?} {from:?}..{until:?} in {stage:?}"
                );
            }
        }
        // The boundaries: publish is inclusive, expires exclusive.
        let l = life(Published, Some("2026-11-22"), Some("2026-11-23"));
        assert_eq!(l.shown(Production, ts("2026-11-22")), Some(None));
        assert_eq!(l.shown(Production, ts("2026-11-23")), None);
    }

    #[test]
    fn dates_use_the_site_timezone_unless_given() {
        let helsinki = Calendar {
            tz: TimeZone::get("Europe/Helsinki").unwrap(),
        };
        assert_eq!(
            helsinki.parse("2026-12-01").unwrap().to_string(),
            "2026-11-30T22:00:00Z"
        );
        assert_eq!(
            helsinki.parse("2026-12-01 09:00").unwrap().to_string(),
            "2026-12-01T07:00:00Z"
        );
        assert_eq!(
            helsinki.parse("2026-12-01T09:00:00Z").unwrap().to_string(),
            "2026-12-01T09:00:00Z"
        );
        assert_eq!(
            helsinki
                .parse("2026-12-01T09:00:00+01:00")
                .unwrap()
                .to_string(),
            "2026-12-01T08:00:00Z"
        );
        assert_eq!(
            helsinki.parse_until("2026-12-31").unwrap().to_string(),
            "2026-12-31T22:00:00Z"
        );
        assert_eq!(
            helsinki.display(helsinki.parse("2026-12-01 09:00").unwrap()),
            "1 Dec 2026 09:00"
        );
        assert!(helsinki.parse("2026-02-30").is_none());
        assert!(helsinki.parse("soon").is_none());
    }

    #[test]
    fn windows_narrow_and_widen() {
        let outer = Window {
            from: Some(ts("2026-12-01")),
            until: Some(ts("2027-01-01")),
        };
        let inner = Window {
            from: Some(ts("2026-12-05")),
            until: None,
        };
        assert!(
            !inner.widens(outer),
            "an open end inherits the section's expiry"
        );
        assert!(
            Window {
                from: Some(ts("2026-11-05")),
                until: None
            }
            .widens(outer)
        );
        assert!(
            Window {
                from: None,
                until: Some(ts("2027-02-01"))
            }
            .widens(outer)
        );
        assert_eq!(
            inner.and(outer),
            Window {
                from: Some(ts("2026-12-05")),
                until: Some(ts("2027-01-01"))
            }
        );
    }
}
