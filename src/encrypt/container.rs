//! The encrypted file format (issue 20, docs/encryption.md): what an encrypted audience's
//! folder holds for each of its files, under an opaque name, `_kanava/lock/e/<name>.js`.
//!
//! One format serves both readers: the file is a line of JavaScript,
//! `kanavaPayload("<name>","<base64>")`, that a `<script>` can load from `file://` (where
//! `fetch` is refused) and that the service worker fetches as text over HTTP(S). The base64
//! holds the container: `KNV1`, the 12-byte nonce, then the AES-256-GCM ciphertext and tag of
//! the padded plaintext — the file's length (8 bytes, little-endian), its bytes, and zeros up
//! to the padded size ([`padded_len`]).
//!
//! Parsing never panics on any input (a property test holds it to that).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::primitives::Iv;

const MAGIC: &[u8; 4] = b"KNV1";
const PREFIX: &str = "kanavaPayload(\"";
/// The smallest padded plaintext: a tiny file is not told apart from a 1 KiB one.
pub const MIN_PADDED: usize = 1024;

/// A parsed container: the nonce and the sealed (ciphertext and tag) bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Container {
    pub iv: Iv,
    pub sealed: Vec<u8>,
}

/// The script text of a container named `name`.
pub fn to_script(name: &str, iv: &Iv, sealed: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(MAGIC.len() + iv.len() + sealed.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(iv);
    bytes.extend_from_slice(sealed);
    format!("{PREFIX}{name}\",\"{}\")\n", STANDARD.encode(bytes))
}

/// Reads a script written by [`to_script`]: its name and container. `None` for anything
/// else.
pub fn from_script(text: &[u8]) -> Option<(String, Container)> {
    let text = std::str::from_utf8(text).ok()?;
    let rest = text.strip_prefix(PREFIX)?;
    let rest = rest.strip_suffix("\")\n")?;
    let (name, b64) = rest.split_once("\",\"")?;
    if !name.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes = STANDARD.decode(b64).ok()?;
    Some((name.to_owned(), parse(&bytes)?))
}

/// The binary container: magic, nonce, sealed bytes (at least a tag's 16).
pub fn parse(bytes: &[u8]) -> Option<Container> {
    let rest = bytes.strip_prefix(MAGIC)?;
    if rest.len() < 12 + 16 {
        return None;
    }
    let (iv, sealed) = rest.split_at(12);
    Some(Container {
        iv: iv.try_into().ok()?,
        sealed: sealed.to_vec(),
    })
}

/// Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
/// with PURBs", PETS 2019): rounds a length up so that only O(log log n) bits of it remain,
/// at most 12 % more bytes; never below [`MIN_PADDED`].
pub fn padded_len(len: usize) -> usize {
    let len = len.max(MIN_PADDED);
    let e = usize::BITS - 1 - len.leading_zeros(); // floor(log2 len)
    let s = usize::BITS - (e as usize).leading_zeros(); // floor(log2 e) + 1
    let last_bits = e - s;
    let mask = (1usize << last_bits) - 1;
    (len + mask) & !mask
}

/// The plaintext sealed for `data`: its length, its bytes, zeros to the padded size.
pub fn pad(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(padded_len(data.len() + 8));
    out.extend_from_slice(&(data.len() as u64).to_le_bytes());
    out.extend_from_slice(data);
    out.resize(padded_len(data.len() + 8), 0);
    out
}

/// The data inside a padded plaintext; `None` when the length does not fit or the padding
/// is not zeros.
pub fn unpad(padded: &[u8]) -> Option<&[u8]> {
    let (len, rest) = padded.split_first_chunk::<8>()?;
    let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
    if len > rest.len() || rest[len..].iter().any(|&b| b != 0) {
        return None;
    }
    Some(&rest[..len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn padding_buckets() {
        assert_eq!(padded_len(0), 1024);
        assert_eq!(padded_len(1024), 1024);
        assert_eq!(padded_len(1025), 1088);
        assert_eq!(padded_len(5000), 5120);
        assert_eq!(padded_len(1_000_000), 1_015_808);
        for len in [1usize, 1000, 4097, 65_537, 10_000_000] {
            let p = padded_len(len);
            assert!(p >= len && p <= (len.max(MIN_PADDED) as f64 * 1.12) as usize + 1);
        }
    }

    #[test]
    fn a_script_round_trips() {
        let iv = [7; 12];
        let text = to_script("00ff", &iv, &[1; 40]);
        let (name, c) = from_script(text.as_bytes()).unwrap();
        assert_eq!(name, "00ff");
        assert_eq!(
            c,
            Container {
                iv,
                sealed: vec![1; 40]
            }
        );
        assert_eq!(unpad(&pad(b"hello")).unwrap(), b"hello");
        assert_eq!(pad(b"hello").len(), 1024);
    }

    proptest! {
        /// The parsers never panic, whatever the bytes.
        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = from_script(&bytes);
            let _ = parse(&bytes);
            let _ = unpad(&bytes);
        }

        /// Nor on scripts that are almost right.
        #[test]
        fn near_scripts_never_panic(name in "[0-9a-f\"\\\\,]{0,8}", b64 in "[A-Za-z0-9+/=\"]{0,200}") {
            let _ = from_script(format!("{PREFIX}{name}\",\"{b64}\")\n").as_bytes());
        }

        /// Whatever is written reads back the same.
        #[test]
        fn round_trips(iv in any::<[u8; 12]>(), sealed in proptest::collection::vec(any::<u8>(), 16..600),
                       data in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let text = to_script("abc123", &iv, &sealed);
            let (name, c) = from_script(text.as_bytes()).unwrap();
            prop_assert_eq!(name, "abc123");
            prop_assert_eq!(c, Container { iv, sealed });
            let padded = pad(&data);
            prop_assert_eq!(padded.len(), padded_len(data.len() + 8));
            prop_assert_eq!(unpad(&padded).unwrap(), &data[..]);
        }
    }
}
