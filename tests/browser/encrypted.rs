//! Encrypted output in Chromium (issue 20, docs/encryption.md): the gold audience of a small
//! extranet built with `--encrypt` and served over HTTP opens through a magic link and
//! through a passphrase, navigates, searches and serves a PDF through the service worker;
//! a wrong credential shows an error and nothing else; WebCrypto decrypts what Rust
//! encrypted and refuses it at another path.

use std::path::{Path, PathBuf};

use kanava::encrypt::keys::{Credential, KeyFile};
use kanava::encrypt::{Sealer, keyfile};

use crate::*;

const PASSPHRASE: &str = "harbor tulip merit zinc";

/// A tiny PDF (one empty page) whose comment is a marker.
const PDF: &str = "%PDF-1.4\n% goldsheet\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The encrypted site, its plain twin (for comparison) and gold's magic-link token.
struct Encrypted {
    site: Site,
    key_file: PathBuf,
    token: String,
}

fn encrypted_fixture() -> Encrypted {
    let site = fixture();
    let root = site.dir.path();
    write(
        root,
        "content/programme/price-sheet.md",
        "---\ntitle: Price sheet\ntier: gold\n---\nThe [gold price sheet](sheet.pdf).\n",
    );
    write(root, "content/programme/sheet.pdf", PDF);
    build(root, root.join("plain"), &[]);
    let key_file = root.join("../").join(format!(
        "{}-keys.json",
        root.file_name().and_then(|n| n.to_str()).unwrap_or("site")
    ));
    let mut keys = KeyFile::default();
    let Ok(Credential::Token(token)) = keys.add("gold", "acme", None) else {
        panic!("a token slot")
    };
    keys.add("gold", "globex", Some(PASSPHRASE))
        .expect("passphrase slot");
    keyfile::write(&key_file, &keys).expect("write keys");
    let outcome = kanava::build(&kanava::Options {
        root: root.to_owned(),
        out: Some(root.join("public")),
        encrypt: Some(key_file.clone()),
        ..kanava::Options::default()
    })
    .expect("build");
    assert_eq!(outcome.errors(), 0, "{:?}", outcome.diagnostics);
    assert!(
        !root
            .join("public/gold/programme/gold-rebate/index.html")
            .exists()
    );
    Encrypted {
        site,
        key_file,
        token,
    }
}

impl Drop for Encrypted {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.key_file);
    }
}

fn body_text(tab: &Tab) -> String {
    eval(tab, "document.body ? document.body.innerText : ''")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub fn a_magic_link_opens_the_site_and_everything_works(path: PathBuf) {
    let e = encrypted_fixture();
    let base = serve(&e.site.out());
    let chrome = launch(path);
    let tab = chrome.open(&format!("{base}gold/#k={}", e.token), 1366, 900);
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('Welcome to the partner extranet')",
        20,
    );
    // The token left the address bar; the page is the decrypted home page, with logout.
    assert_eq!(eval(&tab, "location.hash"), "");
    assert_eq!(
        eval(&tab, "document.getElementById('kanava-logout') !== null"),
        true
    );
    // Navigate by a link, as a reader would.
    eval(
        &tab,
        "location.href = new URL('programme/gold-rebate/', location.href).href",
    );
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('zebrawood bonus')",
        15,
    );
    // The styles came through the service worker too.
    assert_eq!(
        eval(
            &tab,
            "[...document.styleSheets].some(s => { try { return s.cssRules.length > 0 } catch (e) { return false } })"
        ),
        true
    );
    // A folder without its slash is redirected, as a static host does.
    let redirected = eval(
        &tab,
        "fetch(new URL('../../ordering', location.href)).then(r => r.url.endsWith('/gold/ordering/') && r.ok)",
    );
    assert_eq!(redirected, true);
    // The PDF is served decrypted, with its type.
    let pdf = eval(
        &tab,
        "fetch(new URL('../sheet.pdf', location.href)).then(async r => r.headers.get('content-type') + ' ' + (await r.text()).slice(0, 8))",
    );
    assert_eq!(pdf, "application/pdf %PDF-1.4");
    // Search reads its decrypted index.
    search(&tab, "zebrawood");
    let found = results(&tab);
    assert!(
        found.iter().any(|r| r.contains("Gold rebate programme")),
        "{found:?}"
    );
    // Log out: the keys are forgotten and the login page comes back.
    eval(&tab, "document.getElementById('kanava-logout').click()");
    wait_for(
        &tab,
        "document.getElementById('kanava-lock-form') !== null && !document.getElementById('kanava-lock-form').hidden",
        15,
    );
    let text = body_text(&tab);
    assert!(!text.contains("Welcome to the partner extranet"), "{text}");
    // Logged out, a deep page leads to the login page, and back to it after login.
    eval(
        &tab,
        "location.href = new URL('ordering/delivery/', location.href).href",
    );
    wait_for(
        &tab,
        "location.search.startsWith('?next=') && !document.getElementById('kanava-lock-form').hidden",
        15,
    );
    eval(
        &tab,
        &format!(
            "(() => {{ document.getElementById('kanava-lock-passphrase').value = {PASSPHRASE:?}; document.querySelector('#kanava-lock-form button').click(); return true; }})()"
        ),
    );
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('central warehouse')",
        30,
    );
    assert_eq!(
        eval(
            &tab,
            "location.pathname.endsWith('/gold/ordering/delivery/')"
        ),
        true
    );
}

