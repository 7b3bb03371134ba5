//! The output folder, before anything is written to it (issue #12, "data loss and faults").
//!
//! A build replaces its whole output folder, so *where* that folder is decides what a build
//! may delete. [`Output::open`] is the one door to it, and closes three classes of loss by
//! construction before a single byte is written:
//!
//! - **Sources are never an output.** The output may not be the site root, contain it, or
//!   be (or be inside, or contain) `content/`, a catalog data folder or the theme folder.
//!   Paths are compared canonicalized (links resolved; for an output that does not exist
//!   yet, its nearest existing ancestor), so `--out .`, `--out "$(pwd)"`, `--out ..` or a
//!   link into `content/` are all seen for what they are. `--force` does not lift this.
//! - **Only kanava's own folders are replaced.** Every output holds a [`MARKER`] file; a
//!   non-empty folder without one (a user's folder, a `.git`, a typo'd `--out ~`) is refused
//!   unless `--force`.
//! - **One build per output at a time.** An exclusive lock on a file in the system's
//!   temporary folder named after the output's path is held for the whole build; a second build into the same output waits for
//!   the first (and says so), then finds the output up to date or builds it again. Staging
//!   folders carry the process id and a counter, so nothing else could share one anyway.
//!
//! Once the lock is held, the leftovers of an interrupted or failed earlier build into this
//! output (staging and old-output folders, recognisable by name) are removed: a build
//! recovers from any earlier one by itself.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::Progress;
use crate::fs;

/// The file every output holds, at its top: "kanava wrote this folder, and may replace it".
pub const MARKER: &str = ".kanava-output";

/// The marker's text: the same in every build, so output stays byte-for-byte deterministic.
const MARKER_TEXT: &str = "This folder is the output of kanava, a static-site generator.\n\
kanava replaces the whole folder on every build: keep nothing else in it.\n";

/// An output folder that may be written: checked, and locked for this build.
pub struct Output {
    /// Absolute, with `.` and `..` resolved (the last component is not followed if it is a
    /// link: a build replaces the link, as it always did).
    path: PathBuf,
    notice: Option<Progress>,
    /// Held until the build is over; the OS releases it if the process dies.
    _lock: File,
}

impl Output {
    /// Checks that `out` may be replaced by a build of the site at `root` whose sources live
    /// in `sources` (what each folder is, and where), then locks it, waiting for another
    /// build into the same output to finish. Nothing is created or changed before every
    /// check has passed. `notice` receives what the user should see at once (waiting, a
    /// leftover that cannot be removed).
    pub fn open(
        out: &Path,
        root: &Path,
        sources: &[(&str, PathBuf)],
        force: bool,
        notice: Option<Progress>,
    ) -> Result<Output> {
        let path = resolve(out)?;
        refuse_sources(out, &path, root, sources)?;
        refuse_foreign(out, &path, force)?;
        let lock = lock(&path, notice.as_ref())?;
        let output = Output {
            path,
            notice,
            _lock: lock,
        };
        output.remove_leftovers();
        Ok(output)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn notice(&self) -> Option<Progress> {
        self.notice.clone()
    }

    /// Names at the top of the output that are not in `keep` (nor hidden): after a build of
    /// some audiences only, the folders of audiences the configuration no longer has, or the
    /// files of a build from before audiences were configured.
    pub fn stale_entries(&self, keep: &[&str]) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.path) else {
            return Vec::new();
        };
        let mut stale: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.') && !keep.contains(&name.as_str()))
            .collect();
        stale.sort();
        stale
    }

    /// Removes what an earlier build into this output left behind when it was interrupted
    /// or failed (the lock is held, so no build is using them). One that cannot be removed
    /// is reported, never a reason to fail: it is not the output.
    fn remove_leftovers(&self) {
        let Some(name) = file_name(&self.path) else {
            return;
        };
        let mut found = Vec::new();
        if let Some(parent) = self.path.parent()
            && let Ok(entries) = std::fs::read_dir(parent)
        {
            found.extend(
                entries
                    .flatten()
                    .filter(|e| is_leftover(&e.file_name().to_string_lossy(), &name))
                    .map(|e| e.path()),
            );
        }
        // kanava before issue #12 swapped `--audience` folders through `.<name>.kanava-old`
        // inside the output.
        if let Ok(entries) = std::fs::read_dir(&self.path) {
            found.extend(
                entries
                    .flatten()
                    .filter(|e| {
                        let n = e.file_name().to_string_lossy().into_owned();
                        n.starts_with('.') && n.ends_with(".kanava-old")
                    })
                    .map(|e| e.path()),
            );
        }
        found.sort();
        for path in found {
            if let Err(e) = fs::remove_tree(&path) {
                self.tell(&format!(
                    "warning: `{}` was left by an earlier build and cannot be removed ({e:#}); \
                     it is not part of the output: remove it by hand",
                    path.display()
                ));
            }
        }
    }

    pub(crate) fn tell(&self, message: &str) {
        if let Some(notice) = &self.notice {
            notice(message);
        }
    }
}

/// Writes the marker into a folder that is (or will become) an output.
pub(crate) fn mark(dir: &Path) -> Result<()> {
    let marker = dir.join(MARKER);
    match std::fs::read(&marker) {
        Ok(bytes) if bytes == MARKER_TEXT.as_bytes() => Ok(()),
        _ => fs::write(&marker, MARKER_TEXT.as_bytes()),
    }
}

