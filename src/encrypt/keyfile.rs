//! Reading and writing the key file (issue 20): JSON, readable by its owner only (0600),
//! replaced atomically, and never where it could be published — inside `content/` or the
//! output folder is refused, as `deploy-config` refuses such a users file. The one place
//! of `encrypt` that touches the file system (`tests/it/tidy.rs`).

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
/// an interrupted write leaves the previous file whole (`fs::replace`, synced to disk).
pub fn write(path: &Path, keys: &KeyFile) -> Result<()> {
    crate::fs::replace(path, true, |out| {
        Ok(out.write_all(keys.to_text().as_bytes())?)
    })
    .with_context(|| format!("cannot write the key file `{}`", path.display()))
}
