//! The no-change rebuild (issue #7): a fingerprint of everything a build reads, stored
//! in the output (`.kanava-stamp`, issue #13: beside it, it dirtied the user's repository)
//! after a clean build. When the next build's fingerprint matches, the
//! output exists, and the moment of the next scheduled change (a `publish`, `expires`,
//! `from` or `until`) has not come, the build has nothing to do and stops before parsing.
//!
//! What the fingerprint covers: kanava's version, the options that shape output (stage,
//! `--at`, audiences), kanava.yaml, every Markdown and data file's text and last git commit
//! time, every asset's path, size and modification time, and the theme folder's files. Any change there rebuilds
//! everything; a build with any diagnostic records no stamp, so warnings are never hidden.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::load::Sources;
use crate::load::theme::Theme;

/// The stamp's file name, inside the output folder.
pub const STAMP: &str = ".kanava-stamp";

pub struct Stamp {
    fingerprint: u64,
    file: PathBuf,
}

impl Stamp {
    /// `keys`: the key file's text of an encrypted build (issue 20): a rotation or a new
    /// partner changes the output.
    pub fn new(
        out: &Path,
        sources: &Sources,
        theme: &Theme,
        options: &crate::Options,
        keys: Option<&str>,
    ) -> Stamp {
        let mut h = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut h);
        // What is built: a binary without the `search` feature and `--no-search` alike
        // write no index, so it is the effective choice that counts.
        (
            options.stage.name(),
            &options.at,
            &options.audiences,
            options.search(),
        )
            .hash(&mut h);
        sources.texts.fingerprint(&mut h);
        // What's new dates files by their last commit: a commit changes the output even
        // when no file does.
        for (path, when) in &sources.commits {
            (path, when.first.as_second(), when.last.as_second()).hash(&mut h);
        }
        for asset in &sources.assets {
            asset.path.hash(&mut h);
            if let Ok(meta) = std::fs::metadata(&asset.disk_path) {
                meta.len().hash(&mut h);
                meta.modified().ok().hash(&mut h);
            }
        }
        for (name, (source, _)) in &theme.templates {
            (name, source).hash(&mut h);
        }
        theme.static_files.hash(&mut h);
        theme.strings.hash(&mut h);
        keys.hash(&mut h);
        Stamp {
            fingerprint: h.finish(),
            file: super::absolute(out)
                .unwrap_or_else(|_| out.to_owned())
                .join(STAMP),
        }
    }

    /// Is the output the result of these very inputs, and still valid now?
    pub fn is_current(&self, out: &Path, now: Timestamp) -> bool {
        let Ok(text) = std::fs::read_to_string(&self.file) else {
            return false;
        };
        let mut lines = text.lines();
        let same = lines.next() == Some(&format!("{:016x}", self.fingerprint));
        let valid = match lines.next() {
            Some("never") => true,
            Some(t) => t.parse::<Timestamp>().is_ok_and(|until| now < until),
            None => false,
        };
        same && valid && out.is_dir()
    }

    /// Records a clean build, valid until `until` (the next scheduled change; `None`: never).
    pub fn record(&self, until: Option<Timestamp>) -> anyhow::Result<()> {
        let until = until.map_or_else(|| "never".to_owned(), |t| t.to_string());
        crate::fs::write(
            &self.file,
            format!("{:016x}\n{until}\n", self.fingerprint).as_bytes(),
        )
    }

    /// Forgets the stamp (before writing new output, so an interrupted build is not trusted).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(&self.file);
    }
}
