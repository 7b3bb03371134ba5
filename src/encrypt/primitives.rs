//! The cryptographic primitives encrypted output uses (issue 20, docs/encryption.md), each a
//! thin wrapper over RustCrypto's crates, so the rest of `encrypt` names purposes, not
//! algorithms: AES-256-GCM, HKDF-SHA256, HMAC-SHA256 and PBKDF2-HMAC-SHA256, exactly the
//! set WebCrypto offers the browser-side loader. The tests check each against its published
//! test vectors.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A 256-bit key.
pub type Key = [u8; 32];
/// AES-GCM's 96-bit nonce.
pub type Iv = [u8; 12];

/// AES-256-GCM: `plaintext` sealed under `key` with `aad`; ciphertext followed by the tag.
pub fn seal(key: &Key, iv: &Iv, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(key.into());
    // Encryption fails only on inputs beyond GCM's limit (64 GiB); nothing kanava writes
    // comes near it, but an empty result would then fail to open, never pass as data.
    cipher
        .encrypt(
            &Nonce::from(*iv),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_default()
}

/// AES-256-GCM: opens what [`seal`] sealed; `None` when the key, nonce, data or `aad`
/// differ (the tag does not match).
pub fn open(key: &Key, iv: &Iv, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    Aes256Gcm::new(key.into())
        .decrypt(&Nonce::from(*iv), Payload { msg: sealed, aad })
        .ok()
}

/// HMAC-SHA256 of the parts, concatenated.
pub fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length.
    let mut mac =
        <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// HKDF-SHA256 (RFC 5869): `len` bytes from `ikm`, `salt` and `info`.
pub fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8], out: &mut [u8]) {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(salt), ikm);
    // Fails only for more than 255 × 32 bytes; kanava asks for 32.
    if hk.expand(info, out).is_err() {
        out.fill(0);
    }
}

/// A 256-bit key for one purpose from `ikm` (HKDF-SHA256 with an empty salt).
pub fn derive(ikm: &[u8], salt: &[u8], info: &str) -> Key {
    let mut key = [0; 32];
    hkdf(ikm, salt, info.as_bytes(), &mut key);
    key
}

/// PBKDF2-HMAC-SHA256 of a passphrase.
pub fn pbkdf2(passphrase: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    pbkdf2::pbkdf2_hmac::<Sha256>(passphrase, salt, iterations, out);
}

/// `n` bytes from the operating system's random source.
pub fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system's random source failed: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// NIST GCM test vectors (McGrew and Viega, "The Galois/Counter Mode of Operation",
    /// test cases 13–16: AES-256), as in NIST's gcmEncryptExtIV256 set.
    #[test]
    fn aes_256_gcm_matches_the_nist_vectors() {
        let key0 = [0u8; 32];
        let iv0 = [0u8; 12];
        // Test case 13: empty plaintext.
        assert_eq!(
            seal(&key0, &iv0, b"", b""),
            hex("530f8afbc74536b9a963b4f1c4cb738b")
        );
        // Test case 14: one zero block.
        assert_eq!(
            seal(&key0, &iv0, b"", &[0; 16]),
            hex("cea7403d4d606b6e074ec5d3baf39d18 d0d1c8a799996bf0265b98b5d48ab919")
        );
        let key: Key = hex("feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308")
            .try_into()
            .unwrap();
        let iv: Iv = hex("cafebabefacedbaddecaf888").try_into().unwrap();
        let plain = hex(
            "d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
             1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b39",
        );
        let aad = hex("feedfacedeadbeeffeedfacedeadbeef abaddad2");
        // Test case 16: with associated data.
        let expected = hex(
            "522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa
             8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662
             76fc6ece0f4e1768cddf8853bb2d551b",
        );
        let sealed = seal(&key, &iv, &aad, &plain);
        assert_eq!(sealed, expected);
        assert_eq!(open(&key, &iv, &aad, &sealed), Some(plain.clone()));
        // Other associated data, a flipped bit or another key: refused.
        assert_eq!(open(&key, &iv, b"other", &sealed), None);
        let mut flipped = sealed.clone();
        flipped[3] ^= 1;
        assert_eq!(open(&key, &iv, &aad, &flipped), None);
        assert_eq!(open(&key0, &iv, &aad, &sealed), None);
        assert_eq!(open(&key, &iv, &aad, &sealed[..10]), None);
    }

    /// RFC 4231, test cases 1, 2 and 6 (HMAC-SHA-256).
    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        assert_eq!(
            hmac(&[0x0b; 20], &[b"Hi There"]).to_vec(),
            hex("b0344c61d8db38535ca8afceaf0bf12b 881dc200c9833da726e9376c2e32cff7")
        );
        assert_eq!(
            hmac(b"Jefe", &[b"what do ya want ", b"for nothing?"]).to_vec(),
            hex("5bdcc146bf60754e6a042426089575c7 5a003f089d2739839dec58b964ec3843")
        );
        assert_eq!(
            hmac(
                &[0xaa; 131],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"]
            )
            .to_vec(),
            hex("60e431591ee0b67f0d8a26aacbf5b77f 8e0bc6213728c5140546040f0ee37f54")
        );
    }

    /// RFC 5869, test cases 1 and 3 (HKDF-SHA-256).
    #[test]
    fn hkdf_sha256_matches_rfc_5869() {
        let mut okm = [0; 42];
        hkdf(
            &[0x0b; 22],
            &hex("000102030405060708090a0b0c"),
            &hex("f0f1f2f3f4f5f6f7f8f9"),
            &mut okm,
        );
        assert_eq!(
            okm.to_vec(),
            hex(
                "3cb25f25faacd57a90434f64d0362f2a 2d2d0a90cf1a5a4c5db02d56ecc4c5bf
                 34007208d5b887185865"
            )
        );
        // Test case 3: no salt (RFC 5869: a string of zeros, as an empty salt is).
        hkdf(&[0x0b; 22], b"", b"", &mut okm);
        assert_eq!(
            okm.to_vec(),
            hex(
                "8da4e775a563c18f715f802a063c5a31 b8a11f5c5ee1879ec3454e5f3c738d2d
                 9d201395faa4b61a96c8"
            )
        );
    }

    /// PBKDF2-HMAC-SHA256 vectors (RFC 7914 section 11, and the widely used set derived
    /// from RFC 6070's inputs).
    #[test]
    fn pbkdf2_sha256_matches_published_vectors() {
        let mut out = [0; 64];
        pbkdf2(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            out.to_vec(),
            hex(
                "55ac046e56e3089fec1691c22544b605 f94185216dde0465e68b9d57c20dacbc
                 49ca9cccf179b645991664b39d77ef31 7c71b845b1e30bd509112041d3a19783"
            )
        );
        let mut out = [0; 32];
        pbkdf2(b"password", b"salt", 1, &mut out);
        assert_eq!(
            out.to_vec(),
            hex("120fb6cffcf8b32c43e7225256c4f837 a86548c92ccc35480805987cb70be17b")
        );
        pbkdf2(b"password", b"salt", 4096, &mut out);
        assert_eq!(
            out.to_vec(),
            hex("c5e478d59288c841aa530db6845c4c8d 962893a001ce4e11a4963873aa98134a")
        );
    }

    #[test]
    fn random_bytes_differ() {
        assert_ne!(random::<16>().unwrap(), random::<16>().unwrap());
    }
}
