//! Hosting (issue #16): `deploy-config` writes access control outside the output and no
//! secret reaches it; the users file is read strictly; the build refuses to publish
//! secrets; the root page names audiences, never content; `probe` judges a host by its
//! answers (here a scripted loopback server; real nginx and Apache are in tests/hosting/).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use crate::harness::{TestSite, assert_exit, pdf, stderr, stdout};

const CONFIG: &str = "title: Hosting test
audience:
  axes:
    tier: { values: [public, silver, gold], ordered: true, default: silver }
  audiences:
    public: { tier: public, title: Everyone }
    silver: { tier: silver, title: Silver partner }
    gold: { tier: gold, title: Gold partner }
";

const USERS: &str =
    "user,audience,password\nanna,gold,gold-secret-1\nsami,silver,silver-secret-1\n";

/// Three audiences, a gold-only page with a PDF, built into `public/`; users in `users.csv`
/// at the site's root (outside content/ and the output).
fn site() -> TestSite {
    let site = TestSite::with_config(CONFIG);
    site.page(
        "content/welcome.md",
        "title: Welcome\ntier: public",
        "Hello.\n",
    );
    site.page(
        "content/prices.md",
        "title: Gold secret prices\ntier: gold",
        "[The price sheet](files/prices.pdf)\n",
    );
    site.write_bytes("content/files/prices.pdf", &pdf("prices", 1));
    site.write("users.csv", USERS);
    site.build().assert_clean();
    site
}

fn deploy(site: &TestSite, host: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["deploy-config", "--host", host, "--users", "users.csv"];
    args.extend(extra);
    site.cli(&args)
}

/// Every file under `dir`, relative, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn nginx_and_apache_configs_are_written_outside_the_output_and_no_secret_reaches_it() {
    let site = site();
    let before = files(&site.out_dir());
    for host in ["nginx", "apache"] {
        let out = deploy(&site, host, &[]);
        assert_exit(&out, 0);
        assert!(
            stderr(&out).contains("`public` is public"),
            "{}",
            stderr(&out)
        );
    }
    // The output is exactly as the build left it: nothing added, nothing changed.
    assert_eq!(files(&site.out_dir()), before);
    for (path, bytes) in &before {
        let name = path.rsplit('/').next().unwrap();
        assert!(
            kanava::model::hosting::secret_file(name).is_none(),
            "{path}"
        );
        let text = String::from_utf8_lossy(bytes);
        for secret in ["gold-secret-1", "silver-secret-1", "$2y$"] {
            assert!(!text.contains(secret), "`{path}` holds `{secret}`");
        }
    }
    let deployed = files(&site.root().join("deploy"));
    let names: Vec<&str> = deployed.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "apache/deploy-probe.json",
            "apache/htaccess/.htaccess",
            "apache/htaccess/gold/.htaccess",
            "apache/htaccess/public/.htaccess",
            "apache/htaccess/silver/.htaccess",
            "apache/htpasswd/gold.htpasswd",
            "apache/htpasswd/silver.htpasswd",
            "apache/kanava-apache.conf",
            "nginx/deploy-probe.json",
            "nginx/htpasswd/gold.htpasswd",
            "nginx/htpasswd/silver.htpasswd",
            "nginx/kanava-nginx.conf",
        ]
    );
    // Passwords are hashed (bcrypt `$2y$`), never written in plain text, and the password
    // files are readable by their owner only.
    for (path, bytes) in &deployed {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("gold-secret-1") && !text.contains("silver-secret-1"),
            "{path}"
        );
    }
    let gold = site.root().join("deploy/nginx/htpasswd/gold.htpasswd");
    let line = std::fs::read_to_string(&gold).unwrap();
    let (user, hash) = line.trim_end().split_once(':').unwrap();
    assert_eq!(user, "anna");
    assert!(hash.starts_with("$2y$10$"), "{hash}");
    assert!(kanava::deploy::users::verify("gold-secret-1", hash));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&gold).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // One `^~` location per audience, auth only where protected.
    let conf = std::fs::read_to_string(site.root().join("deploy/nginx/kanava-nginx.conf")).unwrap();
    for audience in ["public", "silver", "gold"] {
        assert_eq!(
            conf.matches(&format!("location ^~ /{audience}/ {{"))
                .count(),
            1,
            "{conf}"
        );
    }
    assert_eq!(conf.matches("auth_basic_user_file").count(), 2, "{conf}");
    let directives: Vec<&str> = conf
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    assert!(
        !directives.iter().any(|l| l.contains("location /")),
        "a plain prefix location can be bypassed: {conf}"
    );
    let manifest: serde_json::Value = serde_json::from_slice(
        &deployed
            .iter()
            .find(|(p, _)| p == "nginx/deploy-probe.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let gold = manifest["audiences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "gold")
        .unwrap();
    assert_eq!(gold["asset"], "/gold/files/prices.pdf");
    assert_eq!(gold["public"], false);
    assert!(
        manifest["hidden"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "/users.csv")
    );
}

