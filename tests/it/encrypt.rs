//! Encrypted output (issue 20, docs/encryption.md): a public and a protected audience
//! built with `--encrypt`. The protected folder holds nothing readable but the shell; the
//! key restores exactly the files of a plain build; files do not open elsewhere; builds
//! are deterministic; `kanava keys` adds, removes and rotates as documented.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kanava::encrypt::Sealer;
use kanava::encrypt::keys::{KeyFile, unwrap_slot};

use crate::harness::{TestSite, assert_exit, pdf, stderr, stdout};

const MARKER: &str = "goldcanaryq7";

/// In two languages: a language's site (`gold/fi/`) is encrypted with its audience.
const CONFIG: &str = "title: Acme Extranet
base_url: https://acme.example/ext/
languages: [en, fi]
audience:
  axes:
    tier: { values: [public, gold], ordered: true }
  audiences:
    public: { tier: public }
    gold: { tier: gold }
";

/// A site with a public audience and a gold one whose pages, file names, PDF and tags carry
/// the marker.
fn site() -> TestSite {
    let site = TestSite::with_config(CONFIG);
    site.page(
        "content/welcome.md",
        "title: Welcome",
        "Hello partners.\n\n::: only tier=gold\nGold rebate code goldcanaryq7-body.\n:::\n",
    );
    site.page(
        "content/goldcanaryq7-terms.md",
        "title: Goldcanaryq7 terms\ntier: gold\ntags: [goldcanaryq7tag]",
        "The goldcanaryq7 price terms. Download the [price sheet](files/goldcanaryq7-sheet.pdf).\n",
    );
    site.page(
        "content/goldcanaryq7-terms.fi.md",
        "title: Goldcanaryq7 ehdot",
        "Goldcanaryq7-hintaehdot suomeksi.\n",
    );
    site.write_bytes(
        "content/files/goldcanaryq7-sheet.pdf",
        &pdf("goldcanaryq7 in a pdf", 2),
    );
    site
}

/// The key file beside the site (outside content/ and the output).
fn key_path(site: &TestSite) -> PathBuf {
    site.root().join("secrets/keys.json")
}

fn add(site: &TestSite, args: &[&str]) -> String {
    let file = key_path(site);
    let mut all = vec!["keys", "--file", file.to_str().expect("utf-8 path"), "add"];
    all.extend_from_slice(args);
    let out = site.cli(&all);
    assert_exit(&out, 0);
    stdout(&out).trim().to_owned()
}

fn build_encrypted(site: &TestSite) -> crate::harness::Run {
    let file = key_path(site);
    site.build_with(|o| o.encrypt = Some(file))
}

fn keys(site: &TestSite) -> KeyFile {
    KeyFile::parse(&std::fs::read_to_string(key_path(site)).expect("key file")).expect("parse")
}

/// The logical files of `folder` in the encrypted output, decrypted with the key file.
fn decrypt_folder(site: &TestSite, audience: &str, paths: &[String]) -> BTreeMap<String, Vec<u8>> {
    let keys = keys(site);
    let k = &keys.audiences[audience];
    let sealer = Sealer::new(audience, k.epoch, &k.content_key());
    paths
        .iter()
        .map(|p| {
            let file = site.out_dir().join(audience).join(sealer.file(p));
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{p}: {e}"));
            let plain = sealer
                .open(p, &bytes)
                .unwrap_or_else(|| panic!("{p} does not decrypt"));
            (p.clone(), plain)
        })
        .collect()
}

/// The shell: the only plain files of an encrypted folder.
const SHELL: &[&str] = &[
    "index.html",
    "kanava-sw.js",
    "_kanava/lock/common.js",
    "_kanava/lock/loader.js",
    "_kanava/lock/session.js",
    "_kanava/lock/slots.js",
];

