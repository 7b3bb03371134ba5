//! Reading and writing the key file (issue 20): JSON, readable by its owner only (0600),
//! replaced atomically, and never where it could be published — inside `content/` or the
//! output folder is refused, as `deploy-config` refuses such a users file. The one place
//! of `encrypt` that touches the file system (`tests/it/tidy.rs`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::keys::KeyFile;

/// Refuses a key file inside `content/` or the output: it would be published.
pub fn check_location(file: &Path, root: &Path, out: Option<&Path>) -> Result<()> {
    let file_abs = absolute(file)?;
    let mut places = vec![(root.join("content"), "content/")];
    if let Some(out) = out {
        places.push((out.to_owned(), "the output folder"));
    }
    for (dir, what) in places {
        if file_abs.starts_with(absolute(&dir)?) {
            bail!(
                "the key file `{}` is inside {what}, where it could be published: keep it outside the site (and out of git), e.g. ../secrets/kanava-keys.json",
                file.display()
            );
        }
    }
    Ok(())
}

/// The canonical path, or for a file that does not exist yet its folder's plus its name.
fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    if let Ok(c) = abs.canonicalize() {
        return Ok(c);
    }
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => Ok(absolute(parent)?.join(name)),
        _ => Ok(abs),
    }
}

/// Reads the key file; `None` when it does not exist.
pub fn read(path: &Path) -> Result<Option<KeyFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read the key file `{}`", path.display()));
        }
    };
    KeyFile::parse(&text).map(Some).map_err(|e| {
        anyhow::anyhow!(
            "the key file `{}` is not a kanava key file: {e}; restore it from your backup",
            path.display()
        )
    })
}

/// Writes the key file readable by its owner only, through a temporary file beside it, so
/// an interrupted write leaves the previous file whole.
pub fn write(path: &Path, keys: &KeyFile) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the folder `{}`", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.kanava-tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(keys.to_text().as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write the key file `{}`", path.display()));
    }
    Ok(())
}