#[test]
fn regenerating_keeps_the_hashes_of_unchanged_passwords() {
    let site = site();
    assert_exit(&deploy(&site, "nginx", &[]), 0);
    let first = files(&site.root().join("deploy"));
    assert_exit(&deploy(&site, "nginx", &[]), 0);
    assert_eq!(
        files(&site.root().join("deploy")),
        first,
        "same input, same bytes"
    );
    site.write(
        "users.csv",
        &USERS.replace("silver-secret-1", "silver-secret-2"),
    );
    assert_exit(&deploy(&site, "nginx", &[]), 0);
    let read = |f: &str| {
        std::fs::read_to_string(site.root().join("deploy/nginx/htpasswd").join(f)).unwrap()
    };
    let old = |f: &str| {
        String::from_utf8(
            first
                .iter()
                .find(|(p, _)| p.ends_with(f))
                .unwrap()
                .1
                .clone(),
        )
        .unwrap()
    };
    assert_eq!(read("gold.htpasswd"), old("gold.htpasswd"));
    assert_ne!(read("silver.htpasswd"), old("silver.htpasswd"));
    let hash = read("silver.htpasswd")
        .trim_end()
        .split_once(':')
        .unwrap()
        .1
        .to_owned();
    assert!(kanava::deploy::users::verify("silver-secret-2", &hash));
}

#[test]
fn sha512_crypt_on_request() {
    let site = site();
    assert_exit(&deploy(&site, "nginx", &["--hash", "sha512"]), 0);
    let text =
        std::fs::read_to_string(site.root().join("deploy/nginx/htpasswd/gold.htpasswd")).unwrap();
    let hash = text.trim_end().split_once(':').unwrap().1;
    assert!(hash.starts_with("$6$"), "{hash}");
    assert!(kanava::deploy::users::verify("gold-secret-1", hash));
}

#[test]
fn refuses_an_out_inside_the_output_a_lonely_audience_and_a_users_file_in_content() {
    let site = site();
    let out = deploy(&site, "nginx", &["--out", "public/deploy"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("inside the publish folder"),
        "{}",
        stderr(&out)
    );
    assert!(!site.out_dir().join("deploy").exists());

    site.write(
        "users.csv",
        "user,audience,password\nanna,gold,gold-secret-1\n",
    );
    let out = deploy(&site, "nginx", &[]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no users for `silver`"),
        "{}",
        stderr(&out)
    );
    assert!(!site.root().join("deploy").exists(), "nothing written");

    // Said to be public, it needs none.
    site.write(
        "kanava.yaml",
        &CONFIG.replace(
            "silver: { tier: silver,",
            "silver: { tier: silver, public: true,",
        ),
    );
    assert_exit(&deploy(&site, "nginx", &[]), 0);

    site.write("content/users.csv", USERS);
    let out = site.cli(&[
        "deploy-config",
        "--host",
        "nginx",
        "--users",
        "content/users.csv",
    ]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("inside content/"), "{}", stderr(&out));
}

#[test]
fn users_file_problems_are_reported_in_one_run() {
    let site = site();
    site.write(
        "users.csv",
        "user,audiance,password\nanna,gold,gold-secret-1\n",
    );
    let out = deploy(&site, "nginx", &[]);
    assert_exit(&out, 1);
    site.write(
        "users.yaml",
        "- { user: anna, audience: gld, password: gold-secret-1 }\n\
         - { user: sami, audience: silver, password: tiny-pw }\n\
         - { user: \"bo b\", audience: silver, password: silver-secret-1 }\n\
         - { user: rita, audience: silver }\n\
         - { user: eero, audience: gold, hash: \"$1$md5$nope\" }\n\
         - { user: anna, audience: gold, pasword: gold-secret-1 }\n",
    );
    let out = site.cli(&["deploy-config", "--host", "nginx", "--users", "users.yaml"]);
    assert_exit(&out, 1);
    assert!(!site.root().join("deploy").exists(), "nothing written");
    let report = stderr(&out);
    // Positions, never the lines themselves: they hold passwords.
    assert!(
        !report.contains("gold-secret-1") && !report.contains("tiny-pw"),
        "{report}"
    );
    insta::assert_snapshot!("users_file_errors", report);
}

#[test]
fn the_build_refuses_to_publish_secrets() {
    let site = site();
    let before = files(&site.out_dir());
    site.write("content/infra/main.tf", "resource {}\n");
    site.write("content/users.csv", USERS);
    site.write("content/keys/site.key", "-----BEGIN PRIVATE KEY-----\n");
    site.write("theme/static/_headers", "/*\n  Basic-Auth: a:b\n");
    site.write("theme/templates/.keep", "");
    site.write("kanava.yaml", &format!("{CONFIG}theme: theme\n"));
    let run = site.build();
    assert!(!run.ok());
    let mut found: Vec<(&str, Option<&str>)> = run
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, d.file.as_deref()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("secret-in-output", Some("content/infra/main.tf")),
            ("secret-in-output", Some("content/keys/site.key")),
            ("secret-in-output", Some("content/users.csv")),
            ("secret-in-output", Some("theme/static/_headers")),
        ],
        "{}",
        run.human()
    );
    assert_eq!(
        files(&site.out_dir()),
        before,
        "the previous output is untouched"
    );
}