#[test]
fn an_encrypted_build_hides_everything_and_decrypts_to_the_plain_build() {
    let site = site();
    // The plain build, for comparison.
    site.build().assert_clean();
    let plain_gold: BTreeMap<String, Vec<u8>> = site
        .snapshot_tree("gold/")
        .into_iter()
        .map(|(p, b)| (p["gold/".len()..].to_owned(), b))
        .collect();
    let plain_public = site.snapshot_tree("public/");
    assert!(plain_gold.keys().any(|p| p.ends_with(".pdf")));
    assert_eq!(
        plain_gold.keys().any(|p| p.starts_with("_kanava/search/")),
        cfg!(feature = "search")
    );
    assert!(site.scan_markers(&[MARKER]).found[MARKER].contains("gold"));
    assert!(plain_gold.contains_key("fi/goldcanaryq7-terms/index.html"));

    let link = add(&site, &["gold", "zorblax"]);
    assert!(
        link.starts_with("https://acme.example/ext/gold/#k="),
        "{link}"
    );
    build_encrypted(&site).assert_clean();

    // The canary scan: no marker anywhere, names or contents (search files decompressed).
    let scan = site.scan_markers(&[MARKER, "gold rebate", "price sheet", "zorblax"]);
    for (marker, folders) in &scan.found {
        assert!(folders.is_empty(), "{marker} found in {folders:?}");
    }
    // The public audience is exactly as in the plain build.
    assert_eq!(site.snapshot_tree("public/"), plain_public);
    // The gold folder: the shell, and one opaque file per logical file.
    let listing: Vec<String> = site
        .listing()
        .into_iter()
        .filter_map(|p| p.strip_prefix("gold/").map(str::to_owned))
        .collect();
    let (shell, opaque): (Vec<&String>, Vec<&String>) =
        listing.iter().partition(|p| SHELL.contains(&p.as_str()));
    assert_eq!(shell.len(), SHELL.len(), "{listing:#?}");
    assert_eq!(opaque.len(), plain_gold.len(), "{listing:#?}");
    for p in &opaque {
        let name = p
            .strip_prefix("_kanava/lock/e/")
            .expect("opaque files in e/");
        assert_eq!(name.len(), 32 + 3, "{p}");
        let size = std::fs::metadata(site.out_dir().join("gold").join(p))
            .unwrap()
            .len();
        assert!(size >= 1024, "{p} is padded");
    }
    // Decrypting with the key restores exactly the plain build's files.
    let paths: Vec<String> = plain_gold.keys().cloned().collect();
    assert_eq!(decrypt_folder(&site, "gold", &paths), plain_gold);
    // The login page names the site, nothing of gold's content.
    let login = site.read("gold/index.html");
    assert!(login.contains("<title>Acme Extranet</title>"));
    assert!(!login.to_lowercase().contains("terms"));
    // The slot file names no partner.
    assert!(!site.read("gold/_kanava/lock/slots.js").contains("zorblax"));
}

#[test]
fn files_do_not_open_at_another_path_or_audience_and_builds_repeat() {
    let site = site();
    add(&site, &["gold", "acme"]);
    build_encrypted(&site).assert_clean();
    let first = site.snapshot_tree("");
    let keys = keys(&site);
    let k = &keys.audiences["gold"];
    let gold = Sealer::new("gold", k.epoch, &k.content_key());
    let index = std::fs::read(site.out_dir().join("gold").join(gold.file("index.html"))).unwrap();
    assert!(gold.open("index.html", &index).is_some());
    assert!(gold.open("404.html", &index).is_none());
    assert!(
        Sealer::new("silver", k.epoch, &k.content_key())
            .open("index.html", &index)
            .is_none()
    );
    // Moved onto another file's name: fails too.
    let moved = String::from_utf8(index.clone())
        .unwrap()
        .replace(&gold.name("index.html"), &gold.name("404.html"));
    assert!(gold.open("404.html", moved.as_bytes()).is_none());

    // Same input, same bytes: a second build into a fresh output.
    std::fs::remove_dir_all(site.out_dir()).unwrap();
    build_encrypted(&site).assert_clean();
    assert_eq!(site.snapshot_tree(""), first);
}

