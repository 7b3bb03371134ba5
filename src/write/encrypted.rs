//! Encrypted output (issue 20, docs/encryption.md): a [`Destination`] around another that
//! encrypts every file of a protected audience's folder — pages, theme, search index, price
//! list, feed, sitemap, PDFs, images — under its opaque name (`encrypt::Sealer`), and
//! passes other folders (public audiences, the output's root page) through as they are.
//! [`Encrypting::write_shells`] then adds each encrypted folder's public shell.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;

use super::{Destination, Sink, refuse_secret};
use crate::encrypt::keys::AudienceKeys;
use crate::encrypt::{Sealer, shell};
use crate::fs;

/// One encrypted folder: its audience's keys and file encryption.
struct Locked {
    audience: String,
    keys: AudienceKeys,
    sealer: Arc<Sealer>,
}

pub struct Encrypting<'a> {
    inner: &'a dyn Destination,
    /// By folder.
    locked: BTreeMap<String, Locked>,
    site_title: String,
    language: String,
}

impl<'a> Encrypting<'a> {
    /// `audiences`: (folder, audience name, keys) of every folder to encrypt.
    pub fn new(
        inner: &'a dyn Destination,
        audiences: Vec<(String, String, AudienceKeys)>,
        site_title: &str,
        language: &str,
    ) -> Encrypting<'a> {
        let locked = audiences
            .into_iter()
            .map(|(folder, audience, keys)| {
                let sealer = Arc::new(Sealer::new(&audience, keys.epoch, &keys.content_key()));
                (
                    folder,
                    Locked {
                        audience,
                        keys,
                        sealer,
                    },
                )
            })
            .collect();
        Encrypting {
            inner,
            locked,
            site_title: site_title.to_owned(),
            language: language.to_owned(),
        }
    }

    /// Writes the public shell (login page, scripts, slot file) into each encrypted folder
    /// among `folders` (the views built).
    pub fn write_shells(&self, folders: &[&str]) -> Result<()> {
        for folder in folders {
            if let Some(locked) = self.locked.get(*folder) {
                let sink = self.inner.view(folder);
                for (path, bytes) in shell::files(
                    &self.site_title,
                    &self.language,
                    &locked.audience,
                    &locked.keys,
                ) {
                    sink.write(&path, &bytes)?;
                }
            }
        }
        Ok(())
    }
}

impl Destination for Encrypting<'_> {
    fn view(&self, folder: &str) -> Box<dyn Sink + Send> {
        // A language's site is inside its audience's folder (`gold/fi`, issue 18): it is
        // encrypted with the audience, its files named by their path in that folder.
        let locked = self.locked.iter().find_map(|(f, locked)| {
            let rest = folder.strip_prefix(f.as_str())?;
            match rest.strip_prefix('/') {
                Some(sub) if !f.is_empty() => Some((f, locked, format!("{sub}/"))),
                _ if rest.is_empty() => Some((f, locked, String::new())),
                _ => None,
            }
        });
        match locked {
            Some((f, locked, prefix)) => Box::new(EncryptingSink {
                inner: self.inner.view(f),
                sealer: Arc::clone(&locked.sealer),
                prefix,
            }),
            None => self.inner.view(folder),
        }
    }
}

/// Writes each file encrypted, at its opaque name.
struct EncryptingSink {
    inner: Box<dyn Sink + Send>,
    sealer: Arc<Sealer>,
    /// Where the view is inside the audience's folder: `fi/` for its Finnish site.
    prefix: String,
}

impl Sink for EncryptingSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        // The logical name is checked as a plain build checks it (issue #16).
        refuse_secret(path)?;
        let path = format!("{}{path}", self.prefix);
        self.inner.write(
            &self.sealer.file(&path),
            self.sealer.seal(&path, bytes).as_bytes(),
        )
    }
    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        self.write(path, &fs::read(from)?)
    }
    fn discards(&self) -> bool {
        self.inner.discards()
    }
}