/// `.<name>.kanava-tmp`, `.<name>.kanava-old` (kanava before issue #12) and the same with
/// `-<pid>-<n>`: staging and old-output folders of builds into the output `<name>`.
fn is_leftover(entry: &str, name: &str) -> bool {
    ["tmp", "old"].iter().any(|what| {
        let Some(rest) = entry.strip_prefix(&format!(".{name}.kanava-{what}")) else {
            return false;
        };
        rest.is_empty()
            || rest.strip_prefix('-').is_some_and(|ids| {
                ids.split_once('-').is_some_and(|(pid, n)| {
                    [pid, n]
                        .iter()
                        .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                })
            })
    })
}

fn file_name(path: &Path) -> Option<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// The output's path made absolute, with `.` dropped and `..` resolved on the real file
/// system (`a/link/..` is the link target's parent, as the OS sees it).
pub(crate) fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .context("cannot read the current folder")?
            .join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if std::fs::symlink_metadata(&out).is_ok()
                    && let Ok(real) = out.canonicalize()
                {
                    out = real;
                }
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// The path with every link resolved; for a path that does not exist (yet), its nearest
/// existing ancestor's canonical path with the rest appended.
fn canonical(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(mut real) = existing.canonicalize() {
            real.extend(rest.iter().rev());
            return real;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return path.to_owned(),
        }
    }
}

/// The output may not be the site root, contain it, or overlap a source folder.
fn refuse_sources(
    given: &Path,
    path: &Path,
    root: &Path,
    sources: &[(&str, PathBuf)],
) -> Result<()> {
    let out = canonical(path);
    let root = canonical(&resolve(root)?);
    let shown = given.display();
    let help = "help: a build deletes and replaces its whole output folder; choose one outside \
                the site's sources, such as the default `<root>/public` or a folder beside the site";
    if out == root {
        bail!(
            "refusing to build into `{shown}`: it is the site root `{}`\n{help}",
            root.display()
        );
    }
    if root.starts_with(&out) {
        bail!(
            "refusing to build into `{shown}`: it contains the site root `{}`\n{help}",
            root.display()
        );
    }
    for (what, dir) in sources {
        let dir = canonical(&resolve(dir)?);
        let relation = if out == dir {
            "is"
        } else if out.starts_with(&dir) {
            "is inside"
        } else if dir.starts_with(&out) {
            "contains"
        } else {
            continue;
        };
        bail!(
            "refusing to build into `{shown}`: it {relation} the site's {what} `{}`\n{help}",
            dir.display()
        );
    }
    Ok(())
}

/// An existing output must be a folder, and empty or kanava's own (marked), unless `force`.
fn refuse_foreign(given: &Path, path: &Path, force: bool) -> Result<()> {
    let shown = given.display();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{shown}`")),
    };
    if !meta.is_dir() {
        bail!(
            "refusing to build into `{shown}`: it is a file, not a folder\n\
             help: choose another `--out`"
        );
    }
    if force || path.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(path)
        .with_context(|| format!("cannot read folder `{shown}`"))?
        .next()
        .is_none();
    if !empty {
        bail!(
            "refusing to replace `{shown}`: the folder is not empty and was not written by kanava \
             (it has no `{MARKER}` file), and a build deletes everything in it\n\
             help: choose another `--out`, empty the folder, or pass `--force` to replace it \
             anyway (also once for an output written by a kanava without markers)"
        );
    }
    Ok(())
}

/// Takes the output's lock, waiting while another build holds it. The lock file is in the
/// system's temporary folder, named after the output's absolute path (issue #13: beside the
/// output it dirtied the user's repository), and stays: removing it would let a third build
/// lock a new file while a waiting one locks the old.
fn lock(path: &Path, notice: Option<&Progress>) -> Result<File> {
    let lock_path = lock_file(path);
    if let Some(parent) = lock_path.parent() {
        fs::create_dir_all(parent)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open the lock file `{}`", lock_path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            if let Some(notice) = notice {
                notice(&format!(
                    "waiting for another kanava build into `{}` to finish (it holds `{}`)",
                    path.display(),
                    lock_path.display()
                ));
            }
            file.lock()
                .with_context(|| format!("cannot lock `{}`", lock_path.display()))?;
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock `{}`", lock_path.display()));
        }
    }
    Ok(file)
}

/// The lock file of the output `out` (as given to `--out`).
pub fn lock_path(out: &Path) -> Result<PathBuf> {
    Ok(lock_file(&resolve(out)?))
}

/// `<temp>/kanava-<hash of the output's absolute path>.lock`.
fn lock_file(path: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    std::env::temp_dir().join(format!("kanava-{:016x}.lock", h.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_known_by_name() {
        for (entry, expected) in [
            (".public.kanava-tmp", true),
            (".public.kanava-old", true),
            (".public.kanava-tmp-123-0", true),
            (".public.kanava-old-9-12", true),
            (".public.kanava-stamp", false),
            (".public.kanava-lock", false),
            ("public", false),
            (".public.kanava-tmp-", false),
            (".public.kanava-tmp-12", false),
            (".public.kanava-tmp-1-x", false),
            // The staging folder of an output named `public.kanava-tmp-1`.
            (".public.kanava-tmp-1.kanava-tmp-5-0", false),
            (".other.kanava-tmp", false),
        ] {
            assert_eq!(is_leftover(entry, "public"), expected, "{entry}");
        }
    }

    #[test]
    fn resolves_dots_and_missing_parts() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let p = resolve(&base.join("a/./missing/../b/.")).unwrap();
        assert_eq!(p, base.join("a/b"));
        assert_eq!(canonical(&base.join("x/y")), base.join("x/y"));
    }

    #[test]
    fn marker_is_written_once_and_stays_the_same() {
        let dir = tempfile::tempdir().unwrap();
        mark(dir.path()).unwrap();
        let first = std::fs::read(dir.path().join(MARKER)).unwrap();
        mark(dir.path()).unwrap();
        assert_eq!(std::fs::read(dir.path().join(MARKER)).unwrap(), first);
    }
}