pub fn a_passphrase_opens_the_site_and_wrong_credentials_show_only_an_error(path: PathBuf) {
    let e = encrypted_fixture();
    let base = serve(&e.site.out());
    let chrome = launch(path);
    // A wrong magic link: an error, nothing else.
    let tab = chrome.open(&format!("{base}gold/#k=AAAAAAAAAAAAAAAAAAAAAA"), 1366, 900);
    wait_for(
        &tab,
        "!document.getElementById('kanava-lock-error').hidden",
        15,
    );
    let text = body_text(&tab);
    assert!(text.contains("This link is not valid"), "{text}");
    assert!(!text.contains("Welcome"), "{text}");
    assert_eq!(eval(&tab, "location.hash"), "");
    // The audience's address asks for the passphrase.
    let tab = chrome.open(&format!("{base}gold/"), 1366, 900);
    wait_for(
        &tab,
        "!document.getElementById('kanava-lock-form').hidden",
        15,
    );
    // A wrong passphrase.
    let submit = |phrase: &str| {
        eval(
            &tab,
            &format!(
                "(() => {{ document.getElementById('kanava-lock-passphrase').value = {phrase:?}; document.querySelector('#kanava-lock-form button').click(); return true; }})()"
            ),
        );
    };
    submit("not the passphrase at all");
    wait_for(
        &tab,
        "document.getElementById('kanava-lock-error').innerText === 'Wrong passphrase.'",
        30,
    );
    let text = body_text(&tab);
    assert!(!text.contains("Welcome"), "{text}");
    // The right one opens the site.
    submit(PASSPHRASE);
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('Welcome to the partner extranet')",
        30,
    );
    // Now installed, the service worker serves deep pages directly.
    let tab2 = chrome.open(&format!("{base}gold/ordering/delivery/"), 1366, 900);
    wait_for(
        &tab2,
        "document.body && document.body.innerText.includes('central warehouse')",
        15,
    );
}

/// After a rotation and a new build, a browser holding the old epoch's keys is asked to log
/// in again, and the same magic link opens the new build.
pub fn after_a_rotation_the_reader_logs_in_again_with_the_same_link(path: PathBuf) {
    let e = encrypted_fixture();
    let root = e.site.dir.path();
    let base = serve(&e.site.out());
    let chrome = launch(path);
    let link = format!("{base}gold/#k={}", e.token);
    let tab = chrome.open(&link, 1366, 900);
    let home =
        "document.body && document.body.innerText.includes('Welcome to the partner extranet')";
    wait_for(&tab, home, 20);
    let mut keys = keyfile::read(&e.key_file).expect("read").expect("keys");
    assert!(keys.rotate("gold").expect("rotate"));
    keyfile::write(&e.key_file, &keys).expect("write");
    let outcome = kanava::build(&kanava::Options {
        root: root.to_owned(),
        out: Some(root.join("public")),
        encrypt: Some(e.key_file.clone()),
        ..kanava::Options::default()
    })
    .expect("build");
    assert_eq!(outcome.errors(), 0);
    eval(&tab, "location.reload()");
    wait_for(
        &tab,
        "document.getElementById('kanava-lock-form') !== null && !document.getElementById('kanava-lock-form').hidden",
        15,
    );
    assert!(!body_text(&tab).contains("Welcome"));
    let tab = chrome.open(&link, 1366, 900);
    wait_for(&tab, home, 20);
}

