//! The key file's contents (issue 20, docs/encryption.md): per audience an epoch, its
//! random 256-bit content key and its key slots, one per partner credential. Pure data and
//! operations (add, remove, rotate); `keyfile.rs` reads and writes it.
//!
//! A slot keeps its *key-encryption key* (derived from the partner's token or passphrase),
//! never the token or passphrase itself: so a rotation rewraps the new content key for every
//! remaining partner and their magic links and passphrases keep working. Whoever holds the
//! key file holds every content key anyway, so keeping the slots' keys beside them gives
//! nothing more away.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

use super::primitives::{self, Iv, Key};

/// PBKDF2-HMAC-SHA256 iterations for passphrase slots (OWASP's 2023 figure).
pub const ITERATIONS: u32 = 600_000;
/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE: usize = 12;
/// The key file's format version.
const VERSION: u32 = 1;

/// The whole key file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub kanava_keys: u32,
    #[serde(default)]
    pub warning: String,
    #[serde(default)]
    pub audiences: BTreeMap<String, AudienceKeys>,
}

/// One audience's keys.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AudienceKeys {
    /// Starts at 1; each rotation adds one.
    pub epoch: u32,
    /// The content key, base64.
    pub content_key: String,
    #[serde(default)]
    pub slots: Vec<Slot>,
}

/// A partner's credential, as the key file keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// Random, published in the slot file instead of the partner's name.
    pub id: String,
    pub partner: String,
    pub kind: SlotKind,
    /// Base64; published.
    pub salt: String,
    /// PBKDF2 iterations (passphrase slots); published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u32>,
    /// The key-encryption key derived from the credential, base64: secret.
    pub kek: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    Token,
    Passphrase,
}

/// What a partner is given when a slot is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// The token, base64url: the magic link's `#k=`.
    Token(String),
    /// The passphrase (given or generated).
    Passphrase(String),
}

const WARNING: &str = "SECRET: these keys decrypt every protected audience of the site. Keep this file out of the site, out of git and off the web, and back it up: without it no new partner can be added and no build can be encrypted with the same keys.";