#[test]
fn the_root_page_lists_the_audiences_and_names_no_content() {
    let site = site();
    let root = site.read("index.html");
    for (title, url) in [
        ("Everyone", "public/"),
        ("Silver partner", "silver/"),
        ("Gold partner", "gold/"),
    ] {
        assert!(
            root.contains(title) && root.contains(&format!("href=\"{url}\"")),
            "{root}"
        );
    }
    assert!(
        !root.contains("Gold secret prices") && !root.contains("prices.pdf"),
        "{root}"
    );
    assert!(!root.contains("http-equiv=\"refresh\""));
    // A build of one audience keeps the root page, and does not call it stale.
    let run = site.build_audiences(&["gold"]);
    run.assert_clean();
    assert_eq!(site.read("index.html"), root);

    site.write(
        "kanava.yaml",
        &format!("{CONFIG}hosting: {{ root: public }}\n"),
    );
    site.build().assert_clean();
    let root = site.read("index.html");
    assert!(
        root.contains("<meta http-equiv=\"refresh\" content=\"0; url=public/\">"),
        "{root}"
    );
}

#[test]
fn hosting_settings_are_read_strictly() {
    let site = site();
    site.write(
        "kanava.yaml",
        &format!("{CONFIG}hosting:\n  host: ngnix\n  root: gold-partners\n  user: x.csv\n"),
    );
    let run = site.check();
    run.expect_error("unknown-host", "kanava.yaml", 10);
    run.expect_error("unknown-audience", "kanava.yaml", 11);
    run.expect_error("unknown-key", "kanava.yaml", 12);
    let human = run.human();
    assert!(human.contains("did you mean `nginx`?"), "{human}");
    assert!(human.contains("did you mean `users`?"), "{human}");

    // `hosting: { host, users }` are deploy-config's defaults.
    site.write(
        "kanava.yaml",
        &format!("{CONFIG}hosting: {{ host: apache, users: users.csv }}\n"),
    );
    let out = site.cli(&["deploy-config"]);
    assert_exit(&out, 0);
    assert!(
        site.root()
            .join("deploy/apache/kanava-apache.conf")
            .is_file()
    );
}

#[test]
fn a_site_without_audiences_is_protected_as_a_whole() {
    let site = TestSite::with_config("title: One\n");
    site.page("content/a.md", "title: A", "Text.\n");
    site.build().assert_clean();
    assert!(
        !site.exists("index.html") || !site.read("index.html").contains("Choose your partner site")
    );
    site.write(
        "users.csv",
        "user,audience,password\nanna,default,default-secret-1\n",
    );
    assert_exit(&deploy(&site, "nginx", &[]), 0);
    let conf = std::fs::read_to_string(site.root().join("deploy/nginx/kanava-nginx.conf")).unwrap();
    assert!(conf.contains("location ^~ / {"), "{conf}");
    assert!(conf.contains("auth_basic_user_file"), "{conf}");
}