/// WebCrypto in Chromium decrypts what Rust encrypted, and refuses it at another path or
/// audience.
pub fn webcrypto_decrypts_what_rust_encrypted(path: PathBuf) {
    let e = encrypted_fixture();
    let root = e.site.dir.path();
    let base = serve(&e.site.out());
    let keys = keyfile::read(&e.key_file).expect("read").expect("keys");
    let gold = &keys.audiences["gold"];
    let sealer = Sealer::new("gold", gold.epoch, &gold.content_key());
    let chrome = launch(path);
    let tab = chrome.open(&format!("{base}gold/"), 1366, 900);
    wait_for(&tab, "self.kanavaLock !== undefined", 10);
    let key: Vec<u8> = gold.content_key().to_vec();
    let check = |logical: &str, as_path: &str, audience: &str| -> serde_json::Value {
        eval(
            &tab,
            &format!(
                "(async () => {{
                    const raw = new Uint8Array({key:?});
                    const ck = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']);
                    const keys = await kanavaLock.derive({{audience: {audience:?}, epoch: {epoch}}}, ck);
                    const text = await (await fetch({file:?})).text();
                    const parsed = kanavaLock.parseScript(text);
                    const bytes = await kanavaLock.openFile(keys, {as_path:?}, parsed[1]);
                    if (!bytes) return null;
                    const digest = await crypto.subtle.digest('SHA-256', bytes);
                    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
                }})()",
                epoch = gold.epoch,
                file = sealer.file(logical),
            ),
        )
    };
    for logical in [
        "index.html",
        "programme/sheet.pdf",
        "ordering/delivery/index.html",
    ] {
        let plain = std::fs::read(root.join("plain/gold").join(logical)).expect("plain file");
        assert_eq!(
            check(logical, logical, "gold"),
            sha256_hex(&plain),
            "{logical}"
        );
        assert_eq!(
            check(logical, "other.html", "gold"),
            serde_json::Value::Null
        );
        assert_eq!(check(logical, logical, "silver"), serde_json::Value::Null);
    }
    // The name the browser computes is the one Rust wrote.
    let name = eval(
        &tab,
        &format!(
            "(async () => {{
                const ck = await crypto.subtle.importKey('raw', new Uint8Array({key:?}), 'HKDF', false, ['deriveKey']);
                const keys = await kanavaLock.derive({{audience: 'gold', epoch: {}}}, ck);
                return kanavaLock.nameOf(keys, 'index.html');
            }})()",
            gold.epoch
        ),
    );
    assert_eq!(name, sealer.name("index.html"));
}

