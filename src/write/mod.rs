//! Write: where rendered files go. A [`Sink`] takes files by site-relative path:
//! [`Staging`] writes to a temporary folder beside the output and swaps it in atomically
//! at the end (a failed or interrupted build leaves the previous output untouched);
//! [`NullSink`] discards (for `kanava check`). The dev server will add a memory sink.

pub mod stamp;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::fs;

pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    fn copy(&self, path: &str, from: &Path) -> Result<()>;
    /// True when everything written is thrown away (`check`): lets rendering stop at one
    /// page of each kind (templates, not pages, make template errors).
    fn discards(&self) -> bool {
        false
    }
}

/// Discards everything: `check` renders a page of each kind in every view (so template
/// errors are found) and writes nothing.
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> Result<()> {
        Ok(())
    }
    fn copy(&self, _: &str, _: &Path) -> Result<()> {
        Ok(())
    }
    fn discards(&self) -> bool {
        true
    }
}

/// A folder being filled; becomes the output only on [`Staging::commit`].
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
}

impl Staging {
    /// Starts a fresh staging folder next to `out` (same file system, so the swap is a
    /// rename). Leftovers of an interrupted earlier build are removed first.
    pub fn begin(out: &Path) -> Result<Staging> {
        let out = absolute(out)?;
        let tmp = sibling(&out, "tmp");
        fs::remove_tree(&tmp)?;
        fs::create_dir_all(&tmp)?;
        Ok(Staging { out, tmp })
    }

    /// A sink writing into `<staging>/<prefix>` (prefix: the audience folder, or empty).
    pub fn sink(&self, prefix: &str) -> DirSink {
        DirSink {
            dir: if prefix.is_empty() {
                self.tmp.clone()
            } else {
                self.tmp.join(prefix)
            },
        }
    }

    /// Replaces the whole output folder with the staged one.
    pub fn commit(self) -> Result<()> {
        let old = sibling(&self.out, "old");
        fs::remove_tree(&old)?;
        if self.out.exists() {
            fs::rename(&self.out, &old)?;
        }
        fs::rename(&self.tmp, &self.out)?;
        fs::remove_tree(&old)
    }

    /// Replaces only the given sub-folders of the output (`--audience` builds), keeping the
    /// others as they are.
    pub fn commit_parts(self, parts: &[&str]) -> Result<()> {
        fs::create_dir_all(&self.out)?;
        for part in parts {
            let target = self.out.join(part);
            let old = sibling(&target, "old");
            fs::remove_tree(&old)?;
            if target.exists() {
                fs::rename(&target, &old)?;
            }
            fs::rename(&self.tmp.join(part), &target)?;
            fs::remove_tree(&old)?;
        }
        fs::remove_tree(&self.tmp)
    }

    /// Throws the staged files away; the previous output is untouched.
    pub fn abandon(self) -> Result<()> {
        fs::remove_tree(&self.tmp)
    }
}

pub(crate) fn absolute(path: &Path) -> Result<PathBuf> {
    Ok(if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()?.join(path)
    })
}

/// `public` → `.public.kanava-tmp` in the same folder.
pub(crate) fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.kanava-{what}"))
}

pub struct DirSink {
    dir: PathBuf,
}

impl DirSink {
    fn target(&self, path: &str) -> PathBuf {
        // Paths come from the model (never `..`), but refuse anything odd all the same.
        let mut p = self.dir.clone();
        for part in path
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        {
            p.push(part);
        }
        p
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        fs::write(&self.target(path), bytes)
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        fs::copy(from, &self.target(path))
    }
}
