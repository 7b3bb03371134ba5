//! Load: the last git commit of each source file, when the site root is in a git
//! repository — the date "What's new" and the Atom feed give a page without an
//! `updated` date (issue #14). Never file modification times (a checkout resets them) and
//! never the build clock, so the same commit builds the same bytes.
//!
//! One `git log` per build for every file under the given folders, not one per file: git is
//! a process, and a site has thousands of files. When git is not on PATH, the root is not
//! in a repository or git fails for any other reason, there are no dates (and no error: a
//! site need not be in git).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use jiff::Timestamp;

/// When a file was first and last committed (committer dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Commits {
    pub first: Timestamp,
    pub last: Timestamp,
}

/// The first and last commit dates of each file below `folders` (relative to `root`,
/// `/`-separated), keyed by its `/`-separated path relative to `root`.
pub fn commits(root: &Path, folders: &[String]) -> BTreeMap<String, Commits> {
    if folders.is_empty() {
        return BTreeMap::new();
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        // Names as they are (no "\303\244" quoting), and no pager or colour.
        .args(["-c", "core.quotePath=false", "--no-pager", "log"])
        .args(["--no-color", "--no-renames", "--relative"])
        .args(["--format=%x00%cI", "--name-only", "--"])
        .args(folders)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        _ => BTreeMap::new(),
    }
}

/// Parses `git log --format=%x00%cI --name-only`: a `\0`-marked date line per commit, then
/// the files it changed. A file's dates are its oldest and newest commits', whatever the
/// log's order.
fn parse(log: &str) -> BTreeMap<String, Commits> {
    let mut dates: BTreeMap<String, Commits> = BTreeMap::new();
    let mut current: Option<Timestamp> = None;
    for line in log.lines() {
        if let Some(date) = line.strip_prefix('\0') {
            current = date.trim().parse().ok();
        } else if let (Some(at), false) = (current, line.is_empty()) {
            dates
                .entry(line.to_owned())
                .and_modify(|d| {
                    d.first = d.first.min(at);
                    d.last = d.last.max(at);
                })
                .or_insert(Commits {
                    first: at,
                    last: at,
                });
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gets_its_oldest_and_newest_commit() {
        let log = "\0 2026-03-02T10:00:00+02:00\n\ncontent/a.md\ncontent/b.md\n\
                   \0 2026-01-05T09:00:00Z\n\ncontent/a.md\ncontent/ä.md\n";
        let dates = parse(&log.replace("\0 ", "\0"));
        assert_eq!(
            dates["content/a.md"].last.to_string(),
            "2026-03-02T08:00:00Z"
        );
        assert_eq!(
            dates["content/a.md"].first.to_string(),
            "2026-01-05T09:00:00Z"
        );
        assert_eq!(
            dates["content/b.md"].last.to_string(),
            "2026-03-02T08:00:00Z"
        );
        assert_eq!(
            dates["content/ä.md"].last.to_string(),
            "2026-01-05T09:00:00Z"
        );
        assert_eq!(dates.len(), 3);
    }

    #[test]
    fn unreadable_dates_date_nothing() {
        assert!(parse("\0yesterday\ncontent/a.md\n").is_empty());
        assert!(parse("").is_empty());
    }
}
