//! Encrypted output (issue 20, docs/encryption.md): for hosts that check nobody (GitHub
//! Pages, a public bucket, a file share), every file of a protected audience is encrypted
//! with that audience's content key, under an opaque name, padded; only a public shell
//! (login page, loader, service worker, slot file) stays plain. `write::encrypted` applies
//! it to a build's output; `kanava keys` manages the key file (`keys.rs`, `keyfile.rs`).
//!
//! Per audience and epoch, from the content key K (HKDF-SHA256, one key per purpose):
//! the file key (AES-256-GCM), the name key (HMAC-SHA256 of the logical path: the opaque
//! name) and the nonce key (HMAC-SHA256 of the associated data and the content: the nonce,
//! so unchanged files keep their bytes from build to build). The associated data binds
//! audience, epoch and logical path, so a file moved to another path or audience fails.

pub mod container;
pub mod keyfile;
pub mod keys;
pub mod primitives;
pub mod shell;

use primitives::{Iv, Key};

/// Where the shell and the encrypted files live inside an audience's folder (the theme's
/// `_kanava/`, which content cannot use).
pub const LOCK: &str = "_kanava/lock/";
/// The service worker, at the audience's root so that its scope is the whole folder.
pub const SERVICE_WORKER: &str = "kanava-sw.js";

/// One audience's file encryption at one epoch.
pub struct Sealer {
    audience: String,
    epoch: u32,
    file_key: Key,
    name_key: Key,
    nonce_key: Key,
}

impl Sealer {
    pub fn new(audience: &str, epoch: u32, content_key: &Key) -> Sealer {
        Sealer {
            audience: audience.to_owned(),
            epoch,
            file_key: primitives::derive(content_key, b"", "kanava-v1 file key"),
            name_key: primitives::derive(content_key, b"", "kanava-v1 name key"),
            nonce_key: primitives::derive(content_key, b"", "kanava-v1 nonce key"),
        }
    }

    /// The opaque name of the file at `path` (relative to the audience's folder): 128 bits
    /// of HMAC-SHA256 of the path, in hex. Never a hash of the content, so nobody can
    /// confirm that a file they know is published.
    pub fn name(&self, path: &str) -> String {
        let mac = primitives::hmac(&self.name_key, &[b"kanava-v1 name\n", path.as_bytes()]);
        mac[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Where the encrypted file of `path` is written, relative to the audience's folder.
    pub fn file(&self, path: &str) -> String {
        format!("{LOCK}e/{}.js", self.name(path))
    }

    fn aad(&self, path: &str) -> String {
        format!("kanava-file-v1\n{}\n{}\n{path}", self.audience, self.epoch)
    }

    /// The encrypted file of `data` at `path`: the script text of its container.
    pub fn seal(&self, path: &str, data: &[u8]) -> String {
        let aad = self.aad(path);
        let padded = container::pad(data);
        let mac = primitives::hmac(
            &self.nonce_key,
            &[
                aad.as_bytes(),
                &[0],
                &(data.len() as u64).to_le_bytes(),
                data,
            ],
        );
        let mut iv: Iv = [0; 12];
        iv.copy_from_slice(&mac[..12]);
        let sealed = primitives::seal(&self.file_key, &iv, aad.as_bytes(), &padded);
        container::to_script(&self.name(path), &iv, &sealed)
    }

    /// Decrypts what [`Sealer::seal`] wrote for `path`; `None` for another path, audience,
    /// epoch or key, or damaged bytes.
    pub fn open(&self, path: &str, script: &[u8]) -> Option<Vec<u8>> {
        let (name, c) = container::from_script(script)?;
        if name != self.name(path) {
            return None;
        }
        let padded = primitives::open(&self.file_key, &c.iv, self.aad(path).as_bytes(), &c.sealed)?;
        container::unpad(&padded).map(<[u8]>::to_vec)
    }
}

/// The embedded word list for generated passphrases: 512 common English words of four or
/// five letters (9 bits each), written for kanava.
const WORDS: &str = include_str!("words.txt");
/// Words in a generated passphrase: 8 × 9 = 72 bits from the OS random source.
pub const PASSPHRASE_WORDS: usize = 8;

/// A diceware-style passphrase: [`PASSPHRASE_WORDS`] words drawn uniformly from the list.
pub fn generate_passphrase() -> anyhow::Result<String> {
    let words: Vec<&str> = WORDS.lines().collect();
    let random = primitives::random::<{ 2 * PASSPHRASE_WORDS }>()?;
    Ok(random
        .chunks(2)
        .map(|pair| words[usize::from(u16::from_le_bytes([pair[0], pair[1]])) % words.len()])
        .collect::<Vec<_>>()
        .join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_opens_only_at_its_path_audience_and_epoch() {
        let key = [9; 32];
        let gold = Sealer::new("gold", 1, &key);
        let data = b"<h1>gold price list</h1>";
        let sealed = gold.seal("catalog/price-list.csv", data);
        assert_eq!(
            gold.open("catalog/price-list.csv", sealed.as_bytes())
                .unwrap(),
            data
        );
        assert!(gold.open("catalog/other.csv", sealed.as_bytes()).is_none());
        assert!(
            Sealer::new("silver", 1, &key)
                .open("catalog/price-list.csv", sealed.as_bytes())
                .is_none()
        );
        assert!(
            Sealer::new("gold", 2, &key)
                .open("catalog/price-list.csv", sealed.as_bytes())
                .is_none()
        );
        // The same input gives the same bytes; other content, other bytes.
        assert_eq!(gold.seal("catalog/price-list.csv", data), sealed);
        assert_ne!(gold.seal("catalog/price-list.csv", b"other"), sealed);
        // Names depend on the key, not only the path.
        assert_ne!(
            gold.name("index.html"),
            Sealer::new("gold", 1, &[8; 32]).name("index.html")
        );
        assert_eq!(gold.name("index.html").len(), 32);
    }

    /// A file moved to another path still names itself: the opened container's name must be
    /// the one its path gives, and the associated data catches a renamed one too.
    #[test]
    fn a_swapped_file_fails() {
        let gold = Sealer::new("gold", 1, &[1; 32]);
        let a = gold.seal("a.html", b"A");
        let b = gold.seal("b.html", b"B");
        assert!(gold.open("a.html", b.as_bytes()).is_none());
        let renamed = b.replace(&gold.name("b.html"), &gold.name("a.html"));
        assert!(gold.open("a.html", renamed.as_bytes()).is_none());
        assert!(gold.open("a.html", a.as_bytes()).is_some());
    }

    #[test]
    fn generated_passphrases_are_long_and_differ() {
        assert_eq!(WORDS.lines().count(), 512);
        let mut unique: Vec<&str> = WORDS.lines().collect();
        unique.dedup();
        assert_eq!(unique.len(), 512);
        let a = generate_passphrase().unwrap();
        assert_eq!(a.split('-').count(), PASSPHRASE_WORDS);
        assert!(a.len() >= keys::MIN_PASSPHRASE);
        assert_ne!(a, generate_passphrase().unwrap());
    }
}