#[test]
fn keys_add_remove_and_rotate_behave_as_documented() {
    let site = site();
    let acme = add(&site, &["gold", "acme"]);
    let token = acme.split("#k=").nth(1).expect("a token").to_owned();
    let out = {
        let file = key_path(&site);
        site.cli(&[
            "keys",
            "--file",
            file.to_str().unwrap(),
            "add",
            "gold",
            "globex",
            "--generate",
        ])
    };
    assert_exit(&out, 0);
    let passphrase = stdout(&out).trim().to_owned();
    assert_eq!(passphrase.split('-').count(), 8, "{passphrase}");
    // The key file is the owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key_path(&site))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never the token or the passphrase in the key file.
    let text = std::fs::read_to_string(key_path(&site)).unwrap();
    assert!(!text.contains(&token) && !text.contains(&passphrase));

    let opens = |credential: &Credential| -> bool {
        build_encrypted(&site).assert_clean();
        let slots_js = site.read("gold/_kanava/lock/slots.js");
        let json = slots_js
            .trim()
            .strip_prefix("kanavaSlots(")
            .and_then(|s| s.strip_suffix(");"))
            .expect("slot file");
        let public: kanava::encrypt::keys::PublicSlots = serde_json::from_str(json).unwrap();
        let want = keys(&site).audiences["gold"].content_key();
        public.slots.iter().any(|slot| {
            let salt = base64_decode(&slot.salt);
            let kek = match credential {
                Credential::Token(t) => kanava::encrypt::keys::token_kek(t, &salt),
                Credential::Passphrase(p) => {
                    kanava::encrypt::keys::passphrase_kek(p, &salt, slot.iterations.unwrap_or(0))
                }
            };
            unwrap_slot(&public.audience, public.epoch, slot, &kek) == Some(want)
        })
    };
    let token = Credential::Token(kanava::encrypt::keys::token_from_link(&token).unwrap());
    let phrase = Credential::Passphrase(passphrase.clone());
    assert!(opens(&token));
    assert!(opens(&phrase));

    // Rotation: a new epoch and key; both credentials still open it; old names are gone.
    let before = keys(&site).audiences["gold"].clone();
    let old_index = Sealer::new("gold", before.epoch, &before.content_key()).file("index.html");
    let file = key_path(&site);
    let file = file.to_str().unwrap();
    assert_exit(&site.cli(&["keys", "--file", file, "rotate", "gold"]), 0);
    let after = keys(&site).audiences["gold"].clone();
    assert_eq!(after.epoch, before.epoch + 1);
    assert_ne!(after.content_key, before.content_key);
    assert!(opens(&token));
    assert!(opens(&phrase));
    assert!(!site.out_dir().join("gold").join(&old_index).exists());

    // Removing acme rotates again; acme's link no longer opens, globex's passphrase does.
    let out = site.cli(&["keys", "--file", file, "remove", "gold", "acme"]);
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("stay readable with the old credential"));
    assert_eq!(keys(&site).audiences["gold"].epoch, after.epoch + 1);
    assert!(!opens(&token));
    assert!(opens(&phrase));
    // `list` shows partners and no secret.
    let out = site.cli(&["keys", "--file", file, "list"]);
    assert_exit(&out, 0);
    let list = stdout(&out);
    assert!(list.contains("globex") && !list.contains("acme"), "{list}");
    assert!(!list.contains(&keys(&site).audiences["gold"].content_key));
    // Removing someone unknown changes nothing.
    let out = site.cli(&["keys", "--file", file, "remove", "gold", "acme"]);
    assert_exit(&out, 1);
}

enum Credential {
    Token(Vec<u8>),
    Passphrase(String),
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn keys_refuse_what_would_be_unsafe() {
    let site = site();
    // Inside content/ (or the output): refused.
    let out = site.cli(&["keys", "--file", "content/keys.json", "add", "gold", "acme"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("where it could be published"),
        "{}",
        stderr(&out)
    );
    assert!(!site.root().join("content/keys.json").exists());
    // A public audience needs no keys; an unknown one is named.
    let out = site.cli(&["keys", "--file", "../k.json", "add", "public", "acme"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("is public"));
    let out = site.cli(&["keys", "--file", "../k.json", "add", "glod", "acme"]);
    assert!(stderr(&out).contains("gold"), "{}", stderr(&out));
    // A short passphrase.
    let file = key_path(&site);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kanava"))
        .args([
            "keys",
            "--file",
            file.to_str().unwrap(),
            "add",
            "gold",
            "acme",
            "--passphrase",
        ])
        .current_dir(site.root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"too short\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("shorter than 12"), "{}", stderr(&out));
}

#[test]
fn a_protected_audience_nobody_can_read_fails_the_build() {
    let site = site();
    // No key file at all.
    let run = build_encrypted(&site);
    assert_eq!(run.codes(), ["no-key-file"], "{}", run.short());
    assert!(!site.out_dir().exists());
    // A key file, but without gold.
    std::fs::create_dir_all(key_path(&site).parent().unwrap()).unwrap();
    std::fs::write(key_path(&site), KeyFile::default().to_text()).unwrap();
    let run = build_encrypted(&site);
    assert_eq!(run.codes(), ["no-partner"], "{}", run.short());
    assert!(!site.out_dir().exists());
    // A key file inside the output is refused before anything is written.
    let inside = site.out_dir().join("keys.json");
    let result = kanava::build(&kanava::Options {
        root: site.root().to_owned(),
        out: Some(site.out_dir()),
        encrypt: Some(inside),
        ..kanava::Options::default()
    });
    let err = result.err().expect("refused");
    assert!(format!("{err:#}").contains("could be published"), "{err:#}");
}

/// `encrypt:` in kanava.yaml works like `--encrypt`.
#[test]
fn the_config_names_the_key_file() {
    let site = site();
    add(&site, &["gold", "acme"]);
    site.write(
        "kanava.yaml",
        &format!("{CONFIG}encrypt: secrets/keys.json\n"),
    );
    site.build().assert_clean();
    assert!(site.exists("gold/_kanava/lock/slots.js"));
    assert!(!site.exists("gold/goldcanaryq7-terms/index.html"));
}