fn sha256_hex(bytes: &[u8]) -> serde_json::Value {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    serde_json::Value::String(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// From disk (`file://`, a file share): no fetch and no service worker, so pages are
/// decrypted from the payload scripts and written over the login page; links become
/// `#/<path>` routes.
pub fn from_disk_a_magic_link_opens_pages_and_links_work(path: PathBuf) {
    let e = encrypted_fixture();
    let login = e.site.out().join("gold/index.html");
    let url = format!("file://{}", login.display());
    let chrome = launch(path);
    // A wrong link: the error, nothing else.
    let tab = chrome.open(&format!("{url}#k=AAAAAAAAAAAAAAAAAAAAAA"), 1366, 900);
    wait_for(
        &tab,
        "!document.getElementById('kanava-lock-error').hidden",
        15,
    );
    assert!(!body_text(&tab).contains("Welcome"));
    // The right one.
    let tab = chrome.open(&format!("{url}#k={}", e.token), 1366, 900);
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('Welcome to the partner extranet')",
        20,
    );
    assert_eq!(
        eval(&tab, "document.getElementById('kanava-logout') !== null"),
        true
    );
    // The theme's stylesheet was decrypted and applies.
    assert_eq!(
        eval(
            &tab,
            "[...document.styleSheets].some(s => { try { return s.cssRules.length > 10 } catch (e) { return false } })"
        ),
        true
    );
    // Links, clicked: the programme section, then the gold page in it.
    let click = |part: &str| {
        eval(
            &tab,
            &format!(
                "(() => {{ const a = [...document.querySelectorAll('main a, nav a')].find(a => a.getAttribute('href').endsWith({part:?})); a.click(); return true; }})()"
            ),
        )
    };
    assert_eq!(click("#/programme/"), true);
    wait_for(
        &tab,
        "[...document.querySelectorAll('a')].some(a => a.getAttribute('href').endsWith('#/programme/gold-rebate/'))",
        15,
    );
    assert_eq!(click("#/programme/gold-rebate/"), true);
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('zebrawood bonus')",
        15,
    );
    assert_eq!(eval(&tab, "location.hash"), "#/programme/gold-rebate/");
    // Back to the section through the browser's history.
    eval(&tab, "history.back()");
    wait_for(
        &tab,
        "location.hash === '#/programme/' && !document.body.innerText.includes('zebrawood bonus')",
        15,
    );
    // A PDF link offers the decrypted file.
    let tab = chrome.open(&format!("{url}#/programme/price-sheet/"), 1366, 900);
    wait_for(
        &tab,
        "[...document.querySelectorAll('main a')].some(a => a.getAttribute('href').endsWith('#/programme/sheet.pdf'))",
        15,
    );
    eval(
        &tab,
        "(() => { [...document.querySelectorAll('main a')].find(a => a.getAttribute('href').endsWith('#/programme/sheet.pdf')).click(); return true; })()",
    );
    wait_for(
        &tab,
        "document.getElementById('kanava-download') !== null",
        15,
    );
    let pdf = eval(
        &tab,
        "fetch(document.getElementById('kanava-download').href).then(async r => (await r.text()).slice(0, 8))",
    );
    assert_eq!(pdf, "%PDF-1.4");
    // Opened again later, the kept keys open it without the link.
    let tab = chrome.open(&format!("{url}#/ordering/delivery/"), 1366, 900);
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('central warehouse')",
        15,
    );
}

/// The demo's gold site, encrypted, over HTTP: a magic link opens it, a guide is read, search
/// finds a page, and the installation manual (a PDF) comes decrypted.
pub fn the_encrypted_demo_opens_searches_and_serves_a_pdf(path: PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let key_file = dir.path().join("keys.json");
    let mut keys = KeyFile::default();
    let Ok(Credential::Token(token)) = keys.add("gold", "acme", None) else {
        panic!("a token slot")
    };
    keyfile::write(&key_file, &keys).expect("write keys");
    let outcome = kanava::build(&kanava::Options {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).to_owned(),
        out: Some(dir.path().join("public")),
        audiences: vec!["gold".to_owned()],
        encrypt: Some(key_file),
        ..kanava::Options::default()
    })
    .expect("build");
    assert_eq!(outcome.errors(), 0, "{:?}", outcome.diagnostics);
    let base = serve(&dir.path().join("public"));
    let chrome = launch(path);
    let tab = chrome.open(&format!("{base}gold/#k={token}"), 1366, 900);
    wait_for(&tab, "document.querySelector('.search') !== null", 30);
    eval(
        &tab,
        "location.href = new URL('technical/installation/', location.href).href",
    );
    wait_for(
        &tab,
        "document.body && document.body.innerText.includes('Site survey')",
        20,
    );
    let pdf = eval(
        &tab,
        "fetch(new URL('../files/installation-manual-hp.pdf', location.href)).then(async r => r.status + ' ' + r.headers.get('content-type') + ' ' + (await r.text()).slice(0, 5))",
    );
    assert_eq!(pdf, "200 application/pdf %PDF-");
    search(&tab, "warranty");
    let found = results(&tab);
    assert!(
        found.iter().any(|r| r.to_lowercase().contains("warranty")),
        "{found:?}"
    );
}
