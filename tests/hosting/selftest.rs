//! The harness itself, and the server behaviour the generated configurations rely on or
//! guard against, with hand-written configurations (no kanava command needed): a site of a
//! few files, `htpasswd -B` password files, and the status codes each request gets.
//!
//! The `planted_…` tests prove that the misconfigurations issue 16 describes really fail
//! open on these servers, so that `kanava probe` failing on them (e2e.rs) means something.

use std::fs;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;

use crate::HTPASSWD;
use crate::http::get;
use crate::servers::{Apache, Nginx, temp_dir};

type Credential = Option<(&'static str, &'static str)>;

const ANONYMOUS: Credential = None;
const ANNA_GOLD: Credential = Some(("anna", "gold-secret-1"));
const SAMI_SILVER: Credential = Some(("sami", "silver-secret-1"));
const ANNA_WRONG_PASSWORD: Credential = Some(("anna", "silver-secret-1"));

/// The AllowOverride value that lets a `.htaccess` say both `AuthType …`/`Require …`
/// (AuthConfig) and `Options -Indexes` (`Options=Indexes`: the Options directive, limited
/// to the Indexes option); the narrowest that works.
pub const ALLOW_OVERRIDE_FOR_HTACCESS: &str = "AuthConfig Options=Indexes";

/// A published site in a folder the servers can read: `site/` with gold, silver and
/// public folders, and a password file per protected audience beside it (outside the
/// docroot, as a deployment keeps them).
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let fixture = Fixture { dir: temp_dir() };
        for (path, text) in [
            ("gold/index.html", "<h1>Gold home</h1>"),
            ("gold/doc.pdf", "%PDF-1.4 gold prices"),
            // No index.html: a listing unless `Options -Indexes`.
            ("gold/files/note.txt", "gold note"),
            ("gold/.hidden", "a dotfile in gold"),
            ("silver/index.html", "<h1>Silver home</h1>"),
            ("public/index.html", "<h1>Public home</h1>"),
            ("public/files/note.txt", "public note"),
            (".kanava-output", "a dotfile at the root"),
        ] {
            let file = fixture.root().join(path);
            fs::create_dir_all(file.parent().expect("has parent")).expect("mkdir");
            fs::write(file, text).expect("write");
        }
        fixture.htpasswd("gold", ANNA_GOLD);
        fixture.htpasswd("silver", SAMI_SILVER);
        fixture
    }

    /// The docroot.
    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// The password file of `audience`.
    fn passwords(&self, audience: &str) -> PathBuf {
        self.dir.path().join(format!("{audience}.htpasswd"))
    }

    /// Writes `audience`'s password file with `htpasswd -B` (bcrypt, `$2y$`).
    fn htpasswd(&self, audience: &str, credential: Credential) {
        let (user, password) = credential.expect("a credential");
        // Output captured: htpasswd says "Adding password for user …" on stderr.
        let output = Command::new(HTPASSWD)
            .arg("-cbB")
            .arg(self.passwords(audience))
            .args([user, password])
            .output()
            .expect("run htpasswd");
        assert!(
            output.status.success(),
            "htpasswd failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// An nginx `location` protecting `/audience/`: `modifier` is "^~" or "" (a plain
    /// prefix location, which regex locations override), `nested` goes inside it.
    fn nginx_location(&self, modifier: &str, audience: &str, nested: &str) -> String {
        format!(
            "location {modifier} /{audience}/ {{ auth_basic \"{audience}\"; \
             auth_basic_user_file {}; {nested} }}\n",
            self.passwords(audience).display()
        )
    }

    /// The Apache directives protecting `audience`, for a `.htaccess` or `<Directory>`.
    fn apache_auth(&self, audience: &str) -> String {
        format!(
            "AuthType Basic\nAuthName \"{audience}\"\nAuthUserFile \"{}\"\n\
             Require valid-user\nOptions -Indexes\n",
            self.passwords(audience).display()
        )
    }

    fn write_htaccess(&self) {
        for audience in ["gold", "silver"] {
            let file = self.root().join(audience).join(".htaccess");
            fs::write(file, self.apache_auth(audience)).expect("write .htaccess");
        }
    }
}

/// Requests each (path, credential, expected status) from `url`; panics listing every
/// mismatch, with the server's configuration and error log.
fn expect_statuses(url: &str, log: impl Fn() -> String, cases: &[(&str, Credential, u16)]) {
    let mut wrong = Vec::new();
    for &(path, credential, expected) in cases {
        let got = get(&format!("{url}{path}"), credential).status;
        if got != expected {
            let who = credential.map_or("anonymous", |(user, _)| user);
            wrong.push(format!("GET /{path} as {who}: {got}, expected {expected}"));
        }
    }
    assert!(wrong.is_empty(), "{}\n{}", wrong.join("\n"), log());
}

pub fn nginx_caret_tilde_location_asks_every_file_for_the_password() {
    let site = Fixture::new();
    // `^~` stops nginx from looking at regex locations for URLs under the prefix, so
    // the PDF regex location below never sees /gold/doc.pdf.
    let body = format!(
        "{}{}location ~* \\.(pdf|png)$ {{ }}\n",
        site.nginx_location("^~", "gold", ""),
        site.nginx_location("^~", "silver", "")
    );
    let nginx = Nginx::start(&site.root(), &body);
    expect_statuses(
        &nginx.url(),
        || nginx.error_log(),
        &[
            ("gold/doc.pdf", ANONYMOUS, 401),
            ("gold/", ANONYMOUS, 401),
            ("gold/doc.pdf", ANNA_GOLD, 200),
            ("gold/", ANNA_GOLD, 200),
            ("gold/doc.pdf", SAMI_SILVER, 401),
            ("gold/doc.pdf", ANNA_WRONG_PASSWORD, 401),
            ("silver/", SAMI_SILVER, 200),
            ("silver/", ANNA_GOLD, 401),
            ("public/", ANONYMOUS, 200),
            // nginx lists no folder unless `autoindex on`.
            ("gold/files/", ANNA_GOLD, 403),
        ],
    );
    let pdf = get(&format!("{}gold/doc.pdf", nginx.url()), ANNA_GOLD);
    assert!(pdf.text.contains("%PDF-1.4 gold prices"), "{}", pdf.text);
}

pub fn planted_nginx_plain_location_is_bypassed_by_a_regex_location() {
    let site = Fixture::new();
    // The common mistake: a plain prefix location loses to any matching regex location,
    // which has no auth_basic, so the PDF is served to anyone.
    let body = format!(
        "{}location ~* \\.(pdf|png)$ {{ }}\n",
        site.nginx_location("", "gold", "")
    );
    let nginx = Nginx::start(&site.root(), &body);
    expect_statuses(
        &nginx.url(),
        || nginx.error_log(),
        &[
            ("gold/doc.pdf", ANONYMOUS, 200),
            // Pages still ask, which is why the mistake goes unnoticed.
            ("gold/", ANONYMOUS, 401),
        ],
    );
    let pdf = get(&format!("{}gold/doc.pdf", nginx.url()), ANONYMOUS);
    assert!(pdf.text.contains("%PDF-1.4 gold prices"), "{}", pdf.text);
}

pub fn nginx_server_level_dotfile_rule_does_not_reach_into_a_caret_tilde_location() {
    let site = Fixture::new();
    // With no rule at all nginx serves dotfiles.
    let nginx = Nginx::start(&site.root(), &site.nginx_location("^~", "gold", ""));
    expect_statuses(
        &nginx.url(),
        || nginx.error_log(),
        &[(".kanava-output", ANONYMOUS, 200)],
    );
    drop(nginx);

    // `location ~ /\.` is a regex location: `^~ /gold/` keeps nginx from consulting it for
    // anything under /gold/, so a gold user still gets /gold/.hidden.
    let body = format!(
        "{}location ~ /\\. {{ deny all; }}\n",
        site.nginx_location("^~", "gold", "")
    );
    let nginx = Nginx::start(&site.root(), &body);
    expect_statuses(
        &nginx.url(),
        || nginx.error_log(),
        &[
            (".kanava-output", ANONYMOUS, 403),
            ("gold/.hidden", ANONYMOUS, 401),
            ("gold/.hidden", ANNA_GOLD, 200),
        ],
    );
    drop(nginx);

    // Nested inside each audience's location, the rule applies there too (and the deny
    // comes before auth: 403 even without a credential).
    let body = format!(
        "{}location ~ /\\. {{ deny all; }}\n",
        site.nginx_location("^~", "gold", "location ~ /\\. { deny all; }")
    );
    let nginx = Nginx::start(&site.root(), &body);
    expect_statuses(
        &nginx.url(),
        || nginx.error_log(),
        &[
            (".kanava-output", ANONYMOUS, 403),
            ("gold/.hidden", ANONYMOUS, 403),
            ("gold/.hidden", ANNA_GOLD, 403),
            ("gold/doc.pdf", ANNA_GOLD, 200),
        ],
    );
}

pub fn apache_htaccess_works_with_allow_override_auth_config_options_indexes() {
    let site = Fixture::new();
    site.write_htaccess();
    let apache = Apache::start(&site.root(), "", ALLOW_OVERRIDE_FOR_HTACCESS);
    expect_statuses(
        &apache.url(),
        || apache.error_log(),
        &[
            ("gold/doc.pdf", ANONYMOUS, 401),
            ("gold/", ANONYMOUS, 401),
            ("gold/doc.pdf", ANNA_GOLD, 200),
            ("gold/", ANNA_GOLD, 200),
            ("gold/doc.pdf", SAMI_SILVER, 401),
            ("gold/doc.pdf", ANNA_WRONG_PASSWORD, 401),
            ("silver/", SAMI_SILVER, 200),
            ("silver/", ANNA_GOLD, 401),
            ("public/", ANONYMOUS, 200),
            // `Options -Indexes` from the .htaccess took effect.
            ("gold/files/", ANNA_GOLD, 403),
            // Debian's `<FilesMatch "^\.ht">` denies before auth is asked for.
            ("gold/.htaccess", ANONYMOUS, 403),
            ("gold/.htaccess", ANNA_GOLD, 403),
        ],
    );
}

pub fn planted_apache_allow_override_none_makes_htaccess_inert_and_lists_folders() {
    let site = Fixture::new();
    site.write_htaccess();
    // Debian's default: Apache never reads the .htaccess files.
    let apache = Apache::start(&site.root(), "", "None");
    expect_statuses(
        &apache.url(),
        || apache.error_log(),
        &[
            ("gold/doc.pdf", ANONYMOUS, 200),
            ("gold/", ANONYMOUS, 200),
            ("gold/files/", ANONYMOUS, 200),
        ],
    );
    let listing = get(&format!("{}gold/files/", apache.url()), ANONYMOUS);
    assert!(
        listing.text.contains("Index of /gold/files") && listing.text.contains("note.txt"),
        "expected a directory listing:\n{}",
        listing.text
    );
}

pub fn apache_allow_override_auth_config_alone_fails_closed_on_options() {
    let site = Fixture::new();
    site.write_htaccess();
    // `Options -Indexes` in a .htaccess that may not say Options: Apache answers 500 for
    // the whole folder (closed, but broken) and logs why.
    let apache = Apache::start(&site.root(), "", "AuthConfig");
    expect_statuses(
        &apache.url(),
        || apache.error_log(),
        &[
            ("gold/doc.pdf", ANONYMOUS, 500),
            ("gold/doc.pdf", ANNA_GOLD, 500),
            ("public/", ANONYMOUS, 200),
        ],
    );
    let log = apache.error_log();
    assert!(log.contains("Options not allowed here"), "{log}");
}

pub fn apache_directory_block_protects_without_allow_override() {
    let site = Fixture::new();
    // The alternative for servers whose configuration can be edited: the same directives
    // in `<Directory>` blocks, which need no AllowOverride (left at Debian's None).
    let blocks: String = ["gold", "silver"]
        .iter()
        .map(|audience| {
            format!(
                "<Directory \"{}\">\n{}</Directory>\n",
                site.root().join(audience).display(),
                site.apache_auth(audience)
            )
        })
        .collect();
    let apache = Apache::start(&site.root(), &blocks, "None");
    expect_statuses(
        &apache.url(),
        || apache.error_log(),
        &[
            ("gold/doc.pdf", ANONYMOUS, 401),
            ("gold/doc.pdf", ANNA_GOLD, 200),
            ("gold/doc.pdf", SAMI_SILVER, 401),
            ("silver/", SAMI_SILVER, 200),
            ("gold/files/", ANNA_GOLD, 403),
            ("public/", ANONYMOUS, 200),
            // The docroot's own `Options Indexes` still lists public folders.
            ("public/files/", ANONYMOUS, 200),
        ],
    );
}

pub fn a_dropped_server_stops_listening() {
    let site = Fixture::new();
    let nginx = Nginx::start(&site.root(), "");
    let apache = Apache::start(&site.root(), "", "None");
    let addresses = [nginx.url(), apache.url()].map(|url| {
        url.trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned()
    });
    for address in &addresses {
        assert!(TcpStream::connect(address).is_ok(), "{address} is not up");
    }
    drop(nginx);
    drop(apache);
    for address in &addresses {
        assert!(
            TcpStream::connect(address).is_err(),
            "{address} still accepts connections after its server was dropped"
        );
    }
}

pub fn a_server_that_cannot_start_says_why() {
    let site = Fixture::new();
    let Err(why) = Nginx::try_start(&site.root(), "no_such_directive on;") else {
        panic!("nginx started with an unknown directive");
    };
    assert!(
        why.contains("exited at start") && why.contains("unknown directive \"no_such_directive\""),
        "{why}"
    );
    let Err(why) = Apache::try_start(&site.root(), "NoSuchDirective On", "None") else {
        panic!("Apache started with an unknown directive");
    };
    assert!(
        why.contains("exited at start") && why.contains("NoSuchDirective"),
        "{why}"
    );
}