// ---- the probe, against a scripted host --------------------------------------------------

/// A loopback HTTP server answering each request with `answer(path, authorization)`:
/// the status. Serves until the test ends (its thread is left behind).
fn scripted_host(answer: fn(&str, Option<&str>) -> u16) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
            let mut auth = None;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some(v) = header
                    .strip_prefix("authorization: ")
                    .or_else(|| header.strip_prefix("Authorization: "))
                {
                    auth = Some(v.trim().to_owned());
                }
            }
            let status = answer(&path, auth.as_deref());
            let mut stream = &stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
            );
        }
    });
    url
}

fn probe(site: &TestSite, url: &str) -> std::process::Output {
    site.cli(&[
        "probe",
        url,
        "--manifest",
        "deploy/nginx/deploy-probe.json",
        "--users",
        "users.csv",
    ])
}

#[test]
fn the_probe_fails_a_host_that_serves_everything_or_refuses_everyone() {
    let site = site();
    assert_exit(&deploy(&site, "nginx", &[]), 0);

    // A host that serves everything to anyone: every refusal fails, named.
    let out = probe(&site, &scripted_host(|_, _| 200));
    assert_exit(&out, 1);
    let report = stdout(&out);
    assert!(report.contains("FAIL  gold"), "{report}");
    assert!(
        report.contains("served without the audience's sign-in"),
        "{report}"
    );
    assert!(report.contains("/.kanava-output"), "{report}");

    // The same as JSON, for scripts: every request with its status and verdict.
    let serves_all = scripted_host(|_, _| 200);
    let out = site.cli(&[
        "probe",
        &serves_all,
        "--manifest",
        "deploy/nginx/deploy-probe.json",
        "--users",
        "users.csv",
        "--format",
        "json",
    ]);
    assert_exit(&out, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let rows = report["rows"].as_array().unwrap();
    let gold_anonymous = rows
        .iter()
        .find(|r| r["audience"] == "gold" && r["check"] == "page" && r["who"] == "anonymous")
        .unwrap();
    assert_eq!(gold_anonymous["status"], 200);
    assert_eq!(gold_anonymous["expect"], "refused");
    assert_eq!(gold_anonymous["passed"], false);

    // One that refuses everyone: the audiences' own users cannot read their sites.
    let out = probe(&site, &scripted_host(|_, _| 401));
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("the audience's own user cannot read it"),
        "{}",
        stdout(&out)
    );

    // One that checks the header, but answers 404 for unknown .pdf files before asking who
    // is there: the regex-location bypass.
    fn bypass(path: &str, auth: Option<&str>) -> u16 {
        use base64::Engine;
        let who = auth
            .and_then(|a| a.strip_prefix("Basic "))
            .and_then(|t| base64::engine::general_purpose::STANDARD.decode(t).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let audience = path.split('/').nth(1).unwrap_or("");
        if path.contains('.') && path.rsplit('/').next().unwrap_or("").starts_with('.') {
            return 403;
        }
        if audience == "public" || path == "/" {
            return if path.ends_with('/') && path != "/public/" && path != "/" {
                403
            } else {
                200
            };
        }
        if path.ends_with(".pdf") && path.contains("kanava-probe") {
            return 404;
        }
        let allowed = match (audience, who.as_deref()) {
            ("gold", Some("anna:gold-secret-1")) | ("silver", Some("sami:silver-secret-1")) => true,
            ("gold" | "silver", _) => return 401,
            _ => return 404,
        };
        if allowed && path.ends_with("_kanava/") {
            403
        } else {
            200
        }
    }
    let out = probe(&site, &scripted_host(bypass));
    assert_exit(&out, 1);
    let report = stdout(&out);
    let failures: Vec<&str> = report.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failures.len(), 2, "only the made-up PDFs fail:\n{report}");
    assert!(
        failures
            .iter()
            .all(|l| l.contains("kanava-probe-") && l.contains(".pdf")),
        "{report}"
    );
    assert!(
        report.contains("404, not 401: the request reached the files without a sign-in"),
        "{report}"
    );
}