impl Default for KeyFile {
    fn default() -> Self {
        KeyFile {
            kanava_keys: VERSION,
            warning: WARNING.to_owned(),
            audiences: BTreeMap::new(),
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub(crate) fn unb64<const N: usize>(text: &str) -> Option<[u8; N]> {
    STANDARD.decode(text).ok()?.try_into().ok()
}

/// Slot keys derived from a token (HKDF-SHA256): what the browser derives from `#k=`.
pub fn token_kek(token: &[u8], salt: &[u8]) -> Key {
    primitives::derive(token, salt, "kanava-v1 token slot")
}

/// Slot keys derived from a passphrase (PBKDF2-HMAC-SHA256).
pub fn passphrase_kek(passphrase: &str, salt: &[u8], iterations: u32) -> Key {
    let mut key = [0; 32];
    primitives::pbkdf2(passphrase.as_bytes(), salt, iterations, &mut key);
    key
}

impl KeyFile {
    /// Reads a key file's text (JSON). Errors say what is wrong, not the key material.
    pub fn parse(text: &str) -> Result<KeyFile, String> {
        let file: KeyFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.kanava_keys != VERSION {
            return Err(format!(
                "format version {} (this kanava reads version {VERSION})",
                file.kanava_keys
            ));
        }
        for (name, a) in &file.audiences {
            if unb64::<32>(&a.content_key).is_none() {
                return Err(format!(
                    "the content key of `{name}` is not 32 bytes of base64"
                ));
            }
            for s in &a.slots {
                let iterations_ok = match s.kind {
                    SlotKind::Token => s.iterations.is_none(),
                    SlotKind::Passphrase => s.iterations.is_some_and(|n| n > 0),
                };
                if unb64::<32>(&s.kek).is_none()
                    || STANDARD.decode(&s.salt).is_err()
                    || !iterations_ok
                {
                    return Err(format!(
                        "slot `{}` of `{name}` ({}) is damaged",
                        s.id, s.partner
                    ));
                }
            }
        }
        Ok(file)
    }

    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Adds a slot for `partner` to `audience` (created with a fresh content key if new).
    /// `passphrase`: `None` for a token slot.
    pub fn add(
        &mut self,
        audience: &str,
        partner: &str,
        passphrase: Option<&str>,
    ) -> anyhow::Result<Credential> {
        if let Some(p) = passphrase
            && p.chars().count() < MIN_PASSPHRASE
        {
            anyhow::bail!(
                "the passphrase is shorter than {MIN_PASSPHRASE} characters: choose a longer one, or let kanava make one with `--generate`"
            );
        }
        if !self.audiences.contains_key(audience) {
            self.audiences.insert(
                audience.to_owned(),
                AudienceKeys {
                    epoch: 1,
                    content_key: b64(&primitives::random::<32>()?),
                    slots: Vec::new(),
                },
            );
        }
        let keys = self
            .audiences
            .get_mut(audience)
            .ok_or_else(|| anyhow::anyhow!("no keys for `{audience}`"))?;
        if keys.slots.iter().any(|s| s.partner == partner) {
            anyhow::bail!(
                "`{audience}` already has a partner `{partner}`: remove it first (`kanava keys remove {audience} {partner}`), or choose another name"
            );
        }
        let salt = primitives::random::<16>()?;
        let id = primitives::random::<8>()?
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let (slot, credential) = match passphrase {
            None => {
                let token = primitives::random::<16>()?;
                let slot = Slot {
                    id,
                    partner: partner.to_owned(),
                    kind: SlotKind::Token,
                    salt: b64(&salt),
                    iterations: None,
                    kek: b64(&token_kek(&token, &salt)),
                };
                (slot, Credential::Token(URL_SAFE_NO_PAD.encode(token)))
            }
            Some(p) => {
                let slot = Slot {
                    id,
                    partner: partner.to_owned(),
                    kind: SlotKind::Passphrase,
                    salt: b64(&salt),
                    iterations: Some(ITERATIONS),
                    kek: b64(&passphrase_kek(p, &salt, ITERATIONS)),
                };
                (slot, Credential::Passphrase(p.to_owned()))
            }
        };
        keys.slots.push(slot);
        Ok(credential)
    }

    /// Removes `partner`'s slot from `audience` and rotates it (a new content key the
    /// removed credential cannot unwrap). False when there was no such partner.
    pub fn remove(&mut self, audience: &str, partner: &str) -> anyhow::Result<bool> {
        let Some(keys) = self.audiences.get_mut(audience) else {
            return Ok(false);
        };
        let before = keys.slots.len();
        keys.slots.retain(|s| s.partner != partner);
        if keys.slots.len() == before {
            return Ok(false);
        }
        self.rotate(audience)?;
        Ok(true)
    }

    /// A new epoch and content key for `audience`; every slot wraps the new key at the next
    /// build. False when the audience has no keys.
    pub fn rotate(&mut self, audience: &str) -> anyhow::Result<bool> {
        let Some(keys) = self.audiences.get_mut(audience) else {
            return Ok(false);
        };
        keys.epoch += 1;
        keys.content_key = b64(&primitives::random::<32>()?);
        Ok(true)
    }
}

impl AudienceKeys {
    pub fn content_key(&self) -> Key {
        unb64(&self.content_key).unwrap_or([0; 32])
    }
}

/// The associated data binding a wrapped content key to its audience, epoch and slot.
pub fn slot_aad(audience: &str, epoch: u32, slot: &str) -> String {
    format!("kanava-slot-v1\n{audience}\n{epoch}\n{slot}")
}

/// A slot as published: everything the browser needs to unwrap the content key with the
/// right credential, and nothing that names the partner.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublicSlot {
    pub id: String,
    pub kind: SlotKind,
    pub salt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u32>,
    pub iv: String,
    /// The content key sealed under the slot's key (AES-256-GCM, [`slot_aad`]).
    pub key: String,
}

/// The published slot file's data.
#[derive(Debug, Serialize, Deserialize)]
pub struct PublicSlots {
    pub v: u32,
    pub audience: String,
    pub epoch: u32,
    pub slots: Vec<PublicSlot>,
}

/// The audience's slots as published, each wrapping the current content key. The nonce is
/// derived from the slot's key and the associated data, so the file is the same from build
/// to build (a nonce repeats only with the same key and the same content key).
pub fn public_slots(audience: &str, keys: &AudienceKeys) -> PublicSlots {
    let content_key = keys.content_key();
    let slots = keys
        .slots
        .iter()
        .map(|s| {
            let kek: Key = unb64(&s.kek).unwrap_or([0; 32]);
            let aad = slot_aad(audience, keys.epoch, &s.id);
            let iv = slot_iv(&kek, &aad);
            PublicSlot {
                id: s.id.clone(),
                kind: s.kind,
                salt: s.salt.clone(),
                iterations: s.iterations,
                iv: b64(&iv),
                key: b64(&primitives::seal(&kek, &iv, aad.as_bytes(), &content_key)),
            }
        })
        .collect();
    PublicSlots {
        v: 1,
        audience: audience.to_owned(),
        epoch: keys.epoch,
        slots,
    }
}

fn slot_iv(kek: &Key, aad: &str) -> Iv {
    let mac = primitives::hmac(kek, &[b"kanava-v1 slot iv\n", aad.as_bytes(), &[0]]);
    let mut iv = [0; 12];
    iv.copy_from_slice(&mac[..12]);
    iv
}

/// What a reader does: the content key from a published slot and a credential's key.
pub fn unwrap_slot(audience: &str, epoch: u32, slot: &PublicSlot, kek: &Key) -> Option<Key> {
    let iv: Iv = unb64(&slot.iv)?;
    let sealed = STANDARD.decode(&slot.key).ok()?;
    let aad = slot_aad(audience, epoch, &slot.id);
    primitives::open(kek, &iv, aad.as_bytes(), &sealed)?
        .try_into()
        .ok()
}

/// A reader's token from a magic link's `#k=`.
pub fn token_from_link(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salt_of(slot: &PublicSlot) -> Vec<u8> {
        STANDARD.decode(&slot.salt).unwrap()
    }

    #[test]
    fn a_token_unwraps_its_audience_key_and_nothing_else() {
        let mut file = KeyFile::default();
        let Credential::Token(token) = file.add("gold", "acme", None).unwrap() else {
            panic!()
        };
        let token = token_from_link(&token).unwrap();
        assert_eq!(token.len(), 16);
        let keys = &file.audiences["gold"];
        let public = public_slots("gold", keys);
        let slot = &public.slots[0];
        let kek = token_kek(&token, &salt_of(slot));
        assert_eq!(
            unwrap_slot("gold", keys.epoch, slot, &kek),
            Some(keys.content_key())
        );
        // Another audience, epoch or token: refused.
        assert_eq!(unwrap_slot("silver", keys.epoch, slot, &kek), None);
        assert_eq!(unwrap_slot("gold", keys.epoch + 1, slot, &kek), None);
        let other = token_kek(&[0; 16], &salt_of(slot));
        assert_eq!(unwrap_slot("gold", keys.epoch, slot, &other), None);
        // No partner name and no key file secret in what is published.
        let text = serde_json::to_string(&public).unwrap();
        assert!(!text.contains("acme"));
        assert!(!text.contains(&keys.content_key));
        assert!(!text.contains(&keys.slots[0].kek));
    }

    #[test]
    fn short_passphrases_are_refused() {
        let mut file = KeyFile::default();
        assert!(file.add("gold", "acme", Some("short")).is_err());
        assert!(
            file.audiences
                .get("gold")
                .is_none_or(|k| k.slots.is_empty())
        );
    }

    #[test]
    fn removing_a_partner_rotates_and_keeps_the_others() {
        let mut file = KeyFile::default();
        file.add("gold", "acme", None).unwrap();
        file.add("gold", "globex", None).unwrap();
        let before = file.audiences["gold"].clone();
        assert!(file.remove("gold", "acme").unwrap());
        let after = file.audiences["gold"].clone();
        assert_eq!(after.epoch, before.epoch + 1);
        assert_ne!(after.content_key, before.content_key);
        assert_eq!(after.slots, before.slots[1..]);
        assert!(!file.remove("gold", "acme").unwrap());
        // The remaining partner's key still unwraps the new content key.
        let public = public_slots("gold", &after);
        let kek: Key = unb64(&after.slots[0].kek).unwrap();
        assert_eq!(
            unwrap_slot("gold", after.epoch, &public.slots[0], &kek),
            Some(after.content_key())
        );
        // Parsing what was written gives the same file.
        assert_eq!(KeyFile::parse(&file.to_text()).unwrap(), file);
    }

    #[test]
    fn damaged_key_files_are_refused() {
        assert!(KeyFile::parse("{").is_err());
        assert!(KeyFile::parse(r#"{"kanava_keys": 2}"#).is_err());
        assert!(
            KeyFile::parse(
                r#"{"kanava_keys": 1, "audiences": {"gold": {"epoch": 1, "content_key": "AAAA"}}}"#
            )
            .is_err()
        );
    }
}
