//! `std::fs` wrappers whose errors always name the path (mdBook's `utils::fs` idea).
//! Only `load/`, `write/` and `init` call these: they are the stages allowed to touch disk.

use std::path::Path;

use anyhow::{Context, Result};

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write `{}`", path.display()))
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create folder `{}`", path.display()))
}

/// Removes a folder and everything in it (nothing to do when it is not there), one rayon
/// task per folder: removing a large output one file at a time took half the wall time of
/// a rebuild (issue #7). Symbolic links are removed, never followed.
pub fn remove_tree(path: &Path) -> Result<()> {
    use rayon::prelude::*;
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        // A link (even to a folder) or a file: remove it, not what it points to.
        Ok(meta) if !meta.is_dir() => {
            return std::fs::remove_file(path)
                .with_context(|| format!("cannot remove `{}`", path.display()));
        }
        _ => {}
    }
    let entries: Vec<_> = std::fs::read_dir(path)
        .and_then(|dir| dir.collect::<std::io::Result<Vec<_>>>())
        .with_context(|| format!("cannot read folder `{}`", path.display()))?;
    entries.par_iter().try_for_each(|entry| {
        let child = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            remove_tree(&child)
        } else {
            std::fs::remove_file(&child)
                .with_context(|| format!("cannot remove `{}`", child.display()))
        }
    })?;
    std::fs::remove_dir(path).with_context(|| format!("cannot remove `{}`", path.display()))
}

/// Replaces `path` with what `write` writes, through a temporary file beside it that only
/// the owner can read (on Unix; the file keeps that mode): an interrupted write leaves the
/// previous file whole, and a reader sees one or the other. `durable` syncs it to disk
/// before the rename (a key file; not a cache that can be made again).
pub fn replace(
    path: &Path,
    durable: bool,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.kanava-tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options
        .open(&tmp)
        .with_context(|| format!("cannot write `{}`", tmp.display()))
        .and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            let file = out
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("cannot write `{}`", tmp.display()))?;
            if durable {
                file.sync_all()
                    .with_context(|| format!("cannot write `{}`", tmp.display()))?;
            }
            rename(&tmp, path)
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("cannot move `{}` to `{}`", from.display(), to.display()))
}

pub fn copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .map(drop)
        .with_context(|| format!("cannot copy `{}` to `{}`", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree goes; what its links point to stays.
    #[cfg(unix)]
    #[test]
    fn remove_tree_removes_links_not_their_targets() {
        let dir = tempfile::tempdir().unwrap();
        let keep = dir.path().join("keep");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join("file"), "kept").unwrap();
        let tree = dir.path().join("tree");
        for sub in ["a/b", "c"] {
            std::fs::create_dir_all(tree.join(sub)).unwrap();
            std::fs::write(tree.join(sub).join("x.html"), "x").unwrap();
        }
        std::os::unix::fs::symlink(&keep, tree.join("a/link")).unwrap();
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert_eq!(std::fs::read_to_string(keep.join("file")).unwrap(), "kept");
        // A link as the tree itself: only the link goes.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&keep, &link).unwrap();
        remove_tree(&link).unwrap();
        assert!(!link.exists() && keep.join("file").exists());
        // Nothing there: nothing to do.
        remove_tree(&dir.path().join("missing")).unwrap();
    }
}
